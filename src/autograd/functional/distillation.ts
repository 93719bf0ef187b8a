/**
 * Knowledge-distillation loss (Hinton et al. 2015), as PQKD uses it (docs/method.md §7):
 *   L = (1 − α)·CE(z_s, y) + α·T²·KL(softmax(z_t / T) ‖ softmax(z_s / T))     (KL 'batchmean')
 * The teacher logits are constants (no gradient). α = 0 is plain cross-entropy; T² keeps the soft
 * term's gradient scale independent of T.
 */
import { noGrad } from '../grad-mode.js';
import { binary } from '../../tensor/ops/elementwise.js';
import { shapeToString } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { add } from '../ops/add.js';
import { logSoftmax } from '../ops/log-softmax.js';
import { mul } from '../ops/mul.js';
import { crossEntropy, klDiv } from './losses.js';
import { softmax } from './softmax.js';

export interface DistillationOptions {
  /** Softening temperature T > 0. */
  temperature: number;
  /** Weight α in [0, 1] of the soft (teacher) term. */
  alpha: number;
}

export function distillationLoss(studentLogits: Tensor, teacherLogits: Tensor, labels: Tensor, options: DistillationOptions): Tensor {
  const { temperature: T, alpha } = options;
  if (!(T > 0) || !Number.isFinite(T)) throw new RangeError(`distillationLoss: temperature must be a positive number, got ${T}`);
  if (!(alpha >= 0 && alpha <= 1)) throw new RangeError(`distillationLoss: alpha must be in [0, 1], got ${alpha}`);
  if (studentLogits.ndim !== 2 || teacherLogits.ndim !== 2 || studentLogits.shape.some((s, i) => s !== teacherLogits.shape[i])) {
    throw new RangeError(`distillationLoss: student logits ${shapeToString(studentLogits.shape)} and teacher logits ${shapeToString(teacherLogits.shape)} must both be [N, C]`);
  }
  const hard = crossEntropy(studentLogits, labels);
  if (alpha === 0) return hard;
  const soft = noGrad(() => softmax(binary('div', teacherLogits, T), 1));
  const kl = klDiv(logSoftmax(mul(studentLogits, 1 / T), 1), soft, { reduction: 'batchmean' });
  return add(mul(hard, 1 - alpha), mul(kl, alpha * T * T));
}
