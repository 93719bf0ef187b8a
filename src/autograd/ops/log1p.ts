/**
 * `log1p` — Math: y = ln(1 + x); dx = g / (1 + x).
 * Reference: torch.log1p. @example log1p(tensor([0.5])).
 */
import { binary } from '../../tensor/ops/elementwise.js';
import { defineUnaryOp } from './unary-op.js';

export const log1p = defineUnaryOp('log1p', (g, x) => binary('div', g, binary('add', x, 1)));
