/**
 * `expand` — Math: a stride-0 broadcast view; dx = g summed over the broadcast dims (done by the
 * engine's sumToShape). Reference: torch.Tensor.expand / torch.broadcast_to. @example expand(b, [4, 3])
 */
import type { Tensor } from '../../tensor/tensor.js';
import { expand as expandRaw } from '../../tensor/views.js';
import { defineOp } from '../define-op.js';

const expandOp = defineOp<{ shape: readonly number[] }>({
  name: 'expand',
  forward: ([x], { shape }) => ({ output: expandRaw(x!, shape) }),
  backward: (g) => [g],
});

export function expand(x: Tensor, shape: readonly number[]): Tensor {
  return expandOp([x], { shape });
}
export const broadcastTo = expand;
