/**
 * `maximum` — Math: y = max(a, b) element-wise (NaN propagates); the gradient goes to the larger
 * operand, split g/2 each on ties (PyTorch's rule). Reference: torch.maximum. @example maximum(x, 0)
 */
import { binary, where } from '../../tensor/ops/elementwise.js';
import { defineBinaryOp } from './binary-op.js';
import type { Tensor } from '../../tensor/tensor.js';

/** Gradient share of the first operand of max/min: g where it wins, g/2 on ties, 0 otherwise. */
export function extremumShare(g: Tensor, first: Tensor, second: Tensor, wins: 'gt' | 'lt'): Tensor {
  const half = binary('mul', g, 0.5);
  return where(binary(wins, first, second), g, where(binary('eq', first, second), half, 0));
}

export const maximum = defineBinaryOp('maximum', (g, a, b, _y, { needsGrad }) => [
  needsGrad[0] ? extremumShare(g, a, b, 'gt') : null,
  needsGrad[1] ? extremumShare(g, b, a, 'gt') : null,
]);
