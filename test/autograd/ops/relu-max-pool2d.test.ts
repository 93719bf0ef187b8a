/**
 * src/autograd/ops/relu-max-pool2d.ts: reluMaxPool2d(x) must be maxPool2d(relu(x)) exactly, in values
 * and in the gradient for any upstream gradient, with the awkward inputs (NaN, ±0, ties between
 * windows' maxima, all-negative windows, overlapping windows, padding, dilation, ceil mode), in both
 * dtypes and on both kernel paths. The reference is the two-op chain the fused op replaces; a small case
 * is also worked out by hand.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { mul } from '../../../src/autograd/ops/mul.js';
import { maxPool2d } from '../../../src/autograd/ops/pool2d.js';
import { relu } from '../../../src/autograd/ops/relu.js';
import { reluMaxPool2d } from '../../../src/autograd/ops/relu-max-pool2d.js';
import { sum } from '../../../src/autograd/ops/sum.js';
import type { Pool2dOptions } from '../../../src/tensor/kernels/pool2d-geometry.js';
import { setKernelsMode } from '../../../src/tensor/wasm/support.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { expectExactlyEqual } from '../../tensor/kernels/helpers.js';
import { expectError } from './expect-error.js';

// Few distinct values, so windows tie and all-non-positive windows are common.
const VALUES = [-2, -1, -0, 0, 0.5, 1, 1, 3, NaN];

const caseArb = fc.record({
  batch: fc.integer({ min: 1, max: 2 }),
  channels: fc.integer({ min: 1, max: 3 }),
  h: fc.integer({ min: 2, max: 9 }),
  w: fc.integer({ min: 2, max: 9 }),
  kernel: fc.integer({ min: 1, max: 3 }),
  stride: fc.integer({ min: 1, max: 3 }),
  pad: fc.nat({ max: 1 }),
  dilation: fc.integer({ min: 1, max: 2 }),
  ceilMode: fc.boolean(),
  f64: fc.boolean(),
  mode: fc.constantFrom<'simd' | 'js'>('simd', 'js'),
  withNaN: fc.boolean(),
  picks: fc.array(fc.nat({ max: VALUES.length - 1 }), { minLength: 1, maxLength: 64 }),
  grads: fc.array(fc.float({ min: -4, max: 4, noNaN: true }), { minLength: 1, maxLength: 16 }),
});

function leaf(values: number[], shape: number[], f64: boolean): Tensor {
  const t = Tensor.fromData(f64 ? Float64Array.from(values) : Float32Array.from(values), shape, f64 ? 'float64' : 'float32');
  t.requiresGrad = true;
  return t;
}

describe('reluMaxPool2d = maxPool2d(relu(x))', () => {
  afterEach(() => setKernelsMode(null));

  it('same values and the same gradient, bit for bit (NaN, ±0, ties, overlap, padding, dilation, ceil mode; both paths)', () => {
    let ran = 0;
    fc.assert(fc.property(caseArb, (c) => {
      const span = c.dilation * (c.kernel - 1) + 1;
      if (span > c.h + 2 * c.pad || span > c.w + 2 * c.pad || c.pad > Math.floor(c.kernel / 2)) return; // invalid pooling
      ran++;
      setKernelsMode(c.mode);
      const shape = [c.batch, c.channels, c.h, c.w];
      const n = shape.reduce((a, b) => a * b, 1);
      const values = Array.from({ length: n }, (_, i) => VALUES[c.picks[i % c.picks.length]!]!).map((v) => (c.withNaN || !Number.isNaN(v) ? v : 2));
      const options: Pool2dOptions = { kernelSize: c.kernel, stride: c.stride, padding: c.pad, dilation: c.dilation, ceilMode: c.ceilMode };
      const a = leaf(values, shape, c.f64);
      const b = leaf(values, shape, c.f64);
      const fused = reluMaxPool2d(a, options);
      const chained = maxPool2d(relu(b), options);
      expect(fused.shape).toEqual(chained.shape);
      expect(fused.dtype).toBe(chained.dtype);
      expectExactlyEqual(fused.toTypedArray(), chained.toTypedArray(), 'values');
      const g = Array.from({ length: fused.numel() }, (_, i) => c.grads[i % c.grads.length]!);
      const upstream = Tensor.fromData(c.f64 ? Float64Array.from(g) : Float32Array.from(g), fused.shape, fused.dtype);
      sum(mul(fused, upstream)).backward();
      sum(mul(chained, upstream)).backward();
      expectExactlyEqual(a.grad!.toTypedArray(), b.grad!.toTypedArray(), 'gradient');
    }), { numRuns: 300, seed: 1616 });
    expect(ran).toBeGreaterThan(150);
  });

  it('by hand: a 2×2 pool over a 2×4 plane', () => {
    // windows [[-1, 2], [3, -4]] -> 3 at index 4; [[-5, -6], [-0, -7]] -> max -0, relu -> +0, gradient 0
    const x = leaf([-1, 2, -5, -6, 3, -4, -0, -7], [1, 1, 2, 4], true);
    const y = reluMaxPool2d(x, { kernelSize: 2 });
    expect(Array.from(y.toTypedArray())).toEqual([3, 0]);
    expect(Object.is(y.toTypedArray()[1], 0)).toBe(true); // +0, as relu gives
    sum(mul(y, Tensor.fromData(Float64Array.from([10, 20]), [1, 1, 1, 2], 'float64'))).backward();
    expect(Array.from(x.grad!.toTypedArray())).toEqual([0, 0, 0, 0, 10, 0, 0, 0]);
  });

  it('names itself in errors', () => {
    expectError(() => reluMaxPool2d(null as unknown as Tensor, { kernelSize: 2 }), TypeError, 'reluMaxPool2d: input must be a Tensor, got null');
    expectError(() => reluMaxPool2d(Tensor.fromData(Int32Array.from([1, 2, 3, 4]), [1, 1, 2, 2], 'int32'), { kernelSize: 2 }), TypeError,
      'reluMaxPool2d: input must be float32 or float64, got int32');
    expectError(() => reluMaxPool2d(Tensor.fromData(Float32Array.from([1, 2]), [1, 2], 'float32'), { kernelSize: 2 }), RangeError,
      'reluMaxPool2d: input must be a 4-D NCHW shape of positive sizes, got [1,2]');
  });
});
