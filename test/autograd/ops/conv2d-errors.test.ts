/**
 * src/autograd/ops/conv2d.ts (the op's front, not the kernels): dtype promotion of input, weight and
 * bias (the values computed by hand on 1x2 kernels), and every validation error (op, shapes, what came).
 */
import { describe, expect, it } from 'vitest';
import { conv2d } from '../../../src/autograd/ops/conv2d.js';
import { sum } from '../../../src/autograd/ops/sum.js';
import type { DType } from '../../../src/tensor/dtype.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { expectError } from './expect-error.js';

const make = (values: number[], shape: number[], dtype: DType, requiresGrad = false): Tensor => {
  const t = Tensor.fromData(
    dtype === 'float64' ? Float64Array.from(values) : dtype === 'float32' ? Float32Array.from(values) : Int32Array.from(values),
    shape, dtype,
  );
  t.requiresGrad = requiresGrad;
  return t;
};
const arr = (t: Tensor | null): number[] => Array.from(t!.toTypedArray());

describe('conv2d dtype promotion', () => {
  it('float32 input, float64 weight and bias: float64 output y = x0·w0 + x1·w1 + b, gradients in each input dtype', () => {
    const x = make([1.5, 2.25], [1, 1, 1, 2], 'float32', true);
    const w = make([2, 4], [1, 1, 1, 2], 'float64', true);
    const b = make([0.5], [1], 'float64', true);
    const y = conv2d(x, w, b);
    expect(y.dtype).toBe('float64');
    expect(y.shape).toEqual([1, 1, 1, 1]);
    expect(arr(y)).toEqual([1.5 * 2 + 2.25 * 4 + 0.5]);
    sum(y).backward();
    expect(x.grad!.dtype).toBe('float32');
    expect(arr(x.grad)).toEqual([2, 4]);
    expect(arr(w.grad)).toEqual([1.5, 2.25]);
    expect(arr(b.grad)).toEqual([1]);
  });
  it('a float64 bias alone promotes float32 input and weight to float64', () => {
    const y = conv2d(make([1, 2], [1, 1, 1, 2], 'float32'), make([3, 5], [1, 1, 1, 2], 'float32'), make([0.1], [1], 'float64'));
    expect(y.dtype).toBe('float64');
    expect(arr(y)).toEqual([13 + 0.1]); // 0.1 in float64; a float32 bias would give 13.100000381…
  });
  it('an int32 input is cast to the float dtype before the kernel: 2^24 + 1 rounds to 2^24 in float32', () => {
    // x = [2^24 + 1, 1] as int32, w = [1, -1] float32: the float32 conv sees x0 = 2^24, so y = 2^24 − 1
    // (exact in float32); reading the int32 value uncast would give 2^24.
    const y = conv2d(make([16777217, 1], [1, 1, 1, 2], 'int32'), make([1, -1], [1, 1, 1, 2], 'float32'));
    expect(y.dtype).toBe('float32');
    expect(arr(y)).toEqual([16777215]);
  });
});

describe('conv2d errors', () => {
  const x = make([1, 2, 3, 4], [1, 1, 2, 2], 'float32');
  const w = make([1, 1, 1, 1, 1, 1, 1, 1], [2, 1, 2, 2], 'float32');
  it('a non-tensor input or weight is a TypeError naming which', () => {
    expectError(() => conv2d([1, 2] as unknown as Tensor, w), TypeError, 'conv2d: input must be a Tensor, got [1,2]');
    expectError(() => conv2d(x, null as unknown as Tensor), TypeError, 'conv2d: weight must be a Tensor, got null');
  });
  it('a bias of the wrong length or rank is a RangeError naming the expected and the given shape', () => {
    expectError(() => conv2d(x, w, make([0, 0, 0], [3], 'float32')), RangeError, 'conv2d: bias must have shape [2], got [3]');
    expectError(() => conv2d(x, w, make([0, 0], [2, 1], 'float32')), RangeError, 'conv2d: bias must have shape [2], got [2,1]');
  });
  it('integer input and weight are a TypeError naming both dtypes', () => {
    expectError(() => conv2d(make([1, 2, 3, 4], [1, 1, 2, 2], 'int32'), make([1, 1, 1, 1], [1, 1, 2, 2], 'int32')), TypeError,
      'conv2d: input and weight must be float32 or float64, got int32 and int32');
  });
});
