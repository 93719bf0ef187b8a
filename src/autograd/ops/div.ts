/**
 * `div` — Math: y = a / b (true division, broadcast); da = g / b, db = −g·a / b² = −g·y / b.
 * Special values: b = 0 gives ±Inf/NaN as IEEE division. Reference: torch.div. @example div(x, 2)
 */
import { binary, unary } from '../../tensor/ops/elementwise.js';
import { defineBinaryOp } from './binary-op.js';

export const div = defineBinaryOp('div', (g, _a, b, y, { needsGrad }) => [
  needsGrad[0] ? binary('div', g, b) : null,
  needsGrad[1] ? unary('neg', binary('div', binary('mul', g, y), b)) : null,
]);
