import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { conv2dGeometry } from '../../../src/tensor/kernels/conv2d.js';
import { Generator } from '../../../src/tensor/random.js';
import { implicitConvBackwardWeightTaps } from '../../../src/tensor/wasm/conv-implicit-weight.js';
import { relaxedSimdSupported, setRelaxedSimd } from '../../../src/tensor/wasm/relaxed-simd.js';
import { naiveConv2dBackwardWeight } from '../../reference/naive-conv2d.js';
import { simdGemmTolerance } from '../../tolerances.js';
import { absOf, expectAllClose, expectExactlyEqual } from '../kernels/helpers.js';

/** Stride-1 cases: odd sizes, C_in 1..5 (1 and 3 included), kernels 1..5, padding 0..2, batch 1..3, C_out 1..13. */
const caseArb = fc.record({
  batch: fc.integer({ min: 1, max: 3 }),
  cin: fc.constantFrom(1, 2, 3, 5),
  cout: fc.integer({ min: 1, max: 13 }),
  kh: fc.integer({ min: 1, max: 5 }),
  kw: fc.integer({ min: 1, max: 5 }),
  padH: fc.integer({ min: 0, max: 2 }),
  padW: fc.integer({ min: 0, max: 2 }),
  h: fc.integer({ min: 1, max: 11 }),
  w: fc.integer({ min: 1, max: 13 }),
  fma: fc.boolean(),
  seed: fc.nat(),
});
type Case = Omit<typeof caseArb extends fc.Arbitrary<infer T> ? T : never, 'cin'> & { cin: number };

function build(cs: Case) {
  // the input must hold one kernel window once padded
  const h = Math.max(cs.h, cs.kh - 2 * cs.padH, 1);
  const w = Math.max(cs.w, cs.kw - 2 * cs.padW, 1);
  const shapes = { x: [cs.batch, cs.cin, h, w] as [number, number, number, number], w: [cs.cout, cs.cin, cs.kh, cs.kw] as [number, number, number, number] };
  const params = { stride: [1, 1] as [number, number], padding: [cs.padH, cs.padW] as [number, number], dilation: [1, 1] as [number, number], groups: 1 };
  const g = conv2dGeometry(shapes.x, shapes.w, { padding: [cs.padH, cs.padW] });
  const gen = new Generator(cs.seed);
  const rand = (n: number): Float32Array => Float32Array.from(gen.uniformArray(n, -1, 1));
  const x = rand(shapes.x.reduce((p, d) => p * d, 1));
  const dy = rand(g.batch * g.outChannels * g.outHeight * g.outWidth);
  return { g, shapes, params, x, dy, K: cs.cin * cs.kh * cs.kw };
}

describe('implicit-GEMM weight gradient (wasm SIMD, stride 1)', () => {
  afterEach(() => setRelaxedSimd(null));

  it('≈ the float64 oracle (float32 bound over N·OH·OW terms), also for any tap range, FMA on and off', () => {
    fc.assert(
      fc.property(caseArb, fc.nat(), fc.nat(), (cs, r0, r1) => {
        const b = build(cs);
        setRelaxedSimd(cs.fma && relaxedSimdSupported());
        const expected = naiveConv2dBackwardWeight(b.x, b.dy, b.shapes, b.params);
        const magnitude = naiveConv2dBackwardWeight(absOf(b.x), absOf(b.dy), b.shapes, b.params);
        const terms = b.g.batch * b.g.outHeight * b.g.outWidth;
        const dw = new Float32Array(expected.length).fill(NaN);
        implicitConvBackwardWeightTaps(b.g, b.x, b.dy, dw, 0, b.K);
        expectAllClose(dw, expected, 'float32', { magnitude, atol: Float64Array.from(magnitude, (m) => simdGemmTolerance(terms, m)), what: 'dW' });
        // a tap range [start, end) writes exactly those columns, with the same bits as the whole call
        const start = r0 % b.K, end = start + 1 + (r1 % (b.K - start));
        const part = new Float32Array(expected.length).fill(NaN);
        implicitConvBackwardWeightTaps(b.g, b.x, b.dy, part, start, end);
        for (let i = 0; i < part.length; i++) {
          const p = i % b.K;
          if (p >= start && p < end) expect(Object.is(part[i], dw[i]), `dW[${i}]`).toBe(true);
          else expect(part[i]).toBeNaN();
        }
      }),
      { numRuns: 200, seed: 31 },
    );
  });

  it('any split of the output channels (with any tap range) gives the same bits and writes only its block', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 40 }), fc.nat(), fc.nat(), fc.nat(), (cout, r0, r1, seed) => {
      const b = build({ batch: 2, cin: 2, cout, kh: 3, kw: 3, padH: 1, padW: 1, h: 6, w: 7, fma: false, seed });
      const whole = new Float32Array(cout * b.K);
      implicitConvBackwardWeightTaps(b.g, b.x, b.dy, whole, 0, b.K);
      const [o0, o1] = [r0 % (cout + 1), r1 % (cout + 1)].sort((a, c) => a - c) as [number, number];
      const [t0, t1] = [seed % b.K, b.K - (seed % 3)];
      const part = new Float32Array(whole.length).fill(NaN);
      implicitConvBackwardWeightTaps(b.g, b.x, b.dy, part, t0, t1, o0, o1);
      for (let i = 0; i < whole.length; i++) {
        const [o, p] = [Math.floor(i / b.K), i % b.K];
        if (o >= o0 && o < o1 && p >= t0 && p < t1) expect(Object.is(part[i], whole[i]), `dW[${o}, ${p}]`).toBe(true);
        else expect(part[i], `dW[${o}, ${p}] outside the block`).toBeNaN();
      }
    }), { numRuns: 60, seed: 1601 });
  });

  it('splitting the taps into ranges gives the same bits; many taps and channels (K = 630, C_out = 19)', () => {
    const b = build({ batch: 2, cin: 70, cout: 19, kh: 3, kw: 3, padH: 1, padW: 1, h: 7, w: 9, fma: false, seed: 5 });
    const whole = new Float32Array(19 * b.K);
    implicitConvBackwardWeightTaps(b.g, b.x, b.dy, whole, 0, b.K);
    const split = new Float32Array(whole.length);
    for (const [s, e] of [[0, 5], [5, 301], [301, 630]] as const) implicitConvBackwardWeightTaps(b.g, b.x, b.dy, split, s, e);
    expectExactlyEqual(split, whole, 'dW split over taps');
    const expected = naiveConv2dBackwardWeight(b.x, b.dy, b.shapes, b.params);
    const magnitude = naiveConv2dBackwardWeight(absOf(b.x), absOf(b.dy), b.shapes, b.params);
    expectAllClose(whole, expected, 'float32', { magnitude, atol: Float64Array.from(magnitude, (m) => simdGemmTolerance(2 * 63, m)), what: 'K = 630' });
  });
});
