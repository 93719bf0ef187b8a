/**
 * `abs` — Math: y = |x|; dx = g·sign(x) (subgradient 0 at 0, as PyTorch).
 * Reference: torch.abs. @example abs(tensor([0.5])).
 */
import { binary, unary } from '../../tensor/ops/elementwise.js';
import { defineUnaryOp } from './unary-op.js';

export const abs = defineUnaryOp('abs', (g, x) => binary('mul', g, unary('sign', x)));
