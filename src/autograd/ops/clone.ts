/**
 * `clone` / `contiguous` — Math: y = x (a copy; `contiguous` copies only non-contiguous inputs);
 * dx = g. Reference: torch.clone, torch.Tensor.contiguous. @example contiguous(transpose(x, 0, 1))
 */
import type { Tensor } from '../../tensor/tensor.js';
import { clone as cloneRaw, contiguous as contiguousRaw } from '../../tensor/views.js';
import { defineOp } from '../define-op.js';

const cloneOp = defineOp<{ always: boolean }>({
  name: 'clone',
  forward: ([x], { always }) => ({ output: always ? cloneRaw(x!) : contiguousRaw(x!) }),
  backward: (g) => [g],
});

export function clone(x: Tensor): Tensor {
  return cloneOp([x], { always: true });
}
export function contiguous(x: Tensor): Tensor {
  return x.isContiguous() ? x : cloneOp([x], { always: false });
}
