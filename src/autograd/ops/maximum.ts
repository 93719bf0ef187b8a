/**
 * `maximum` — Math: y = max(a, b) element-wise (NaN propagates); the gradient goes to the larger
 * operand, split g/2 each on ties, and to BOTH operands when a NaN makes them incomparable
 * (PyTorch's rule: where(a == b, g/2, g) with the strict loser masked to 0).
 * Reference: torch.maximum (derivatives.yaml). @example maximum(x, 0)
 */
import { binary, where } from '../../tensor/ops/elementwise.js';
import { defineBinaryOp } from './binary-op.js';
import type { Tensor } from '../../tensor/tensor.js';

/**
 * Gradient share of the first operand of max/min: 0 where it strictly loses, g/2 on ties, g
 * otherwise (it wins, or a NaN makes the pair incomparable), as PyTorch.
 */
export function extremumShare(g: Tensor, first: Tensor, second: Tensor, wins: 'gt' | 'lt'): Tensor {
  const half = binary('mul', g, 0.5);
  const loses = wins === 'gt' ? 'lt' : 'gt';
  return where(binary(loses, first, second), 0, where(binary('eq', first, second), half, g));
}

export const maximum = defineBinaryOp('maximum', (g, a, b, _y, { needsGrad }) => [
  needsGrad[0] ? extremumShare(g, a, b, 'gt') : null,
  needsGrad[1] ? extremumShare(g, b, a, 'gt') : null,
]);
