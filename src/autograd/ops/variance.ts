/**
 * `variance` — Math: y = Σ (x − x̄)² / (n − correction) over dims (two-pass, float64);
 * dx = g·2(x − x̄)/(n − correction). Reference: torch.var(x, dim, correction, keepdim).
 * @example variance(x, 0, { correction: 0 })
 */
import { binary } from '../../tensor/ops/elementwise.js';
import { reduce, type VarOptions } from '../../tensor/ops/reduce.js';
import type { Tensor } from '../../tensor/tensor.js';
import { defineOp } from '../define-op.js';
import { keepDimShape, reducedCount, type ReduceAttrs } from './reduce-grad.js';

interface VarAttrs extends ReduceAttrs {
  correction: number;
}

const varOp = defineOp<VarAttrs>({
  name: 'var',
  forward: ([x], a) => ({ output: reduce('var', x!, a.dims, { keepDim: a.keepDim, correction: a.correction }), save: [x!] }),
  backward: (g, { saved, attrs }) => {
    const x = saved[0]!;
    const n = reducedCount(x.shape, attrs.dims);
    const centered = binary('sub', x, reduce('mean', x, attrs.dims, { keepDim: true }));
    const scale = 2 / Math.max(0, n - attrs.correction);
    return [binary('mul', binary('mul', centered, scale), keepDimShape(g, x.shape, attrs.dims))];
  },
});

export function variance(x: Tensor, dims?: number | readonly number[], options: VarOptions = {}): Tensor {
  return varOp([x], { dims, keepDim: options.keepDim ?? false, correction: options.correction ?? 1 });
}
