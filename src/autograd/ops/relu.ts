/**
 * `relu` — Math: y = max(x, 0); dx = g where x > 0 or x is NaN, else 0 (relu′(0) = 0; as torch's
 * threshold_backward, which masks only where the output is ≤ 0); NaN propagates in forward.
 * Reference: torch.relu. @example relu(tensor([0.5])).
 */
import { binary } from '../../tensor/ops/elementwise.js';
import { defineUnaryOp } from './unary-op.js';

export const relu = defineUnaryOp('relu', (g, x) => binary('reluGrad', g, x));
