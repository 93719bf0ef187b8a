/**
 * `softmax` — composite: exp(logSoftmax(x, dim)) (its gradient follows from the primitives).
 * Reference: torch.softmax. @example softmax(logits, 1)
 */
import type { Tensor } from '../../tensor/tensor.js';
import { exp } from '../ops/exp.js';
import { logSoftmax } from '../ops/log-softmax.js';

export function softmax(x: Tensor, dim = -1): Tensor {
  return exp(logSoftmax(x, dim));
}
