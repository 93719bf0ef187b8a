/**
 * `Adam` (torch.optim.Adam, single-tensor path) and the core it shares with `AdamW`. At step t:
 *   g = g + λ·p                                  (Adam: L2 penalty in the gradient, when λ ≠ 0)
 *   p = p·(1 − lr·λ)                             (AdamW: decoupled decay, instead of the line above)
 *   m = lerp(m, g, 1 − β1)                       (torch.lerp: m + w·(g − m) for w < 0.5, else g − (g − m)·(1 − w))
 *   v = β2·v + (1 − β2)·g²
 *   v̂max = max(v̂max, v)                          (AMSGrad only; then v̂max replaces v below)
 *   p = p − (lr / (1 − β1^t)) · m / (√v / √(1 − β2^t) + ε)
 * m, v (and v̂max) start at 0 and are stored in the parameter's dtype; each stored value is rounded
 * once and the stored (rounded) m and v feed the parameter update, as in PyTorch.
 */
import type { FloatArray } from '../../tensor/dtype.js';
import { optimizerStateArrays, optimizerUpdate } from '../../tensor/kernel-dispatch.js';
import { Tensor } from '../../tensor/tensor.js';
import { checkHyper, Optimizer, type Hyperparameters, type ParamState } from './optimizer.js';

/** Options of `new Adam` / `new AdamW` (PyTorch defaults; weightDecay default 0 for Adam, 0.01 for AdamW). */
export interface AdamOptions {
  /** Default 1e-3. */
  lr?: number;
  /** (β1, β2), default [0.9, 0.999]. */
  betas?: [number, number];
  /** Default 1e-8. */
  eps?: number;
  /** λ. */
  weightDecay?: number;
  /** Use the maximum of past second moments (default false). */
  amsgrad?: boolean;
}

/** Adam or AdamW, chosen by `decoupledWeightDecay`. */
abstract class AdamCore extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly amsgrad: boolean;

  protected constructor(params: Iterable<Tensor>, options: AdamOptions, defaultWeightDecay: number, private readonly decoupled: boolean) {
    super(params, options.lr ?? 1e-3);
    const op = this.constructor.name;
    const betas = options.betas ?? [0.9, 0.999];
    if (!Array.isArray(betas) || betas.length !== 2) throw new RangeError(`${op}: betas must be a pair [beta1, beta2], got ${JSON.stringify(betas)}`);
    this.beta1 = checkHyper(op, 'betas[0]', betas[0], 0, 1);
    this.beta2 = checkHyper(op, 'betas[1]', betas[1], 0, 1);
    if (this.beta1 >= 1 || this.beta2 >= 1) throw new RangeError(`${op}: betas must be in [0, 1), got [${betas.join(', ')}]`);
    this.eps = checkHyper(op, 'eps', options.eps ?? 1e-8, 0);
    this.weightDecay = checkHyper(op, 'weightDecay', options.weightDecay ?? defaultWeightDecay, 0);
    this.amsgrad = options.amsgrad ?? false;
  }

  protected extraHyperparameters(): Hyperparameters {
    return { beta1: this.beta1, beta2: this.beta2, eps: this.eps, weightDecay: this.weightDecay, amsgrad: this.amsgrad };
  }

  protected bufferNames(): string[] {
    return this.amsgrad ? ['expAvg', 'expAvgSq', 'maxExpAvgSq'] : ['expAvg', 'expAvgSq'];
  }

  /** Per parameter, its float32 state arrays in kernel memory (null: ordinary buffers); made at the first call. */
  #resident: (Float32Array[] | null)[] | undefined;

  /**
   * The state of every float32 parameter lives in one kernel arena, allocated at the first update for all
   * of them (kernel-dispatch.ts `optimizerStateArrays`: the SIMD kernel then updates it in place); other
   * parameters, and every parameter on the JS path, get ordinary buffers.
   */
  protected override createBuffers(index: number): Record<string, Tensor> {
    const names = this.bufferNames();
    if (this.#resident === undefined) {
      const float32 = this.params.map((p) => p.dtype === 'float32');
      const lengths = this.params.flatMap((p, k) => (float32[k] ? names.map(() => p.numel()) : []));
      const arrays = lengths.length > 0 ? optimizerStateArrays(lengths) : null;
      let next = 0;
      this.#resident = float32.map((f) => (arrays !== null && f ? names.map(() => arrays[next++]!) : null));
    }
    const arrays = this.#resident[index];
    if (arrays === null || arrays === undefined) return super.createBuffers(index);
    const shape = this.params[index]!.shape;
    return Object.fromEntries(names.map((name, k) => [name, Tensor.fromData(arrays[k]!.fill(0), shape, 'float32')]));
  }

  protected update(p: FloatArray, g: FloatArray, state: ParamState): void {
    const m = state.buffers.expAvg!.data as FloatArray;
    const v = state.buffers.expAvgSq!.data as FloatArray;
    const vMax = this.amsgrad ? (state.buffers.maxExpAvgSq!.data as FloatArray) : null;
    // the dispatch layer runs the JS loop (tensor/kernels/optim-update.ts) or the SIMD kernel (same bits), on threads when large and shared
    optimizerUpdate({ kind: 'adamUpdate', p, g, m, v, vMax, o: {
      lr: this.lr, beta1: this.beta1, beta2: this.beta2, eps: this.eps, weightDecay: this.weightDecay,
      decoupled: this.decoupled, amsgrad: this.amsgrad, step: state.step,
    } });
  }
}

/**
 * Adam with L2 weight decay folded into the gradient.
 * @example const opt = new Adam(model.parameters(), { lr: 1e-3 });
 */
export class Adam extends AdamCore {
  constructor(params: Iterable<Tensor>, options: AdamOptions = {}) {
    super(params, options, 0, false);
  }
}

/**
 * AdamW: Adam with decoupled weight decay p ← p·(1 − lr·λ) (torch.optim.AdamW, λ default 0.01).
 * @example const opt = new AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.05 });
 */
export class AdamW extends AdamCore {
  constructor(params: Iterable<Tensor>, options: AdamOptions = {}) {
    super(params, options, 0.01, true);
  }
}
