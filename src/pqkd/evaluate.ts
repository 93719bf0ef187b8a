/**
 * Evaluation and teacher-logit caching (eval mode, no gradients, fixed batch order).
 *
 * Memory: every inference here runs the model on at most INFERENCE_CHUNK images at a time
 * (`inferLogits`) and gathers the logits, whatever batch the caller's loss is computed over (the
 * 500-image evaluation batches, the SPSA objective's 256–512). An image's logits do not depend on
 * which images share its forward pass (per-image convolutions, eval-mode batch norm from running
 * statistics, GEMM rows with a fixed reduction order), so the losses keep their bits; what changes is
 * that the activations of a 500-image pass (50 MB per width-32 layer output at 28×28) are never made,
 * and the storage pool does not keep arrays of such shapes next to the training step's.
 */
import { noGrad } from '../autograd/grad-mode.js';
import { crossEntropy } from '../autograd/functional/losses.js';
import { DataLoader } from '../data/loader.js';
import type { Dataset } from '../data/dataset.js';
import type { Module } from '../nn/module.js';
import { dispose } from '../tensor/dispose.js';
import { argmax } from '../tensor/ops/reduce.js';
import { fromTypedArray } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';

/** Most images one inference forward pass runs on (see the header). */
export const INFERENCE_CHUNK = 128;

/** Logits [n, C] of the listed images (row r is image indices[r]) and their labels [n]. */
export interface InferenceResult {
  logits: Float32Array;
  labels: Int32Array;
  classes: number;
}

/**
 * Runs `model` (in its current mode, without gradients) on the listed images INFERENCE_CHUNK (or
 * `chunk`) at a time and gathers the logits; every chunk's batch and output go back to the pool.
 * @example
 * const { logits } = inferLogits(teacher, mnistTest, [0, 1, 2]); // 30 floats
 */
export function inferLogits(model: Module, dataset: Dataset, indices: ArrayLike<number>, chunk = INFERENCE_CHUNK): InferenceResult {
  const n = indices.length;
  const classes = dataset.classes.length;
  const logits = new Float32Array(n * classes);
  const labels = new Int32Array(n);
  const loader = new DataLoader(dataset, { batchSize: Math.max(1, Math.min(chunk, n)), indices });
  let row = 0;
  noGrad(() => {
    for (const batch of loader) {
      const out = model.forward(batch.images);
      const m = batch.indices.length;
      if (out.shape.length !== 2 || out.shape[0] !== m || out.shape[1] !== classes) {
        throw new Error(`inferLogits: the model returned shape [${out.shape.join(', ')}] for ${m} images, expected [${m}, ${classes}]`);
      }
      logits.set(out.contiguousData(), row * classes);
      labels.set(batch.labels.data, row);
      row += m;
      dispose(batch.images, batch.labels, out);
    }
  });
  return { logits, labels, classes };
}

/**
 * Mean cross-entropy of `model` on the listed images as one batch, computed from chunked inference
 * (the same value as one forward pass over all of them).
 * @example
 * const f = batchCrossEntropy(student, mnistTrain, valMinibatch); // eval mode: set by the caller
 */
export function batchCrossEntropy(model: Module, dataset: Dataset, indices: ArrayLike<number>): number {
  const r = inferLogits(model, dataset, indices);
  const n = r.labels.length;
  return crossEntropy(fromTypedArray(r.logits, [n, r.classes]), fromTypedArray(r.labels, [n])).item();
}

export interface EvalResult {
  loss: number;
  accuracy: number;
  count: number;
}

/** Mean cross-entropy and accuracy of `model` on `indices` of `dataset` (eval mode, restored after). */
export function evaluate(model: Module, dataset: Dataset, indices: ArrayLike<number>, batchSize = 500): EvalResult {
  const wasTraining = model.training;
  model.eval();
  let lossSum = 0;
  let correct = 0;
  let count = 0;
  try {
    const r = inferLogits(model, dataset, indices);
    const C = r.classes;
    noGrad(() => {
      // the loss is summed per `batchSize` images, as when each batch was one forward pass
      for (let start = 0; start < r.labels.length; start += batchSize) {
        const n = Math.min(batchSize, r.labels.length - start);
        const logits = fromTypedArray(r.logits.slice(start * C, (start + n) * C), [n, C]);
        const y = r.labels.subarray(start, start + n);
        lossSum += crossEntropy(logits, fromTypedArray(y.slice(), [n]), { reduction: 'sum' }).item();
        const pred = argmax(logits, 1).data;
        for (let i = 0; i < n; i++) if (pred[i] === y[i]) correct++;
        count += n;
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

  /** Fills the cache for `indices` (in chunks of at most `batchSize` images, INFERENCE_CHUNK by default). */
  fill(indices: ArrayLike<number>, batchSize = INFERENCE_CHUNK): void {
    const todo = Array.from(indices).filter((i) => !this.done[i]);
    if (todo.length === 0) return;
    const wasTraining = this.teacher.training;
    this.teacher.eval();
    try {
      const { logits } = inferLogits(this.teacher, this.dataset, todo, batchSize);
      todo.forEach((idx, r) => {
        this.logits.set(logits.subarray(r * this.classes, (r + 1) * this.classes), idx * this.classes);
        this.done[idx] = 1;
      });
    } finally {
      if (wasTraining) this.teacher.train();
    }
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
