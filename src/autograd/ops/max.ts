/**
 * `max` / `min` over dims — Math: y = max_{reduced dims} x (NaN propagates).
 * Subgradient: the whole gradient goes to the FIRST extreme element in row-major order of the reduced
 * dims (engine-style.md rule 5; torch.max(dim) routes to its returned index likewise).
 * Reference: torch.amax/amin values, torch.max(dim) gradient routing. @example max(x, 1)
 */
import { reduce, type ReduceOptions } from '../../tensor/ops/reduce.js';
import { normalizeDims } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { permute, reshape } from '../../tensor/views.js';
import { defineOp } from '../define-op.js';
import type { ReduceAttrs } from './reduce-grad.js';

/** Gradient of a max/min reduction: g placed at the first arg-extreme of each reduced group. */
function routeToArgExtreme(which: 'argmax' | 'argmin', g: Tensor, x: Tensor, dims: ReduceAttrs['dims']): Tensor {
  const reduced = normalizeDims(dims, x.ndim, which);
  const kept = Array.from({ length: x.ndim }, (_, d) => d).filter((d) => !reduced.includes(d));
  const order = [...kept, ...reduced];
  let outer = 1;
  for (const d of kept) outer *= x.shape[d]!;
  const size = x.numel() / Math.max(outer, 1);
  const moved = permute(x, order);
  const rows = reshape(moved, [outer, size]);
  const idx = reduce(which, rows, 1).data;
  const gFlat = g.contiguousData();
  const gradMoved = Tensor.empty(moved.shape, x.dtype);
  for (let r = 0; r < outer; r++) gradMoved.data[r * size + idx[r]!] = gFlat[r]!;
  const inverse = new Array<number>(order.length);
  order.forEach((d, i) => (inverse[d] = i));
  return permute(gradMoved, inverse);
}

function defineExtremum(name: 'max' | 'min') {
  const op = defineOp<ReduceAttrs>({
    name,
    forward: ([x], a) => ({ output: reduce(name, x!, a.dims, { keepDim: a.keepDim }), save: [x!] }),
    backward: (g, { saved, attrs }) => [routeToArgExtreme(name === 'max' ? 'argmax' : 'argmin', g, saved[0]!, attrs.dims)],
  });
  return (x: Tensor, dims?: number | readonly number[], options: ReduceOptions = {}): Tensor =>
    op([x], { dims, keepDim: options.keepDim ?? false });
}

export const max = defineExtremum('max');
export const min = defineExtremum('min');
