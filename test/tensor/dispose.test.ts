// dispose(): a released tensor's memory is reused by the next tensor of its size, reading the released
// tensor (or a view of it) throws, and an array the caller supplied is never handed to anyone else.
import { describe, expect, it } from 'vitest';
import { fromTypedArray, randn, zeros } from '../../src/tensor/create.js';
import { dispose } from '../../src/tensor/dispose.js';
import { Generator } from '../../src/tensor/random.js';
import { clearStoragePool, storagePoolStats } from '../../src/tensor/storage-pool.js';
import { reshape } from '../../src/tensor/views.js';

describe('dispose', () => {
  it('hands the buffer to the next tensor of the same size, zero-filled', () => {
    clearStoragePool();
    const a = randn([64, 64], { generator: new Generator(0) });
    const buffer = a.data;
    dispose(a);
    const b = zeros([4096]);
    expect(b.data).toBe(buffer);
    expect(Array.from(b.data).every((v) => v === 0)).toBe(true);
    expect(storagePoolStats().reused).toBeGreaterThan(0);
  });

  it('makes the tensor and its views throw a clear error', () => {
    const a = randn([32, 64], { generator: new Generator(1) });
    const view = reshape(a, [2048]);
    dispose(a);
    expect(() => a.toArray()).toThrow(/storage was released by dispose\(\)\/disposeGraph\(\)/);
    expect(() => view.data).toThrow(/released/);
    expect(() => dispose(a)).not.toThrow(); // idempotent
  });

  it('never pools an array the caller supplied', () => {
    clearStoragePool();
    const mine = new Float32Array(4096).fill(7);
    dispose(fromTypedArray(mine, [4096]));
    const next = zeros([4096]);
    expect(next.data).not.toBe(mine);
    expect(mine.every((v) => v === 7)).toBe(true);
  });

  it('names a bad argument', () => {
    expect(() => dispose(zeros([2]), 3 as never)).toThrow(/dispose: argument 1 must be a Tensor, got/);
  });
});
