/**
 * Evaluation and teacher-logit caching (eval mode, no gradients, fixed batch order).
 */
import { noGrad } from '../autograd/grad-mode.js';
import { crossEntropy } from '../autograd/functional/losses.js';
import { DataLoader } from '../data/loader.js';
import type { Dataset } from '../data/dataset.js';
import type { Module } from '../nn/module.js';
import { dispose } from '../tensor/dispose.js';
import { argmax } from '../tensor/ops/reduce.js';
import { Tensor } from '../tensor/tensor.js';

export interface EvalResult {
  loss: number;
  accuracy: number;
  count: number;
}

/** Mean cross-entropy and accuracy of `model` on `indices` of `dataset` (eval mode, restored after). */
export function evaluate(model: Module, dataset: Dataset, indices: ArrayLike<number>, batchSize = 500): EvalResult {
  const wasTraining = model.training;
  model.eval();
  const loader = new DataLoader(dataset, { batchSize, indices });
  let lossSum = 0;
  let correct = 0;
  let count = 0;
  try {
    noGrad(() => {
      for (const { images, labels } of loader) {
        const logits = model.forward(images);
        const n = labels.shape[0]!;
        lossSum += crossEntropy(logits, labels, { reduction: 'sum' }).item();
        const pred = argmax(logits, 1).data;
        const y = labels.data;
        for (let i = 0; i < n; i++) if (pred[i] === y[i]) correct++;
        count += n;
        dispose(images, labels); // the loader made them for this batch only
      }
    });
  } finally {
    if (wasTraining) model.train();
  }
  return { loss: count ? lossSum / count : NaN, accuracy: count ? correct / count : NaN, count };
}

/**
 * Teacher logits for every listed training image, computed once in eval mode and stored by
 * dataset index (valid while no augmentation changes the inputs).
 */
export class TeacherLogitCache {
  private readonly logits: Float32Array;
  private readonly done: Uint8Array;
  readonly classes: number;

  constructor(private readonly teacher: Module, private readonly dataset: Dataset) {
    this.classes = dataset.classes.length;
    this.logits = new Float32Array(dataset.count * this.classes);
    this.done = new Uint8Array(dataset.count);
  }

  /** Fills the cache for `indices` (batched). */
  fill(indices: ArrayLike<number>, batchSize = 500): void {
    const todo = Array.from(indices).filter((i) => !this.done[i]);
    if (todo.length === 0) return;
    const wasTraining = this.teacher.training;
    this.teacher.eval();
    const loader = new DataLoader(this.dataset, { batchSize, indices: todo });
    noGrad(() => {
      for (const batch of loader) {
        const out = this.teacher.forward(batch.images).contiguousData();
        batch.indices.forEach((idx, r) => {
          this.logits.set(out.subarray(r * this.classes, (r + 1) * this.classes), idx * this.classes);
          this.done[idx] = 1;
        });
      }
    });
    if (wasTraining) this.teacher.train();
  }

  /** The cached logits of a batch, [B, C] float32. */
  batch(indices: Int32Array): Tensor {
    const out = Tensor.zeroed([indices.length, this.classes], 'float32');
    indices.forEach((idx, r) => {
      if (!this.done[idx]) throw new Error(`TeacherLogitCache: logits of image ${idx} were not computed (call fill first)`);
      out.data.set(this.logits.subarray(idx * this.classes, (idx + 1) * this.classes), r * this.classes);
    });
    return out;
  }
}
