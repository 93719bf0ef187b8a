/**
 * `squeeze` / `unsqueeze` — Math: remove / insert size-1 dims (views); dx = g reshaped to the
 * input shape. Reference: torch.squeeze, torch.unsqueeze. @example unsqueeze(x, 0)
 */
import type { Tensor } from '../../tensor/tensor.js';
import { reshape, squeeze as squeezeRaw, unsqueeze as unsqueezeRaw } from '../../tensor/views.js';
import { defineOp } from '../define-op.js';

const squeezeOp = defineOp<{ dim: number | undefined }>({
  name: 'squeeze',
  forward: ([x], { dim }) => ({ output: squeezeRaw(x!, dim) }),
  backward: (g, { inputs }) => [reshape(g, inputs[0]!.shape)],
});

const unsqueezeOp = defineOp<{ dim: number }>({
  name: 'unsqueeze',
  forward: ([x], { dim }) => ({ output: unsqueezeRaw(x!, dim) }),
  backward: (g, { inputs }) => [reshape(g, inputs[0]!.shape)],
});

export function squeeze(x: Tensor, dim?: number): Tensor {
  return squeezeOp([x], { dim });
}
export function unsqueeze(x: Tensor, dim: number): Tensor {
  return unsqueezeOp([x], { dim });
}
