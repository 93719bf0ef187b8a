/** `sub` — Math: y = a − b (broadcast); da = g, db = −g. Reference: torch.sub. @example sub(x, y) */
import { unary } from '../../tensor/ops/elementwise.js';
import { defineBinaryOp } from './binary-op.js';

export const sub = defineBinaryOp('sub', (g, _a, _b, _y, { needsGrad }) => [g, needsGrad[1] ? unary('neg', g) : null]);
