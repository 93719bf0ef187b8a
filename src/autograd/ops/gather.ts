/**
 * `gather` — Math: y[i] = x[i with position dim replaced by index[i]]; dx = scatter_add of g at
 * the same positions (in row-major order of index). Reference: torch.gather.
 * @example gather(logProbs, 1, unsqueeze(labels, 1))
 */
import { gather as gatherRaw, scatterAdd } from '../../tensor/ops/indexing.js';
import { Tensor } from '../../tensor/tensor.js';
import { defineOp } from '../define-op.js';

const gatherOp = defineOp<{ dim: number }>({
  name: 'gather',
  forward: ([x, index], { dim }) => ({ output: gatherRaw(x!, dim, index!), save: [index!] }),
  backward: (g, { inputs, saved, attrs }) => [scatterAdd(Tensor.zeroed(inputs[0]!.shape, g.dtype), attrs.dim, saved[0]!, g), null],
});

export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  return gatherOp([x, index], { dim });
}
