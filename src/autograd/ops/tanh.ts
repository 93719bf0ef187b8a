/**
 * `tanh` — Math: y = tanh x; dx = g·(1 − y²).
 * Reference: torch.tanh. @example tanh(tensor([0.5])).
 */
import { binary } from '../../tensor/ops/elementwise.js';
import { defineUnaryOp } from './unary-op.js';

export const tanh = defineUnaryOp('tanh', (g, _x, y) => binary('mul', g, binary('sub', 1, binary('mul', y, y))));
