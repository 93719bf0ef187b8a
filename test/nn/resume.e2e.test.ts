/**
 * End-to-end determinism (issue #3, item 6), on real MNIST batches with every stateful piece in play:
 * BatchNorm running statistics, seeded Dropout, AdamW moments, a warm-up + cosine schedule, gradient
 * clipping, and per-epoch shuffles.
 *  - two runs with the same seed give bit-identical weights, optimiser state and generator state;
 *  - save (mid-epoch) -> load into a model built from ANOTHER seed -> continue equals the
 *    uninterrupted run bit for bit (we compare the whole checkpoint bytes: weights, buffers,
 *    optimiser moments and steps, lr schedule and generator states).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Generator } from '../../src/tensor/random.js';
import {
  AdamW, BatchNorm2d, Conv2d, Dropout, Flatten, Linear, MaxPool2d, ReLU, Sequential, loadCheckpoint, saveCheckpoint, warmupCosine,
} from '../../src/nn/index.js';
import { loadMnist } from './helpers/mnist-mini.js';
import { train, type TrainSetup } from './helpers/train-loop.js';

const data = loadMnist('train', 512);
const TOTAL_STEPS = 40; // 16 batches of 32 per epoch: 2.5 epochs
const INTERRUPT_AT = 21; // mid-epoch

interface Run extends TrainSetup {
  generators: { shuffle: Generator; dropout: Generator };
}

function build(seed: number): Run {
  const g = new Generator(seed);
  const dropout = g.fork('dropout');
  const model = new Sequential(
    new Conv2d(1, 4, 3, { padding: 1, generator: g }), new BatchNorm2d(4), new ReLU(), new MaxPool2d(2),
    new Conv2d(4, 8, 3, { padding: 1, generator: g }), new ReLU(), new MaxPool2d(2),
    new Flatten(), new Dropout({ p: 0.2, generator: dropout }), new Linear(392, 10, { generator: g }),
  );
  const optimizer = new AdamW(model.parameters(), { lr: 3e-3, weightDecay: 0.05 });
  const scheduler = warmupCosine(optimizer, { warmupSteps: 5, totalSteps: TOTAL_STEPS });
  const shuffle = g.fork('shuffle');
  return { model, optimizer, scheduler, shuffle, data, batchSize: 32, clip: 1, generators: { shuffle, dropout } };
}

const snapshot = (r: Run): Uint8Array =>
  saveCheckpoint({ model: r.model, optimizer: r.optimizer, scheduler: r.scheduler!, generator: r.generators });

describe('training determinism and exact resumption', () => {
  let reference: Run;
  let referenceLosses: number[];
  let referenceBytes: Uint8Array;
  beforeAll(() => {
    reference = build(42);
    referenceLosses = train(reference, 0, TOTAL_STEPS);
    referenceBytes = snapshot(reference);
  });

  it('two runs with the same seed end bit-identical; another seed does not', () => {
    const again = build(42);
    const losses = train(again, 0, TOTAL_STEPS);
    expect(losses).toEqual(referenceLosses);
    expect(snapshot(again)).toEqual(referenceBytes);
    const other = build(43);
    train(other, 0, TOTAL_STEPS);
    expect(snapshot(other)).not.toEqual(referenceBytes);
    expect(referenceLosses.slice(-5).reduce((a, b) => a + b)).toBeLessThan(referenceLosses.slice(0, 5).reduce((a, b) => a + b));
  });

  it('save mid-epoch -> load into a differently seeded model -> continue equals the uninterrupted run', () => {
    const first = build(42);
    const lossesBefore = train(first, 0, INTERRUPT_AT);
    const bytes = saveCheckpoint({ model: first.model, optimizer: first.optimizer, scheduler: first.scheduler!, generator: first.generators, extra: { step: INTERRUPT_AT } });
    const resumed = build(7);
    const { extra } = loadCheckpoint(bytes, { model: resumed.model, optimizer: resumed.optimizer, scheduler: resumed.scheduler!, generator: resumed.generators });
    expect(extra).toEqual({ step: INTERRUPT_AT });
    const lossesAfter = train(resumed, (extra as { step: number }).step, TOTAL_STEPS);
    expect([...lossesBefore, ...lossesAfter]).toEqual(referenceLosses);
    expect(snapshot(resumed)).toEqual(referenceBytes);
    // Parts compared one by one too, so a failure says which state diverged.
    const want = reference.model.stateDict();
    for (const [key, t] of Object.entries(resumed.model.stateDict())) expect(t.data, key).toEqual(want[key]!.data);
    expect(resumed.optimizer.stateDict()).toEqual(reference.optimizer.stateDict());
    expect(resumed.generators.dropout.getState()).toEqual(reference.generators.dropout.getState());
  });
});
