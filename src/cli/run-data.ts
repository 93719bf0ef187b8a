/**
 * The data a run needs: the fixed train/validation split of the training set, the test split
 * verified before training (a corrupt or missing file fails before any time is spent) and opened for
 * evaluation once at the end. Dataset file hashes are recorded by file name, not the machine's path.
 */
import { basename } from 'node:path';
import { subsetFirst, trainValSplit } from '../data/splits.js';
import { loadDataset } from '../data/registry.js';
import type { Dataset } from '../data/dataset.js';
import type { PqkdConfig } from '../pqkd/config.js';
import type { SplitData } from '../pqkd/teacher.js';
import { Generator } from '../tensor/random.js';
import type { RunManifest } from './run-schema.js';

/** Dataset file hashes keyed by file name (not the machine's path). */
function portableHashes(sha256: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(sha256).map(([k, v]) => [basename(k), v]));
}

/** Loads the training set and carves the fixed train/validation split. */
export function loadTrainSplit(config: PqkdConfig, manifest?: RunManifest): SplitData {
  const dataset = loadDataset(config.dataset, { split: 'train' });
  if (manifest) manifest.datasets[`${config.dataset}/train`] = { label: dataset.label, sha256: portableHashes(dataset.sha256) };
  const { train, val } = trainValSplit(dataset, { valSize: config.data.valSize, seed: config.splitSeed });
  const limited = config.data.trainLimit > 0 ? randomSubset(train, config.data.trainLimit, new Generator(config.splitSeed).fork('train-limit')) : train;
  return { dataset, train: limited, val, augment: config.dataset === 'cifar10' };
}

/**
 * `n` of `indices` chosen uniformly at random (seeded), in ascending order. A "first N" subset would
 * be a single class for datasets stored class by class (the CIFAR-10 copy is in folder order).
 */
export function randomSubset(indices: Int32Array, n: number, gen: Generator): Int32Array {
  if (n >= indices.length) return indices;
  const perm = gen.permutation(indices.length);
  const chosen = new Int32Array(n);
  for (let i = 0; i < n; i++) chosen[i] = indices[perm[i]!]!;
  return chosen.sort();
}

/**
 * Loads and verifies the test split before any training (a corrupt or missing file fails the run
 * before it has spent any time); the images are used only by `openTestSplit` at the end.
 */
export function verifyTestSplit(config: PqkdConfig, manifest?: RunManifest): Dataset {
  const dataset = loadDataset(config.dataset, { split: 'test' });
  if (manifest) manifest.datasets[`${config.dataset}/test`] = { label: dataset.label, sha256: portableHashes(dataset.sha256) };
  return dataset;
}

/** The test split's evaluation indices (only the final evaluation calls this). */
export function openTestSplit(config: PqkdConfig, verified?: Dataset): { dataset: Dataset; indices: Int32Array } {
  const dataset = verified ?? loadDataset(config.dataset, { split: 'test' });
  const all = subsetFirst(dataset, dataset.count);
  const indices = config.data.testLimit > 0 ? randomSubset(all, config.data.testLimit, new Generator(config.splitSeed).fork('test-limit')) : all;
  return { dataset, indices };
}
