/**
 * reduceRows called directly against test/reference/reduce.ts (naiveReduce over the last dim of
 * [outer, size]): every op from any xOffset, writing out[0, outer) only (a sentinel follows); the
 * empty-dimension errors of max/min/argmax/argmin; NaN rules and the max shift of logsumexp.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reduceRows, type ReduceOp } from '../../../src/tensor/kernels/reduce.js';
import { naiveReduce } from '../../reference/reduce.js';
import { expectExactlyEqual } from './helpers.js';

const OPS: readonly ReduceOp[] = ['sum', 'mean', 'prod', 'max', 'min', 'argmax', 'argmin', 'logsumexp', 'var'];
const SENTINEL = -4321.25;

describe('reduceRows', () => {
  it('equals the naive reduction row by row, from any offset, and writes only out[0, outer) (fast-check)', () => {
    const special = fc.constantFrom(NaN, Infinity, -Infinity, 0, -0, 1, -1);
    fc.assert(fc.property(
      fc.constantFrom(...OPS), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 2, max: 6 }), fc.integer({ min: 0, max: 3 }),
      fc.array(fc.oneof({ weight: 6, arbitrary: fc.double({ min: -30, max: 30, noNaN: true }) }, { weight: 1, arbitrary: special }), { minLength: 40, maxLength: 40 }),
      fc.integer({ min: 0, max: 1 }),
      (op, outer, size, xOffset, values, correction) => {
        const n = outer * size;
        // Values past the block are large, so reading them would show in any op.
        const x = new Float64Array(xOffset + n + 8).fill(1e300);
        for (let i = 0; i < n; i++) x[xOffset + i] = values[i]!;
        const out = new Float64Array(outer + 3).fill(SENTINEL);
        reduceRows(op, x, xOffset, outer, size, out, correction);
        const ref = naiveReduce(op, { data: x.subarray(xOffset, xOffset + n), shape: [outer, size] }, [1], false, correction);
        expectExactlyEqual(out.subarray(0, outer), ref.data, op);
        expectExactlyEqual(out.subarray(outer), [SENTINEL, SENTINEL, SENTINEL], `${op} past outer`);
      },
    ), { numRuns: 400, seed: 2013 });
  });

  it('max, min, argmax and argmin of an empty dimension throw, naming the op', () => {
    for (const op of ['max', 'min', 'argmax', 'argmin'] as const) {
      expect(() => reduceRows(op, new Float64Array(4), 0, 1, 0, new Float64Array(1))).toThrow(
        new RangeError(`${op}: cannot reduce over an empty dimension`),
      );
    }
  });

  it('argmax/argmin: the first NaN wins even when it is the first element and another NaN follows', () => {
    const out = new Float64Array(1);
    for (const op of ['argmax', 'argmin'] as const) {
      reduceRows(op, new Float64Array([NaN, 1, NaN]), 0, 1, 3, out);
      expect(out[0]).toBe(0);
      reduceRows(op, new Float64Array([1, NaN, 3, NaN]), 0, 1, 4, out);
      expect(out[0]).toBe(1);
    }
  });

  it('logsumexp shifts by the row maximum, not by the last element', () => {
    const out = new Float64Array(2);
    reduceRows('logsumexp', new Float64Array([1000, 0, 0, 1000]), 0, 2, 2, out);
    expect(Array.from(out)).toEqual([1000, 1000]); // 1000 + ln(1 + e^-1000) = 1000 exactly
  });
});
