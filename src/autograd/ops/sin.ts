/**
 * `sin` — Math: y = sin x; dx = g·cos x.
 * Reference: torch.sin. @example sin(tensor([0.5])).
 */
import { binary, unary } from '../../tensor/ops/elementwise.js';
import { defineUnaryOp } from './unary-op.js';

export const sin = defineUnaryOp('sin', (g, x) => binary('mul', g, unary('cos', x)));
