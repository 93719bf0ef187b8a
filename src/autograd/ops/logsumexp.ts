/**
 * `logsumexp` — Math: y = m + ln Σ exp(x − m), m = max (stable); dx = g·exp(x − y) broadcast.
 * Reference: torch.logsumexp. @example logsumexp(x, 1)
 */
import { binary, unary } from '../../tensor/ops/elementwise.js';
import { reduce, type ReduceOptions } from '../../tensor/ops/reduce.js';
import type { Tensor } from '../../tensor/tensor.js';
import { defineOp } from '../define-op.js';
import { keepDimShape, type ReduceAttrs } from './reduce-grad.js';

const logsumexpOp = defineOp<ReduceAttrs>({
  name: 'logsumexp',
  forward: ([x], a) => {
    const y = reduce('logsumexp', x!, a.dims, { keepDim: a.keepDim });
    return { output: y, save: [x!, y] };
  },
  backward: (g, { saved, attrs }) => {
    const x = saved[0]!;
    const y = keepDimShape(saved[1]!, x.shape, attrs.dims);
    return [binary('mul', keepDimShape(g, x.shape, attrs.dims), unary('exp', binary('sub', x, y)))];
  },
});

export function logsumexp(x: Tensor, dims?: number | readonly number[], options: ReduceOptions = {}): Tensor {
  return logsumexpOp([x], { dims, keepDim: options.keepDim ?? false });
}
