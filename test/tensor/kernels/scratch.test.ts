import { describe, expect, it } from 'vitest';
import {
  acquireScratch, clearScratch, releaseScratch, resetScratchStats, scratchStats,
} from '../../../src/tensor/kernels/scratch.js';
import { conv2dGeometry } from '../../../src/tensor/kernels/conv2d.js';
import { pool2dGeometry } from '../../../src/tensor/kernels/pool2d.js';
import { avgPool2dBackward, conv2dBackwardInput, conv2dBackwardWeight, conv2dForward, gemm, maxPool2dBackward } from '../../../src/tensor/kernel-dispatch.js';

describe('scratch pool', () => {
  it('rounds up to power-of-two buckets and reuses released arrays', () => {
    clearScratch();
    resetScratchStats();
    const a = acquireScratch('float64', 1000);
    expect(a).toBeInstanceOf(Float64Array);
    expect(a.length).toBe(1024);
    releaseScratch(a);
    const b = acquireScratch('float64', 600);
    expect(b).toBe(a);
    const c = acquireScratch('float32', 600);
    expect(c).toBeInstanceOf(Float32Array);
    expect(c.length).toBe(1024);
    expect(scratchStats()).toMatchObject({ allocations: 2, hits: 1, releases: 1 });
    releaseScratch(b);
    releaseScratch(c);
    expect(acquireScratch('float64', 0).length).toBe(1);
  });

  it('rejects foreign arrays, double release and bad arguments', () => {
    expect(() => releaseScratch(new Float32Array(6))).toThrow(/releaseScratch: array of length 6/);
    expect(() => releaseScratch(new Float32Array(16).subarray(8))).toThrow(/was not acquired from the pool/);
    const a = acquireScratch('float32', 8);
    releaseScratch(a);
    expect(() => releaseScratch(a)).toThrow('releaseScratch: array released twice');
    expect(() => acquireScratch('int32' as 'float32', 4)).toThrow(/acquireScratch: dtype must be/);
    expect(() => acquireScratch('float32', -1)).toThrow(/acquireScratch: length must be a non-negative integer, got -1/);
  });

  it('allocates shared buffers when asked', () => {
    const a = acquireScratch('float32', 5, true);
    expect(a.buffer).toBeInstanceOf(SharedArrayBuffer);
    releaseScratch(a);
    const b = acquireScratch('float32', 5);
    expect(b.buffer).toBeInstanceOf(ArrayBuffer);
    expect(b).not.toBe(a);
    releaseScratch(b);
    expect(acquireScratch('float32', 5, true)).toBe(a);
    releaseScratch(a);
  });

  it('kernels allocate nothing new in steady state', () => {
    const g = conv2dGeometry([2, 8, 10, 10], [16, 8, 3, 3], { padding: 1 });
    const x = new Float32Array(2 * 8 * 100), w = new Float32Array(16 * 8 * 9), y = new Float32Array(2 * 16 * 100);
    const p = pool2dGeometry([2, 16, 10, 10], { kernelSize: 2 }, 'maxPool2d');
    const pa = pool2dGeometry([2, 16, 10, 10], { kernelSize: 2 }, 'avgPool2d');
    const pooled = new Float32Array(2 * 16 * 25), argmax = new Int32Array(2 * 16 * 25);
    const a = new Float32Array(64 * 64), c = new Float32Array(64 * 64);
    const step = (): void => {
      conv2dForward(g, x, w, null, y);
      conv2dBackwardInput(g, y, w, x);
      conv2dBackwardWeight(g, x, y, w);
      maxPool2dBackward(p, pooled, argmax, y);
      avgPool2dBackward(pa, pooled, y);
      gemm({ transA: true, transB: false, m: 64, n: 64, k: 64, alpha: 1, a, aOffset: 0, lda: 64, b: a, bOffset: 0, ldb: 64, beta: 0, c, cOffset: 0, ldc: 64 });
    };
    step();
    resetScratchStats();
    step();
    step();
    const stats = scratchStats();
    expect(stats.allocations).toBe(0);
    expect(stats.hits).toBeGreaterThan(0);
    expect(stats.hits).toBe(stats.releases);
  });

  it('counts pooled elements on release and acquire, and clearScratch empties the pool', () => {
    clearScratch();
    resetScratchStats();
    expect(scratchStats().pooledElements).toBe(0);
    const a = acquireScratch('float64', 1000);
    const b = acquireScratch('float32', 5);
    releaseScratch(a);
    expect(scratchStats().pooledElements).toBe(1024);
    releaseScratch(b);
    expect(scratchStats().pooledElements).toBe(1032);
    expect(acquireScratch('float64', 600)).toBe(a);
    expect(scratchStats().pooledElements).toBe(8);
    releaseScratch(a);
    clearScratch();
    expect(scratchStats().pooledElements).toBe(0);
    const c = acquireScratch('float64', 1000);
    expect(c).not.toBe(a);
    expect(scratchStats()).toMatchObject({ allocations: 3, hits: 1, releases: 3, pooledElements: 0 });
    releaseScratch(c);
  });

  it('rejects an integer array and a prefix view of a larger buffer by name', () => {
    expect(() => releaseScratch(new Int32Array(8) as unknown as Float32Array)).toThrow(new TypeError('releaseScratch: expected a Float32Array or Float64Array'));
    // Length 8 (a power of two) and byteOffset 0, but the buffer holds 16 elements.
    expect(() => releaseScratch(new Float32Array(16).subarray(0, 8))).toThrow(
      new RangeError('releaseScratch: array of length 8 (byteOffset 0) was not acquired from the pool'),
    );
  });

  it('refuses lengths above 2^31 before allocating', () => {
    expect(() => acquireScratch('float64', Number.MAX_SAFE_INTEGER)).toThrow(
      new RangeError(`acquireScratch: length ${Number.MAX_SAFE_INTEGER} exceeds 2^31`),
    );
  });

  it('without SharedArrayBuffer (a browser page that is not cross-origin isolated): shared scratch throws, plain scratch works', () => {
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'SharedArrayBuffer')!;
    expect(Reflect.deleteProperty(globalThis, 'SharedArrayBuffer')).toBe(true);
    try {
      expect(typeof SharedArrayBuffer).toBe('undefined');
      expect(() => acquireScratch('float32', 4, true)).toThrow(
        new Error('acquireScratch: shared scratch requested but SharedArrayBuffer is not available'),
      );
      const a = acquireScratch('float32', 4);
      releaseScratch(a);
      expect(acquireScratch('float32', 3)).toBe(a);
      releaseScratch(a);
    } finally {
      Object.defineProperty(globalThis, 'SharedArrayBuffer', descriptor);
    }
    expect(typeof SharedArrayBuffer).toBe('function');
  });
});
