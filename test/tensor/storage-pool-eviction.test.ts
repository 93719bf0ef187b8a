// The storage pool's byte bound evicts the least recently used keys instead of refusing new releases.
import { afterEach, describe, expect, it } from 'vitest';
import { COLLECT_AFTER_BYTES, sharedCollections } from '../../src/tensor/parallel/shared-gc.js';
import { clearStoragePool, MAX_POOLED_BYTES, releaseStorageArray, storagePoolStats, takeStorageArray } from '../../src/tensor/storage-pool.js';

const SIXTEEN_MB = 4 * 2 ** 20; // Float32 elements in 16 MiB

function drain(length: number): Float32Array[] {
  const out: Float32Array[] = [];
  for (let a = takeStorageArray('Float32Array', length, false, false); a !== null; a = takeStorageArray('Float32Array', length, false, false)) out.push(a as Float32Array);
  return out;
}

afterEach(() => clearStoragePool());

describe('storage pool eviction', () => {
  it('keeps a new shape when full of old ones: evicts the least recently used key, oldest first', () => {
    clearStoragePool();
    const half = MAX_POOLED_BYTES / 2 / (4 * SIXTEEN_MB);
    const old = Array.from({ length: half }, () => new Float32Array(SIXTEEN_MB));
    const recent = Array.from({ length: half - 1 }, () => new Float32Array(SIXTEEN_MB + 1024));
    old.forEach(releaseStorageArray);
    recent.forEach(releaseStorageArray);
    expect(storagePoolStats().pooledBytes).toBe(half * 4 * SIXTEEN_MB + (half - 1) * 4 * (SIXTEEN_MB + 1024));
    const evictedBefore = storagePoolStats().evicted;
    const fresh = new Float32Array(SIXTEEN_MB + 2048);
    releaseStorageArray(fresh);
    expect(takeStorageArray('Float32Array', SIXTEEN_MB + 2048, false, false)).toBe(fresh);
    expect(storagePoolStats().evicted - evictedBefore).toBe(1); // one 16 MiB array makes room
    // the evicted array is the oldest of the least recently used key; the recent key is intact
    expect(drain(SIXTEEN_MB + 1024).length).toBe(half - 1);
    const left = drain(SIXTEEN_MB);
    expect(left.length).toBe(half - 1);
    expect(left.includes(old[0]!)).toBe(false);
  });

  it('refreshes a key on take: the key used last survives', () => {
    clearStoragePool();
    const half = MAX_POOLED_BYTES / 2 / (4 * SIXTEEN_MB);
    Array.from({ length: half }, () => new Float32Array(SIXTEEN_MB)).forEach(releaseStorageArray);
    Array.from({ length: half - 1 }, () => new Float32Array(SIXTEEN_MB + 1024)).forEach(releaseStorageArray);
    // touch the first key: take one and give it back, so the second key is now the least recently used
    releaseStorageArray(takeStorageArray('Float32Array', SIXTEEN_MB, false, false)!);
    releaseStorageArray(new Float32Array(2 * SIXTEEN_MB));
    expect(drain(SIXTEEN_MB).length).toBe(half);
    expect(drain(SIXTEEN_MB + 1024).length).toBeLessThan(half - 1);
  });

  it('drops an array larger than the whole bound without evicting anything', () => {
    clearStoragePool();
    const a = new Float32Array(SIXTEEN_MB);
    releaseStorageArray(a);
    releaseStorageArray(new Float32Array(MAX_POOLED_BYTES / 4 + 1024));
    expect(takeStorageArray('Float32Array', SIXTEEN_MB, false, false)).toBe(a);
  });

  // Evicted and dropped shared arrays are garbage V8 does not count: the pool reports them, and once
  // COLLECT_AFTER_BYTES of them (with fresh shared allocations) have accumulated, a collection runs.
  // (Untouched SharedArrayBuffer pages cost no resident memory.)
  const shared = (elements: number): Float32Array => new Float32Array(new SharedArrayBuffer(4 * elements));

  it('a dropped shared array counts towards the next shared collection; an ordinary one does not', () => {
    clearStoragePool();
    const before = sharedCollections();
    releaseStorageArray(new Float32Array(MAX_POOLED_BYTES / 4 + 1024)); // dropped, ordinary memory
    expect(sharedCollections()).toBe(before);
    releaseStorageArray(shared(MAX_POOLED_BYTES / 4 + 1024)); // dropped, shared: > COLLECT_AFTER_BYTES
    expect(sharedCollections()).toBe(before + 1);
  });

  it('evicted shared arrays count towards the next shared collection', () => {
    clearStoragePool();
    const fill = MAX_POOLED_BYTES / (4 * SIXTEEN_MB);
    Array.from({ length: fill }, () => shared(SIXTEEN_MB)).forEach(releaseStorageArray);
    expect(storagePoolStats().pooledBytes).toBe(MAX_POOLED_BYTES);
    const before = sharedCollections();
    const evictedBefore = storagePoolStats().evicted;
    const needed = Math.ceil(COLLECT_AFTER_BYTES / (4 * SIXTEEN_MB)) + 1; // +1: the counter may hold bytes from earlier tests
    for (let i = 0; i < needed; i++) releaseStorageArray(shared(SIXTEEN_MB + 1024));
    expect(storagePoolStats().evicted - evictedBefore).toBeGreaterThanOrEqual(needed); // each made room by eviction
    expect(sharedCollections()).toBeGreaterThan(before);
  });
});
