/**
 * Deterministic index sets over a dataset: the class-stratified train/validation split carved from
 * the training set (PQKD's gradient-free optimiser scores on validation; the test set is kept for
 * final numbers), the first-N subset and a seeded class-balanced subset. Every result is a sorted
 * Int32Array of sample indices (the loader shuffles), a pure function of its arguments.
 */
import { Generator } from '../tensor/random.js';
import type { Dataset } from './dataset.js';
import { DatasetError } from './errors.js';

function checkCount(op: string, arg: string, v: unknown, max: number): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0 || v > max) {
    throw new DatasetError('bad-argument', `${op}: ${arg} must be an integer in [0, ${max}], got ${String(v)}`);
  }
  return v;
}

function checkSeed(op: string, seed: unknown): number {
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0) {
    throw new DatasetError('bad-argument', `${op}: seed must be a non-negative safe integer, got ${String(seed)}`);
  }
  return seed;
}

/**
 * Sample indices of each class among `from` (default all), in the order given; out-of-range
 * indices are a `bad-argument` DatasetError.
 * @example indicesByClass(mnistTest)[0].length // 980
 */
export function indicesByClass(d: Dataset, from?: ArrayLike<number>): number[][] {
  const byClass = d.classes.map((): number[] => []);
  const n = from === undefined ? d.count : from.length;
  for (let k = 0; k < n; k++) {
    const i = from === undefined ? k : from[k]!;
    if (!Number.isInteger(i) || i < 0 || i >= d.count) {
      throw new DatasetError('bad-argument', `indices: entry ${k} is ${i}, expected an integer in [0, ${d.count})`);
    }
    byClass[d.labels[i]!]!.push(i);
  }
  return byClass;
}

function sorted(list: number[]): Int32Array {
  return Int32Array.from(list).sort();
}

/**
 * Splits the training set into train and validation indices, stratified by class: class k gets
 * ⌊valSize·n_k/N⌋ validation samples plus one more for the classes with the largest remainders
 * (ties to the lower class), chosen uniformly within the class by
 * `new Generator(seed).fork('trainValSplit').fork(k).permutation(n_k)`.
 * @example
 * const { train, val } = trainValSplit(mnistTrain, { valSize: 5000, seed: 0 });
 * train.length + val.length; // 60000
 */
export function trainValSplit(d: Dataset, options: { valSize?: number; seed: number }): { train: Int32Array; val: Int32Array } {
  const op = 'trainValSplit';
  const valSize = checkCount(op, 'valSize', options.valSize ?? 5000, d.count);
  const root = new Generator(checkSeed(op, options.seed)).fork(op);
  const byClass = indicesByClass(d);
  const N = d.count;
  const quota = byClass.map((list) => Math.floor((valSize * list.length) / N));
  const order = byClass.map((list, k) => ({ k, rem: (valSize * list.length) % N })).sort((a, b) => b.rem - a.rem || a.k - b.k);
  let missing = valSize - quota.reduce((s, q) => s + q, 0);
  for (const { k } of order) {
    if (missing === 0) break;
    quota[k]! += 1;
    missing -= 1;
  }
  const train: number[] = [];
  const val: number[] = [];
  byClass.forEach((list, k) => {
    const perm = root.fork(k).permutation(list.length);
    for (let j = 0; j < list.length; j++) (j < quota[k]! ? val : train).push(list[perm[j]!]!);
  });
  return { train: sorted(train), val: sorted(val) };
}

/**
 * The first `n` samples (of `from`, default of the dataset), in order.
 * @example subsetFirst(mnistTrain, 1000).length // 1000
 */
export function subsetFirst(d: Dataset, n: number, from?: ArrayLike<number>): Int32Array {
  const available = from === undefined ? d.count : from.length;
  checkCount('subsetFirst', 'n', n, available);
  if (from === undefined) return Int32Array.from({ length: n }, (_, i) => i);
  indicesByClass(d, from); // validates the indices
  return Int32Array.from({ length: n }, (_, i) => from[i]!);
}

/**
 * `perClass` samples of every class (of `from`, default all), chosen uniformly within each class by
 * `new Generator(seed).fork('subsetBalanced').fork(k).permutation(n_k)`; sorted. A class with fewer
 * than `perClass` samples is a `bad-argument` DatasetError.
 * @example subsetBalanced(mnistTrain, { perClass: 100, seed: 1 }).length // 1000
 */
export function subsetBalanced(d: Dataset, options: { perClass: number; seed: number; from?: ArrayLike<number> }): Int32Array {
  const op = 'subsetBalanced';
  const root = new Generator(checkSeed(op, options.seed)).fork(op);
  const byClass = indicesByClass(d, options.from);
  const perClass = checkCount(op, 'perClass', options.perClass, Number.MAX_SAFE_INTEGER);
  const out: number[] = [];
  byClass.forEach((list, k) => {
    if (list.length < perClass) {
      throw new DatasetError('bad-argument', `${op}: class ${k} (${d.classes[k]}) has ${list.length} samples, fewer than perClass = ${perClass}`);
    }
    const perm = root.fork(k).permutation(list.length);
    for (let j = 0; j < perClass; j++) out.push(list[perm[j]!]!);
  });
  return sorted(out);
}
