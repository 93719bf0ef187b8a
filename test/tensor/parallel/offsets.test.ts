// Worker-split kernels with non-zero offsets, odd sizes and padded leading dimensions for A, B and C,
// and max pooling split over threads: each result must equal the textbook oracle AND be bit-identical
// to the one-thread run. A worker that forgets to rebase an operand's offset reads the wrong
// elements, which both comparisons see (the serial path is untouched by such a bug).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gemm, maxPool2dBackward, maxPool2dForward, type GemmArgs } from '../../../src/tensor/kernel-dispatch.js';
import { pool2dGeometry } from '../../../src/tensor/kernels/pool2d.js';
import { shutdownThreads, threadPoolStats, warmUpThreads } from '../../../src/tensor/parallel/pool.js';
import { createSharedArray } from '../../../src/tensor/parallel/share.js';
import { DEFAULT_PARALLEL_MIN_MACS, defaultNumThreads, setNumThreads, setParallelMinMacs } from '../../../src/tensor/parallel/threads.js';
import type { FloatArray } from '../../../src/tensor/dtype.js';
import { naiveGemm } from '../../reference/naive-matmul.js';
import { naiveMaxPool2d } from '../../reference/naive-pool2d.js';
import { DTYPES, Generator, absOf, expectAllClose, expectExactlyEqual, randomArray, simdAtol, type FloatDTypeName } from '../kernels/helpers.js';

function copyInto(dtype: FloatDTypeName, src: FloatArray, shared: boolean): FloatArray {
  const out = shared ? createSharedArray(dtype as 'float64', src.length) : (dtype === 'float32' ? new Float32Array(src.length) : new Float64Array(src.length));
  out.set(src);
  return out;
}

describe('worker-split kernels with offsets and strides', () => {
  beforeAll(async () => {
    setParallelMinMacs(0);
    setNumThreads(3);
    await warmUpThreads();
  });
  afterAll(async () => {
    setParallelMinMacs(DEFAULT_PARALLEL_MIN_MACS);
    setNumThreads(defaultNumThreads());
    await shutdownThreads();
  });

  it('gemm with offsets on A, B and C, padded lda/ldb/ldc and odd sizes equals the oracle on 1, 2 and 3 threads', () => {
    const before = threadPoolStats().dispatched;
    fc.assert(fc.property(
      fc.record({
        dtype: fc.constantFrom(...DTYPES), transA: fc.boolean(), transB: fc.boolean(), shared: fc.boolean(),
        m: fc.integer({ min: 8, max: 37 }).map((v) => v | 1), n: fc.integer({ min: 1, max: 23 }).map((v) => v | 1),
        k: fc.integer({ min: 1, max: 29 }).map((v) => v | 1),
        aOffset: fc.integer({ min: 1, max: 9 }), bOffset: fc.integer({ min: 1, max: 9 }), cOffset: fc.integer({ min: 1, max: 9 }),
        padA: fc.integer({ min: 0, max: 3 }), padB: fc.integer({ min: 0, max: 3 }), padC: fc.integer({ min: 0, max: 3 }),
        beta: fc.constantFrom(0, 1, -0.5), seed: fc.nat(),
      }),
      (p) => {
        const gen = new Generator(p.seed);
        const aRows = p.transA ? p.k : p.m, aCols = p.transA ? p.m : p.k;
        const bRows = p.transB ? p.n : p.k, bCols = p.transB ? p.k : p.n;
        const lda = aCols + p.padA, ldb = bCols + p.padB, ldc = p.n + p.padC;
        // Trailing slack after each operand too, so reads past the addressed range would find data.
        const a = randomArray(gen, p.dtype, p.aOffset + aRows * lda + 5);
        const b = randomArray(gen, p.dtype, p.bOffset + bRows * ldb + 5);
        const c0 = randomArray(gen, p.dtype, p.cOffset + p.m * ldc + 5);
        const base: GemmArgs = { transA: p.transA, transB: p.transB, m: p.m, n: p.n, k: p.k, alpha: 1.25,
          a, aOffset: p.aOffset, lda, b, bOffset: p.bOffset, ldb, beta: p.beta, c: c0, cOffset: p.cOffset, ldc };
        const expected = naiveGemm(base);
        const magnitude = naiveGemm({ ...base, a: absOf(a), b: absOf(b), c: absOf(c0), alpha: 1.25, beta: Math.abs(p.beta) });
        let reference: FloatArray | null = null;
        for (const threads of [1, 2, 3]) {
          setNumThreads(threads);
          const c = copyInto(p.dtype, c0, p.shared);
          gemm({ ...base, a: copyInto(p.dtype, a, p.shared), b: copyInto(p.dtype, b, p.shared), c });
          expectAllClose(c, expected, p.dtype, { magnitude, atol: simdAtol(p.dtype, magnitude, p.k), what: `gemm on ${threads} threads` });
          if (reference === null) reference = c; else expectExactlyEqual(c, reference, `gemm on ${threads} threads vs 1`);
        }
      }), { numRuns: 50, seed: 2020 });
    expect(threadPoolStats().dispatched).toBeGreaterThan(before);
  });

  it('max pooling forward and backward split over images equal the oracle and the one-thread run', () => {
    fc.assert(fc.property(
      fc.record({
        dtype: fc.constantFrom(...DTYPES), batch: fc.integer({ min: 2, max: 7 }), channels: fc.integer({ min: 1, max: 3 }),
        h: fc.integer({ min: 3, max: 11 }), w: fc.integer({ min: 3, max: 11 }), kernel: fc.integer({ min: 1, max: 3 }),
        stride: fc.integer({ min: 1, max: 3 }), dilation: fc.integer({ min: 1, max: 2 }), pad: fc.integer({ min: 0, max: 1 }),
        ceilMode: fc.boolean(), seed: fc.nat(),
      }).filter((p) => 2 * p.pad <= p.kernel && p.dilation * (p.kernel - 1) + 1 <= p.h + 2 * p.pad && p.dilation * (p.kernel - 1) + 1 <= p.w + 2 * p.pad),
      (p) => {
        const shape: [number, number, number, number] = [p.batch, p.channels, p.h, p.w];
        const g = pool2dGeometry(shape, { kernelSize: p.kernel, stride: p.stride, padding: p.pad, dilation: p.dilation, ceilMode: p.ceilMode }, 'maxPool2d');
        const gen = new Generator(p.seed);
        const x0 = randomArray(gen, p.dtype, p.batch * p.channels * p.h * p.w);
        const outLength = p.batch * p.channels * g.outHeight * g.outWidth;
        const dy0 = randomArray(gen, p.dtype, outLength);
        const oracle = naiveMaxPool2d(x0, shape, { kernel: [p.kernel, p.kernel], stride: [p.stride, p.stride], padding: [p.pad, p.pad],
          dilation: [p.dilation, p.dilation], ceilMode: p.ceilMode, countIncludePad: true });
        // dx oracle: scatter-add of dy at the oracle's argmax, in float64.
        const dxOracle = new Float64Array(x0.length);
        for (let q = 0; q < outLength; q++) {
          const plane = Math.floor(q / (g.outHeight * g.outWidth));
          if (oracle.argmax[q]! >= 0) { const i = plane * p.h * p.w + oracle.argmax[q]!; dxOracle[i] = dxOracle[i]! + dy0[q]!; }
        }
        let refOut: FloatArray | null = null, refDx: FloatArray | null = null;
        for (const threads of [1, 2, 3]) {
          setNumThreads(threads);
          const x = copyInto(p.dtype, x0, true), dy = copyInto(p.dtype, dy0, true);
          const out = copyInto(p.dtype, new Float64Array(outLength), true);
          const argmax = new Int32Array(new SharedArrayBuffer(4 * outLength));
          const dx = copyInto(p.dtype, new Float64Array(x0.length), true);
          const before = threadPoolStats().dispatched;
          maxPool2dForward(g, x, out, argmax);
          maxPool2dBackward(g, dy, argmax, dx);
          if (threads > 1) expect(threadPoolStats().dispatched - before, `pooling dispatched on ${threads} threads`).toBeGreaterThanOrEqual(2);
          expectExactlyEqual(argmax, oracle.argmax, `argmax on ${threads} threads`);
          expectAllClose(out, oracle.y, p.dtype, { rtol: 0, what: `max pool on ${threads} threads` });
          expectAllClose(dx, p.dtype === 'float32' ? Float32Array.from(dxOracle) : dxOracle, p.dtype, { rtol: 0, what: `max pool dx on ${threads} threads` });
          if (refOut === null) { refOut = out; refDx = dx; } else {
            expectExactlyEqual(out, refOut, `pool out ${threads} vs 1 thread`);
            expectExactlyEqual(dx, refDx!, `pool dx ${threads} vs 1 thread`);
          }
        }
      }), { numRuns: 40, seed: 2021 });
  });
});
