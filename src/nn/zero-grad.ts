/**
 * Clearing gradients, shared by `Module.zeroGrad` and `Optimizer.zeroGrad` (PyTorch's
 * `zero_grad(set_to_none=True)`): null by default, or zero-filled in place with `setToNone: false`.
 */
import { describe } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';

/** Options of `zeroGrad`. */
export interface ZeroGradOptions {
  /**
   * true (default): set each `.grad` to null. false: fill it with zeros in place (its storage is kept
   * and the next backward accumulates into it, so a steady training loop allocates no gradients).
   */
  setToNone?: boolean;
}

/** Applies `zeroGrad` to `params` (see ZeroGradOptions). */
export function zeroGradients(params: Iterable<Tensor>, options: ZeroGradOptions, op: string): void {
  const setToNone = options.setToNone ?? true;
  if (typeof setToNone !== 'boolean') throw new TypeError(`${op}: options.setToNone must be a boolean, got ${describe(setToNone)}`);
  for (const p of params) {
    if (p.grad === null) continue;
    if (setToNone) {
      p.grad = null;
    } else {
      p.grad.data.fill(0);
      p.grad.storage.bumpVersion();
    }
  }
}
