/**
 * The fronts of several ops in src/autograd/ops (what the mutation report of session 13 found
 * untested): pool2d input checks and returnIndices, batchNormOp's layout and eval-mode checks, cast's
 * dtype check, squeeze with a dim, and the default keepDim of max/min, logsumexp and variance.
 * Values are worked out by hand.
 */
import { describe, expect, it } from 'vitest';
import { batchNormOp } from '../../../src/autograd/ops/batch-norm.js';
import { cast } from '../../../src/autograd/ops/cast.js';
import { logsumexp } from '../../../src/autograd/ops/logsumexp.js';
import { max, min } from '../../../src/autograd/ops/max.js';
import { avgPool2d, maxPool2d, type MaxPool2dFunctionalOptions } from '../../../src/autograd/ops/pool2d.js';
import { squeeze } from '../../../src/autograd/ops/squeeze.js';
import { variance } from '../../../src/autograd/ops/variance.js';
import type { DType } from '../../../src/tensor/dtype.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { expectError } from './expect-error.js';

const f64 = (values: number[], shape: number[]): Tensor => Tensor.fromData(Float64Array.from(values), shape, 'float64');
const int32 = (values: number[], shape: number[]): Tensor => Tensor.fromData(Int32Array.from(values), shape, 'int32');
const arr = (t: Tensor | null): number[] => Array.from(t!.toTypedArray());

describe('maxPool2d / avgPool2d fronts', () => {
  const x = f64([1, 5, 3, 2], [1, 1, 2, 2]);
  it('returnIndices must be a boolean; true gives [values, int32 indices], false a tensor', () => {
    expectError(() => maxPool2d(x, { kernelSize: 2, returnIndices: 1 } as unknown as MaxPool2dFunctionalOptions), TypeError, 'maxPool2d: returnIndices must be a boolean, got 1');
    const [y, idx] = maxPool2d(x, { kernelSize: 2, returnIndices: true });
    expect(arr(y)).toEqual([5]);
    expect(idx.dtype).toBe('int32');
    expect(arr(idx)).toEqual([1]);
    expect(arr(maxPool2d(x, { kernelSize: 2, returnIndices: false }))).toEqual([5]);
  });
  it('an integer input is a TypeError naming the op (with and without returnIndices, and avgPool2d)', () => {
    const xi = int32([1, 5, 3, 2], [1, 1, 2, 2]);
    expectError(() => maxPool2d(xi, { kernelSize: 2 }), TypeError, 'maxPool2d: input must be float32 or float64, got int32');
    expectError(() => maxPool2d(xi, { kernelSize: 2, returnIndices: true }), TypeError, 'maxPool2d: input must be float32 or float64, got int32');
    expectError(() => avgPool2d(xi, { kernelSize: 2 }), TypeError, 'avgPool2d: input must be float32 or float64, got int32');
  });
  it('a non-tensor is a TypeError naming the op and what came', () => {
    // Found by this test: these used to fail inside the geometry or the allocator ("Cannot read
    // properties of null", "allocate: unknown dtype undefined"); the fronts now check first.
    for (const [fake, shown] of [[null, 'null'], [[1, 2], '[1,2]'], [{ shape: [1, 1, 2, 2] }, 'Object']] as const) {
      expectError(() => maxPool2d(fake as unknown as Tensor, { kernelSize: 2 }), TypeError, `maxPool2d: input must be a Tensor, got ${shown}`);
      expectError(() => avgPool2d(fake as unknown as Tensor, { kernelSize: 2 }), TypeError, `avgPool2d: input must be a Tensor, got ${shown}`);
    }
  });
});

describe('batchNormOp checks', () => {
  it('a 3-D input is a RangeError naming its shape', () => {
    expectError(() => batchNormOp([f64([1, 2, 3, 4, 5, 6], [1, 2, 3]), null, null], { training: true, eps: 1e-5 }), RangeError,
      'batchNorm: input must be [N, C] or [N, C, H, W], got [1,2,3]');
  });
  it('eval mode without the mean or without the variance is an error saying what it needs', () => {
    const x = f64([1, 2, 3, 4], [2, 2]);
    const stats = new Float64Array([0, 0]);
    const need = 'batchNorm: eval mode needs the running mean and variance';
    expectError(() => batchNormOp([x, null, null], { training: false, eps: 0, mean: stats }), Error, need);
    expectError(() => batchNormOp([x, null, null], { training: false, eps: 0, variance: stats }), Error, need);
    expectError(() => batchNormOp([x, null, null], { training: false, eps: 0 }), Error, need);
  });
  it('eval mode with both uses them: y = (x − μ)/√(σ² + ε)', () => {
    const y = batchNormOp([f64([1, 2, 3, 4], [2, 2]), null, null], { training: false, eps: 0, mean: new Float64Array([1, 2]), variance: new Float64Array([4, 1]) });
    expect(arr(y)).toEqual([0, 0, 1, 2]);
  });
});

describe('cast, squeeze', () => {
  it('cast to an unknown dtype names cast', () => {
    expectError(() => cast(f64([1], [1]), 'float16' as DType), TypeError, 'cast: dtype must be one of bool, int32, float32, float64, got "float16"');
  });
  it('squeeze with a dim removes only that dim', () => {
    const x = f64([1, 2], [1, 2, 1]);
    expect(squeeze(x, 0).shape).toEqual([2, 1]);
    expect(squeeze(x, -1).shape).toEqual([1, 2]);
    expect(squeeze(x).shape).toEqual([2]);
  });
});

describe('reductions drop the reduced dims unless keepDim', () => {
  const x = f64([1, 4, 2, 3, 0, 5], [2, 3]);
  it('max and min over dim 1 and over [0]', () => {
    expect(max(x, 1).shape).toEqual([2]);
    expect(arr(max(x, 1))).toEqual([4, 5]);
    expect(max(x, 1, { keepDim: true }).shape).toEqual([2, 1]);
    expect(min(x, [0]).shape).toEqual([3]);
    expect(arr(min(x, [0]))).toEqual([1, 0, 2]);
  });
  it('logsumexp and variance over dim 1', () => {
    const l = logsumexp(f64([0, 0, Math.log(3), Math.log(5)], [2, 2]), 1);
    expect(l.shape).toEqual([2]);
    expect(Math.abs(arr(l)[0]! - Math.log(2))).toBeLessThan(1e-15);
    expect(Math.abs(arr(l)[1]! - Math.log(8))).toBeLessThan(1e-15);
    const v = variance(f64([1, 3, 5, 2, 2, 2], [2, 3]), 1); // means 3 and 2: (4 + 0 + 4) / (3 − 1), 0
    expect(v.shape).toEqual([2]);
    expect(arr(v)).toEqual([4, 0]);
  });
});
