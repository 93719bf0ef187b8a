/**
 * `sigmoid` — Math: y = 1/(1 + e^−x) (overflow-free form); dx = g·y·(1 − y).
 * Reference: torch.sigmoid. @example sigmoid(tensor([0.5])).
 */
import { binary } from '../../tensor/ops/elementwise.js';
import { defineUnaryOp } from './unary-op.js';

export const sigmoid = defineUnaryOp('sigmoid', (g, _x, y) => binary('mul', g, binary('mul', y, binary('sub', 1, y))));
