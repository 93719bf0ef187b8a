/**
 * Data pipeline benchmarks: loading each dataset split (MNIST raw IDX, Fashion-MNIST gzipped IDX,
 * CIFAR-10 from the decoded cache) and producing float32 batches (normalise; CIFAR with crop+flip).
 * Cases whose dataset is not installed are left out (the runner prints nothing for them).
 * Memory of the MNIST training load is measured separately in a fresh process by
 * `node --expose-gc --import tsx test/data/measure-mnist-load.ts` (run by test/data/memory.test.ts).
 */
import { pathKind } from '../src/data/bytes.js';
import type { Dataset } from '../src/data/dataset.js';
import { FASHION_MNIST_DEFAULT_DIR } from '../src/data/known.js';
import { DataLoader } from '../src/data/loader.js';
import { defaultMnistDir, nonEmpty } from '../src/data/locate.js';
import { loadDataset } from '../src/data/registry.js';
import { Generator } from '../src/tensor/random.js';
import type { BenchCase, BenchSuite } from './harness.js';

const BATCH = 128;

function loadCase(name: string, load: () => Dataset, count: number): BenchCase {
  return {
    name,
    system: 'pqkd',
    iterations: 5,
    fn: load,
    extra: (ms) => ({ images_per_s: Math.round((count / ms) * 1000) }),
  };
}

function batchCase(name: string, load: () => Dataset, augment: boolean): BenchCase {
  let loader: DataLoader | undefined;
  let b = 0;
  return {
    name,
    system: 'pqkd',
    setup: () => {
      loader = new DataLoader(load(), { batchSize: BATCH, shuffle: true, augment, generator: new Generator(0) });
    },
    fn: () => loader!.batch(0, b++ % loader!.length),
    teardown: () => {
      loader = undefined;
    },
    extra: (ms) => ({ images_per_s: Math.round((BATCH / ms) * 1000) }),
  };
}

export const suite: BenchSuite = {
  name: 'data',
  cases: () => {
    const cases: BenchCase[] = [];
    if (pathKind(defaultMnistDir()) === 'dir') {
      const mnist = (): Dataset => loadDataset('mnist', { split: 'train' });
      cases.push(loadCase('data_load_mnist_train', mnist, 60000), batchCase(`data_batch_mnist_${BATCH}`, mnist, false));
    }
    if (pathKind(FASHION_MNIST_DEFAULT_DIR) === 'dir') {
      cases.push(loadCase('data_load_fashion_mnist_train', () => loadDataset('fashion-mnist', { split: 'train' }), 60000));
    }
    // CIFAR-10 cases run when PQKD_CIFAR10_PATH names the JPEG copy or another CIFAR-10 source (docs/datasets.md).
    const cifarPath = nonEmpty(process.env.PQKD_CIFAR10_PATH);
    if (cifarPath !== undefined && pathKind(cifarPath) !== undefined) {
      const cifar = (): Dataset => loadDataset('cifar10', { split: 'train' });
      const warm: BenchCase = { ...loadCase('data_load_cifar10_train_cached', cifar, 50000), setup: () => void cifar() };
      cases.push(warm, batchCase(`data_batch_cifar10_${BATCH}_augment`, cifar, true));
    }
    return cases;
  },
};
