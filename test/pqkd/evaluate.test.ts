// Chunked inference (src/pqkd/evaluate.ts): no forward pass runs on more than INFERENCE_CHUNK images
// (what keeps evaluation's activations small), and the results are those of one pass over the batch.
import { afterEach, describe, expect, it } from 'vitest';
import { crossEntropy } from '../../src/autograd/functional/losses.js';
import { noGrad } from '../../src/autograd/grad-mode.js';
import { DataLoader } from '../../src/data/loader.js';
import { batchCrossEntropy, evaluate, inferLogits, INFERENCE_CHUNK, TeacherLogitCache } from '../../src/pqkd/evaluate.js';
import { studentSpec, teacherSpec } from '../../src/pqkd/model-spec.js';
import { buildModel } from '../../src/pqkd/models.js';
import { Module } from '../../src/nn/module.js';
import { DEFAULT_PARALLEL_MIN_MACS, setNumThreads, setParallelMinMacs } from '../../src/tensor/parallel/threads.js';
import { Generator } from '../../src/tensor/random.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { mnistTrain } from './helpers.js';

/** Wraps a model and records the batch size of every forward call. */
class Recording extends Module {
  readonly sizes: number[] = [];
  readonly inner: Module;
  constructor(inner: Module) {
    super();
    this.inner = this.registerModule('inner', inner);
  }
  forward(x: Tensor): Tensor {
    this.sizes.push(x.shape[0]!);
    return this.inner.forward(x);
  }
}

const tSpec = teacherSpec('mnist', 8);
const teacher = (): Module => buildModel(tSpec, { generator: new Generator(11) });
const student = (): Module => {
  const s = buildModel(studentSpec(tSpec, 'partial', 4), { generator: new Generator(12), projectionSeed: 5, featureBins: [8, 8] });
  s.setFeature(Float64Array.from({ length: 16 }, (_, i) => (i % 5) / 7));
  return s;
};
// 300 images: two full chunks and a short one
const indices = Int32Array.from({ length: 2 * INFERENCE_CHUNK + 44 }, (_, i) => (i * 37) % 60000);

/** Logits of one forward pass over all images (the reference the chunks must reproduce). */
function onePass(model: Module, idx: Int32Array): { logits: Float32Array; labels: Tensor; out: Tensor } {
  const { images, labels } = new DataLoader(mnistTrain(), { batchSize: idx.length, indices: idx }).batch(0, 0);
  const out = noGrad(() => model.forward(images));
  return { logits: Float32Array.from(out.contiguousData()), labels, out };
}

afterEach(() => {
  setNumThreads(1);
  setParallelMinMacs(DEFAULT_PARALLEL_MIN_MACS);
});

describe('inferLogits', () => {
  it('runs no forward pass on more than INFERENCE_CHUNK images, in index order', () => {
    const m = new Recording(teacher());
    m.eval();
    const r = inferLogits(m, mnistTrain(), indices);
    expect(m.sizes).toEqual([INFERENCE_CHUNK, INFERENCE_CHUNK, 44]);
    expect(Array.from(r.labels)).toEqual(Array.from(indices, (i) => mnistTrain().labels[i]!));
  });

  for (const threads of [1, 2]) {
    it(`gives the bits of one pass over all images (teacher and photonic student, ${threads} thread(s))`, () => {
      setNumThreads(threads);
      setParallelMinMacs(0); // small models too run on the workers
      for (const model of [teacher(), student()]) {
        model.eval();
        const ref = onePass(model, indices).logits;
        for (const chunk of [INFERENCE_CHUNK, 50, 7]) {
          expect(inferLogits(model, mnistTrain(), indices, chunk).logits).toEqual(ref);
        }
      }
    });
  }

  it('the chunked batch loss and evaluation equal their one-pass values', () => {
    const model = student();
    model.eval();
    const ref = onePass(model, indices);
    const mean = crossEntropy(ref.out, ref.labels).item();
    expect(batchCrossEntropy(model, mnistTrain(), indices)).toBe(mean);
    // evaluate sums the loss per 500-image batch: with 300 images that is the one-pass sum
    const sum = crossEntropy(ref.out, ref.labels, { reduction: 'sum' }).item();
    const pred = noGrad(() => ref.out.contiguousData());
    let correct = 0;
    for (let r = 0; r < indices.length; r++) {
      const row = Array.from(pred.subarray(10 * r, 10 * r + 10));
      if (row.indexOf(Math.max(...row)) === mnistTrain().labels[indices[r]!]) correct++;
    }
    model.train();
    const e = evaluate(model, mnistTrain(), indices);
    expect(e).toEqual({ loss: sum / indices.length, accuracy: correct / indices.length, count: indices.length });
    expect(model.training).toBe(true); // mode restored
  });

  it('the teacher-logit cache stores the one-pass logits and fills in chunks', () => {
    const m = new Recording(teacher());
    const cache = new TeacherLogitCache(m, mnistTrain());
    cache.fill(indices);
    expect(Math.max(...m.sizes)).toBeLessThanOrEqual(INFERENCE_CHUNK);
    m.eval();
    const ref = onePass(m.inner, indices).logits;
    expect(cache.batch(indices).contiguousData()).toEqual(ref);
  });
});
