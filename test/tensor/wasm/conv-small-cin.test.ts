import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { conv2dForward } from '../../../src/tensor/kernel-dispatch.js';
import { conv2dGeometry } from '../../../src/tensor/kernels/conv2d.js';
import { Generator } from '../../../src/tensor/random.js';
import { implicitConvForwardImages } from '../../../src/tensor/wasm/conv-implicit.js';
import { smallCinConvEligible, smallCinConvForwardImages } from '../../../src/tensor/wasm/conv-small-cin.js';
import { relaxedSimdSupported, setRelaxedSimd } from '../../../src/tensor/wasm/relaxed-simd.js';
import { setKernelsMode } from '../../../src/tensor/wasm/support.js';
import { naiveConv2d } from '../../reference/naive-conv2d.js';
import { simdGemmTolerance } from '../../tolerances.js';
import { absOf, expectAllClose, expectExactlyEqual } from '../kernels/helpers.js';

/** First-layer shapes: 1–4 input channels, kernels up to 3×3, padding 0–2, odd sizes, bias or not. */
const caseArb = fc.record({
  batch: fc.integer({ min: 1, max: 3 }),
  cin: fc.integer({ min: 1, max: 4 }),
  cout: fc.integer({ min: 1, max: 19 }),
  kh: fc.integer({ min: 1, max: 3 }),
  kw: fc.integer({ min: 1, max: 3 }),
  padH: fc.integer({ min: 0, max: 2 }),
  padW: fc.integer({ min: 0, max: 2 }),
  h: fc.integer({ min: 3, max: 13 }),
  w: fc.integer({ min: 4, max: 17 }),
  withBias: fc.boolean(),
  fma: fc.boolean(),
  seed: fc.nat(),
});
type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

function build(cs: Case) {
  const shapes = { x: [cs.batch, cs.cin, cs.h, cs.w] as [number, number, number, number], w: [cs.cout, cs.cin, cs.kh, cs.kw] as [number, number, number, number] };
  const params = { stride: [1, 1] as [number, number], padding: [cs.padH, cs.padW] as [number, number], dilation: [1, 1] as [number, number], groups: 1 };
  const g = conv2dGeometry(shapes.x, shapes.w, { padding: [cs.padH, cs.padW] });
  const gen = new Generator(cs.seed);
  const rand = (n: number): Float32Array => Float32Array.from(gen.uniformArray(n, -1, 1));
  const x = rand(shapes.x.reduce((p, d) => p * d, 1));
  const weights = rand(shapes.w.reduce((p, d) => p * d, 1));
  const bias = cs.withBias ? rand(cs.cout) : null;
  return { g, shapes, params, x, weights, bias, outLength: g.batch * g.outChannels * g.outHeight * g.outWidth };
}

/** The ReLU kernel's formula (kernels/elementwise.ts), applied to a copy. */
const reluOf = (a: Float32Array): Float32Array => a.map((v) => (v > 0 ? v : v !== v ? v : 0));

const useFma = (fma: boolean): void => setRelaxedSimd(fma && relaxedSimdSupported());

describe('direct small-C_in convolution (wasm SIMD, stride 1)', () => {
  afterEach(() => {
    setRelaxedSimd(null);
    setKernelsMode(null);
  });

  it('≈ the float64 oracle (float32 bound) and = the implicit kernel bit for bit, FMA on and off', () => {
    let ran = 0;
    fc.assert(
      fc.property(caseArb, (cs) => {
        const b = build(cs);
        if (!smallCinConvEligible(b.g)) return;
        ran++;
        useFma(cs.fma);
        const expected = naiveConv2d(b.x, b.weights, b.bias, b.shapes, b.params);
        const magnitude = naiveConv2d(absOf(b.x), absOf(b.weights), b.bias && absOf(b.bias), b.shapes, b.params);
        const out = new Float32Array(b.outLength).fill(NaN); // every element must be written
        smallCinConvForwardImages(b.g, b.x, b.weights, b.bias, out, 0, b.g.batch, false);
        const K = b.g.inChannels * b.g.kernelHeight * b.g.kernelWidth;
        expectAllClose(out, expected, 'float32', { magnitude, atol: Float64Array.from(magnitude, (m) => simdGemmTolerance(K, m)), what: 'forward' });
        const implicit = new Float32Array(b.outLength);
        implicitConvForwardImages(b.g, b.x, b.weights, b.bias, implicit, 0, b.g.batch);
        expectExactlyEqual(out, implicit, 'direct vs implicit kernel');
      }),
      { numRuns: 200, seed: 2121 },
    );
    expect(ran).toBeGreaterThan(80); // the rest are tiny or depthwise-style (other kernels)
  });

  it('an image range [n0, n1) writes only those images, with the bits of the whole-batch call', () => {
    const b = build({ batch: 3, cin: 2, cout: 11, kh: 3, kw: 3, padH: 1, padW: 2, h: 7, w: 9, withBias: true, fma: false, seed: 5 });
    const whole = new Float32Array(b.outLength);
    smallCinConvForwardImages(b.g, b.x, b.weights, b.bias, whole, 0, 3, false);
    const part = new Float32Array(b.outLength).fill(NaN);
    smallCinConvForwardImages(b.g, b.x, b.weights, b.bias, part, 1, 2, false);
    const plane = b.outLength / 3;
    expectExactlyEqual(part.subarray(plane, 2 * plane), whole.subarray(plane, 2 * plane), 'image 1');
    expect(part.subarray(0, plane).every(Number.isNaN) && part.subarray(2 * plane).every(Number.isNaN)).toBe(true);
  });

  it('outputs on SharedArrayBuffers at either word phase (odd planes, odd view offsets) get the same bits as ordinary arrays', () => {
    // the module's output slot follows out's phase (aligned-copy.ts alignedSlot), or the copy is staged
    for (const cout of [3, 8]) { // 3 × 5 × 7 = 105 floats per image (odd): images alternate phase
      const b = build({ batch: 3, cin: 2, cout, kh: 3, kw: 3, padH: 1, padW: 1, h: 5, w: 7, withBias: true, fma: false, seed: 13 });
      for (const kernel of [implicitConvForwardImages, smallCinConvForwardImages]) {
        const expected = new Float32Array(b.outLength);
        kernel(b.g, b.x, b.weights, b.bias, expected, 0, b.g.batch, false);
        for (const viewOffset of [0, 1]) {
          const out = new Float32Array(new SharedArrayBuffer(4 * (b.outLength + 1)), 4 * viewOffset, b.outLength).fill(NaN);
          const x = new Float32Array(new SharedArrayBuffer(4 * (b.x.length + 1)), 4 * viewOffset, b.x.length);
          x.set(b.x);
          kernel(b.g, x, b.weights, b.bias, out, 0, b.g.batch, false);
          expectExactlyEqual(out, expected, `${kernel.name} cout ${cout} view offset ${viewOffset}`);
        }
      }
    }
  });

  it('the ReLU epilogue (direct and implicit kernels) = the conv followed by the ReLU kernel, NaN included', () => {
    fc.assert(
      fc.property(caseArb, fc.boolean(), (cs, poison) => {
        const b = build(cs);
        useFma(cs.fma);
        if (poison) b.x[b.x.length >> 1] = NaN; // NaN outputs must stay NaN
        const kernels = [implicitConvForwardImages, ...(smallCinConvEligible(b.g) ? [smallCinConvForwardImages] : [])];
        for (const kernel of kernels) {
          const plain = new Float32Array(b.outLength);
          kernel(b.g, b.x, b.weights, b.bias, plain, 0, b.g.batch, false);
          const fused = new Float32Array(b.outLength).fill(NaN);
          kernel(b.g, b.x, b.weights, b.bias, fused, 0, b.g.batch, true);
          expectExactlyEqual(fused, reluOf(plain), `${kernel.name} relu epilogue`);
        }
      }),
      { numRuns: 60, seed: 77 },
    );
  });

  it('conv2dForward with activation relu = conv2dForward then ReLU on every path (simd, js; float32, float64)', () => {
    for (const mode of ['simd', 'js'] as const) {
      setKernelsMode(mode);
      for (const [xs, ws, pad] of [[[2, 1, 12, 12], [16, 1, 3, 3], 1], [[2, 6, 9, 9], [8, 6, 3, 3], 1], [[2, 2, 5, 5], [3, 2, 2, 2], 0]] as const) {
        const b = build({ batch: xs[0], cin: xs[1], cout: ws[0], kh: ws[2], kw: ws[3], padH: pad, padW: pad, h: xs[2], w: xs[3], withBias: true, fma: false, seed: 9 });
        for (const f64 of [false, true]) {
          const cast = (a: Float32Array): Float32Array | Float64Array => (f64 ? Float64Array.from(a) : a);
          const make = (): Float32Array | Float64Array => (f64 ? new Float64Array(b.outLength) : new Float32Array(b.outLength));
          const plain = make(), fused = make().fill(NaN);
          conv2dForward(b.g, cast(b.x), cast(b.weights), cast(b.bias!), plain);
          conv2dForward(b.g, cast(b.x), cast(b.weights), cast(b.bias!), fused, 'relu');
          const expected = plain.map((v) => (v > 0 ? v : v !== v ? v : 0));
          expectExactlyEqual(fused, expected, `${mode} ${f64 ? 'float64' : 'float32'} ${xs.join('x')}`);
          expect(fused.some((v) => v === 0) && fused.some((v) => v > 0)).toBe(true);
        }
      }
    }
  });

  it('eligibility: few input channels, stride 1, OW ≥ 4, not depthwise-style, not tiny', () => {
    const eligible = (x: number[], w: number[], o: Parameters<typeof conv2dGeometry>[2] = {}): boolean => smallCinConvEligible(conv2dGeometry(x, w, o));
    expect(eligible([64, 1, 28, 28], [32, 1, 3, 3], { padding: 1 })).toBe(true);
    expect(eligible([64, 3, 32, 32], [64, 3, 3, 3], { padding: 1 })).toBe(true);
    expect(eligible([64, 4, 32, 32], [64, 4, 3, 3], { padding: 1 })).toBe(true);
    expect(eligible([64, 5, 32, 32], [64, 5, 3, 3], { padding: 1 })).toBe(false); // C_in > 4
    expect(eligible([64, 4, 32, 32], [64, 4, 5, 5], { padding: 2 })).toBe(false); // 100 taps > 36
    expect(eligible([64, 1, 28, 28], [32, 1, 3, 3], { padding: 1, stride: 2 })).toBe(false);
    expect(eligible([64, 1, 28, 28], [32, 1, 3, 3], { padding: 1, dilation: 2 })).toBe(false);
    expect(eligible([64, 2, 28, 28], [32, 1, 3, 3], { padding: 1, groups: 2 })).toBe(false);
    expect(eligible([64, 1, 28, 5], [32, 1, 3, 3])).toBe(false); // OW = 3
    expect(eligible([64, 1, 28, 28], [4, 1, 3, 3], { padding: 1 })).toBe(false); // depthwise-style kernels
    expect(eligible([1, 1, 4, 4], [8, 1, 3, 3], { padding: 1 })).toBe(false); // ≤ SMALL_GEMM_MACS per image
  });
});
