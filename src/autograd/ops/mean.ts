/**
 * `mean` — Math: y = (1/n) Σ_{reduced dims} x; dx = g/n broadcast back.
 * Reference: torch.mean(x, dim, keepdim). @example mean(x)
 */
import { binary } from '../../tensor/ops/elementwise.js';
import { reduce, type ReduceOptions } from '../../tensor/ops/reduce.js';
import type { Tensor } from '../../tensor/tensor.js';
import { defineOp } from '../define-op.js';
import { expandToInput, reducedCount, type ReduceAttrs } from './reduce-grad.js';

const meanOp = defineOp<ReduceAttrs>({
  name: 'mean',
  forward: ([x], a) => ({ output: reduce('mean', x!, a.dims, { keepDim: a.keepDim }) }),
  backward: (g, { inputs, attrs }) => {
    const shape = inputs[0]!.shape;
    return [expandToInput(binary('div', g, reducedCount(shape, attrs.dims)), shape, attrs.dims)];
  },
});

export function mean(x: Tensor, dims?: number | readonly number[], options: ReduceOptions = {}): Tensor {
  return meanOp([x], { dims, keepDim: options.keepDim ?? false });
}
