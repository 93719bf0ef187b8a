/**
 * Memory over one full MNIST epoch of the reference CNN (issue "Fast CPU kernels": peak RSS ≤ 600 MB,
 * heap flat from step to step). Trains batch 64 with SGD (lr 0.01) over all 60,000 training images,
 * samples RSS and V8 heap after a forced GC every 50 steps, and prints a JSON summary with the
 * least-squares slope of the heap samples in KB per step (≈ 0 when nothing accumulates), and how many
 * large (≥ 1,024-element) arrays `allocate` had to create rather than take from the storage pool:
 * in the first step, and per step over the rest (0 when a steady-state step allocates nothing new).
 * The loop is the recommended one: `zeroGrad({ setToNone: false })`, `disposeGraph(loss)`,
 * `dispose(images, labels)`.
 *
 * Usage: node --expose-gc --import tsx bench/memory-epoch.ts [--steps N] [--threads N]
 */
import { crossEntropy } from '../src/autograd/functional/losses.js';
import { DataLoader } from '../src/data/loader.js';
import { loadDataset } from '../src/data/registry.js';
import { Conv2d, Flatten, Linear, MaxPool2d, ReLU, SGD, Sequential } from '../src/nn/index.js';
import { setNumThreads } from '../src/tensor/parallel/threads.js';
import { Generator } from '../src/tensor/random.js';
import { disposeGraph } from '../src/autograd/dispose-graph.js';
import { dispose } from '../src/tensor/dispose.js';
import { freshLargeAllocations } from '../src/tensor/storage.js';
import { storagePoolStats } from '../src/tensor/storage-pool.js';

function arg(flag: string): number | undefined {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? Number(process.argv[i + 1]) : undefined;
}

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');
setNumThreads(arg('--threads') ?? 1);
const g = new Generator(0);
const net = new Sequential(
  new Conv2d(1, 32, 3, { padding: 1, generator: g }), new ReLU(), new MaxPool2d(2),
  new Conv2d(32, 64, 3, { padding: 1, generator: g }), new ReLU(), new MaxPool2d(2),
  new Flatten(), new Linear(3136, 128, { generator: g }), new ReLU(), new Linear(128, 10, { generator: g }),
);
const opt = new SGD(net.parameters(), { lr: 0.01 });
const train = loadDataset('mnist', { split: 'train' });
const loader = new DataLoader(train, { batchSize: 64, shuffle: true, generator: new Generator(1) });
const steps = Math.min(arg('--steps') ?? loader.length, loader.length);
const mb = (x: number): number => Math.round((x / 2 ** 20) * 10) / 10;
let peakRss = process.memoryUsage().rss;
const heap: [number, number][] = [];
const start = Date.now();
let freshFirstStep = 0;
for (let b = 0; b < steps; b++) {
  if (b === 1) freshFirstStep = freshLargeAllocations();
  const { images, labels } = loader.batch(0, b);
  const loss = crossEntropy(net.forward(images), labels);
  loss.backward();
  opt.step();
  opt.zeroGrad({ setToNone: false });
  disposeGraph(loss);
  dispose(images, labels);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  if ((b + 1) % 50 === 0) {
    gc();
    heap.push([b + 1, process.memoryUsage().heapUsed]);
  }
}
const n = heap.length;
const mx = heap.reduce((a, [x]) => a + x, 0) / n;
const my = heap.reduce((a, [, y]) => a + y, 0) / n;
const slope = heap.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0) / heap.reduce((a, [x]) => a + (x - mx) ** 2, 0);
console.log(JSON.stringify({
  steps, seconds: (Date.now() - start) / 1000, peakRssMB: mb(peakRss),
  heapUsedMB: heap.map(([s, h]) => [s, mb(h)]), heapSlopeKBPerStep: Math.round((slope / 1024) * 100) / 100,
  freshLargeArraysFirstStep: freshFirstStep,
  freshLargeArraysPerLaterStep: steps > 1 ? (freshLargeAllocations() - freshFirstStep) / (steps - 1) : null,
  storagePool: storagePoolStats(),
}));
process.exit(0);
