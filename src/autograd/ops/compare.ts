/**
 * Comparisons and other non-differentiable element-wise results (bool outputs carry no gradient):
 * eq, ne, lt, le, gt, ge, logicalNot, isnan; plus `detach` and in-place `assign`.
 * Reference: torch.eq … torch.ge, torch.Tensor.detach, torch.Tensor.copy_.
 * @example gt(x, 0)
 */
import { binary, scalarTensor, unary } from '../../tensor/ops/elementwise.js';
import { assignInto } from '../../tensor/ops/structure.js';
import { describe, shapeToString } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { publicBinary, type BinaryFn } from './binary-op.js';

export const eq: BinaryFn = publicBinary('eq', (a, b) => binary('eq', a, b));
export const ne: BinaryFn = publicBinary('ne', (a, b) => binary('ne', a, b));
export const lt: BinaryFn = publicBinary('lt', (a, b) => binary('lt', a, b));
export const le: BinaryFn = publicBinary('le', (a, b) => binary('le', a, b));
export const gt: BinaryFn = publicBinary('gt', (a, b) => binary('gt', a, b));
export const ge: BinaryFn = publicBinary('ge', (a, b) => binary('ge', a, b));

export function logicalNot(x: Tensor): Tensor {
  return unary('logicalNot', x);
}
export function isnan(x: Tensor): Tensor {
  return unary('isnan', x);
}

/** A tensor sharing `x`'s storage, cut from the graph (`torch.Tensor.detach`). */
export function detach(x: Tensor): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`detach: input must be a Tensor, got ${describe(x)}`);
  return new Tensor(x.storage, x.shape, x.strides, x.offset, x.dtype);
}

/**
 * Copies `value` (broadcast) into `target` in place and bumps its storage version, so a backward
 * that saved `target` will refuse to run (`torch.Tensor.copy_`). Not recorded by autograd.
 */
export function assign(target: Tensor, value: Tensor | number): Tensor {
  if (!(target instanceof Tensor)) throw new TypeError(`assign: target must be a Tensor, got ${describe(target)}`);
  if (typeof value !== 'number' && value.ndim > target.ndim) {
    throw new RangeError(`assign: cannot copy shape ${shapeToString(value.shape)} into ${shapeToString(target.shape)}`);
  }
  assignInto(target, typeof value === 'number' ? scalarTensor(value, target.dtype) : value);
  return target;
}
