/**
 * Views share storage and carry the right shape/strides/offset; their elements equal the naive
 * strided read (test/reference/broadcast.ts) of the definition; contiguous/clone copy; reshape copies
 * only non-viewable layouts; bad arguments give errors naming the op.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  arange, broadcastTo, clone, contiguous, expand, flatten, narrow, permute, reshape, slice, squeeze, tensor, transpose,
  unsqueeze, view, type Tensor,
} from '../../src/tensor/index.js';
import { readStrided, ravel, unravel } from '../reference/broadcast.js';
import { scrambledLayout, shapeArb } from './arbitraries.js';

/** A float64 tensor with element i = i (so every value names its row-major position). */
function iota(shape: readonly number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(Float64Array.from({ length: n }, (_, i) => i), { shape });
}

/** Elements of the view read through its own strides, independently of Tensor.toTypedArray. */
function elements(t: Tensor): number[] {
  return Array.from(readStrided({ data: t.data, shape: t.shape, strides: t.strides, offset: t.offset }));
}

describe('views share storage', () => {
  it('every view op returns the same storage, and writes through it are visible', () => {
    const x = iota([2, 3, 4]);
    const views = [
      reshape(x, [6, 4]), view(x, [4, -1]), permute(x, [2, 0, 1]), transpose(x, 0, 2), slice(x, 2, 1, 4, 2),
      narrow(x, 1, 1, 2), unsqueeze(x, 1), squeeze(unsqueeze(x, 0)), flatten(x, 1), expand(unsqueeze(x, 0), [5, 2, 3, 4]),
      broadcastTo(x, [2, 2, 3, 4]),
    ];
    for (const v of views) expect(v.storage).toBe(x.storage);
    x.data[5] = -1;
    expect(views[0]!.toArray()).toEqual((x.toArray() as number[][][]).flat());
    expect(clone(x).storage).not.toBe(x.storage);
  });

  it('contiguous() returns the tensor itself when contiguous and a copy otherwise', () => {
    const x = iota([3, 4]);
    expect(contiguous(x)).toBe(x);
    const t = transpose(x, 0, 1);
    const c = contiguous(t);
    expect(c.storage).not.toBe(x.storage);
    expect(c.isContiguous()).toBe(true);
    expect(c.toArray()).toEqual(t.toArray());
    const k = clone(x);
    k.data[0] = 42;
    expect(x.data[0]).toBe(0);
  });
});

describe('shape, strides and offset', () => {
  it('permute and transpose permute shape and strides; elements follow the definition', () => {
    fc.assert(
      fc.property(
        shapeArb({ minRank: 1, maxRank: 4 }).chain((s) => fc.tuple(fc.constant(s), fc.shuffledSubarray(s.map((_, i) => i), { minLength: s.length, maxLength: s.length }))),
        ([shape, order]) => {
          const x = iota(shape);
          const y = permute(x, order);
          expect(y.shape).toEqual(order.map((d) => shape[d]));
          expect(y.strides).toEqual(order.map((d) => x.strides[d]));
          expect(y.offset).toBe(0);
          // y[j] = x[i] where i_{order[k]} = j_k
          const got = elements(y);
          for (let f = 0; f < got.length; f++) {
            const j = unravel(f, y.shape);
            const i = new Array<number>(shape.length);
            order.forEach((d, k) => (i[d] = j[k]!));
            expect(got[f]).toBe(ravel(i, shape));
          }
          expect(Array.from(y.toTypedArray())).toEqual(got);
        },
      ),
      { numRuns: 200 },
    );
    const x = iota([2, 3, 4]);
    expect(transpose(x, -1, 0).shape).toEqual([4, 3, 2]);
    expect(transpose(x, -1, 0).strides).toEqual([1, 4, 12]);
  });

  it('slice follows Python slicing along one dim (negative start/end, clamping, steps)', () => {
    fc.assert(
      fc.property(
        shapeArb({ minRank: 1, maxRank: 3, maxDim: 6 }).chain((s) =>
          fc.tuple(fc.constant(s), fc.nat({ max: s.length - 1 }), fc.integer({ min: -8, max: 8 }), fc.option(fc.integer({ min: -8, max: 8 }), { nil: undefined }), fc.integer({ min: 1, max: 3 }))),
        ([shape, dim, start, end, step]) => {
          const x = iota(shape);
          const y = slice(x, dim, start, end, step);
          const picks = Array.from({ length: shape[dim]! }, (_, i) => i).slice(start, end).filter((_, k) => k % step === 0);
          // Python's list slice with a step is slice(start, end)[::step]; JS slice handles negatives the same way.
          expect(y.shape).toEqual(shape.map((s, d) => (d === dim ? picks.length : s)));
          expect(y.strides[dim]).toBe(x.strides[dim]! * step);
          const got = elements(y);
          for (let f = 0; f < got.length; f++) {
            const j = unravel(f, y.shape);
            j[dim] = picks[j[dim]!]!;
            expect(got[f]).toBe(ravel(j, shape));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('narrow, squeeze, unsqueeze, expand, flatten give the documented layouts', () => {
    const x = iota([2, 3, 4]);
    const n = narrow(x, 2, 1, 2);
    expect([n.shape, n.strides, n.offset]).toEqual([[2, 3, 2], [12, 4, 1], 1]);
    expect(narrow(x, 1, -2, 2).offset).toBe(4);
    const u = unsqueeze(n, 3);
    expect([u.shape, u.strides, u.offset]).toEqual([[2, 3, 2, 1], [12, 4, 1, 1], 1]);
    expect(unsqueeze(x, -1).shape).toEqual([2, 3, 4, 1]);
    expect(unsqueeze(x, 0).shape).toEqual([1, 2, 3, 4]);
    const s = iota([1, 3, 1, 2]);
    expect(squeeze(s).shape).toEqual([3, 2]);
    expect(squeeze(s, 2).shape).toEqual([1, 3, 2]);
    expect(squeeze(s, 1).shape).toEqual([1, 3, 1, 2]);
    const e = expand(iota([3, 1]), [2, 3, 4]);
    expect([e.shape, e.strides]).toEqual([[2, 3, 4], [0, 1, 0]]);
    expect(elements(e)).toEqual(Array.from({ length: 24 }, (_, f) => unravel(f, [2, 3, 4])[1]));
    expect(expand(iota([3, 1]), [-1, 5]).shape).toEqual([3, 5]);
    expect(flatten(x).shape).toEqual([24]);
    expect(flatten(x, 1).shape).toEqual([2, 12]);
    expect(flatten(x, 0, 1).strides).toEqual([4, 1]);
    expect(flatten(tensor(3)).shape).toEqual([1]);
  });

  it('reshape/view infer one -1; reshape copies only non-viewable layouts; view refuses them', () => {
    const x = iota([2, 3, 4]);
    expect(view(x, [-1, 4]).shape).toEqual([6, 4]);
    expect(reshape(x, [4, -1, 2]).shape).toEqual([4, 3, 2]);
    const t = transpose(x, 0, 2);
    const r = reshape(t, [24]);
    expect(r.storage).not.toBe(x.storage);
    expect(Array.from(r.toTypedArray())).toEqual(elements(t));
    const sliced = slice(x, 0, 1);
    expect(view(sliced, [12]).offset).toBe(12);
    expect(() => view(t, [24])).toThrow(/^view: tensor of shape \[4,3,2\] with strides \[1,4,12\] is not contiguous/);
    expect(() => reshape(x, [5, -1])).toThrow(/^reshape: shape \[5,-1\] is invalid for input of size 24 \(shape \[2,3,4\]\)/);
    expect(() => reshape(x, [-1, -1])).toThrow(/^reshape: only one dimension can be -1/);
    expect(() => reshape(x, [2, 2.5])).toThrow(/^reshape: shape\[1\] must be a non-negative integer or -1, got 2.5/);
  });

  it('rejects bad dims and sizes with errors naming the op', () => {
    const x = iota([2, 3]);
    expect(() => permute(x, [0])).toThrow(/^permute: dims \[0\] must list each of the 2 dims of shape \[2,3\] once/);
    expect(() => permute(x, [1, 1])).toThrow(/^permute: dim 1 repeated/);
    expect(() => transpose(x, 0, 2)).toThrow(/^transpose: dim1 2 is out of range for a 2-D tensor \(expected -2\.\.1\)/);
    expect(() => slice(x, 0, 0, 2, 0)).toThrow(/^slice: step must be a positive integer, got 0/);
    expect(() => slice(x, 0, 0.5)).toThrow(/^slice: start must be an integer/);
    expect(() => narrow(x, 1, 2, 2)).toThrow(/^narrow: start 2 \+ length 2 exceeds dimension 1 of size 3/);
    expect(() => squeeze(x, 3)).toThrow(/^squeeze: dim 3 is out of range/);
    expect(() => unsqueeze(x, 3)).toThrow(/^unsqueeze: dim 3 is out of range for a 3-D tensor/);
    expect(() => expand(x, [4, 3])).toThrow(/^expand: cannot broadcast \[2,3\] to \[4,3\]/);
    expect(() => expand(x, [3])).toThrow(/^expand: target \[3\] must have at least 2 dims/);
    expect(() => flatten(x, 1, 0)).toThrow(/^flatten: startDim 1 comes after endDim 0/);
  });
});

describe('non-contiguous tensors behave like their contiguous copies', () => {
  it('scrambled layouts hold the same elements, and views of them read correctly', () => {
    fc.assert(
      fc.property(shapeArb({ minRank: 0, maxRank: 4 }), fc.constantFrom('gapped', 'columnMajor'), (shape, layout) => {
        const x = iota(shape);
        const s = scrambledLayout(x, layout);
        expect(s.storage).not.toBe(x.storage);
        expect(Array.from(s.toTypedArray())).toEqual(Array.from(x.toTypedArray()));
        expect(Array.from(contiguous(s).toTypedArray())).toEqual(Array.from(x.toTypedArray()));
        if (shape.length >= 2) {
          expect(Array.from(transpose(s, 0, -1).toTypedArray())).toEqual(Array.from(transpose(x, 0, -1).toTypedArray()));
          expect(Array.from(reshape(s, [-1]).toTypedArray())).toEqual(Array.from(x.toTypedArray()));
          expect(Array.from(flatten(s, 1).toTypedArray())).toEqual(Array.from(x.toTypedArray()));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('isContiguous ignores size-1 dims and accepts offsets', () => {
    const x = iota([3, 4]);
    expect(slice(x, 0, 1).isContiguous()).toBe(true);
    expect(slice(x, 1, 1).isContiguous()).toBe(false);
    expect(transpose(unsqueeze(x, 0), 0, 1).isContiguous()).toBe(true);
    expect(contiguous(slice(x, 1, 1)).toArray()).toEqual([[1, 2, 3], [5, 6, 7], [9, 10, 11]]);
    expect(arange(6).data.length).toBe(6);
  });
});
