import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { conv2dGeometry } from '../../../src/tensor/kernels/conv2d.js';
import { conv2dForwardImages, useDepthwiseKernels } from '../../../src/tensor/kernels/conv2d-parts.js';
import { Generator } from '../../../src/tensor/random.js';
import {
  implicitConvBackwardInputImages,
  implicitConvEligible,
  implicitConvForwardImages,
  implicitConvInputGradEligible,
} from '../../../src/tensor/wasm/conv-implicit.js';
import { serialGemm } from '../../../src/tensor/wasm/gemm-rows.js';
import { relaxedSimdSupported, setRelaxedSimd } from '../../../src/tensor/wasm/relaxed-simd.js';
import { naiveConv2d, naiveConv2dBackwardInput } from '../../reference/naive-conv2d.js';
import { simdGemmTolerance } from '../../tolerances.js';
import { absOf, expectAllClose, expectExactlyEqual } from '../kernels/helpers.js';

/** Stride-1 cases the implicit path takes: odd sizes, 1–5 channels, kernels up to 4×4, any padding ≤ K − 1. */
const caseArb = fc.record({
  batch: fc.integer({ min: 1, max: 3 }),
  cin: fc.integer({ min: 2, max: 7 }),
  cout: fc.integer({ min: 5, max: 13 }),
  kh: fc.integer({ min: 1, max: 4 }),
  kw: fc.integer({ min: 1, max: 4 }),
  padH: fc.integer({ min: 0, max: 3 }),
  padW: fc.integer({ min: 0, max: 3 }),
  h: fc.integer({ min: 6, max: 13 }),
  w: fc.integer({ min: 8, max: 17 }),
  withBias: fc.boolean(),
  fma: fc.boolean(),
  seed: fc.nat(),
});
type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

function build(cs: Case) {
  const padH = Math.min(cs.padH, cs.kh - 1);
  const padW = Math.min(cs.padW, cs.kw - 1);
  const h = Math.max(cs.h, cs.kh);
  const w = Math.max(cs.w, cs.kw);
  const shapes = { x: [cs.batch, cs.cin, h, w] as [number, number, number, number], w: [cs.cout, cs.cin, cs.kh, cs.kw] as [number, number, number, number] };
  const params = { stride: [1, 1] as [number, number], padding: [padH, padW] as [number, number], dilation: [1, 1] as [number, number], groups: 1 };
  const g = conv2dGeometry(shapes.x, shapes.w, { padding: [padH, padW] });
  const gen = new Generator(cs.seed);
  const rand = (n: number): Float32Array => Float32Array.from(gen.uniformArray(n, -1, 1));
  const x = rand(shapes.x.reduce((p, d) => p * d, 1));
  const weights = rand(shapes.w.reduce((p, d) => p * d, 1));
  const bias = cs.withBias ? rand(cs.cout) : null;
  const dy = rand(g.batch * g.outChannels * g.outHeight * g.outWidth);
  return { g, shapes, params, x, weights, bias, dy };
}

const useFma = (fma: boolean): void => setRelaxedSimd(fma && relaxedSimdSupported());

describe('implicit-GEMM convolution (wasm SIMD, stride 1)', () => {
  afterEach(() => setRelaxedSimd(null));

  it('forward ≈ the float64 7-loop oracle (float32 bound) and = im2col + wasm GEMM bit for bit, FMA on and off', () => {
    let ran = 0;
    fc.assert(
      fc.property(caseArb, (cs) => {
        const b = build(cs);
        if (!implicitConvEligible(b.g)) return;
        ran++;
        useFma(cs.fma);
        const expected = naiveConv2d(b.x, b.weights, b.bias, b.shapes, b.params);
        const magnitude = naiveConv2d(absOf(b.x), absOf(b.weights), b.bias && absOf(b.bias), b.shapes, b.params);
        const out = new Float32Array(expected.length).fill(NaN);
        implicitConvForwardImages(b.g, b.x, b.weights, b.bias, out, 0, b.g.batch);
        const K = b.g.inChannels * b.g.kernelHeight * b.g.kernelWidth;
        expectAllClose(out, expected, 'float32', { magnitude, atol: Float64Array.from(magnitude, (m) => simdGemmTolerance(K, m)), what: 'forward' });
        const viaIm2col = new Float32Array(expected.length);
        conv2dForwardImages(b.g, b.x, b.weights, b.bias, viaIm2col, 0, b.g.batch, serialGemm('simd'));
        // eligible problems are exactly those the im2col path sends to the wasm sgemm
        expect(useDepthwiseKernels(b.g)).toBe(false);
        expectExactlyEqual(out, viaIm2col, 'forward vs im2col + sgemm');
      }),
      { numRuns: 200, seed: 21 },
    );
    expect(ran).toBeGreaterThan(150); // most random cases take the implicit path
  });

  it('input gradient ≈ the float64 scatter adjoint (float32 bound over C_out·KH·KW terms), FMA on and off', () => {
    let ran = 0;
    fc.assert(
      fc.property(caseArb, (cs) => {
        const b = build(cs);
        if (!implicitConvInputGradEligible(b.g)) return;
        ran++;
        useFma(cs.fma);
        const expected = naiveConv2dBackwardInput(b.dy, b.weights, b.shapes, b.params);
        const magnitude = naiveConv2dBackwardInput(absOf(b.dy), absOf(b.weights), b.shapes, b.params);
        const dx = new Float32Array(expected.length).fill(NaN);
        implicitConvBackwardInputImages(b.g, b.dy, b.weights, dx, 0, b.g.batch);
        const K = b.g.outChannels * b.g.kernelHeight * b.g.kernelWidth;
        expectAllClose(dx, expected, 'float32', { magnitude, atol: Float64Array.from(magnitude, (m) => simdGemmTolerance(K, m)), what: 'dx' });
      }),
      { numRuns: 200, seed: 22 },
    );
    expect(ran).toBeGreaterThan(150);
  });

  it('splitting the batch gives the same bits; depth chunks (K > 512) and wide channel counts work', () => {
    const b = build({ batch: 3, cin: 70, cout: 9, kh: 3, kw: 3, padH: 1, padW: 1, h: 7, w: 9, withBias: true, fma: false, seed: 5 });
    expect(implicitConvEligible(b.g) && implicitConvInputGradEligible(b.g)).toBe(true);
    const whole = new Float32Array(b.g.batch * b.g.outChannels * b.g.outHeight * b.g.outWidth);
    implicitConvForwardImages(b.g, b.x, b.weights, b.bias, whole, 0, 3);
    const split = new Float32Array(whole.length);
    implicitConvForwardImages(b.g, b.x, b.weights, b.bias, split, 2, 3);
    implicitConvForwardImages(b.g, b.x, b.weights, b.bias, split, 0, 2);
    expectExactlyEqual(split, whole, 'forward split');
    const expected = naiveConv2d(b.x, b.weights, b.bias, b.shapes, b.params);
    const magnitude = naiveConv2d(absOf(b.x), absOf(b.weights), absOf(b.bias!), b.shapes, b.params);
    expectAllClose(whole, expected, 'float32', { magnitude, atol: Float64Array.from(magnitude, (m) => simdGemmTolerance(630, m)), what: 'K = 630' });
  });

  it('is used only for stride 1, dilation 1, one group, not 1×1 unpadded, and bounded wasted columns', () => {
    const g = (x: number[], w: number[], o = {}) => conv2dGeometry(x, w, o);
    expect(implicitConvEligible(g([2, 3, 8, 8], [4, 3, 3, 3], { padding: 1 }))).toBe(true);
    expect(implicitConvEligible(g([2, 3, 8, 8], [4, 3, 3, 3], { stride: 2 }))).toBe(false);
    expect(implicitConvEligible(g([2, 3, 8, 8], [4, 3, 3, 3], { dilation: 2 }))).toBe(false);
    expect(implicitConvEligible(g([2, 4, 8, 8], [4, 2, 3, 3], { groups: 2 }))).toBe(false);
    expect(implicitConvEligible(g([2, 3, 8, 8], [4, 3, 1, 1]))).toBe(false);
    expect(implicitConvEligible(g([2, 3, 3, 3], [4, 3, 3, 3], { padding: 1 }))).toBe(false); // 2 of 5 columns wasted
    expect(implicitConvEligible(g([2, 1, 8, 8], [4, 1, 3, 3], { padding: 1 }))).toBe(false); // depthwise-style kernels
    expect(implicitConvEligible(g([2, 2, 6, 6], [4, 2, 3, 3], { padding: 1 }))).toBe(false); // 2592 ≤ 16³ multiply-adds
    expect(implicitConvInputGradEligible(g([2, 3, 8, 8], [4, 3, 3, 3], { padding: 3 }))).toBe(false); // pad > KH − 1
  });
});
