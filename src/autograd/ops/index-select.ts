/**
 * `indexSelect` — Math: y[…, j, …] = x[…, index[j], …] along dim; dx = index_add of g (repeated
 * indices accumulate, in index order). Reference: torch.index_select. @example indexSelect(x, 0, idx)
 */
import { indexAdd, indexSelect as indexSelectRaw } from '../../tensor/ops/indexing.js';
import { Tensor } from '../../tensor/tensor.js';
import { defineOp } from '../define-op.js';

const indexSelectOp = defineOp<{ dim: number }>({
  name: 'indexSelect',
  forward: ([x, index], { dim }) => ({ output: indexSelectRaw(x!, dim, index!), save: [index!] }),
  backward: (g, { inputs, saved, attrs }) => [indexAdd(Tensor.zeroed(inputs[0]!.shape, g.dtype), attrs.dim, saved[0]!, g), null],
});

export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  return indexSelectOp([x, index], { dim });
}
