/**
 * coalesce and forEachRow (strided.ts) against their header: the plan drops size-1 dims, merges
 * every adjacent pair that is contiguous for all operands (none is left mergeable) and visits the
 * same offsets in the same order as the original shape and strides (walked here by a plain
 * odometer); forEachRow calls `row` once per row of the plan, in order, with the row's start
 * offsets, and never past the last row.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { coalesce, copyStrided, forEachRow, type RowPlan } from '../../../src/tensor/kernels/strided.js';

/** Offsets of one operand for every element of `shape`, row-major (last index fastest). */
function offsetsOf(shape: readonly number[], strides: readonly number[], offset = 0): number[] {
  const n = shape.reduce((a, b) => a * b, 1);
  const result: number[] = [];
  for (let flat = 0; flat < n; flat++) {
    let rest = flat, off = offset;
    for (let d = shape.length - 1; d >= 0; d--) {
      off += (rest % shape[d]!) * strides[d]!;
      rest = Math.floor(rest / shape[d]!);
    }
    result.push(off);
  }
  return result;
}

interface Problem { shape: number[]; strides: number[][] }

/** Shapes with many 1s and 0s; per operand and dim a stride that is contiguous, broadcast (0) or arbitrary. */
const problemArb: fc.Arbitrary<Problem> = fc.record({
  shape: fc.array(fc.oneof(fc.constant(1), fc.integer({ min: 0, max: 4 })), { minLength: 1, maxLength: 5 }),
  kinds: fc.array(fc.array(fc.constantFrom('contiguous', 'contiguous', 'broadcast', 'other'), { minLength: 5, maxLength: 5 }), { minLength: 1, maxLength: 3 }),
  others: fc.array(fc.integer({ min: -7, max: 40 }), { minLength: 15, maxLength: 15 }),
}).map(({ shape, kinds, others }) => {
  const strides = kinds.map((k, j) => {
    const s = new Array<number>(shape.length);
    let contiguous = 1;
    for (let d = shape.length - 1; d >= 0; d--) {
      s[d] = k[d] === 'contiguous' ? contiguous : k[d] === 'broadcast' ? 0 : others[j * 5 + d]!;
      contiguous *= shape[d]!;
    }
    return s;
  });
  return { shape, strides };
});

describe('coalesce', () => {
  it('follows the header on hand-made cases', () => {
    expect(coalesce([2, 3, 4], [[12, 4, 1]])).toEqual({ shape: [24], strides: [[1]] });
    expect(coalesce([1, 1], [[7, 9], [0, 0]])).toEqual({ shape: [1], strides: [[0], [0]] });
    // The size-1 dim's stride (7) does not matter: it is dropped, then 2 and 3 merge.
    expect(coalesce([2, 1, 3], [[3, 7, 1]])).toEqual({ shape: [6], strides: [[1]] });
    // A broadcast operand stops the merge: 0 ≠ 1·3.
    expect(coalesce([2, 3], [[3, 1], [0, 1]])).toEqual({ shape: [2, 3], strides: [[3, 1], [0, 1]] });
  });

  it('drops size-1 dims, leaves no mergeable pair and visits the same offsets in order (fast-check)', () => {
    fc.assert(fc.property(problemArb, ({ shape, strides }) => {
      const plan = coalesce(shape, strides);
      expect(plan.strides.length).toBe(strides.length);
      for (const s of plan.strides) {
        expect(s.length).toBe(plan.shape.length);
        for (const v of s) expect(Number.isInteger(v)).toBe(true);
      }
      if (shape.every((v) => v === 1)) expect(plan.shape).toEqual([1]);
      else expect(plan.shape.includes(1)).toBe(false);
      for (let d = 0; d + 1 < plan.shape.length; d++) {
        const mergeable = plan.strides.every((s) => s[d] === s[d + 1]! * plan.shape[d + 1]!);
        expect(mergeable, `dims ${d}, ${d + 1} of ${JSON.stringify(plan)} could merge`).toBe(false);
      }
      for (let j = 0; j < strides.length; j++) expect(offsetsOf(plan.shape, plan.strides[j]!)).toEqual(offsetsOf(shape, strides[j]!));
    }), { numRuns: 500, seed: 2015 });
  });
});

describe('forEachRow', () => {
  it('calls row once per row of the plan, in order, with the odometer\'s start offsets (fast-check)', () => {
    fc.assert(fc.property(problemArb, fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 3, maxLength: 3 }), ({ shape, strides }, offs) => {
      const plan: RowPlan = coalesce(shape, strides);
      const offsets = strides.map((_, j) => offs[j]!);
      const calls: string[] = [];
      forEachRow(plan, offsets, (outStart, starts, length, inner) => {
        // Zero-length rows are a no-op for every caller, so only the others are compared.
        if (length > 0) calls.push(JSON.stringify([outStart, [...starts], length, [...inner]]));
      });
      const nd = plan.shape.length;
      const length = plan.shape[nd - 1]!;
      const lead = plan.shape.slice(0, nd - 1);
      const expected: string[] = [];
      if (length > 0) {
        const starts = plan.strides.map((s, j) => offsetsOf(lead, s.slice(0, nd - 1), offsets[j]));
        const rows = lead.reduce((a, b) => a * b, 1);
        for (let r = 0; r < rows; r++) {
          expected.push(JSON.stringify([r * length, starts.map((s) => s[r]!), length, plan.strides.map((s) => s[nd - 1]!)]));
        }
      }
      expect(calls).toEqual(expected);
    }), { numRuns: 500, seed: 2016 });
  });

  it('copyStrided copies a view element by element (dst has room only for the view)', () => {
    // src viewed as a 3×2 transpose of a 2×3 block at offset 1; dst a contiguous 3×2.
    const src = [0, 10, 11, 12, 20, 21, 22];
    const dst = new Float64Array(6).fill(NaN);
    copyStrided(src, 1, [1, 3], dst, 0, [2, 1], [3, 2]);
    expect(Array.from(dst)).toEqual([10, 20, 11, 21, 12, 22]);
  });
});
