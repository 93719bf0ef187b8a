/**
 * The training loop shared by the end-to-end tests: shuffled mini-batches of an MNIST subset, one
 * optimiser step per batch (with an optional per-batch scheduler), plus accuracy evaluation.
 * Everything random comes from explicit generators, so a run is a pure function of its seeds.
 */
import { noGrad } from '../../../src/autograd/grad-mode.js';
import { crossEntropy } from '../../../src/autograd/functional/losses.js';
import { argmax } from '../../../src/tensor/ops/reduce.js';
import type { Generator } from '../../../src/tensor/random.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import type { Module } from '../../../src/nn/module.js';
import { clipGradNorm } from '../../../src/nn/optim/clip.js';
import type { Optimizer } from '../../../src/nn/optim/optimizer.js';
import type { LRScheduler } from '../../../src/nn/optim/schedules.js';
import type { MnistSubset } from './mnist-mini.js';

const PIXELS = 28 * 28;

/** The images and labels at `indices` as an [n, 1, 28, 28] float32 batch and int32 labels. */
export function batchOf(data: MnistSubset, indices: ArrayLike<number>): { x: Tensor; y: Tensor } {
  const n = indices.length;
  const x = new Float32Array(n * PIXELS);
  const y = new Int32Array(n);
  for (let b = 0; b < n; b++) {
    const i = indices[b]!;
    x.set(data.images.subarray(i * PIXELS, (i + 1) * PIXELS), b * PIXELS);
    y[b] = data.labels[i]!;
  }
  return { x: Tensor.fromData(x, [n, 1, 28, 28], 'float32'), y: Tensor.fromData(y, [n], 'int32') };
}

export interface TrainSetup {
  model: Module;
  optimizer: Optimizer;
  scheduler?: LRScheduler;
  /** Its fork(`epoch:<e>`) draws epoch e's shuffle (pure: a resumed run needs no shuffle state). */
  shuffle: Generator;
  data: MnistSubset;
  batchSize: number;
  /** Clip the gradient norm to this before each step (none when absent). */
  clip?: number;
}

/** Batches per epoch (the last partial batch is dropped). */
export function batchesPerEpoch(s: TrainSetup): number {
  return Math.floor(s.data.count / s.batchSize);
}

/** Runs the global steps [start, stop) (step k is batch k mod B of epoch ⌊k/B⌋); returns the losses. */
export function train(s: TrainSetup, start: number, stop: number): number[] {
  const perEpoch = batchesPerEpoch(s);
  const losses: number[] = [];
  let epoch = -1;
  let perm: Int32Array = new Int32Array(0);
  s.model.train();
  for (let k = start; k < stop; k++) {
    const e = Math.floor(k / perEpoch);
    if (e !== epoch) {
      epoch = e;
      perm = s.shuffle.fork(`epoch:${e}`).permutation(s.data.count);
    }
    const b = k % perEpoch;
    const { x, y } = batchOf(s.data, perm.subarray(b * s.batchSize, (b + 1) * s.batchSize));
    const loss = crossEntropy(s.model.forward(x), y);
    s.optimizer.zeroGrad();
    loss.backward();
    if (s.clip !== undefined) clipGradNorm(s.model.parameters(), s.clip);
    s.optimizer.step();
    s.scheduler?.step();
    losses.push(loss.item());
  }
  return losses;
}

/** Fraction of `data` classified correctly (eval mode, no graph), in batches of 500. */
export function accuracy(model: Module, data: MnistSubset): number {
  model.eval();
  let correct = 0;
  noGrad(() => {
    for (let start = 0; start < data.count; start += 500) {
      const idx = Array.from({ length: Math.min(500, data.count - start) }, (_, k) => start + k);
      const { x, y } = batchOf(data, idx);
      const pred = argmax(model.forward(x), 1).contiguousData();
      for (let i = 0; i < idx.length; i++) if (pred[i] === y.data[i]) correct++;
    }
  });
  model.train();
  return correct / data.count;
}
