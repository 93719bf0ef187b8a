/**
 * src/autograd/ops/max-unpool2d.ts: values and gradient on several planes (a repeated index: the later
 * element wins forward, both get their gradient), output sizes (default, stride, [N, C, H, W]
 * outputSize, the strict bounds) and every validation error. Expected values are worked out by hand.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maxUnpool2d, type MaxUnpool2dOptions } from '../../../src/autograd/ops/max-unpool2d.js';
import { mul } from '../../../src/autograd/ops/mul.js';
import { sum } from '../../../src/autograd/ops/sum.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { expectError } from './expect-error.js';

const f64 = (values: number[], shape: number[], requiresGrad = false): Tensor => {
  const t = Tensor.fromData(Float64Array.from(values), shape, 'float64');
  t.requiresGrad = requiresGrad;
  return t;
};
const int32 = (values: number[], shape: number[]): Tensor => Tensor.fromData(Int32Array.from(values), shape, 'int32');
const arr = (t: Tensor | null): number[] => Array.from(t!.toTypedArray());
const iota = (n: number, from = 0): number[] => Array.from({ length: n }, (_, i) => from + i);

describe('maxUnpool2d values and gradient', () => {
  it('two planes, a repeated index: y per plane, the later value wins; dx gathers g at each index', () => {
    // x [1, 2, 1, 2], kernel 2: output planes 2x4 (8 elements). Plane 0: x0 -> 0, x1 -> 5; plane 1: x2, x3 -> 7.
    const x = f64([1, 2, 3, 4], [1, 2, 1, 2], true);
    const y = maxUnpool2d(x, int32([0, 5, 7, 7], [1, 2, 1, 2]), { kernelSize: 2 });
    expect(y.shape).toEqual([1, 2, 2, 4]);
    expect(arr(y)).toEqual([1, 0, 0, 0, 0, 2, 0, 0, /* plane 1 */ 0, 0, 0, 0, 0, 0, 0, 4]);
    sum(mul(y, f64(iota(16, 1), [1, 2, 2, 4]))).backward(); // g = 1..16
    expect(arr(x.grad)).toEqual([1, 6, 16, 16]);
  });
  it('stride defaults to the kernel; an explicit stride and padding change the output size', () => {
    const x = f64([1, 2], [1, 1, 1, 2]);
    const idx = int32([0, 1], [1, 1, 1, 2]);
    expect(maxUnpool2d(x, idx, { kernelSize: 2 }).shape).toEqual([1, 1, 2, 4]); // (1-1)·2+2, (2-1)·2+2
    expect(maxUnpool2d(x, idx, { kernelSize: 2, stride: 1 }).shape).toEqual([1, 1, 2, 3]);
    expect(maxUnpool2d(x, idx, { kernelSize: 3, stride: 2, padding: [1, 0] }).shape).toEqual([1, 1, 1, 5]); // 0−2+3, 2+3
  });
  it('outputSize [N, C, H, W] uses its last two entries', () => {
    const y = maxUnpool2d(f64([1, 2, 3, 4], [1, 2, 1, 2]), int32([0, 5, 11, 1], [1, 2, 1, 2]), { kernelSize: 2, outputSize: [1, 2, 3, 4] });
    expect(y.shape).toEqual([1, 2, 3, 4]);
    expect(arr(y)).toEqual([1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, /* plane 1 */ 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3]);
  });
});

describe('maxUnpool2d against a plain loop', () => {
  it('forward (later index wins) and backward (gather) for random planes and indices, repeats included', () => {
    const dims = fc.record({ n: fc.integer({ min: 1, max: 2 }), c: fc.integer({ min: 1, max: 3 }), ih: fc.integer({ min: 1, max: 3 }), iw: fc.integer({ min: 1, max: 3 }), k: fc.integer({ min: 1, max: 3 }) });
    fc.assert(fc.property(dims, fc.nat(), ({ n, c, ih, iw, k }, seed) => {
      const oh = (ih - 1) * k + k;
      const ow = (iw - 1) * k + k;
      const inPlane = ih * iw;
      const outPlane = oh * ow;
      const count = n * c * inPlane;
      let r = seed;
      const next = (m: number): number => ((r = (r * 1103515245 + 12345) % 2147483648) % m); // a small LCG, test data only
      const xv = Array.from({ length: count }, (_, i) => i + 1);
      const iv = Array.from({ length: count }, () => next(Math.min(outPlane, 4))); // few targets: frequent repeats
      const gv = Array.from({ length: n * c * outPlane }, (_, i) => 100 + i);
      const want = new Array<number>(n * c * outPlane).fill(0);
      const wantDx = new Array<number>(count).fill(0);
      for (let p = 0; p < n * c; p++) {
        for (let i = 0; i < inPlane; i++) {
          want[p * outPlane + iv[p * inPlane + i]!] = xv[p * inPlane + i]!;
          wantDx[p * inPlane + i] = gv[p * outPlane + iv[p * inPlane + i]!]!;
        }
      }
      const x = f64(xv, [n, c, ih, iw], true);
      const y = maxUnpool2d(x, int32(iv, [n, c, ih, iw]), { kernelSize: k });
      expect(y.shape).toEqual([n, c, oh, ow]);
      expect(arr(y)).toEqual(want);
      sum(mul(y, f64(gv, [n, c, oh, ow]))).backward();
      expect(arr(x.grad)).toEqual(wantDx);
    }), { numRuns: 40, seed: 3 });
  });
});

describe('maxUnpool2d errors', () => {
  const x = f64([1, 2, 3, 4], [1, 2, 1, 2]);
  const idx = int32([0, 1, 2, 3], [1, 2, 1, 2]);
  it('an index below 0 or at the plane size names its flat position (plane 1 here) and the plane', () => {
    expectError(() => maxUnpool2d(x, int32([0, 1, -1, 3], [1, 2, 1, 2]), { kernelSize: 2 }), RangeError, 'maxUnpool2d: indices[2] = -1 is outside the 2x4 output plane');
    expectError(() => maxUnpool2d(x, int32([0, 1, 2, 8], [1, 2, 1, 2]), { kernelSize: 2 }), RangeError, 'maxUnpool2d: indices[3] = 8 is outside the 2x4 output plane');
  });
  it('non-tensor input or indices is a TypeError naming both', () => {
    expectError(() => maxUnpool2d([1] as unknown as Tensor, idx, { kernelSize: 2 }), TypeError, 'maxUnpool2d: input and indices must be Tensors, got [1] and Tensor');
    expectError(() => maxUnpool2d(x, null as unknown as Tensor, { kernelSize: 2 }), TypeError, 'maxUnpool2d: input and indices must be Tensors, got Tensor and null');
  });
  it('an input that is not a float 4-D tensor names its dtype and shape', () => {
    expectError(() => maxUnpool2d(f64([1, 2], [1, 1, 2]), int32([0, 1], [1, 1, 2]), { kernelSize: 2 }), RangeError,
      'maxUnpool2d: input must be a float32/float64 [N, C, H, W] tensor, got float64 [1,1,2]');
    expectError(() => maxUnpool2d(int32([1, 2], [1, 1, 1, 2]), int32([0, 1], [1, 1, 1, 2]), { kernelSize: 2 }), RangeError,
      'maxUnpool2d: input must be a float32/float64 [N, C, H, W] tensor, got int32 [1,1,1,2]');
  });
  it('indices of another dtype or rank name both shapes', () => {
    expectError(() => maxUnpool2d(x, f64([0, 1, 2, 3], [1, 2, 1, 2]), { kernelSize: 2 }), RangeError,
      "maxUnpool2d: indices must be int32 of the input's shape [1,2,1,2], got float64 [1,2,1,2]");
    expectError(() => maxUnpool2d(x, int32([0, 1], [1, 2, 1]), { kernelSize: 2 }), RangeError,
      "maxUnpool2d: indices must be int32 of the input's shape [1,2,1,2], got int32 [1,2,1]");
  });
  it('options that are not an object, and bad kernelSize, stride or padding, name the option', () => {
    expectError(() => maxUnpool2d(x, idx, null as unknown as MaxUnpool2dOptions), TypeError, 'maxUnpool2d: options must be an object with kernelSize, got null');
    expectError(() => maxUnpool2d(x, idx, 2 as unknown as MaxUnpool2dOptions), TypeError, 'maxUnpool2d: options must be an object with kernelSize, got 2');
    expectError(() => maxUnpool2d(x, idx, { kernelSize: 0 }), RangeError, 'maxUnpool2d: kernelSize must be an integer >= 1 or a pair of them, got 0');
    expectError(() => maxUnpool2d(x, idx, { kernelSize: 2, stride: 0 }), RangeError, 'maxUnpool2d: stride must be an integer >= 1 or a pair of them, got 0');
    expectError(() => maxUnpool2d(x, idx, { kernelSize: 2, padding: -1 }), RangeError, 'maxUnpool2d: padding must be an integer >= 0 or a pair of them, got -1');
  });
  it('outputSize of the wrong length, not an integer, or on a bound (exclusive) is a RangeError with the bounds', () => {
    // kernel 2, input 1x2: default size [2, 4], stride [2, 2], so H in (0, 4), W in (2, 6).
    expectError(() => maxUnpool2d(x, idx, { kernelSize: 2, outputSize: [1, 2, 3] }), RangeError, 'maxUnpool2d: outputSize must be [H, W] or [N, C, H, W], got [1, 2, 3]');
    const bounds = 'must lie strictly between [0, 2] and [4, 6] for input [1,2,1,2]';
    expectError(() => maxUnpool2d(x, idx, { kernelSize: 2, outputSize: [2.5, 4] }), RangeError, `maxUnpool2d: outputSize [2.5, 4] ${bounds}`);
    expectError(() => maxUnpool2d(x, idx, { kernelSize: 2, outputSize: [2, 2] }), RangeError, `maxUnpool2d: outputSize [2, 2] ${bounds}`);
    expectError(() => maxUnpool2d(x, idx, { kernelSize: 2, outputSize: [0, 4] }), RangeError, `maxUnpool2d: outputSize [0, 4] ${bounds}`);
    expectError(() => maxUnpool2d(x, idx, { kernelSize: 2, outputSize: [2, 6] }), RangeError, `maxUnpool2d: outputSize [2, 6] ${bounds}`);
    expect(maxUnpool2d(x, idx, { kernelSize: 2, outputSize: [3, 5] }).shape).toEqual([1, 2, 3, 5]); // strictly inside: fine
  });
  it('an empty output on either axis is a RangeError naming the sizes, kernel, stride and padding', () => {
    const one = f64([1], [1, 1, 1, 1]);
    const at0 = int32([0], [1, 1, 1, 1]);
    expectError(() => maxUnpool2d(one, at0, { kernelSize: 1, padding: [1, 0] }), RangeError,
      'maxUnpool2d: the output would be -1x1 for input [1,1,1,1], kernel 1x1, stride 1x1, padding 1x0');
    expectError(() => maxUnpool2d(one, at0, { kernelSize: 1, padding: [0, 1] }), RangeError,
      'maxUnpool2d: the output would be 1x-1 for input [1,1,1,1], kernel 1x1, stride 1x1, padding 0x1');
  });
});
