/**
 * `reshape` / `view` — Math: same elements in row-major order, new shape (one −1 inferred);
 * dx = g reshaped to the input shape. `view` requires a contiguous input (no copy ever); `reshape`
 * copies when the layout is not viewable. Reference: torch.reshape, torch.Tensor.view.
 * @example reshape(x, [2, -1]); reshape(x, 2, 3)
 */
import { typed } from '../../tensor/dispatch.js';
import type { Tensor } from '../../tensor/tensor.js';
import { reshape as reshapeRaw, view as viewRaw } from '../../tensor/views.js';
import { defineOp } from '../define-op.js';

const reshapeOp = defineOp<{ shape: readonly number[]; viewOnly: boolean }>({
  name: 'reshape',
  forward: ([x], { shape, viewOnly }) => ({ output: viewOnly ? viewRaw(x!, shape) : reshapeRaw(x!, shape) }),
  backward: (g, { inputs }) => [reshapeRaw(g, inputs[0]!.shape)],
});

export type ReshapeFn = {
  (x: Tensor, shape: readonly number[]): Tensor;
  (x: Tensor, ...dims: number[]): Tensor;
};

export const reshape: ReshapeFn = typed('reshape', {
  'Tensor, Array': (x: Tensor, s: number[]) => reshapeOp([x], { shape: s, viewOnly: false }),
  'Tensor, ...number': (x: Tensor, s: number[]) => reshapeOp([x], { shape: s, viewOnly: false }),
}) as ReshapeFn;

export const view: ReshapeFn = typed('view', {
  'Tensor, Array': (x: Tensor, s: number[]) => reshapeOp([x], { shape: s, viewOnly: true }),
  'Tensor, ...number': (x: Tensor, s: number[]) => reshapeOp([x], { shape: s, viewOnly: true }),
}) as ReshapeFn;

/** Merges dims startDim..endDim (`torch.flatten`), a composite of reshape. @example flatten(x, 1) */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  if (x.ndim === 0) return reshape(x, [1]);
  const nd = x.ndim;
  const s = startDim < 0 ? startDim + nd : startDim;
  const e = endDim < 0 ? endDim + nd : endDim;
  if (!(s >= 0 && e < nd && s <= e)) {
    throw new RangeError(`flatten: need 0 <= startDim <= endDim < ${nd}, got startDim ${startDim}, endDim ${endDim}`);
  }
  let merged = 1;
  for (let d = s; d <= e; d++) merged *= x.shape[d]!;
  return reshape(x, [...x.shape.slice(0, s), merged, ...x.shape.slice(e + 1)]);
}
