/**
 * conv2d work units (conv2d-parts.ts) called directly on the JavaScript GEMM: a unit [n0, n1) of
 * images, or [start, end) of dW columns, must write exactly its own part of the output (a sentinel
 * elsewhere survives) and that part must match the 7-loop oracle (test/reference/naive-conv2d.ts);
 * every unit returns its scratch buffers to the pool, also on the float32-accumulation (SIMD-style)
 * branch. Cases: the shared random conv cases, plus pointwise (1×1) and GEMM-path cases forced.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  backwardWeightUnits, conv2dBackwardInputImages, conv2dBackwardWeightUnits, conv2dForwardImages, isPointwise, useDepthwiseKernels,
} from '../../../src/tensor/kernels/conv2d-parts.js';
import { conv2dGeometry, type Conv2dGeometry } from '../../../src/tensor/kernels/conv2d.js';
import { gemmJsRows, JS_GEMM, type SerialGemm } from '../../../src/tensor/kernels/matmul.js';
import { resetScratchStats, scratchStats } from '../../../src/tensor/kernels/scratch.js';
import { naiveConv2d, naiveConv2dBackwardInput, naiveConv2dBackwardWeight } from '../../reference/naive-conv2d.js';
import { build, convCaseArb, type ConvCase } from './conv-cases.js';
import { absOf, expectAllClose, makeArray } from './helpers.js';

const SENTINEL = 12345.5;

/** Random cases, with about a third forced to 1×1 stride-1 unpadded (the pointwise branches). */
const caseArb: fc.Arbitrary<ConvCase> = fc.tuple(convCaseArb, fc.nat(2)).map(([cs, kind]) => (kind === 0
  ? { ...cs, kh: 1, kw: 1, stride: [1, 1] as [number, number], padding: [0, 0] as [number, number] }
  : cs));

/** out must be close to expected where inside(i), and equal SENTINEL everywhere else. */
function expectOnly(
  out: ArrayLike<number>, expected: Float64Array, magnitude: Float64Array, inside: (i: number) => boolean,
  cs: ConvCase, what: string,
): void {
  const exp = Float64Array.from(expected, (v, i) => (inside(i) ? v : SENTINEL));
  const mag = Float64Array.from(magnitude, (v, i) => (inside(i) ? v : 0));
  expectAllClose(out, exp, cs.dtype, { magnitude: mag, what: `${what} ${JSON.stringify(cs)}` });
}

const range = (size: number, u: number, v: number): [number, number] => {
  const lo = u % size;
  return [lo, lo + 1 + (v % (size - lo))];
};

describe('conv2d work units on the JS GEMM write exactly their part', () => {
  it('forward, images [n0, n1)', () => {
    fc.assert(fc.property(caseArb, fc.nat(), fc.nat(), (cs, u, v) => {
      const b = build(cs);
      const [n0, n1] = range(b.g.batch, u, v);
      const per = b.g.outChannels * b.g.outHeight * b.g.outWidth;
      const out = makeArray(cs.dtype, b.g.batch * per).fill(SENTINEL);
      conv2dForwardImages(b.g, b.x, b.w, b.bias, out, n0, n1, JS_GEMM);
      const expected = naiveConv2d(b.x, b.w, b.bias, b.shapes, b.params);
      const magnitude = naiveConv2d(absOf(b.x), absOf(b.w), b.bias && absOf(b.bias), b.shapes, b.params);
      expectOnly(out, expected, magnitude, (i) => i >= n0 * per && i < n1 * per, cs, `forward [${n0}, ${n1})`);
    }), { numRuns: 150, seed: 1601 });
  });

  it('input gradient, images [n0, n1)', () => {
    fc.assert(fc.property(caseArb, fc.nat(), fc.nat(), (cs, u, v) => {
      const b = build(cs);
      const [n0, n1] = range(b.g.batch, u, v);
      const per = b.g.inChannels * b.g.inHeight * b.g.inWidth;
      const dx = makeArray(cs.dtype, b.x.length).fill(SENTINEL);
      conv2dBackwardInputImages(b.g, b.dy, b.w, dx, n0, n1, JS_GEMM);
      const expected = naiveConv2dBackwardInput(b.dy, b.w, b.shapes, b.params);
      const magnitude = naiveConv2dBackwardInput(absOf(b.dy), absOf(b.w), b.shapes, b.params);
      expectOnly(dx, expected, magnitude, (i) => i >= n0 * per && i < n1 * per, cs, `dx [${n0}, ${n1})`);
    }), { numRuns: 150, seed: 1602 });
  });

  it('weight gradient, units [start, end) (columns of dW, or output channels when depthwise)', () => {
    fc.assert(fc.property(caseArb, fc.nat(), fc.nat(), (cs, u, v) => {
      const b = build(cs);
      const units = backwardWeightUnits(b.g);
      const [start, end] = range(units, u, v);
      const K = (b.g.inChannels / b.g.groups) * b.g.kernelHeight * b.g.kernelWidth;
      const unitOf = (i: number): number => (useDepthwiseKernels(b.g) ? Math.floor(i / K) : i % K);
      const dw = makeArray(cs.dtype, b.w.length).fill(SENTINEL);
      conv2dBackwardWeightUnits(b.g, b.x, b.dy, dw, start, end, JS_GEMM);
      const expected = naiveConv2dBackwardWeight(b.x, b.dy, b.shapes, b.params);
      const magnitude = naiveConv2dBackwardWeight(absOf(b.x), absOf(b.dy), b.shapes, b.params);
      expectOnly(dw, expected, magnitude, (i) => unitOf(i) >= start && unitOf(i) < end, cs, `dW [${start}, ${end})`);
    }), { numRuns: 150, seed: 1603 });
  });

  it('an empty or reversed dW unit range writes nothing', () => {
    for (const cs of [{ kh: 3, kw: 2, cg: 2, og: 3 }, { kh: 1, kw: 1, cg: 3, og: 2 }]) {
      const g = conv2dGeometry([2, cs.cg, 5, 5], [cs.og, cs.cg, cs.kh, cs.kw]);
      const dw = new Float64Array(cs.og * cs.cg * cs.kh * cs.kw).fill(SENTINEL);
      conv2dBackwardWeightUnits(g, new Float64Array(2 * cs.cg * 25), new Float64Array(2 * cs.og * g.outHeight * g.outWidth), dw, 3, 3, JS_GEMM);
      conv2dBackwardWeightUnits(g, new Float64Array(2 * cs.cg * 25), new Float64Array(2 * cs.og * g.outHeight * g.outWidth), dw, 4, 1, JS_GEMM);
      expect(dw.every((x) => x === SENTINEL)).toBe(true);
    }
  });
});

describe('conv2d work units and the scratch pool', () => {
  /** A GEMM-path geometry (3 input channels per group) and a pointwise one. */
  const geometries: Conv2dGeometry[] = [
    conv2dGeometry([2, 6, 7, 6], [8, 3, 3, 2], { padding: 1, groups: 2 }),
    conv2dGeometry([2, 6, 5, 4], [4, 6, 1, 1]),
  ];
  // The float32-accumulation branch (the wasm sgemm's contract) on the JS row kernel: only the
  // buffer handling is under test here, not the float32 rounding.
  const f32Gemm: SerialGemm = { rows: gemmJsRows, float32Accumulation: true };

  it('every unit releases what it acquires (steady state allocates nothing)', () => {
    for (const g of geometries) {
      for (const gemm of [JS_GEMM, f32Gemm]) {
        const x = new Float32Array(g.batch * g.inChannels * g.inHeight * g.inWidth).fill(0.5);
        const w = new Float32Array(g.outChannels * (g.inChannels / g.groups) * g.kernelHeight * g.kernelWidth).fill(0.25);
        const y = new Float32Array(g.batch * g.outChannels * g.outHeight * g.outWidth).fill(1);
        const step = (): void => {
          conv2dForwardImages(g, x, w, null, y, 0, g.batch, gemm);
          conv2dBackwardInputImages(g, y, w, x, 1, g.batch, gemm);
          conv2dBackwardWeightUnits(g, x, y, w, 1, backwardWeightUnits(g), gemm);
        };
        step();
        resetScratchStats();
        step();
        const stats = scratchStats();
        expect(stats.allocations, `${JSON.stringify(g)} f32=${gemm.float32Accumulation}`).toBe(0);
        expect(stats.releases).toBe(stats.hits);
        expect(stats.hits).toBeGreaterThan(0);
      }
    }
  });
});

describe('isPointwise', () => {
  it('is true exactly for a 1×1 kernel with stride 1 and no padding (dilation is irrelevant)', () => {
    const shape = [1, 2, 6, 6];
    expect(isPointwise(conv2dGeometry(shape, [3, 2, 1, 1]))).toBe(true);
    expect(isPointwise(conv2dGeometry(shape, [3, 2, 1, 1], { dilation: 2 }))).toBe(true);
    expect(isPointwise(conv2dGeometry(shape, [3, 2, 1, 2]))).toBe(false);
    expect(isPointwise(conv2dGeometry(shape, [3, 2, 2, 1]))).toBe(false);
    expect(isPointwise(conv2dGeometry(shape, [3, 2, 1, 1], { stride: [2, 1] }))).toBe(false);
    expect(isPointwise(conv2dGeometry(shape, [3, 2, 1, 1], { stride: [1, 2] }))).toBe(false);
    expect(isPointwise(conv2dGeometry(shape, [3, 2, 1, 1], { padding: [1, 0] }))).toBe(false);
    expect(isPointwise(conv2dGeometry(shape, [3, 2, 1, 1], { padding: [0, 1] }))).toBe(false);
  });
});
