/**
 * Measures what "load MNIST for training" costs, in a fresh process: run as
 *   node --expose-gc --import tsx test/data/measure-mnist-load.ts
 * Prints one JSON line: wall time of loadDataset('mnist', train) + trainValSplit + DataLoader
 * construction + the first shuffled batch of 128, and the growth of RSS / ArrayBuffer memory across
 * it (after a full GC on both sides, modules already imported) and of the peak RSS (maxRSS).
 */
import { loadDataset } from '../../src/data/registry.js';
import { trainValSplit } from '../../src/data/splits.js';
import { DataLoader } from '../../src/data/loader.js';
import { Generator } from '../../src/tensor/random.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('measure-mnist-load: run node with --expose-gc');
gc();
const before = process.memoryUsage();
const peakBefore = process.resourceUsage().maxRSS * 1024;
const t0 = performance.now();
const train = loadDataset('mnist', { split: 'train' });
const { train: trainIdx } = trainValSplit(train, { valSize: 5000, seed: 0 });
const loader = new DataLoader(train, { batchSize: 128, shuffle: true, generator: new Generator(0), indices: trainIdx });
const first = loader.batches(0).next().value!;
const ms = performance.now() - t0;
gc();
const after = process.memoryUsage();
const peakAfter = process.resourceUsage().maxRSS * 1024;
const mb = (b: number): number => Math.round((b / 2 ** 20) * 10) / 10;
console.log(JSON.stringify({
  ms: Math.round(ms),
  rssMB: mb(after.rss - before.rss),
  peakRssMB: mb(peakAfter - peakBefore),
  arrayBuffersMB: mb(after.arrayBuffers - before.arrayBuffers),
  heapUsedMB: mb(after.heapUsed - before.heapUsed),
  batchShape: first.images.shape,
  count: train.count,
}));
