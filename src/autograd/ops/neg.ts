/**
 * `neg` — Math: y = −x; dx = −g.
 * Reference: torch.neg. @example neg(tensor([0.5])).
 */
import { unary } from '../../tensor/ops/elementwise.js';
import { defineUnaryOp } from './unary-op.js';

export const neg = defineUnaryOp('neg', (g) => unary('neg', g));
