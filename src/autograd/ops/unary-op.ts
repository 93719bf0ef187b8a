/**
 * Shared builder for element-wise unary primitives: forward is the tensor-layer kernel, backward is
 * the op's own VJP `vjp(g, x, y)` (x the input, y the output), given in each op's file.
 */
import type { UnaryOp } from '../../tensor/kernels/elementwise.js';
import { unary } from '../../tensor/ops/elementwise.js';
import { describe } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { defineOp } from '../define-op.js';

export type UnaryVjp = (g: Tensor, x: Tensor, y: Tensor) => Tensor;

export function defineUnaryOp(name: UnaryOp, vjp: UnaryVjp): (x: Tensor) => Tensor {
  const op = defineOp<null>({
    name,
    forward: ([x]) => {
      const y = unary(name, x!);
      return { output: y, save: [x!, y] };
    },
    backward: (g, { saved }) => [vjp(g, saved[0]!, saved[1]!)],
  });
  return (x: Tensor) => {
    if (!(x instanceof Tensor)) throw new TypeError(`${name}: input must be a Tensor, got ${describe(x)}`);
    return op([x], null);
  };
}
