/**
 * `cos` — Math: y = cos x; dx = −g·sin x.
 * Reference: torch.cos. @example cos(tensor([0.5])).
 */
import { binary, unary } from '../../tensor/ops/elementwise.js';
import { defineUnaryOp } from './unary-op.js';

export const cos = defineUnaryOp('cos', (g, x) => unary('neg', binary('mul', g, unary('sin', x))));
