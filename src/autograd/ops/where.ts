/**
 * `where` — Math: y = cond ? a : b (broadcast over all three); da = g·[cond], db = g·[¬cond];
 * cond gets no gradient. Reference: torch.where. @example where(gt(x, 0), x, 0)
 */
import { promoteWithScalar } from '../../tensor/dtype.js';
import { typed } from '../../tensor/dispatch.js';
import { scalarTensor, where as whereRaw } from '../../tensor/ops/elementwise.js';
import type { Tensor } from '../../tensor/tensor.js';
import { defineOp } from '../define-op.js';

const whereOp = defineOp<null>({
  name: 'where',
  forward: ([c, a, b]) => ({ output: whereRaw(c!, a!, b!), save: [c!] }),
  backward: (g, { saved, needsGrad }) => [
    null,
    needsGrad[1] ? whereRaw(saved[0]!, g, 0) : null,
    needsGrad[2] ? whereRaw(saved[0]!, 0, g) : null,
  ],
});

export type WhereFn = (condition: Tensor, a: Tensor | number, b: Tensor | number) => Tensor;

export const where: WhereFn = typed('where', {
  'Tensor, Tensor, Tensor': (c: Tensor, a: Tensor, b: Tensor) => whereOp([c, a, b], null),
  'Tensor, Tensor, number': (c: Tensor, a: Tensor, b: number) => whereOp([c, a, scalarTensor(b, promoteWithScalar(a.dtype, b))], null),
  'Tensor, number, Tensor': (c: Tensor, a: number, b: Tensor) => whereOp([c, scalarTensor(a, promoteWithScalar(b.dtype, a)), b], null),
  'Tensor, number, number': (c: Tensor, a: number, b: number) =>
    whereOp([c, scalarTensor(a, 'float32'), scalarTensor(b, 'float32')], null),
}) as WhereFn;
