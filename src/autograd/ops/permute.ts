/**
 * `permute` — Math: y[i_p0, …] = x[i_0, …] (a strided view); dx = permute(g, inverse order).
 * `transpose(x, a, b)` is the composite swapping two dims. Reference: torch.permute, torch.transpose.
 * @example permute(x, [0, 2, 3, 1])
 */
import { normalizeDim } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { permute as permuteRaw } from '../../tensor/views.js';
import { defineOp } from '../define-op.js';

const permuteOp = defineOp<{ dims: readonly number[] }>({
  name: 'permute',
  forward: ([x], { dims }) => ({ output: permuteRaw(x!, dims) }),
  backward: (g, { attrs }) => {
    const inverse = new Array<number>(attrs.dims.length);
    attrs.dims.forEach((d, i) => (inverse[normalizeDim(d, attrs.dims.length, 'permute')] = i));
    return [permuteRaw(g, inverse)];
  },
});

export function permute(x: Tensor, dims: readonly number[]): Tensor {
  return permuteOp([x], { dims });
}

export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  if (x.ndim === 0) return permute(x, []);
  const a = normalizeDim(dim0, x.ndim, 'transpose', 'dim0');
  const b = normalizeDim(dim1, x.ndim, 'transpose', 'dim1');
  const order = Array.from({ length: x.ndim }, (_, i) => i);
  order[a] = b;
  order[b] = a;
  return permute(x, order);
}
