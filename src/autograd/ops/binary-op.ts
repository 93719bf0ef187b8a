/**
 * Shared builder for element-wise binary primitives with broadcasting. The public function is a
 * typed-function dispatcher over `Tensor | number` in either position (docs/engine.md rule 14): a
 * number becomes a 0-d constant of the promoted dtype (no gradient). Backward returns gradients of
 * the broadcast shape; the engine sums them back to each input's shape.
 */
import type { BinaryOp } from '../../tensor/kernels/elementwise.js';
import { binary, scalarTensor } from '../../tensor/ops/elementwise.js';
import { promoteWithScalar } from '../../tensor/dtype.js';
import { typed } from '../../tensor/dispatch.js';
import type { Tensor } from '../../tensor/tensor.js';
import { defineOp, type BackwardContext } from '../define-op.js';

export type BinaryFn = (a: Tensor | number, b: Tensor | number) => Tensor;
export type BinaryVjp = (g: Tensor, a: Tensor, b: Tensor, y: Tensor, ctx: BackwardContext<null>) => readonly (Tensor | null)[];

export function defineBinaryOp(name: BinaryOp, vjp: BinaryVjp): BinaryFn {
  const op = defineOp<null>({
    name,
    forward: ([a, b]) => {
      const y = binary(name, a!, b!);
      return { output: y, save: [a!, b!, y] };
    },
    backward: (g, ctx) => vjp(g, ctx.saved[0]!, ctx.saved[1]!, ctx.saved[2]!, ctx),
  });
  return publicBinary(name, (a, b) => op([a, b], null));
}

/** The typed-function front of a binary op. */
export function publicBinary(name: string, apply: (a: Tensor, b: Tensor) => Tensor): BinaryFn {
  return typed(name, {
    'Tensor, Tensor': apply,
    'Tensor, number': (a: Tensor, b: number) => apply(a, scalarTensor(b, promoteWithScalar(a.dtype, b))),
    'number, Tensor': (a: number, b: Tensor) => apply(scalarTensor(a, promoteWithScalar(b.dtype, a)), b),
  }) as BinaryFn;
}
