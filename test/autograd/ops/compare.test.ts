/**
 * src/autograd/ops/compare.ts: the comparisons against a plain per-element loop (fast-check), logicalNot
 * and isnan, and detach/assign — values, broadcasting and the errors a user can cause.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assign, detach, eq, ge, gt, isnan, le, logicalNot, lt, ne } from '../../../src/autograd/ops/compare.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { expectError } from './expect-error.js';

const f64 = (values: number[], shape = [values.length]): Tensor => Tensor.fromData(Float64Array.from(values), shape, 'float64');
const arr = (t: Tensor): number[] => Array.from(t.toTypedArray());

const ops = [
  ['eq', eq, (a: number, b: number) => a === b],
  ['ne', ne, (a: number, b: number) => a !== b],
  ['lt', lt, (a: number, b: number) => a < b],
  ['le', le, (a: number, b: number) => a <= b],
  ['gt', gt, (a: number, b: number) => a > b],
  ['ge', ge, (a: number, b: number) => a >= b],
] as const;

describe('eq, ne, lt, le, gt, ge', () => {
  for (const [name, op, ref] of ops) {
    it(`${name} equals a per-element loop, as a bool tensor (tensor–tensor, tensor–number, number–tensor)`, () => {
      const value = fc.integer({ min: -3, max: 3 }); // small range: ties are frequent
      fc.assert(fc.property(fc.array(fc.tuple(value, value), { minLength: 1, maxLength: 8 }), fc.integer({ min: -3, max: 3 }), (pairs, s) => {
        const a = pairs.map((p) => p[0]);
        const b = pairs.map((p) => p[1]);
        const y = op(f64(a), f64(b));
        expect(y.dtype).toBe('bool');
        expect(arr(y)).toEqual(a.map((v, i) => (ref(v, b[i]!) ? 1 : 0)));
        expect(arr(op(f64(a), s))).toEqual(a.map((v) => (ref(v, s) ? 1 : 0)));
        expect(arr(op(s, f64(b)))).toEqual(b.map((v) => (ref(s, v) ? 1 : 0)));
      }), { numRuns: 25, seed: 7 });
    });
  }
});

describe('logicalNot and isnan', () => {
  it('logicalNot is 1 exactly where the input is 0', () => {
    const y = logicalNot(f64([0, 2, -1, 0, 0.5]));
    expect(y.dtype).toBe('bool');
    expect(arr(y)).toEqual([1, 0, 0, 1, 0]);
  });
  it('isnan is 1 exactly at the NaNs', () => {
    const y = isnan(f64([NaN, 0, Infinity, -NaN, 1]));
    expect(y.dtype).toBe('bool');
    expect(arr(y)).toEqual([1, 0, 0, 1, 0]);
  });
});

describe('detach and assign', () => {
  it('detach shares the storage and drops requiresGrad', () => {
    const x = f64([1, 2]);
    x.requiresGrad = true;
    const d = detach(x);
    expect(d.requiresGrad).toBe(false);
    expect(d.storage).toBe(x.storage);
    expect(arr(d)).toEqual([1, 2]);
  });
  it('detach of a non-tensor is a TypeError naming detach and what came', () => {
    expectError(() => detach([1, 2] as unknown as Tensor), TypeError, 'detach: input must be a Tensor, got [1,2]');
  });
  it('assign copies a tensor, broadcast, and a number into the target', () => {
    const t = f64([0, 0, 0, 0], [2, 2]);
    assign(t, f64([5, 6], [2]));
    expect(arr(t)).toEqual([5, 6, 5, 6]);
    assign(t, f64([1, 2, 3, 4], [2, 2]));
    expect(arr(t)).toEqual([1, 2, 3, 4]);
    assign(t, 9);
    expect(arr(t)).toEqual([9, 9, 9, 9]);
  });
  it('assign of more dims than the target is a RangeError naming both shapes', () => {
    const t = f64([0, 0, 0]);
    expectError(() => assign(t, f64([1, 2, 3], [1, 3])), RangeError, 'assign: cannot copy shape [1,3] into [3]');
    expect(arr(t)).toEqual([0, 0, 0]);
  });
  it('assign into a non-tensor is a TypeError naming assign and what came', () => {
    expectError(() => assign(null as unknown as Tensor, 1), TypeError, 'assign: target must be a Tensor, got null');
  });
});
