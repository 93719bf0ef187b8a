/**
 * `cast` — Math: y = x converted to dtype; dx = g converted back (float targets only carry
 * gradients; casts to int32/bool are non-differentiable). Reference: torch.Tensor.to(dtype).
 * @example cast(x, 'float64')
 */
import { checkDType, isFloatDType, type DType } from '../../tensor/dtype.js';
import { cast as castRaw } from '../../tensor/ops/elementwise.js';
import type { Tensor } from '../../tensor/tensor.js';
import { defineOp } from '../define-op.js';
import { noGrad } from '../grad-mode.js';

const castOp = defineOp<{ dtype: DType }>({
  name: 'cast',
  forward: ([x], { dtype }) => ({ output: castRaw(x!, dtype) }),
  backward: (g, { inputs }) => [castRaw(g, inputs[0]!.dtype)],
});

export function cast(x: Tensor, dtype: DType): Tensor {
  checkDType(dtype, 'cast');
  if (!isFloatDType(dtype)) return noGrad(() => castOp([x], { dtype }));
  return castOp([x], { dtype });
}
