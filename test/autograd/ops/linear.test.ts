/**
 * src/autograd/ops/linear.ts (the op's front and its two forward paths): mixed dtypes take the
 * matmul + add path with promotion, one float dtype the fused GEMM; empty batch / feature sizes; and
 * every validation error. Values are computed by hand here.
 */
import { describe, expect, it } from 'vitest';
import { linear } from '../../../src/autograd/ops/linear.js';
import { sum } from '../../../src/autograd/ops/sum.js';
import type { DType } from '../../../src/tensor/dtype.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { expectError } from './expect-error.js';

const make = (values: number[], shape: number[], dtype: DType = 'float64', requiresGrad = false): Tensor => {
  const t = Tensor.fromData(
    dtype === 'float64' ? Float64Array.from(values) : dtype === 'float32' ? Float32Array.from(values) : Int32Array.from(values),
    shape, dtype,
  );
  t.requiresGrad = requiresGrad;
  return t;
};
const arr = (t: Tensor | null): number[] => Array.from(t!.toTypedArray());

describe('linear values and dtypes', () => {
  it('float64 input with float32 weight and bias gives a float64 y = x·Wᵀ + b (not rounded to float32)', () => {
    // x = [0.1, 0.2] (float64), W = [[1, 0], [0, 1]], b = [0, 0] (float32): y = x exactly in float64.
    const y = linear(make([0.1, 0.2], [1, 2]), make([1, 0, 0, 1], [2, 2], 'float32'), make([0, 0], [2], 'float32'));
    expect(y.dtype).toBe('float64');
    expect(arr(y)).toEqual([0.1, 0.2]);
  });
  it('mixed dtypes with a bias add it (x·Wᵀ + b), gradients in each input dtype', () => {
    const x = make([1, 2], [1, 2], 'float32', true);
    const w = make([3, 4, 5, 6], [2, 2], 'float64', true);
    const b = make([0.5, -1], [2], 'float64', true);
    const y = linear(x, w, b);
    expect(y.dtype).toBe('float64');
    expect(arr(y)).toEqual([1 * 3 + 2 * 4 + 0.5, 1 * 5 + 2 * 6 - 1]);
    sum(y).backward();
    expect(x.grad!.dtype).toBe('float32');
    expect(arr(x.grad)).toEqual([3 + 5, 4 + 6]);
    expect(arr(w.grad)).toEqual([1, 2, 1, 2]);
    expect(arr(b.grad)).toEqual([1, 1]);
  });
  it('float32 input and weight with a float64 bias give a float64 y, the bias not rounded to float32', () => {
    // x = [1], W = [[1]] (float32), b = [0.1] (float64): y = 1 + 0.1 in float64; fusing into a float32
    // GEMM would give float32 and 1 + fround(0.1).
    const y = linear(make([1], [1, 1], 'float32'), make([1], [1, 1], 'float32'), make([0.1], [1], 'float64'));
    expect(y.dtype).toBe('float64');
    expect(arr(y)).toEqual([1 + 0.1]);
  });
  it('int32 input, weight and bias stay int32 and exact (the matmul + add path)', () => {
    const y = linear(make([1, 2, 3, 4], [2, 2], 'int32'), make([1, 1, 2, -1], [2, 2], 'int32'), make([10, 20], [2], 'int32'));
    expect(y.dtype).toBe('int32');
    expect(arr(y)).toEqual([1 + 2 + 10, 2 - 2 + 20, 3 + 4 + 10, 6 - 4 + 20]);
  });
  it('empty sizes: no rows gives [0, out]; no input features gives the bias in every row', () => {
    // Found by this test: the fused path counted rows as numel / in_features, 0 when in_features is 0,
    // and left y uninitialised.
    for (const dtype of ['float32', 'float64'] as const) {
      const w0 = make([], [3, 0], dtype);
      const b = make([1, 2, 3], [3], dtype);
      const y = linear(make([], [2, 0], dtype), w0, b);
      expect(y.shape).toEqual([2, 3]);
      expect(arr(y)).toEqual([1, 2, 3, 1, 2, 3]);
      const empty = linear(make([], [0, 2], dtype), make([1, 2, 3, 4, 5, 6], [3, 2], dtype), b);
      expect(empty.shape).toEqual([0, 3]);
      const noOut = linear(make([1, 2], [1, 2], dtype), make([], [0, 2], dtype), make([], [0], dtype));
      expect(noOut.shape).toEqual([1, 0]);
    }
  });
  it('empty sizes backward: no input features gives db = rows per output, empty dx and dW; no outputs gives dx = 0', () => {
    // Found by this test: backward reshaped x and g with -1, undetermined when a feature size is 0.
    const x = make([], [2, 0], 'float64', true);
    const w = make([], [3, 0], 'float64', true);
    const b = make([1, 2, 3], [3], 'float64', true);
    sum(linear(x, w, b)).backward();
    expect(x.grad!.shape).toEqual([2, 0]);
    expect(w.grad!.shape).toEqual([3, 0]);
    expect(arr(b.grad)).toEqual([2, 2, 2]);
    const x2 = make([1, 2], [1, 2], 'float64', true);
    const w2 = make([], [0, 2], 'float64', true);
    sum(linear(x2, w2, make([], [0]))).backward();
    expect(arr(x2.grad)).toEqual([0, 0]);
    expect(w2.grad!.shape).toEqual([0, 2]);
  });
});

describe('linear errors', () => {
  const w = make([1, 2, 3, 4, 5, 6], [3, 2]);
  it('a non-tensor input is a TypeError', () => {
    expectError(() => linear([1, 2] as unknown as Tensor, w), TypeError, 'linear: input must be a Tensor, got [1,2]');
  });
  it('a weight that is not a 2-D tensor is a TypeError naming its shape or what came', () => {
    expectError(() => linear(make([1, 2], [2]), make([1, 2], [2])), TypeError, 'linear: weight must be a 2-D Tensor [out, in], got [2]');
    expectError(() => linear(make([1, 2], [2]), [[1, 2]] as unknown as Tensor), TypeError, 'linear: weight must be a 2-D Tensor [out, in], got [[1,2]]');
  });
  it('an input not ending in in_features, or 0-d, is a RangeError naming both shapes', () => {
    expectError(() => linear(make([1, 2, 3], [1, 3]), w), RangeError, 'linear: input [1,3] does not end in in_features = 2 of weight [3,2]');
    expectError(() => linear(make([2], []), make([1], [1, 1])), RangeError, 'linear: input [] does not end in in_features = 1 of weight [1,1]');
  });
  it('a bias that is not a 1-D tensor [out] is a RangeError naming the expected length and what came', () => {
    const x = make([1, 2], [1, 2]);
    expectError(() => linear(x, w, make([0, 0], [2])), RangeError, 'linear: bias must be a 1-D Tensor [3], got [2]');
    expectError(() => linear(x, w, make([0, 0, 0], [3, 1])), RangeError, 'linear: bias must be a 1-D Tensor [3], got [3,1]');
    expectError(() => linear(x, w, [0, 0, 0] as unknown as Tensor), RangeError, 'linear: bias must be a 1-D Tensor [3], got [0,0,0]');
  });
});
