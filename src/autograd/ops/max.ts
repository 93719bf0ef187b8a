/**
 * `max` / `min` over dims — Math: y = max_{reduced dims} x (NaN propagates).
 * Subgradient at ties, as PyTorch:
 *  - one dim given as a number (`max(x, 1)`, torch.max(x, dim)): the whole gradient goes to the FIRST
 *    extreme element along that dim (the index torch.max returns);
 *  - all dims (`max(x)`, torch.max(x)) or a list of dims (`max(x, [0, 2])`, torch.amax): the gradient
 *    is split evenly over the tied extremes (a NaN extreme: over the NaN elements).
 * Reference: torch.max / torch.amax / torch.amin (derivatives.yaml). @example max(x, 1)
 */
import { binary, where } from '../../tensor/ops/elementwise.js';
import { reduce, sum, type ReduceOptions } from '../../tensor/ops/reduce.js';
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
  const gradMoved = Tensor.zeroed(moved.shape, x.dtype);
  for (let r = 0; r < outer; r++) gradMoved.data[r * size + idx[r]!] = gFlat[r]!;
  const inverse = new Array<number>(order.length);
  order.forEach((d, i) => (inverse[d] = i));
  return permute(gradMoved, inverse);
}

/** Gradient of a max/min over several dims: g split evenly over the elements equal to the extreme. */
function distributeEvenly(g: Tensor, x: Tensor, y: Tensor, dims: ReduceAttrs['dims'], keepDim: boolean): Tensor {
  const reduced = normalizeDims(dims, x.ndim, 'max');
  const keepShape = x.shape.map((s, d) => (reduced.includes(d) ? 1 : s));
  const yKeep = keepDim ? y : reshape(y, keepShape);
  const gKeep = keepDim ? g : reshape(g, keepShape);
  const hit = where(binary('ne', yKeep, yKeep), binary('ne', x, x), binary('eq', x, yKeep)); // NaN extreme: the NaNs
  const count = sum(hit, reduced, { keepDim: true });
  return where(hit, binary('div', gKeep, count), 0);
}

function defineExtremum(name: 'max' | 'min') {
  const op = defineOp<ReduceAttrs>({
    name,
    forward: ([x], a) => {
      const y = reduce(name, x!, a.dims, { keepDim: a.keepDim });
      return { output: y, save: [x!, y] };
    },
    backward: (g, { saved, attrs }) => [
      typeof attrs.dims === 'number'
        ? routeToArgExtreme(name === 'max' ? 'argmax' : 'argmin', g, saved[0]!, attrs.dims)
        : distributeEvenly(g, saved[0]!, saved[1]!, attrs.dims, attrs.keepDim),
    ],
  });
  return (x: Tensor, dims?: number | readonly number[], options: ReduceOptions = {}): Tensor =>
    op([x], { dims, keepDim: options.keepDim ?? false });
}

export const max = defineExtremum('max');
export const min = defineExtremum('min');
