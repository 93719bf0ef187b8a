/**
 * `pow` — Math: y = a^b (broadcast); da = g·b·a^(b−1), taken as 0 where b = 0 (PyTorch's
 * pow_backward_self, so a^0 at a = 0 has gradient 0 rather than 0·∞ = NaN); db = g·y·ln a, taken
 * as 0 where a = 0 and b ≥ 0 (PyTorch's convention, so x^2 at x = 0 has a finite exponent gradient).
 * Reference: torch.pow. @example pow(x, 2)
 */
import { binary, unary, where } from '../../tensor/ops/elementwise.js';
import { defineBinaryOp } from './binary-op.js';

export const pow = defineBinaryOp('pow', (g, a, b, y, { needsGrad }) => [
  needsGrad[0] ? where(binary('eq', b, 0), 0, binary('mul', g, binary('mul', b, binary('pow', a, binary('sub', b, 1))))) : null,
  needsGrad[1]
    ? where(
        binary('mul', binary('eq', a, 0), binary('ge', b, 0)),
        0,
        binary('mul', g, binary('mul', y, unary('log', a))),
      )
    : null,
]);
