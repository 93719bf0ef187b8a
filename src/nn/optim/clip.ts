/**
 * `clipGradNorm` (torch.nn.utils.clip_grad_norm_): the total norm of all gradients, taken as the
 * norm of the per-parameter norms, ‖(‖g₁‖, …, ‖gₙ‖)‖ₚ (p = 2 by default, or Infinity: max |g|);
 * then every gradient is scaled in place by min(1, maxNorm / (total + 1e-6)). Returns the total norm
 * from before clipping. Norms are accumulated in float64 in parameter order (deterministic).
 * Parameters without a gradient are skipped.
 */
import type { FloatArray } from '../../tensor/dtype.js';
import { describe } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';

/** Options of `clipGradNorm`. */
export interface ClipGradNormOptions {
  /** p of the norm: a finite p ≥ 1 or Infinity (default 2). */
  normType?: number;
  /** Throw when the total norm is NaN or infinite (default false: the gradients become NaN). */
  errorIfNonfinite?: boolean;
}

function vectorNorm(values: ArrayLike<number>, p: number): number {
  let acc = 0;
  if (p === Infinity) {
    for (let i = 0; i < values.length; i++) {
      const a = Math.abs(values[i]!);
      if (a > acc || Number.isNaN(a)) acc = a;
    }
    return acc;
  }
  if (p === 2) {
    for (let i = 0; i < values.length; i++) acc += values[i]! * values[i]!;
    return Math.sqrt(acc);
  }
  for (let i = 0; i < values.length; i++) acc += Math.abs(values[i]!) ** p;
  return acc ** (1 / p);
}

/**
 * Clips the gradients of `params` to a total norm of at most `maxNorm`; returns the norm before.
 * @example
 * loss.backward();
 * const norm = clipGradNorm(model.parameters(), 1.0);
 * opt.step();
 */
export function clipGradNorm(params: Iterable<Tensor>, maxNorm: number, options: ClipGradNormOptions = {}): number {
  const p = options.normType ?? 2;
  if (!(p === Infinity || (Number.isFinite(p) && p >= 1))) throw new RangeError(`clipGradNorm: normType must be >= 1 or Infinity, got ${describe(p)}`);
  if (typeof maxNorm !== 'number' || !(maxNorm >= 0)) throw new RangeError(`clipGradNorm: maxNorm must be a number >= 0, got ${describe(maxNorm)}`);
  const grads: Tensor[] = [];
  let index = 0;
  for (const t of params) {
    if (!(t instanceof Tensor)) throw new TypeError(`clipGradNorm: params[${index}] must be a Tensor, got ${describe(t)}`);
    const g = t.grad;
    if (g !== null) {
      if (!g.isContiguous() || g.offset !== 0 || g.data.length !== g.numel()) {
        throw new RangeError(`clipGradNorm: the gradient of params[${index}] is a view; gradients must own their storage`);
      }
      grads.push(g);
    }
    index++;
  }
  if (grads.length === 0) return 0;
  const perTensor = grads.map((g) => vectorNorm(g.data, p));
  const total = vectorNorm(perTensor, p);
  if (options.errorIfNonfinite && !Number.isFinite(total)) {
    throw new RangeError(`clipGradNorm: the total norm of order ${p} of the gradients is ${total}; pass errorIfNonfinite: false to clip anyway`);
  }
  const coef = Math.min(maxNorm / (total + 1e-6), 1);
  if (coef === 1) return total;
  for (const g of grads) {
    const data = g.data as FloatArray;
    for (let i = 0; i < data.length; i++) data[i] = data[i]! * coef;
    g.storage.bumpVersion();
  }
  return total;
}
