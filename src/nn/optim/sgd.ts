/**
 * `SGD` with momentum, dampening, Nesterov and L2 weight decay (torch.optim.SGD, single-tensor path):
 *   d = g + λ·p
 *   b = d                              at a parameter's first step (momentum μ ≠ 0)
 *   b = μ·b + (1 − τ)·d                afterwards                     (τ: dampening)
 *   d = d + μ·b  (Nesterov)   or   d = b
 *   p = p − lr·d
 * Stored values (b, p) are rounded once to the parameter's dtype; d stays float64.
 */
import type { FloatArray } from '../../tensor/dtype.js';
import type { Tensor } from '../../tensor/tensor.js';
import { optimizerUpdate } from '../../tensor/kernel-dispatch.js';
import { checkHyper, Optimizer, type Hyperparameters, type ParamState } from './optimizer.js';

/** Options of `new SGD` (PyTorch defaults). */
export interface SGDOptions {
  lr: number;
  /** μ, default 0 (no momentum buffer). */
  momentum?: number;
  /** τ, default 0. */
  dampening?: number;
  /** λ, L2 penalty added to the gradient, default 0. */
  weightDecay?: number;
  /** Nesterov momentum (needs μ > 0 and τ = 0), default false. */
  nesterov?: boolean;
}

/**
 * Stochastic gradient descent.
 * @example
 * const opt = new SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
 * loss.backward(); opt.step(); opt.zeroGrad();
 */
export class SGD extends Optimizer {
  readonly momentum: number;
  readonly dampening: number;
  readonly weightDecay: number;
  readonly nesterov: boolean;

  constructor(params: Iterable<Tensor>, options: SGDOptions) {
    super(params, options?.lr);
    this.momentum = checkHyper('SGD', 'momentum', options.momentum ?? 0, 0);
    this.dampening = checkHyper('SGD', 'dampening', options.dampening ?? 0, -Infinity);
    this.weightDecay = checkHyper('SGD', 'weightDecay', options.weightDecay ?? 0, 0);
    this.nesterov = options.nesterov ?? false;
    if (this.nesterov && (this.momentum <= 0 || this.dampening !== 0)) {
      throw new RangeError(`SGD: Nesterov momentum requires momentum > 0 and dampening 0, got momentum ${this.momentum}, dampening ${this.dampening}`);
    }
  }

  protected extraHyperparameters(): Hyperparameters {
    return { momentum: this.momentum, dampening: this.dampening, weightDecay: this.weightDecay, nesterov: this.nesterov };
  }

  protected bufferNames(): string[] {
    return this.momentum !== 0 ? ['momentumBuffer'] : [];
  }

  protected update(p: FloatArray, g: FloatArray, state: ParamState): void {
    const buf = state.buffers.momentumBuffer?.data as FloatArray | undefined;
    // the dispatch layer runs the JS loop (tensor/kernels/optim-update.ts) or the SIMD kernel (same bits), on threads when large and shared
    optimizerUpdate({ kind: 'sgdUpdate', p, g, buf: buf ?? null, o: {
      lr: this.lr, weightDecay: this.weightDecay, momentum: this.momentum, dampening: this.dampening, nesterov: this.nesterov, first: state.step === 1,
    } });
  }
}
