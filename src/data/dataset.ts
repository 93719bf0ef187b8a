/**
 * The in-memory dataset record every loader returns and every consumer (DataLoader, splits, stats)
 * takes: images stay uint8 NCHW (MNIST train is 47 MB as bytes, 188 MB as float32); batches are
 * converted to float32 on the fly (./normalise.ts).
 */
import { DatasetError } from './errors.js';

export type Split = 'train' | 'test';

export interface Dataset {
  /** Registry name ('mnist', 'fashion-mnist', 'cifar10') or a caller's name for custom data. */
  name: string;
  split: Split;
  /** How results on this data must be labelled, e.g. 'CIFAR-10 (JPEG q75 copy)'. */
  label: string;
  /** count·channels·height·width bytes, NCHW. */
  images: Uint8Array;
  /** count bytes, each < classes.length. */
  labels: Uint8Array;
  count: number;
  channels: number;
  height: number;
  width: number;
  /** Class names; label k is classes[k]. */
  classes: string[];
  /** Per-channel mean and std of the pixels scaled to [0, 1] (the normalisation constants). */
  mean: number[];
  std: number[];
  /** SHA-256 (hex) of each source file read, keyed by its path. */
  sha256: Record<string, string>;
  /** Where the data came from (folder, archive or file). */
  source: string;
  /** For decoded (image) datasets: the cache file used and whether it was hit, built or rebuilt. */
  cache?: { path: string; status: 'hit' | 'built' | 'rebuilt' | 'unwritable'; reason?: string };
}

/**
 * Checks the invariants of a dataset record (array lengths, label range, mean/std per channel) and
 * returns it; a violation is a DatasetError naming `source` and what was expected.
 * @example checkDataset({ ...fields }) // the same object
 */
export function checkDataset(d: Dataset): Dataset {
  const where = d.source;
  const fail = (code: 'bad-size' | 'count-mismatch' | 'bad-label' | 'bad-argument', msg: string): never => {
    throw new DatasetError(code, `${where}: ${msg}`, where);
  };
  for (const [field, v] of [['count', d.count], ['channels', d.channels], ['height', d.height], ['width', d.width]] as const) {
    if (!Number.isSafeInteger(v) || v < 0) fail('bad-argument', `${field} must be a non-negative integer, got ${v}`);
  }
  const pixels = d.count * d.channels * d.height * d.width;
  if (d.images.length !== pixels) fail('bad-size', `images has ${d.images.length} bytes, expected ${d.count}·${d.channels}·${d.height}·${d.width} = ${pixels}`);
  if (d.labels.length !== d.count) fail('count-mismatch', `${d.labels.length} labels for ${d.count} images; expected equal counts`);
  if (d.mean.length !== d.channels || d.std.length !== d.channels || !d.std.every((s) => s > 0)) {
    fail('bad-argument', `mean and std need ${d.channels} entries (std > 0), got [${d.mean.join(', ')}] / [${d.std.join(', ')}]`);
  }
  checkLabels(d.labels, d.classes.length, where);
  return d;
}

/**
 * Throws a `bad-label` DatasetError naming `file` unless every label is below `classes`.
 * @example checkLabels(new Uint8Array([0, 9]), 10, 'labels.idx') // ok
 */
export function checkLabels(labels: Uint8Array, classes: number, file: string): void {
  for (let i = 0; i < labels.length; i++) {
    if (labels[i]! >= classes) {
      throw new DatasetError('bad-label', `${file}: label of sample ${i} is ${labels[i]}, expected 0..${classes - 1} (${classes} classes)`, file);
    }
  }
}

/**
 * Number of samples of each class among `indices` (default: all samples).
 * @example classCounts(mnistTrain)[0] // 5923
 */
export function classCounts(d: Dataset, indices?: ArrayLike<number>): number[] {
  const counts = new Array<number>(d.classes.length).fill(0);
  if (indices === undefined) for (let i = 0; i < d.count; i++) counts[d.labels[i]!]! += 1;
  else for (let i = 0; i < indices.length; i++) counts[d.labels[indices[i]!]!]! += 1;
  return counts;
}
