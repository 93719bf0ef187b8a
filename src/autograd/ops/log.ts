/**
 * `log` — Math: y = ln x; dx = g / x (x = 0 gives ±Inf, x < 0 NaN).
 * Reference: torch.log. @example log(tensor([0.5])).
 */
import { binary } from '../../tensor/ops/elementwise.js';
import { defineUnaryOp } from './unary-op.js';

export const log = defineUnaryOp('log', (g, x) => binary('div', g, x));
