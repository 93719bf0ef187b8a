/**
 * `minimum` — Math: y = min(a, b) element-wise (NaN propagates); gradient to the smaller operand,
 * g/2 each on ties. Reference: torch.minimum. @example minimum(x, 1)
 */
import { defineBinaryOp } from './binary-op.js';
import { extremumShare } from './maximum.js';

export const minimum = defineBinaryOp('minimum', (g, a, b, _y, { needsGrad }) => [
  needsGrad[0] ? extremumShare(g, a, b, 'lt') : null,
  needsGrad[1] ? extremumShare(g, b, a, 'lt') : null,
]);
