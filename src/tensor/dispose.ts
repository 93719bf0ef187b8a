/**
 * `dispose(...tensors)`: the caller is done with these tensors and with every view of them; their
 * memory goes back to the storage pool (storage-pool.ts) for the next tensor of the same size, and any
 * later read of them throws. For per-step tensors the engine cannot see the end of, such as data
 * batches or evaluation logits (for a training step's activations see `disposeGraph`).
 * Arrays the caller supplied (`fromTypedArray`) are never pooled; only the tensor is invalidated.
 */
import { Tensor } from './tensor.js';
import { describe } from './shape.js';

/**
 * Releases the storage of each tensor (see the file header).
 *
 * @example
 * const { images, labels } = loader.batch(epoch, b);
 * // ... forward, backward, step ...
 * dispose(images, labels);
 */
export function dispose(...tensors: Tensor[]): void {
  tensors.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new TypeError(`dispose: argument ${i} must be a Tensor, got ${describe(t)}`);
  });
  for (const t of tensors) t.storage.release();
}
