/**
 * The pool2d.ts kernels called directly (not through kernel-dispatch, which may pick the SIMD or the
 * threaded path): buffer checks with their exact messages; arrays longer than the geometry needs
 * (allowed by checkLength) keep their tail, and read nothing past the geometry; the routing to the
 * unrolled 2×2 forward and to the disjoint-window backward never changes a result (overlapping
 * windows on one axis, float32 sums that round differently when done in float32); argmax outside
 * the plane throws; −1 (an empty window) is skipped; the header's empty-average-window rule (0).
 * Expected values come from test/reference/naive-pool2d.ts or from the header rules written out here.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  avgPool2dBackward, avgPool2dForward, maxPool2dBackwardSerial, maxPool2dForwardSerial, pool2dGeometry,
  type Pool2dGeometry, type Pool2dOptions,
} from '../../../src/tensor/kernels/pool2d.js';
import { resetScratchStats, scratchStats } from '../../../src/tensor/kernels/scratch.js';
import {
  naiveAvgPool2d, naiveAvgPool2dBackward, naiveMaxPool2d, naiveMaxPool2dBackward, type NaivePoolParams,
} from '../../reference/naive-pool2d.js';
import {
  DTYPES, Generator, absOf, expectAllClose, expectExactlyEqual, expectTail, expectThrowWith as expectThrow, padded, roundTo, type FloatDTypeName,
} from './helpers.js';

type Shape = [number, number, number, number];
const SENTINEL = -4321.25;

function paramsOf(g: Pool2dGeometry): NaivePoolParams {
  return {
    kernel: [g.kernelHeight, g.kernelWidth], stride: [g.strideH, g.strideW], padding: [g.padH, g.padW],
    dilation: [g.dilationH, g.dilationW], ceilMode: g.ceilMode, countIncludePad: g.countIncludePad,
  };
}

const shapeOf = (g: Pool2dGeometry): Shape => [g.batch, g.channels, g.inHeight, g.inWidth];

describe('pool2d kernels: buffer checks', () => {
  // 2·3·4·5 = 120 inputs, 2·3·3·4 = 72 outputs; every mis-multiplied size is below 71.
  const gm = pool2dGeometry([2, 3, 4, 5], { kernelSize: 2, stride: 1 }, 'maxPool2d');
  const ga = pool2dGeometry([2, 3, 4, 5], { kernelSize: 2, stride: 1 }, 'avgPool2d');
  const f = (n: number) => new Float32Array(n);
  const i32 = (n: number) => new Int32Array(n);

  it('each kernel names itself, the short array and both lengths', () => {
    expectThrow(() => maxPool2dForwardSerial(gm, f(119), f(72), i32(72)), RangeError, 'maxPool2dForward: x has 119 elements, the geometry needs 120');
    expectThrow(() => maxPool2dForwardSerial(gm, f(120), f(71), i32(72)), RangeError, 'maxPool2dForward: out has 71 elements, the geometry needs 72');
    expectThrow(() => maxPool2dForwardSerial(gm, f(120), f(72), i32(71)), RangeError, 'maxPool2dForward: argmax has 71 elements, the geometry needs 72');
    expectThrow(() => maxPool2dBackwardSerial(gm, f(72), i32(72), f(119)), RangeError, 'maxPool2dBackward: gradInput has 119 elements, the geometry needs 120');
    expectThrow(() => maxPool2dBackwardSerial(gm, f(71), i32(72), f(120)), RangeError, 'maxPool2dBackward: gradOut has 71 elements, the geometry needs 72');
    expectThrow(() => maxPool2dBackwardSerial(gm, f(72), i32(71), f(120)), RangeError, 'maxPool2dBackward: argmax has 71 elements, the geometry needs 72');
    expectThrow(() => avgPool2dForward(ga, f(119), f(72)), RangeError, 'avgPool2dForward: x has 119 elements, the geometry needs 120');
    expectThrow(() => avgPool2dForward(ga, f(120), f(71)), RangeError, 'avgPool2dForward: out has 71 elements, the geometry needs 72');
    expectThrow(() => avgPool2dBackward(ga, f(72), f(119)), RangeError, 'avgPool2dBackward: gradInput has 119 elements, the geometry needs 120');
    expectThrow(() => avgPool2dBackward(ga, f(71), f(120)), RangeError, 'avgPool2dBackward: gradOut has 71 elements, the geometry needs 72');
  });

  it('max backward rejects an argmax outside the plane on both paths, naming it and its output index', () => {
    // Overlapping windows (accumulator path): 3×3 plane, 2×2 outputs; plane 1, output 1 → flat output 5.
    const go = pool2dGeometry([1, 2, 3, 3], { kernelSize: 2, stride: 1 }, 'maxPool2d');
    const a = new Int32Array(8);
    a[5] = 9;
    expectThrow(() => maxPool2dBackwardSerial(go, new Float64Array(8), a, new Float64Array(18)), RangeError,
      'maxPool2dBackward: argmax 9 at output 5 is outside the 3x3 plane');
    // Disjoint windows: 4×4 plane, 2×2 outputs.
    const gd = pool2dGeometry([1, 2, 4, 4], { kernelSize: 2 }, 'maxPool2d');
    const b = new Int32Array(8);
    b[5] = 16;
    expectThrow(() => maxPool2dBackwardSerial(gd, new Float64Array(8), b, new Float64Array(32)), RangeError,
      'maxPool2dBackward: argmax 16 at output 5 is outside the 4x4 plane');
  });
});

interface Case { dtype: FloatDTypeName; g: Pool2dGeometry; ga: Pool2dGeometry; seed: number; extra: number }

const caseArb: fc.Arbitrary<Case> = fc.record({
  dtype: fc.constantFrom(...DTYPES), n: fc.integer({ min: 1, max: 2 }), c: fc.integer({ min: 1, max: 2 }),
  two: fc.boolean(), k: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
  s: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
  d: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
  pad: fc.tuple(fc.boolean(), fc.boolean()), ceil: fc.boolean(), cip: fc.boolean(),
  h: fc.integer({ min: 0, max: 5 }), w: fc.integer({ min: 0, max: 5 }), seed: fc.nat(), extra: fc.integer({ min: 1, max: 40 }),
}).map((r) => {
  // two: the 2×2 / stride-2 geometry of the unrolled path.
  const k = r.two ? [2, 2] : r.k, s = r.two ? [2, 2] : r.s, d = r.two ? [1, 1] : r.d;
  const p = r.two ? [0, 0] : [r.pad[0] ? k[0]! >> 1 : 0, r.pad[1] ? k[1]! >> 1 : 0];
  const H = Math.max(1, d[0]! * (k[0]! - 1) + 1 - 2 * p[0]!) + r.h, W = Math.max(1, d[1]! * (k[1]! - 1) + 1 - 2 * p[1]!) + r.w;
  const o: Pool2dOptions = { kernelSize: [k[0]!, k[1]!], stride: [s[0]!, s[1]!], padding: [p[0]!, p[1]!], ceilMode: r.ceil };
  const g = pool2dGeometry([r.n, r.c, H, W], { ...o, dilation: [d[0]!, d[1]!] }, 'maxPool2d');
  const ga = pool2dGeometry([r.n, r.c, H, W], { ...o, countIncludePad: r.cip }, 'avgPool2d');
  return { dtype: r.dtype, g, ga, seed: r.seed, extra: r.extra };
});

describe('pool2d kernels: arrays longer than the geometry', () => {
  it('write only the geometry\'s part of out/gradInput and read nothing past the geometry (fast-check)', () => {
    fc.assert(fc.property(caseArb, ({ dtype, g, ga, seed, extra }) => {
      const gen = new Generator(seed);
      const nx = g.batch * g.channels * g.inHeight * g.inWidth, ny = g.batch * g.channels * g.outHeight * g.outWidth;
      const pad = extra + Math.max(nx, ny); // past the end: a whole extra plane and more
      const xv = gen.uniformArray(nx, -1, 1), dyv = gen.uniformArray(ny, -1, 1);
      const x = padded(dtype, xv, pad, 1e6), dy = padded(dtype, dyv, pad, 5);
      // Max forward.
      const ref = naiveMaxPool2d(x.subarray(0, nx), shapeOf(g), paramsOf(g));
      const out = padded(dtype, new Float64Array(ny).fill(NaN), pad, SENTINEL);
      const argmax = new Int32Array(ny + pad).fill(-7);
      maxPool2dForwardSerial(g, x, out, argmax);
      expectExactlyEqual(out.subarray(0, ny), roundTo(dtype, ref.y), 'maxPool2d out');
      expectExactlyEqual(argmax.subarray(0, ny), ref.argmax, 'maxPool2d argmax');
      expectTail(out, ny, SENTINEL, 'maxPool2d out');
      expectTail(argmax, ny, -7, 'maxPool2d argmax');
      // Max backward: argmax past the geometry points at element 0 (a valid index), dy past it is 5.
      argmax.fill(0, ny);
      const dx = padded(dtype, new Float64Array(nx).fill(NaN), pad, SENTINEL);
      maxPool2dBackwardSerial(g, dy, argmax, dx);
      const dxRef = naiveMaxPool2dBackward(dy.subarray(0, ny), ref.argmax, shapeOf(g), paramsOf(g));
      expectExactlyEqual(dx.subarray(0, nx), roundTo(dtype, dxRef), 'maxPool2d dx'); // one float64 sum per element, ascending
      expectTail(dx, nx, SENTINEL, 'maxPool2d dx');
      // Average forward and backward.
      const nya = ga.batch * ga.channels * ga.outHeight * ga.outWidth;
      const avg = padded(dtype, new Float64Array(nya).fill(NaN), pad, SENTINEL);
      avgPool2dForward(ga, x, avg);
      const pa = paramsOf(ga);
      const xh = x.subarray(0, nx);
      expectAllClose(avg.subarray(0, nya), naiveAvgPool2d(xh, shapeOf(ga), pa), dtype, { magnitude: naiveAvgPool2d(absOf(xh), shapeOf(ga), pa) });
      expectTail(avg, nya, SENTINEL, 'avgPool2d out');
      const dya = padded(dtype, gen.uniformArray(nya, -1, 1), pad, 5);
      const dxa = padded(dtype, new Float64Array(nx).fill(NaN), pad, SENTINEL);
      avgPool2dBackward(ga, dya, dxa);
      const dyaHead = Float64Array.from(dya.subarray(0, nya));
      expectAllClose(dxa.subarray(0, nx), naiveAvgPool2dBackward(dyaHead, shapeOf(ga), pa), dtype,
        { magnitude: naiveAvgPool2dBackward(absOf(dyaHead), shapeOf(ga), pa) });
      expectTail(dxa, nx, SENTINEL, 'avgPool2d dx');
    }), { numRuns: 150, seed: 2012 });
  });
});

describe('pool2d kernels: routing never changes a result', () => {
  it('max forward: geometries next to the unrolled 2×2 / stride-2 one equal the naive scan', () => {
    // Each fits the unrolled path's size test (2·OH ≤ H, 2·OW ≤ W) but differs in one parameter.
    const cases: [Shape, Pool2dOptions][] = [
      [[1, 2, 2, 6], { kernelSize: [2, 3], stride: 2 }],
      [[1, 2, 6, 2], { kernelSize: [3, 2], stride: 2 }],
      [[1, 2, 2, 5], { kernelSize: 2, stride: [2, 3] }],
      [[1, 2, 5, 2], { kernelSize: 2, stride: [3, 2] }],
      [[1, 2, 5, 2], { kernelSize: 2, stride: 2, dilation: [2, 1] }],
      [[1, 2, 2, 5], { kernelSize: 2, stride: 2, dilation: [1, 2] }],
      [[1, 2, 4, 6], { kernelSize: 2 }],
    ];
    for (const [shape, options] of cases) {
      const g = pool2dGeometry(shape, options, 'maxPool2d');
      const n = shape[0] * shape[1] * shape[2] * shape[3];
      for (const x of [Float64Array.from({ length: n }, (_, i) => i), Float64Array.from({ length: n }, (_, i) => -i)]) {
        const ref = naiveMaxPool2d(x, shape, paramsOf(g));
        const out = new Float64Array(ref.y.length).fill(NaN), argmax = new Int32Array(ref.y.length).fill(-7);
        maxPool2dForwardSerial(g, x, out, argmax);
        expectExactlyEqual(out, ref.y, `out ${JSON.stringify(options)}`);
        expectExactlyEqual(argmax, ref.argmax, `argmax ${JSON.stringify(options)}`);
      }
    }
  });

  it('max backward over windows overlapping on one axis sums in float64 (three float32 dy that round differently one by one)', () => {
    // The peak is the argmax of all three windows; 1 + 2^-24 + 2^-24 = 1 + 2^-23 is a float32, but
    // adding 2^-24 to 1 in float32 twice gives 1. The other axis has disjoint windows.
    const cases: [Shape, Pool2dOptions, number][] = [
      [[1, 1, 5, 1], { kernelSize: [3, 1], stride: 1 }, 2],
      [[1, 1, 9, 1], { kernelSize: [3, 1], stride: [2, 1], dilation: [2, 1] }, 4],
      [[1, 1, 1, 5], { kernelSize: [1, 3], stride: 1 }, 2],
      [[1, 1, 1, 9], { kernelSize: [1, 3], stride: [1, 2], dilation: [1, 2] }, 4],
    ];
    for (const [shape, options, peak] of cases) {
      const g = pool2dGeometry(shape, options, 'maxPool2d');
      const x = new Float32Array(9);
      x[peak] = 1;
      const out = new Float32Array(3), argmax = new Int32Array(3);
      maxPool2dForwardSerial(g, x, out, argmax);
      expect(Array.from(argmax)).toEqual([peak, peak, peak]);
      const dy = new Float32Array([1, 2 ** -24, 2 ** -24]);
      const dx = new Float32Array(shape[2] * shape[3]).fill(NaN);
      maxPool2dBackwardSerial(g, dy, argmax, dx);
      expectExactlyEqual(dx, roundTo('float32', naiveMaxPool2dBackward(dy, argmax, shape, paramsOf(g))), JSON.stringify(options));
      expect(dx[peak]).toBe(1 + 2 ** -23);
    }
  });

  it('max backward skips the −1 argmax of an empty window, also on the disjoint path', () => {
    // Dilation 3 with padding 1 on a 2×2 plane: the window reads rows/cols −1 and 2 only (empty);
    // stride 4 makes the windows disjoint, stride 1 not.
    for (const stride of [4, 1]) {
      const g = pool2dGeometry([1, 2, 2, 2], { kernelSize: 2, stride, padding: 1, dilation: 3 }, 'maxPool2d');
      expect([g.outHeight, g.outWidth]).toEqual([1, 1]);
      const out = new Float64Array(2), argmax = new Int32Array(2);
      maxPool2dForwardSerial(g, new Float64Array([1, 2, 3, 4, 5, 6, 7, 8]), out, argmax);
      expect([...out, ...argmax]).toEqual([-Infinity, -Infinity, -1, -1]);
      const dx = new Float64Array(8).fill(NaN);
      maxPool2dBackwardSerial(g, new Float64Array([3, 4]), argmax, dx);
      expect(Array.from(dx)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    }
  });

  it('max and average backward return their float64 plane to the scratch pool', () => {
    const go = pool2dGeometry([1, 2, 5, 5], { kernelSize: 3, stride: 1 }, 'maxPool2d');
    const ga = pool2dGeometry([1, 2, 5, 5], { kernelSize: 3, stride: 1 }, 'avgPool2d');
    const dy = new Float64Array(18), argmax = new Int32Array(18), dx = new Float64Array(50);
    const step = (): void => {
      maxPool2dBackwardSerial(go, dy, argmax, dx);
      avgPool2dBackward(ga, dy, dx);
    };
    step();
    resetScratchStats();
    step();
    step();
    expect(scratchStats()).toMatchObject({ allocations: 0, hits: 4, releases: 4 });
  });
});

describe('avgPool2d: a window with no in-bounds element gives 0 (header rule)', () => {
  // pool2dGeometry never builds such a window (padding ≤ kernel/2, and ceil mode drops a last window
  // that starts past the input), so the geometry is written by hand: 1×1 windows at rows/cols 0..2
  // of a 2×2 plane; row 2 and column 2 are empty (start = end = 2).
  for (const countIncludePad of [true, false]) {
    it(`countIncludePad ${countIncludePad}`, () => {
      const g: Pool2dGeometry = {
        batch: 1, channels: 2, inHeight: 2, inWidth: 2, kernelHeight: 1, kernelWidth: 1, strideH: 1, strideW: 1,
        padH: 0, padW: 0, dilationH: 1, dilationW: 1, ceilMode: false, countIncludePad, outHeight: 3, outWidth: 3,
      };
      const x = new Float64Array([1, 2, 3, 4, 5, 6, 7, 8]);
      const out = new Float64Array(18).fill(NaN);
      avgPool2dForward(g, x, out);
      const expected = new Float64Array(18);
      for (let p = 0; p < 2; p++) for (let oh = 0; oh < 2; oh++) for (let ow = 0; ow < 2; ow++) expected[p * 9 + oh * 3 + ow] = x[p * 4 + oh * 2 + ow]!;
      expectExactlyEqual(out, expected, 'avgPool2d out');
      const dy = Float64Array.from({ length: 18 }, (_, i) => 10 + i);
      const dx = new Float64Array(8).fill(NaN);
      avgPool2dBackward(g, dy, dx);
      const dxExpected = new Float64Array(8);
      for (let p = 0; p < 2; p++) for (let ih = 0; ih < 2; ih++) for (let iw = 0; iw < 2; iw++) dxExpected[p * 4 + ih * 2 + iw] = dy[p * 9 + ih * 3 + iw]!;
      expectExactlyEqual(dx, dxExpected, 'avgPool2d dx');
    });
  }
});
