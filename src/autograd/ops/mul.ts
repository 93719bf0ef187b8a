/** `mul` — Math: y = a·b (broadcast); da = g·b, db = g·a. Reference: torch.mul. @example mul(x, 2) */
import { binary } from '../../tensor/ops/elementwise.js';
import { defineBinaryOp } from './binary-op.js';

export const mul = defineBinaryOp('mul', (g, a, b, _y, { needsGrad }) => [
  needsGrad[0] ? binary('mul', g, b) : null,
  needsGrad[1] ? binary('mul', g, a) : null,
]);
