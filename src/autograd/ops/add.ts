/** `add` — Math: y = a + b (broadcast); da = g, db = g. Reference: torch.add. @example add(x, 1) */
import { defineBinaryOp } from './binary-op.js';

export const add = defineBinaryOp('add', (g) => [g, g]);
