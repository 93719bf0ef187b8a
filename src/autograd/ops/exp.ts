/**
 * `exp` — Math: y = eˣ; dx = g·y.
 * Reference: torch.exp. @example exp(tensor([0.5])).
 */
import { binary } from '../../tensor/ops/elementwise.js';
import { defineUnaryOp } from './unary-op.js';

export const exp = defineUnaryOp('exp', (g, _x, y) => binary('mul', g, y));
