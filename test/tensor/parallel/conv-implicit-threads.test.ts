import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conv2dBackwardInput, conv2dBackwardWeight, conv2dForward, gemm } from '../../../src/tensor/kernel-dispatch.js';
import { conv2dGeometry } from '../../../src/tensor/kernels/conv2d.js';
import { shutdownThreads, threadPoolStats, warmUpThreads } from '../../../src/tensor/parallel/pool.js';
import { DEFAULT_PARALLEL_MIN_MACS, defaultNumThreads, setNumThreads, setParallelMinMacs } from '../../../src/tensor/parallel/threads.js';
import { Generator } from '../../../src/tensor/random.js';
import { implicitConvEligible, implicitConvInputGradEligible } from '../../../src/tensor/wasm/conv-implicit.js';
import { relaxedSimdSupported, setRelaxedSimd } from '../../../src/tensor/wasm/relaxed-simd.js';
import { setKernelsMode } from '../../../src/tensor/wasm/support.js';
import { expectExactlyEqual } from '../kernels/helpers.js';

/** Runs `fn` on 1 thread, then 2 and 3, and asserts the same bits and that workers really ran. */
function sameForThreadCounts(what: string, fn: () => Float32Array): void {
  setNumThreads(1);
  const reference = fn();
  for (const threads of [2, 3]) {
    setNumThreads(threads);
    const before = threadPoolStats().dispatched;
    expectExactlyEqual(fn(), reference, `${what} with ${threads} threads`);
    expect(threadPoolStats().dispatched, `${what}: tasks sent to workers`).toBeGreaterThan(before);
  }
}

describe('implicit convolution and relaxed-SIMD GEMM over threads', () => {
  beforeAll(async () => {
    setKernelsMode('simd'); // these kernels are the SIMD path's, also under PQKD_KERNELS=js
    setParallelMinMacs(0);
    setNumThreads(3);
    await warmUpThreads();
  });
  afterAll(async () => {
    setKernelsMode(null);
    setRelaxedSimd(null);
    setParallelMinMacs(DEFAULT_PARALLEL_MIN_MACS);
    setNumThreads(defaultNumThreads());
    await shutdownThreads();
  });

  it('forward, input gradient and weight gradient are bit-identical for 1, 2 and 3 threads, FMA on and off', () => {
    const caseArb = fc.record({
      batch: fc.integer({ min: 2, max: 5 }),
      cin: fc.integer({ min: 3, max: 6 }),
      cout: fc.integer({ min: 5, max: 12 }),
      k: fc.constantFrom(3, 5),
      hw: fc.integer({ min: 12, max: 14 }),
      fma: fc.boolean(),
      seed: fc.nat(),
    });
    fc.assert(
      fc.property(caseArb, (cs) => {
        setRelaxedSimd(cs.fma && relaxedSimdSupported());
        const g = conv2dGeometry([cs.batch, cs.cin, cs.hw, cs.hw + 1], [cs.cout, cs.cin, cs.k, cs.k], { padding: Math.floor(cs.k / 2) });
        expect(implicitConvEligible(g) && implicitConvInputGradEligible(g)).toBe(true);
        const gen = new Generator(cs.seed);
        const rand = (n: number): Float32Array => Float32Array.from(gen.uniformArray(n, -1, 1));
        const x = rand(cs.batch * cs.cin * cs.hw * (cs.hw + 1));
        const w = rand(cs.cout * cs.cin * cs.k * cs.k);
        const bias = rand(cs.cout);
        const outLength = g.batch * g.outChannels * g.outHeight * g.outWidth;
        const dy = rand(outLength);
        sameForThreadCounts('forward', () => {
          const out = new Float32Array(outLength);
          conv2dForward(g, x, w, bias, out);
          return out;
        });
        sameForThreadCounts('input gradient', () => {
          const dx = new Float32Array(x.length);
          conv2dBackwardInput(g, dy, w, dx);
          return dx;
        });
        sameForThreadCounts('weight gradient', () => {
          const dw = new Float32Array(w.length);
          conv2dBackwardWeight(g, x, dy, dw);
          return dw;
        });
      }),
      { numRuns: 12, seed: 2113 },
    );
  });

  it('a first layer (few taps, 16+ output channels) splits its weight gradient by channel blocks with the same bits', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 4 }), fc.integer({ min: 1, max: 2 }), fc.integer({ min: 16, max: 40 }), fc.nat(), (batch, cin, cout, seed) => {
        const g = conv2dGeometry([batch, cin, 10, 11], [cout, cin, 3, 3], { padding: 1 });
        expect(implicitConvEligible(g)).toBe(true);
        const gen = new Generator(seed);
        const x = Float32Array.from(gen.uniformArray(batch * cin * 110, -1, 1));
        const dy = Float32Array.from(gen.uniformArray(batch * cout * 110, -1, 1));
        sameForThreadCounts('first-layer weight gradient', () => {
          const dw = new Float32Array(cout * cin * 9);
          conv2dBackwardWeight(g, x, dy, dw);
          return dw;
        });
      }),
      { numRuns: 10, seed: 1602 },
    );
  });

  it('the relaxed-SIMD GEMM splits over threads with the same bits (workers run the caller’s kernel)', () => {
    if (!relaxedSimdSupported()) return;
    setRelaxedSimd(true);
    const gen = new Generator(4);
    const [m, n, k] = [67, 45, 300];
    const a = Float32Array.from(gen.uniformArray(m * k, -1, 1));
    const b = Float32Array.from(gen.uniformArray(k * n, -1, 1));
    const run = (): Float32Array => {
      const c = new Float32Array(m * n);
      gemm({ transA: false, transB: false, m, n, k, alpha: 1, a, aOffset: 0, lda: k, b, bOffset: 0, ldb: n, beta: 0, c, cOffset: 0, ldc: n });
      return c;
    };
    sameForThreadCounts('fma gemm', run);
    setRelaxedSimd(false);
    setNumThreads(1);
    const plain = run();
    setRelaxedSimd(true);
    expect(Array.from(run()).some((v, i) => !Object.is(v, plain[i]))).toBe(true); // the two kernels really differ
  });
});
