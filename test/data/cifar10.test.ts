import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it, afterAll } from 'vitest';
import { pathKind } from '../../src/data/bytes.js';
import { classCounts, type Dataset } from '../../src/data/dataset.js';
import { CIFAR10_CLASSES } from '../../src/data/known.js';
import { nonEmpty, resolveCacheDir } from '../../src/data/locate.js';
import { channelStats } from '../../src/data/normalize.js';
import { loadDataset } from '../../src/data/registry.js';
import { tarSource } from '../../src/data/source.js';
import { shouldSkipMissing, tempDir, removeTempDirs } from './fixtures.js';

afterAll(removeTempDirs);

// The JPEG copy's location is configuration (docs/datasets.md): PQKD_CIFAR10_PATH must name cifar10-jpeg.tar.gz.
const configured = nonEmpty(process.env.PQKD_CIFAR10_PATH);
const archive = configured ?? '';
const skip = shouldSkipMissing(
  configured !== undefined && pathKind(configured) === 'file',
  configured === undefined
    ? 'CIFAR-10 JPEG copy not configured: set PQKD_CIFAR10_PATH to cifar10-jpeg.tar.gz (docs/datasets.md)'
    : `CIFAR-10 JPEG copy not found at ${configured} (PQKD_CIFAR10_PATH)`,
);

describe.skipIf(skip)('CIFAR-10 JPEG copy (real archive; decoded once, then from the cache)', () => {
  // Uses the normal cache folder (PQKD_CACHE_DIR or ~/.cache/pqkd): the first run decodes (~5–15 s),
  // later runs read the verified cache.
  let train: Dataset;
  let test: Dataset;
  beforeAll(() => {
    train = loadDataset('cifar10', { split: 'train' });
    test = loadDataset('cifar10', { split: 'test' });
    console.log(`cifar10 cache (${resolveCacheDir(undefined)}): train ${train.cache?.status}, test ${test.cache?.status}`);
  });

  it('decodes to 50,000 / 10,000 32×32 RGB images with 5,000 / 1,000 per class', () => {
    expect([train.count, train.channels, train.height, train.width]).toEqual([50000, 3, 32, 32]);
    expect(test.count).toBe(10000);
    expect(train.classes).toEqual(CIFAR10_CLASSES);
    expect(classCounts(train)).toEqual(new Array(10).fill(5000));
    expect(classCounts(test)).toEqual(new Array(10).fill(1000));
    expect(train.label).toBe('CIFAR-10 (JPEG q75 copy)');
  });

  it('has the documented channel means and stds on the train split', () => {
    const s = channelStats(train);
    [0.49, 0.4802, 0.4453].forEach((m, c) => expect(s.mean[c]).toBeCloseTo(m, 4));
    [0.2458, 0.243, 0.2612].forEach((m, c) => expect(s.std[c]).toBeCloseTo(m, 4));
    expect(train.mean).toEqual([0.49, 0.4802, 0.4453]);
  });

  it('a second load is a verified cache hit with identical pixels', () => {
    const again = loadDataset('cifar10', { split: 'test' });
    expect(again.cache?.status).toBe('hit');
    expect(Buffer.compare(Buffer.from(again.images), Buffer.from(test.images))).toBe(0);
    expect(again.sha256).toEqual(test.sha256);
  });

  it('an extracted folder of the copy is recognised by its decoded hash and gives the same pixels', () => {
    const dir = tempDir('cifar-folder');
    const source = tarSource(archive);
    for (const path of source.paths.filter((p) => p.startsWith('test/'))) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), source.read(path));
    }
    const folder = loadDataset('cifar10', { split: 'test', root: dir, cacheDir: join(dir, 'cache') });
    expect(folder.label).toBe('CIFAR-10 (JPEG q75 copy)');
    expect(folder.cache?.status).toBe('built');
    expect(Buffer.compare(Buffer.from(folder.images), Buffer.from(test.images))).toBe(0);
    expect([...folder.labels]).toEqual([...test.labels]);
  });

  it('a damaged copy of the archive fails verification naming the file and both hashes', () => {
    const copy = join(tempDir('cifar-sha'), 'cifar10-jpeg.tar.gz');
    copyFileSync(archive, copy);
    const bytes = readFileSync(copy);
    bytes[bytes.length - 100] = bytes[bytes.length - 100]! ^ 1;
    writeFileSync(copy, bytes);
    expect(() => loadDataset('cifar10', { split: 'test', root: copy })).toThrow(
      /cifar10-jpeg\.tar\.gz: SHA-256 is [0-9a-f]{64}, expected 2ec13d9316b5e9c2c5fb79f549354f86a8c176822cf475e60e62d974b55d5a06/,
    );
  });
});
