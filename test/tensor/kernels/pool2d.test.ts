import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pool2dGeometry, type Pool2dOptions } from '../../../src/tensor/kernels/pool2d.js';
import { avgPool2dBackward, avgPool2dForward, maxPool2dBackward, maxPool2dForward } from '../../../src/tensor/kernel-dispatch.js';
import {
  naiveAvgPool2d,
  naiveAvgPool2dBackward,
  naiveMaxPool2d,
  naiveMaxPool2dBackward,
  naivePoolOutShape,
  type NaivePoolParams,
} from '../../reference/naive-pool2d.js';
import { DTYPES, Generator, absOf, expectAllClose, expectExactlyEqual, makeArray, randomArray, roundTo, type FloatDTypeName } from './helpers.js';

interface PoolCase {
  dtype: FloatDTypeName;
  n: number;
  c: number;
  kernel: [number, number];
  stride: [number, number];
  padFrac: [number, number];
  dilation: [number, number];
  ceilMode: boolean;
  countIncludePad: boolean;
  extraH: number;
  extraW: number;
  seed: number;
  ties: boolean;
}

const poolCaseArb = (withDilation: boolean): fc.Arbitrary<PoolCase> =>
  fc.record({
    dtype: fc.constantFrom(...DTYPES),
    n: fc.integer({ min: 1, max: 2 }),
    c: fc.integer({ min: 1, max: 3 }),
    kernel: fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 })),
    stride: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
    padFrac: fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })),
    dilation: withDilation ? fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })) : fc.constant<[number, number]>([1, 1]),
    ceilMode: fc.boolean(),
    countIncludePad: fc.boolean(),
    extraH: fc.integer({ min: 0, max: 6 }),
    extraW: fc.integer({ min: 0, max: 6 }),
    seed: fc.nat(),
    ties: fc.boolean(),
  });

function setup(cs: PoolCase, op: 'maxPool2d' | 'avgPool2d') {
  const pad: [number, number] = [
    Math.floor(cs.padFrac[0] * (Math.floor(cs.kernel[0] / 2) + 0.999)),
    Math.floor(cs.padFrac[1] * (Math.floor(cs.kernel[1] / 2) + 0.999)),
  ];
  const H = Math.max(1, cs.dilation[0] * (cs.kernel[0] - 1) + 1 - 2 * pad[0]) + cs.extraH;
  const W = Math.max(1, cs.dilation[1] * (cs.kernel[1] - 1) + 1 - 2 * pad[1]) + cs.extraW;
  const shape: [number, number, number, number] = [cs.n, cs.c, H, W];
  const options: Pool2dOptions = { kernelSize: cs.kernel, stride: cs.stride, padding: pad, ceilMode: cs.ceilMode };
  if (op === 'maxPool2d') options.dilation = cs.dilation;
  else options.countIncludePad = cs.countIncludePad;
  const params: NaivePoolParams = {
    kernel: cs.kernel,
    stride: cs.stride,
    padding: pad,
    dilation: cs.dilation,
    ceilMode: cs.ceilMode,
    countIncludePad: cs.countIncludePad,
  };
  const gen = new Generator(cs.seed);
  const x = randomArray(gen, cs.dtype, cs.n * cs.c * H * W);
  // Ties exercise the first-maximum rule: values from a small set.
  if (cs.ties) for (let i = 0; i < x.length; i++) x[i] = Math.round(x[i]! * 2) / 2;
  const g = pool2dGeometry(shape, options, op);
  const [, , OH, OW] = naivePoolOutShape(shape, params);
  const dy = randomArray(gen, cs.dtype, cs.n * cs.c * OH * OW);
  return { g, shape, params, x, dy, OH, OW };
}

describe('maxPool2d', () => {
  it('the unrolled 2×2/stride-2 path equals the naive scan, with NaN, ±∞, ±0 and ties', () => {
    const specials = [NaN, Infinity, -Infinity, -0, 0, 1, 1, -1];
    fc.assert(
      fc.property(
        fc.record({
          dtype: fc.constantFrom(...DTYPES),
          h: fc.integer({ min: 2, max: 9 }),
          w: fc.integer({ min: 2, max: 9 }),
          values: fc.array(fc.constantFrom(...specials), { minLength: 2 * 3 * 81, maxLength: 2 * 3 * 81 }),
          ceilMode: fc.boolean(),
        }),
        ({ dtype, h, w, values, ceilMode }) => {
          const shape: [number, number, number, number] = [2, 3, h, w];
          const params: NaivePoolParams = { kernel: [2, 2], stride: [2, 2], padding: [0, 0], dilation: [1, 1], ceilMode, countIncludePad: true };
          const x = makeArray(dtype, 2 * 3 * h * w);
          for (let i = 0; i < x.length; i++) x[i] = values[i]!;
          const ref = naiveMaxPool2d(x, shape, params);
          const g = pool2dGeometry(shape, { kernelSize: 2, ceilMode }, 'maxPool2d');
          const out = makeArray(dtype, ref.y.length).fill(7);
          const argmax = new Int32Array(ref.y.length).fill(-7);
          maxPool2dForward(g, x, out, argmax);
          expectExactlyEqual(out, roundTo(dtype, ref.y), 'maxPool2d 2x2 out');
          expectExactlyEqual(argmax, ref.argmax, 'maxPool2d 2x2 argmax');
        },
      ),
      { numRuns: 200, seed: 515 },
    );
  });

  it('forward values and argmax equal the naive padded-plane scan; backward matches naive scatter', () => {
    fc.assert(
      fc.property(poolCaseArb(true), (cs) => {
        const { g, shape, params, x, dy, OH, OW } = setup(cs, 'maxPool2d');
        expect([g.outHeight, g.outWidth]).toEqual([OH, OW]);
        const ref = naiveMaxPool2d(x, shape, params);
        const out = makeArray(cs.dtype, ref.y.length).fill(NaN);
        const argmax = new Int32Array(ref.y.length).fill(-7);
        maxPool2dForward(g, x, out, argmax);
        expectExactlyEqual(out, roundTo(cs.dtype, ref.y), 'maxPool2d out');
        expectExactlyEqual(argmax, ref.argmax, 'maxPool2d argmax');
        const dx = makeArray(cs.dtype, x.length).fill(NaN);
        maxPool2dBackward(g, dy, argmax, dx);
        const expected = naiveMaxPool2dBackward(dy, ref.argmax, shape, params);
        expectAllClose(dx, expected, cs.dtype, { magnitude: naiveMaxPool2dBackward(absOf(dy), ref.argmax, shape, params) });
      }),
      { numRuns: 300, seed: 505 },
    );
  });

  it('backward over disjoint 2×2 windows writes 0 + dy at the argmax (−0 gives +0, NaN passes) and +0 elsewhere', () => {
    const g = pool2dGeometry([1, 1, 2, 4], { kernelSize: 2 }, 'maxPool2d');
    const dx = new Float32Array(8).fill(NaN);
    maxPool2dBackward(g, new Float32Array([-0, NaN]), new Int32Array([5, 2]), dx);
    expect(Array.from(dx)).toEqual([0, 0, NaN, 0, 0, 0, 0, 0]);
    expect(Object.is(dx[5], 0)).toBe(true); // 0 + (−0) = +0, as the float64 accumulator gave
  });

  it('propagates NaN and breaks ties toward the first element', () => {
    const g = pool2dGeometry([1, 1, 2, 2], { kernelSize: 2 }, 'maxPool2d');
    const out = new Float32Array(1),
      argmax = new Int32Array(1);
    maxPool2dForward(g, new Float32Array([1, NaN, 3, 0]), out, argmax);
    expect(Number.isNaN(out[0]!)).toBe(true);
    expect(argmax[0]).toBe(1);
    maxPool2dForward(g, new Float32Array([2, 5, 5, 1]), out, argmax);
    expect([out[0], argmax[0]]).toEqual([5, 1]);
    maxPool2dForward(g, new Float32Array([-Infinity, -Infinity, -Infinity, -Infinity]), out, argmax);
    expect([out[0], argmax[0]]).toEqual([-Infinity, 0]);
  });

  it('ceil mode keeps a partial last window only if it starts inside input or left padding (PyTorch sizes)', () => {
    // Hand-derived from PyTorch's pooling_output_shape (see pool2d-geometry.ts).
    expect(pool2dGeometry([1, 1, 5, 5], { kernelSize: 2, ceilMode: true }, 'maxPool2d').outHeight).toBe(3);
    expect(pool2dGeometry([1, 1, 5, 5], { kernelSize: 2 }, 'maxPool2d').outHeight).toBe(2);
    expect(pool2dGeometry([1, 1, 4, 4], { kernelSize: 2, padding: 1, ceilMode: true }, 'maxPool2d').outHeight).toBe(3);
    expect(pool2dGeometry([1, 1, 6, 6], { kernelSize: 3, stride: 2, padding: 1, ceilMode: true }, 'maxPool2d').outHeight).toBe(4);
    // 5, k2, s2, p1: ⌈(5 + 2 − 1 − 1)/2⌉ + 1 = 4, but window 3 would start at input row 3·2 − 1 = 5 = H, in the right padding only: 3.
    expect(pool2dGeometry([1, 1, 5, 5], { kernelSize: 2, stride: 2, padding: 1, ceilMode: true }, 'maxPool2d').outHeight).toBe(3);
    expect(pool2dGeometry([1, 1, 7, 7], { kernelSize: 3, stride: 2, ceilMode: true }, 'maxPool2d').outHeight).toBe(3);
    expect(pool2dGeometry([1, 1, 8, 8], { kernelSize: 3, stride: 2, ceilMode: true }, 'maxPool2d').outHeight).toBe(4);
  });

  it('rejects invalid options with clear messages', () => {
    expect(() => pool2dGeometry([1, 1, 8, 8], { kernelSize: 2, padding: 2 }, 'maxPool2d')).toThrow(
      'maxPool2d: padding [2,2] must be at most half the kernel size [2,2]',
    );
    expect(() => pool2dGeometry([1, 1, 8, 8], { kernelSize: 0 }, 'maxPool2d')).toThrow(/maxPool2d: kernelSize must be an integer >= 1/);
    expect(() => pool2dGeometry([1, 1, 8, 8], { kernelSize: 2, stride: 0 }, 'avgPool2d')).toThrow(/avgPool2d: stride must be an integer >= 1/);
    expect(() => pool2dGeometry([1, 1, 8, 8], { kernelSize: 2, dilation: 2 }, 'avgPool2d')).toThrow(/avgPool2d: dilation is not supported/);
    expect(() => pool2dGeometry([1, 1, 2, 2], { kernelSize: 3, dilation: 2, padding: 1 }, 'maxPool2d')).toThrow(/maxPool2d: output size .* is too small/);
    expect(() => pool2dGeometry([1, 8, 8], { kernelSize: 2 }, 'maxPool2d')).toThrow(/maxPool2d: input must be a 4-D NCHW shape/);
  });
});

describe('avgPool2d', () => {
  it('forward and backward match the naive zero-padded oracle (countIncludePad both ways, ceil mode)', () => {
    fc.assert(
      fc.property(poolCaseArb(false), (cs) => {
        const { g, shape, params, x, dy } = setup(cs, 'avgPool2d');
        const expected = naiveAvgPool2d(x, shape, params);
        const out = makeArray(cs.dtype, expected.length).fill(NaN);
        avgPool2dForward(g, x, out);
        expectAllClose(out, expected, cs.dtype, { magnitude: naiveAvgPool2d(absOf(x), shape, params) });
        const dx = makeArray(cs.dtype, x.length).fill(NaN);
        avgPool2dBackward(g, dy, dx);
        expectAllClose(dx, naiveAvgPool2dBackward(dy, shape, params), cs.dtype, { magnitude: naiveAvgPool2dBackward(absOf(dy), shape, params) });
      }),
      { numRuns: 300, seed: 606 },
    );
  });

  it('divides by the padded window unless countIncludePad is false (known values)', () => {
    const x = new Float64Array([1, 2, 3, 4]);
    const big = new Float64Array(9);
    avgPool2dForward(pool2dGeometry([1, 1, 2, 2], { kernelSize: 2, stride: 1, padding: 1 }, 'avgPool2d'), x, big);
    expect(big[0]).toBe(1 / 4);
    expect(big[4]).toBe(10 / 4);
    avgPool2dForward(pool2dGeometry([1, 1, 2, 2], { kernelSize: 2, stride: 1, padding: 1, countIncludePad: false }, 'avgPool2d'), x, big);
    expect(big[0]).toBe(1);
    expect(big[1]).toBe(1.5);
  });
});
