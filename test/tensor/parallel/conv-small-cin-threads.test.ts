import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conv2dForward } from '../../../src/tensor/kernel-dispatch.js';
import { conv2dGeometry } from '../../../src/tensor/kernels/conv2d.js';
import { shutdownThreads, threadPoolStats, warmUpThreads } from '../../../src/tensor/parallel/pool.js';
import { DEFAULT_PARALLEL_MIN_MACS, defaultNumThreads, setNumThreads, setParallelMinMacs } from '../../../src/tensor/parallel/threads.js';
import { Generator } from '../../../src/tensor/random.js';
import { implicitConvEligible } from '../../../src/tensor/wasm/conv-implicit.js';
import { smallCinConvEligible } from '../../../src/tensor/wasm/conv-small-cin.js';
import { relaxedSimdSupported, setRelaxedSimd } from '../../../src/tensor/wasm/relaxed-simd.js';
import { setKernelsMode } from '../../../src/tensor/wasm/support.js';
import { expectExactlyEqual } from '../kernels/helpers.js';

describe('small-C_in conv and the fused ReLU epilogue over threads', () => {
  beforeAll(async () => {
    setKernelsMode('simd'); // the SIMD path's kernels, also under PQKD_KERNELS=js
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

  it('forward (plain and with activation relu) is bit-identical for 1, 2 and 3 threads, FMA on and off', () => {
    const caseArb = fc.record({
      batch: fc.integer({ min: 2, max: 5 }),
      cin: fc.integer({ min: 1, max: 6 }), // 5–6: the implicit kernel's epilogue
      cout: fc.integer({ min: 5, max: 20 }),
      pad: fc.integer({ min: 0, max: 2 }),
      hw: fc.integer({ min: 8, max: 13 }),
      relu: fc.boolean(),
      fma: fc.boolean(),
      seed: fc.nat(),
    });
    let direct = 0;
    fc.assert(
      fc.property(caseArb, (cs) => {
        setRelaxedSimd(cs.fma && relaxedSimdSupported());
        const g = conv2dGeometry([cs.batch, cs.cin, cs.hw, cs.hw + 1], [cs.cout, cs.cin, 3, 3], { padding: cs.pad });
        if (smallCinConvEligible(g)) direct++;
        else expect(implicitConvEligible(g)).toBe(true);
        const gen = new Generator(cs.seed);
        const rand = (n: number): Float32Array => Float32Array.from(gen.uniformArray(n, -1, 1));
        const x = rand(cs.batch * cs.cin * cs.hw * (cs.hw + 1));
        const w = rand(cs.cout * cs.cin * 9);
        const bias = rand(cs.cout);
        const run = (): Float32Array => {
          const out = new Float32Array(g.batch * g.outChannels * g.outHeight * g.outWidth).fill(NaN);
          conv2dForward(g, x, w, bias, out, cs.relu ? 'relu' : 'none');
          return out;
        };
        setNumThreads(1);
        const reference = run();
        if (cs.relu) expect(reference.every((v) => v >= 0)).toBe(true);
        for (const threads of [2, 3]) {
          setNumThreads(threads);
          const before = threadPoolStats().dispatched;
          expectExactlyEqual(run(), reference, `${threads} threads`);
          expect(threadPoolStats().dispatched).toBeGreaterThan(before);
        }
      }),
      { numRuns: 24, seed: 31 },
    );
    expect(direct).toBeGreaterThan(8);
  });
});
