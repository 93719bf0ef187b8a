/**
 * src/autograd/ops/concat.ts: concat and stack against index arithmetic written here, their gradients
 * (each input gets its own slice of g), and every validation error of concat/stack (op, shapes, what came).
 */
import { describe, expect, it } from 'vitest';
import { concat, stack } from '../../../src/autograd/ops/concat.js';
import { mul } from '../../../src/autograd/ops/mul.js';
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

describe('concat', () => {
  it('along dim 1 interleaves the rows; each input gets its slice of the gradient', () => {
    const a = f64(iota(4), [2, 2], true); // [[0,1],[2,3]]
    const b = f64(iota(2, 10), [2, 1], true); // [[10],[11]]
    const y = concat([a, b], 1);
    expect(y.shape).toEqual([2, 3]);
    expect(arr(y)).toEqual([0, 1, 10, 2, 3, 11]);
    const w = f64(iota(6, 1), [2, 3]); // weights 1..6 make every gradient element distinct
    sum(mul(y, w)).backward();
    expect(arr(a.grad)).toEqual([1, 2, 4, 5]);
    expect(arr(b.grad)).toEqual([3, 6]);
  });
  it('a non-list is a TypeError naming concat and what came', () => {
    expectError(() => concat(f64([1], [1]) as unknown as Tensor[]), TypeError, 'concat: expected a list of tensors, got Tensor');
  });
});

describe('stack', () => {
  it('inserts a new dim (0, 1 or -1): y[.., i, ..] = tensors[i]; gradients come back per input', () => {
    const a = f64([1, 2, 3], [3], true);
    const b = f64([4, 5, 6], [3], true);
    expect(arr(stack([a, b], 0))).toEqual([1, 2, 3, 4, 5, 6]);
    const y = stack([a, b], 1);
    expect(y.shape).toEqual([3, 2]);
    expect(arr(y)).toEqual([1, 4, 2, 5, 3, 6]);
    expect(arr(stack([a, b], -1))).toEqual([1, 4, 2, 5, 3, 6]);
    sum(mul(y, f64(iota(6, 1), [3, 2]))).backward();
    expect(arr(a.grad)).toEqual([1, 3, 5]);
    expect(arr(b.grad)).toEqual([2, 4, 6]);
  });
  it('an empty list or a non-list is a RangeError naming stack and what came', () => {
    expectError(() => stack([]), RangeError, 'stack: expected a non-empty list of tensors, got []');
    expectError(() => stack(5 as unknown as Tensor[]), RangeError, 'stack: expected a non-empty list of tensors, got 5');
  });
  it('a first element that is not a tensor is a TypeError', () => {
    expectError(() => stack([[1, 2]] as unknown as Tensor[]), TypeError, 'stack: tensors[0] must be a Tensor, got [1,2]');
  });
  it('a dim out of range names stack and the new rank', () => {
    expectError(() => stack([f64([1, 2], [2])], 2), RangeError, 'stack: dim 2 is out of range for a 2-D tensor (expected -2..1)');
  });
  it('a later element of another shape, rank or type is a RangeError naming its index and both shapes', () => {
    const a = f64([1, 2, 3, 4, 5, 6], [2, 3]);
    expectError(() => stack([a, f64(iota(8), [2, 4])]), RangeError, 'stack: tensors[1] has shape [2,4], expected [2,3]');
    expectError(() => stack([a, a, f64(iota(6), [3, 2])]), RangeError, 'stack: tensors[2] has shape [3,2], expected [2,3]');
    expectError(() => stack([a, f64(iota(6), [2, 3, 1])]), RangeError, 'stack: tensors[1] has shape [2,3,1], expected [2,3]');
    expectError(() => stack([a, f64(iota(2), [2])]), RangeError, 'stack: tensors[1] has shape [2], expected [2,3]');
    expectError(() => stack([a, null as unknown as Tensor]), RangeError, 'stack: tensors[1] has shape undefined, expected [2,3]');
    expectError(() => stack([a, { shape: [2, 3], ndim: 2 } as unknown as Tensor]), RangeError, 'stack: tensors[1] has shape [2,3], expected [2,3]');
  });
});
