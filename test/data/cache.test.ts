import { readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it, afterAll } from 'vitest';
import { readDecodedCache, writeDecodedCache, type CachedSplit } from '../../src/data/cache.js';
import { DatasetError } from '../../src/data/errors.js';
import { loadDataset } from '../../src/data/registry.js';
import { pngBytes, tarBytes, tempDir, removeTempDirs } from './fixtures.js';
import { CIFAR10_CLASSES } from '../../src/data/known.js';

afterAll(removeTempDirs);

const key = { sourceSha256: 'a'.repeat(64), decoder: 'test@1', split: 'train' };
const split: CachedSplit = {
  count: 2, channels: 1, height: 2, width: 3, classes: ['x', 'y'],
  labels: Uint8Array.of(1, 0), images: Uint8Array.from({ length: 12 }, (_, i) => i * 3),
};

function cacheCode(path: string, k = key): string {
  try {
    readDecodedCache(path, k);
    return 'ok';
  } catch (e) {
    expect(e).toBeInstanceOf(DatasetError);
    return (e as DatasetError).code;
  }
}

describe('decoded cache file', () => {
  it('round-trips and leaves no temporary file behind', () => {
    const dir = tempDir('cache');
    const path = join(dir, 'sub', 'c.u8cache');
    writeDecodedCache(path, key, split);
    const back = readDecodedCache(path, key);
    expect([back.count, back.channels, back.height, back.width, back.classes]).toEqual([2, 1, 2, 3, ['x', 'y']]);
    expect([...back.labels]).toEqual([1, 0]);
    expect([...back.images]).toEqual([...split.images]);
    expect(readdirSync(join(dir, 'sub'))).toEqual(['c.u8cache']);
  });

  it('detects stale keys, corrupt payloads, truncation and garbage', () => {
    const dir = tempDir('cache-bad');
    const path = join(dir, 'c.u8cache');
    writeDecodedCache(path, key, split);
    const good = readFileSync(path);
    expect(cacheCode(path, { ...key, sourceSha256: 'b'.repeat(64) })).toBe('bad-cache');
    expect(cacheCode(path, { ...key, decoder: 'test@2' })).toBe('bad-cache');
    expect(cacheCode(path, { ...key, split: 'test' })).toBe('bad-cache');
    const flipped = Buffer.from(good);
    flipped[flipped.length - 1] = flipped[flipped.length - 1]! ^ 1;
    writeFileSync(path, flipped);
    expect(() => readDecodedCache(path, key)).toThrow(/payload SHA-256 is [0-9a-f]{64}, header records [0-9a-f]{64}/);
    writeFileSync(path, good.subarray(0, good.length - 1));
    expect(() => readDecodedCache(path, key)).toThrow(/file is \d+ bytes, header implies \d+/);
    writeFileSync(path, new TextEncoder().encode('not a cache at all'));
    expect(cacheCode(path)).toBe('bad-cache');
    expect(cacheCode(join(dir, 'absent'))).toBe('missing');
  });

  it('an unwritable cache folder is a bad-cache error naming the path', () => {
    const dir = tempDir('cache-ro');
    writeFileSync(join(dir, 'file'), 'x');
    expect(() => writeDecodedCache(join(dir, 'file', 'c.u8cache'), key, split)).toThrow(/file[\\/]c\.u8cache: cannot write decoded cache/);
  });
});

describe('CIFAR-10 image sources go through the cache: built, hit, rebuilt when corrupt', () => {
  // A toy CIFAR-shaped image tar: 32×32 PNGs, one per class in 'test' (verify off: not 1,000 per class).
  const members = CIFAR10_CLASSES.map((cls, k) => ({
    name: `test/${cls}/0000.png`,
    data: pngBytes({ width: 32, height: 32, colorType: 2, depth: 8, interlace: 0, filters: [1], samples: Array.from({ length: 3072 }, (_, i) => (i + k) % 256) }),
  }));
  const dir = tempDir('cache-cifar');
  const archive = join(dir, 'toy.tar.gz');
  writeFileSync(archive, gzipSync(tarBytes(members)));
  const cacheDir = join(dir, 'cache');
  const load = () => loadDataset('cifar10', { split: 'test', root: archive, verify: false, cacheDir });

  it('reuses a valid cache and rebuilds a corrupt one, with identical data', () => {
    const built = load();
    expect(built.cache?.status).toBe('built');
    expect([...built.labels]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // image 3, green plane, pixel 7 = interleaved sample 7·3 + 1 of class 3's PNG, i.e. (22 + 3) mod 256
    expect(built.images[3 * 3072 + 1024 + 7]).toBe(25);
    const hit = load();
    expect(hit.cache?.status).toBe('hit');
    expect(Buffer.compare(Buffer.from(hit.images), Buffer.from(built.images))).toBe(0);
    const path = hit.cache!.path;
    const bytes = readFileSync(path);
    bytes[bytes.length - 5] = bytes[bytes.length - 5]! ^ 0xff;
    writeFileSync(path, bytes);
    const rebuilt = load();
    expect(rebuilt.cache?.status).toBe('rebuilt');
    expect(rebuilt.cache?.reason).toMatch(/payload SHA-256/);
    expect(Buffer.compare(Buffer.from(rebuilt.images), Buffer.from(built.images))).toBe(0);
    expect(load().cache?.status).toBe('hit');
    expect(existsSync(path)).toBe(true);
  });

  it('a changed source gets its own cache (keyed by the source SHA-256)', () => {
    const other = join(dir, 'toy2.tar.gz');
    writeFileSync(other, gzipSync(tarBytes(members.slice().reverse())));
    const a = load();
    const b = loadDataset('cifar10', { split: 'test', root: other, verify: false, cacheDir });
    expect(b.cache?.status).toBe('built');
    expect(b.cache?.path).not.toBe(a.cache?.path);
  });
});
