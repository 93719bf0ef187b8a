// The 3×3 / stride-1 depthwise kernels (gather form) give the same bits as the general
// shift-and-accumulate kernels, for every padding, size and channel multiplier, borders included;
// called on a part of the work (images [n0, n1), filters [oc0, oc1)) they match the 7-loop oracle
// (test/reference/naive-conv2d.ts) there and write nothing else; isDepthwise3x3 is false one
// parameter away from 3×3 / stride 1 / dilation 1, where the conv2d work units still match the oracle.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { conv2dGeometry, type Conv2dOptions } from '../../../src/tensor/kernels/conv2d-geometry.js';
import { conv2dBackwardInputImages, conv2dBackwardWeightUnits, conv2dForwardImages } from '../../../src/tensor/kernels/conv2d-parts.js';
import { JS_GEMM } from '../../../src/tensor/kernels/matmul.js';
import {
  naiveConv2d, naiveConv2dBackwardInput, naiveConv2dBackwardWeight, type NaiveConvParams, type NaiveConvShapes,
} from '../../reference/naive-conv2d.js';
import {
  conv2dBackwardInputDepthwise, conv2dBackwardWeightDepthwise, conv2dForwardDepthwise,
} from '../../../src/tensor/kernels/conv2d-depthwise.js';
import {
  backwardInputDepthwise3x3, backwardWeightDepthwise3x3, forwardDepthwise3x3, isDepthwise3x3,
} from '../../../src/tensor/kernels/conv2d-depthwise-3x3.js';
import { conv2dForwardDirect } from '../../../src/tensor/kernels/conv2d.js';
import { DTYPES, Generator, absOf, expectAllClose, expectExactlyEqual, makeArray, randomArray } from './helpers.js';

describe('depthwise 3×3 stride-1 kernels', () => {
  it('equal the general depthwise kernels (and the direct forward) bit for bit', () => {
    fc.assert(fc.property(
      fc.record({
        dtype: fc.constantFrom(...DTYPES), batch: fc.integer({ min: 1, max: 2 }), channels: fc.integer({ min: 1, max: 3 }),
        multiplier: fc.integer({ min: 1, max: 4 }), h: fc.integer({ min: 1, max: 8 }), w: fc.integer({ min: 1, max: 8 }),
        padding: fc.integer({ min: 0, max: 2 }), bias: fc.boolean(), seed: fc.nat(),
      }).filter(({ h, w, padding }) => h + 2 * padding >= 3 && w + 2 * padding >= 3),
      ({ dtype, batch, channels, multiplier, h, w, padding, bias, seed }) => {
        const g = conv2dGeometry([batch, channels, h, w], [channels * multiplier, 1, 3, 3], { padding, groups: channels });
        if (!isDepthwise3x3(g)) throw new Error('expected the 3x3 fast path to apply');
        const gen = new Generator(seed);
        const x = randomArray(gen, dtype, batch * channels * h * w);
        const wt = randomArray(gen, dtype, channels * multiplier * 9);
        const b = bias ? randomArray(gen, dtype, channels * multiplier) : null;
        const outLength = batch * channels * multiplier * g.outHeight * g.outWidth;
        const dy = randomArray(gen, dtype, outLength);
        const run = (fn: (o: ReturnType<typeof makeArray>) => void, n: number): ReturnType<typeof makeArray> => {
          const o = makeArray(dtype, n).fill(NaN);
          fn(o);
          return o;
        };
        const fast = run((o) => forwardDepthwise3x3(g, x, wt, b, o, 0, batch), outLength);
        expectExactlyEqual(fast, run((o) => conv2dForwardDepthwise(g, x, wt, b, o, 0, batch), outLength), 'forward vs general');
        expectExactlyEqual(fast, run((o) => conv2dForwardDirect(g, x, wt, b, o), outLength), 'forward vs direct');
        expectExactlyEqual(
          run((o) => backwardInputDepthwise3x3(g, dy, wt, o, 0, batch), x.length),
          run((o) => conv2dBackwardInputDepthwise(g, dy, wt, o, 0, batch), x.length), 'input gradient');
        expectExactlyEqual(
          run((o) => backwardWeightDepthwise3x3(g, x, dy, o, 0, g.outChannels), wt.length),
          run((o) => conv2dBackwardWeightDepthwise(g, x, dy, o, 0, g.outChannels), wt.length), 'weight gradient');
      }), { numRuns: 300, seed: 717 });
  });
});

const SENTINEL = -4321.25;

/** A non-empty range [lo, hi) inside [0, size) from two naturals. */
const range = (size: number, u: number, v: number): [number, number] => {
  const lo = u % size;
  return [lo, lo + 1 + (v % (size - lo))];
};

describe('depthwise 3×3 kernels on a part of the work', () => {
  it('match the 7-loop oracle on images [n0, n1) / filters [oc0, oc1) and leave every other element alone', () => {
    fc.assert(fc.property(
      fc.record({
        dtype: fc.constantFrom(...DTYPES), batch: fc.integer({ min: 1, max: 3 }), channels: fc.integer({ min: 1, max: 3 }),
        multiplier: fc.integer({ min: 1, max: 4 }), h: fc.integer({ min: 1, max: 7 }), w: fc.integer({ min: 1, max: 7 }),
        padding: fc.tuple(fc.nat(3), fc.nat(3)), bias: fc.boolean(), seed: fc.nat(), u: fc.nat(), v: fc.nat(),
      }).filter(({ h, w, padding }) => h + 2 * padding[0] >= 3 && w + 2 * padding[1] >= 3),
      ({ dtype, batch, channels, multiplier, h, w, padding, bias, seed, u, v }) => {
        const shapes: NaiveConvShapes = { x: [batch, channels, h, w], w: [channels * multiplier, 1, 3, 3] };
        const params: NaiveConvParams = { stride: [1, 1], padding, dilation: [1, 1], groups: channels };
        const g = conv2dGeometry(shapes.x, shapes.w, { padding, groups: channels });
        expect(isDepthwise3x3(g)).toBe(true);
        const gen = new Generator(seed);
        const x = randomArray(gen, dtype, batch * channels * h * w);
        const wt = randomArray(gen, dtype, channels * multiplier * 9);
        const b = bias ? randomArray(gen, dtype, channels * multiplier) : null;
        const dy = randomArray(gen, dtype, batch * g.outChannels * g.outHeight * g.outWidth);
        const what = `${JSON.stringify({ dtype, batch, channels, multiplier, h, w, padding, bias })}`;
        const only = (expected: Float64Array, per: number, lo: number, hi: number): Float64Array =>
          expected.map((e, i) => (i >= lo * per && i < hi * per ? e : SENTINEL));
        const [n0, n1] = range(batch, u, v);
        const out = makeArray(dtype, dy.length).fill(SENTINEL);
        forwardDepthwise3x3(g, x, wt, b, out, n0, n1);
        expectAllClose(out, only(naiveConv2d(x, wt, b, shapes, params), dy.length / batch, n0, n1), dtype,
          { magnitude: naiveConv2d(absOf(x), absOf(wt), b && absOf(b), shapes, params), what: `y [${n0}, ${n1}) ${what}` });
        const dx = makeArray(dtype, x.length).fill(SENTINEL);
        backwardInputDepthwise3x3(g, dy, wt, dx, n0, n1);
        expectAllClose(dx, only(naiveConv2dBackwardInput(dy, wt, shapes, params), x.length / batch, n0, n1), dtype,
          { magnitude: naiveConv2dBackwardInput(absOf(dy), absOf(wt), shapes, params), what: `dx [${n0}, ${n1}) ${what}` });
        const [oc0, oc1] = range(g.outChannels, u, v);
        const dw = makeArray(dtype, wt.length).fill(SENTINEL);
        backwardWeightDepthwise3x3(g, x, dy, dw, oc0, oc1);
        expectAllClose(dw, only(naiveConv2dBackwardWeight(x, dy, shapes, params), 9, oc0, oc1), dtype,
          { magnitude: naiveConv2dBackwardWeight(absOf(x), absOf(dy), shapes, params), what: `dW [${oc0}, ${oc1}) ${what}` });
      }), { numRuns: 300, seed: 1706 });
  });
});

describe('isDepthwise3x3', () => {
  // Depthwise (one input channel per group, two outputs each), each case one parameter away from the fast path.
  const near: [string, [number, number, number, number], Conv2dOptions][] = [
    ['kernel 2x3', [4, 1, 2, 3], {}], ['kernel 3x2', [4, 1, 3, 2], {}],
    ['stride [2, 1]', [4, 1, 3, 3], { stride: [2, 1] }], ['stride [1, 2]', [4, 1, 3, 3], { stride: [1, 2] }],
    ['dilation [2, 1]', [4, 1, 3, 3], { dilation: [2, 1] }], ['dilation [1, 2]', [4, 1, 3, 3], { dilation: [1, 2] }],
  ];

  it('holds for 3×3, stride 1, dilation 1 (any padding) and fails one parameter away', () => {
    expect(isDepthwise3x3(conv2dGeometry([2, 2, 7, 8], [4, 1, 3, 3], { groups: 2 }))).toBe(true);
    expect(isDepthwise3x3(conv2dGeometry([2, 2, 7, 8], [4, 1, 3, 3], { groups: 2, padding: [2, 1] }))).toBe(true);
    for (const [name, wShape, options] of near) {
      expect(isDepthwise3x3(conv2dGeometry([2, 2, 7, 8], wShape, { ...options, groups: 2, padding: 1 })), name).toBe(false);
    }
  });

  it('one parameter away, the conv2d work units still match the 7-loop oracle', () => {
    const gen = new Generator(1707);
    for (const [name, wShape, options] of near) {
      const shapes: NaiveConvShapes = { x: [2, 2, 7, 8], w: wShape };
      const params: NaiveConvParams = {
        stride: (options.stride ?? [1, 1]) as [number, number], padding: [1, 1], dilation: (options.dilation ?? [1, 1]) as [number, number], groups: 2,
      };
      const g = conv2dGeometry(shapes.x, wShape, { ...options, groups: 2, padding: 1 });
      const x = randomArray(gen, 'float64', 2 * 2 * 7 * 8), wt = randomArray(gen, 'float64', 4 * wShape[2] * wShape[3]);
      const dy = randomArray(gen, 'float64', 2 * 4 * g.outHeight * g.outWidth);
      const out = new Float64Array(dy.length), dx = new Float64Array(x.length), dw = new Float64Array(wt.length);
      conv2dForwardImages(g, x, wt, null, out, 0, 2, JS_GEMM);
      conv2dBackwardInputImages(g, dy, wt, dx, 0, 2, JS_GEMM);
      conv2dBackwardWeightUnits(g, x, dy, dw, 0, 4, JS_GEMM);
      expectAllClose(out, naiveConv2d(x, wt, null, shapes, params), 'float64',
        { magnitude: naiveConv2d(absOf(x), absOf(wt), null, shapes, params), what: `y ${name}` });
      expectAllClose(dx, naiveConv2dBackwardInput(dy, wt, shapes, params), 'float64',
        { magnitude: naiveConv2dBackwardInput(absOf(dy), absOf(wt), shapes, params), what: `dx ${name}` });
      expectAllClose(dw, naiveConv2dBackwardWeight(x, dy, shapes, params), 'float64',
        { magnitude: naiveConv2dBackwardWeight(absOf(x), absOf(dy), shapes, params), what: `dW ${name}` });
    }
  });
});
