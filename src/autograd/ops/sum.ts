/**
 * `sum` — Math: y = Σ_{reduced dims} x (float64 accumulation, fixed order); dx = g broadcast back.
 * Reference: torch.sum(x, dim, keepdim). @example sum(x, 1, { keepDim: true })
 */
import { reduce, type ReduceOptions } from '../../tensor/ops/reduce.js';
import type { Tensor } from '../../tensor/tensor.js';
import { defineOp } from '../define-op.js';
import { expandToInput, type ReduceAttrs } from './reduce-grad.js';

const sumOp = defineOp<ReduceAttrs>({
  name: 'sum',
  forward: ([x], a) => ({ output: reduce('sum', x!, a.dims, { keepDim: a.keepDim }) }),
  backward: (g, { inputs, attrs }) => [expandToInput(g, inputs[0]!.shape, attrs.dims)],
});

export function sum(x: Tensor, dims?: number | readonly number[], options: ReduceOptions = {}): Tensor {
  return sumOp([x], { dims, keepDim: options.keepDim ?? false });
}
