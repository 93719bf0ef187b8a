/**
 * `sqrt` — Math: y = √x; dx = g / (2y) (Inf at 0, as PyTorch).
 * Reference: torch.sqrt. @example sqrt(tensor([0.5])).
 */
import { binary } from '../../tensor/ops/elementwise.js';
import { defineUnaryOp } from './unary-op.js';

export const sqrt = defineUnaryOp('sqrt', (g, _x, y) => binary('div', g, binary('mul', y, 2)));
