/**
 * src/autograd/ops/reshape.ts (flatten) and permute.ts (transpose): shapes from index arithmetic,
 * negative dims, 0-d inputs, gradients, and the range errors naming the op and the dims given.
 */
import { describe, expect, it } from 'vitest';
import { mul } from '../../../src/autograd/ops/mul.js';
import { transpose } from '../../../src/autograd/ops/permute.js';
import { flatten } from '../../../src/autograd/ops/reshape.js';
import { sum } from '../../../src/autograd/ops/sum.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { expectError } from './expect-error.js';

const f64 = (values: number[], shape: number[], requiresGrad = false): Tensor => {
  const t = Tensor.fromData(Float64Array.from(values), shape, 'float64');
  t.requiresGrad = requiresGrad;
  return t;
};
const arr = (t: Tensor | null): number[] => Array.from(t!.toTypedArray());
const iota = (n: number, from = 0): number[] => Array.from({ length: n }, (_, i) => from + i);

describe('flatten', () => {
  const x = f64(iota(24), [2, 3, 4]);
  it('merges startDim..endDim, negative dims counted from the end', () => {
    expect(flatten(x).shape).toEqual([24]);
    expect(flatten(x, 1).shape).toEqual([2, 12]);
    expect(flatten(x, 0, 0).shape).toEqual([2, 3, 4]);
    expect(flatten(x, 0, 1).shape).toEqual([6, 4]);
    expect(flatten(x, -2).shape).toEqual([2, 12]);
    expect(flatten(x, -3, -2).shape).toEqual([6, 4]);
    expect(flatten(x, 1, 1).shape).toEqual([2, 3, 4]);
    expect(arr(flatten(x, 1))).toEqual(iota(24));
  });
  it('a 0-d tensor becomes [1], with its gradient', () => {
    const s = f64([5], [], true);
    const y = flatten(s);
    expect(y.shape).toEqual([1]);
    expect(arr(y)).toEqual([5]);
    sum(mul(y, 3)).backward();
    expect(arr(s.grad)).toEqual([3]);
  });
  it('dims out of range or in the wrong order are a RangeError naming both as given', () => {
    const need = 'flatten: need 0 <= startDim <= endDim < 3';
    expectError(() => flatten(x, -4), RangeError, `${need}, got startDim -4, endDim -1`);
    expectError(() => flatten(x, 0, 3), RangeError, `${need}, got startDim 0, endDim 3`);
    expectError(() => flatten(x, 0, -4), RangeError, `${need}, got startDim 0, endDim -4`);
    expectError(() => flatten(x, 2, 1), RangeError, `${need}, got startDim 2, endDim 1`);
    expectError(() => flatten(x, -1, 1), RangeError, `${need}, got startDim -1, endDim 1`);
  });
});

describe('transpose', () => {
  it('swaps two dims (negative allowed), gradient transposed back', () => {
    const x = f64(iota(6), [2, 3], true);
    const y = transpose(x, 0, -1);
    expect(y.shape).toEqual([3, 2]);
    expect(arr(y)).toEqual([0, 3, 1, 4, 2, 5]);
    sum(mul(y, f64(iota(6, 1), [3, 2]))).backward(); // g[j][i] = 2j + i + 1
    expect(arr(x.grad)).toEqual([1, 3, 5, 2, 4, 6]);
  });
  it('a 0-d tensor is returned as a 0-d view (dims 0 or -1), with its gradient', () => {
    const s = f64([7], [], true);
    for (const [a, b] of [[0, 0], [-1, 0], [0, -1]] as const) {
      const y = transpose(s, a, b);
      expect(y.shape).toEqual([]);
      expect(arr(y)).toEqual([7]);
    }
    sum(mul(transpose(s, 0, 0), 2)).backward();
    expect(arr(s.grad)).toEqual([2]);
  });
  it('dims out of range name transpose and which argument', () => {
    const x = f64(iota(6), [2, 3]);
    expectError(() => transpose(x, 2, 0), RangeError, 'transpose: dim0 2 is out of range for a 2-D tensor (expected -2..1)');
    expectError(() => transpose(x, 0, -3), RangeError, 'transpose: dim1 -3 is out of range for a 2-D tensor (expected -2..1)');
  });
});
