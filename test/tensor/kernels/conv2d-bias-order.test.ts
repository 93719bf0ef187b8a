// The conv bias gradient's documented summation order (kernels/conv2d-direct.ts): position q of each
// plane goes to float64 partial sum a[q mod 8], planes n ascending, then ((a0+a1)+(a2+a3))+((a4+a5)+(a6+a7)),
// rounded once. Checked bit for bit against that formula written out plainly here, with terms of very
// different magnitudes (cancelling ±2^60) so that any other order shows in the bits; 1 and 2 threads alike.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { conv2dBackwardBias } from '../../../src/tensor/kernel-dispatch.js';
import { conv2dGeometry } from '../../../src/tensor/kernels/conv2d.js';
import { createSharedArray } from '../../../src/tensor/parallel/share.js';
import { DEFAULT_PARALLEL_MIN_MACS, defaultNumThreads, setNumThreads, setParallelMinMacs, threadsSupported } from '../../../src/tensor/parallel/threads.js';
import { threadPoolStats, warmUpThreads } from '../../../src/tensor/parallel/pool.js';

afterEach(() => {
  setNumThreads(defaultNumThreads());
  setParallelMinMacs(DEFAULT_PARALLEL_MIN_MACS);
});

const TERMS = [2 ** 60, -(2 ** 60), 1, -3, 0.5, 2 ** 30, -(2 ** 31), 7];

function expected(dy: Float32Array, n: number, c: number, p: number): Float32Array {
  const out = new Float32Array(c);
  for (let oc = 0; oc < c; oc++) {
    const a = new Float64Array(8); // float64 partial sums, as documented
    for (let i = 0; i < n; i++) for (let q = 0; q < p; q++) a[q % 8]! += dy[(i * c + oc) * p + q]!;
    out[oc] = ((a[0]! + a[1]!) + (a[2]! + a[3]!)) + ((a[4]! + a[5]!) + (a[6]! + a[7]!));
  }
  return out;
}

describe('conv2dBackwardBias summation order', () => {
  it('equals the eight-lane formula bit for bit, on 1 and 2 threads', async () => {
    expect(threadsSupported()).toBe(true);
    setNumThreads(2);
    await warmUpThreads();
    const dispatched = threadPoolStats().dispatched;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }), fc.nat(),
        (n, c, h, w, seed) => {
          const g = conv2dGeometry([n, 1, h, w], [c, 1, 1, 1]);
          const dy = createSharedArray('float32', n * c * h * w);
          let s = seed >>> 0;
          for (let i = 0; i < dy.length; i++) {
            s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
            dy[i] = TERMS[s % TERMS.length]!; // ±2^60 next to small terms: each order loses different small ones
          }
          const want = expected(dy, n, c, h * w);
          for (const threads of [1, 2]) {
            setNumThreads(threads);
            setParallelMinMacs(1);
            const db = createSharedArray('float32', c);
            conv2dBackwardBias(g, dy, db);
            expect(Array.from(db)).toEqual(Array.from(want));
          }
        }),
      { numRuns: 150 },
    );
    expect(threadPoolStats().dispatched).toBeGreaterThan(dispatched); // the 2-thread runs really split
  });
});
