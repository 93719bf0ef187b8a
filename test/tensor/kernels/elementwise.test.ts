/**
 * elementwise.ts kernels against per-element rules written out here (Math functions, hand cases):
 * every unary op through unaryKernel on a strided view, including the special values (±0, ±∞, NaN,
 * halves for round), the per-element tables for the ops whose kernel has its own row loop (the table
 * entries must agree with the loops), and sigmoid's far negative tail (no overflow to 0).
 */
import { describe, expect, it } from 'vitest';
import {
  BINARY_FUNCTIONS, UNARY_FUNCTIONS, binaryKernel, roundHalfEven, sigmoidScalar, unaryKernel, type BinaryOp, type UnaryOp,
} from '../../../src/tensor/kernels/elementwise.js';
import { expectExactlyEqual } from './helpers.js';

const SPECIALS = [-3.5, -2.5, -1.5, -1, -0.75, -0.5, -0.25, -0, 0, 0.25, 0.5, 0.75, 1, 1.5, 2.5, 3.5, 4, 7.25,
  2 ** 52 + 1, -(2 ** 53), 1e308, -1e308, 5e-324, -5e-324, Infinity, -Infinity, NaN];

/** Round half to even written from floor: ties go to the even neighbour; a zero result keeps x's sign. */
function roundRef(x: number): number {
  if (!Number.isFinite(x)) return x;
  const f = Math.floor(x), d = x - f;
  const r = d < 0.5 ? f : d > 0.5 ? f + 1 : (f % 2 === 0 ? f : f + 1);
  return r === 0 ? (x < 0 || Object.is(x, -0) ? -0 : 0) : r;
}

const UNARY_REFERENCE: Partial<Record<UnaryOp, (x: number) => number>> = {
  neg: (x) => -x,
  sqrt: Math.sqrt,
  rsqrt: (x) => 1 / Math.sqrt(x),
  relu: (x) => (Number.isNaN(x) ? NaN : x > 0 ? x : 0), // torch.relu: +0 for every x ≤ 0, −0 included
  square: (x) => x * x,
  sign: (x) => (Number.isNaN(x) ? NaN : x > 0 ? 1 : x < 0 ? -1 : x),
  reciprocal: (x) => 1 / x,
  round: roundRef,
  floor: Math.floor,
  abs: Math.abs,
  identity: (x) => x,
  logicalNot: (x) => (x === 0 ? 1 : 0),
  isnan: (x) => (Number.isNaN(x) ? 1 : 0),
};

/** x laid out as a [2, n] view with strides [1, 2] (column-major, offset 3) inside a longer buffer. */
function stridedView(values: readonly number[]): { x: Float64Array; offset: number; strides: number[]; shape: number[] } {
  const n = values.length / 2;
  const x = new Float64Array(3 + values.length + 4).fill(-99);
  for (let i = 0; i < 2; i++) for (let j = 0; j < n; j++) x[3 + i + 2 * j] = values[i * n + j]!;
  return { x, offset: 3, strides: [1, 2], shape: [2, n] };
}

describe('unaryKernel', () => {
  const values = SPECIALS.length % 2 === 0 ? SPECIALS : [...SPECIALS, 2];
  for (const [op, ref] of Object.entries(UNARY_REFERENCE) as [UnaryOp, (x: number) => number][]) {
    it(`${op} matches the per-element rule on a strided view, specials included`, () => {
      const v = stridedView(values);
      const out = new Float64Array(values.length);
      unaryKernel(op, v.x, v.offset, v.strides, v.shape, out);
      expectExactlyEqual(out, values.map(ref), op);
      // The table entry (used by scalar paths and by the relu loop's rare cases) agrees as well.
      expectExactlyEqual(values.map(UNARY_FUNCTIONS[op]), values.map(ref), `UNARY_FUNCTIONS.${op}`);
    });
  }

  it('round: hand-checked ties to even', () => {
    expect([0.5, 1.5, 2.5, 3.5, -1.5, -2.5, 2.4999, 2.5001, 1e16 + 2].map(roundHalfEven)).toEqual([0, 2, 2, 4, -2, -2, 2, 3, 1e16 + 2]);
    expect(Object.is(roundHalfEven(-0.5), -0)).toBe(true);
    expect(Object.is(roundHalfEven(-0.25), -0)).toBe(true);
  });
});

describe('sigmoidScalar', () => {
  it('is e^x to the last bit in the far negative tail, and stays positive down to e^x underflow', () => {
    // For x ≤ −40, 1 + e^x rounds to 1, so σ(x) = e^x / (1 + e^x) is e^x in float64.
    for (const x of [-40, -100, -300, -700, -709.5, -710, -720, -744]) {
      expect(sigmoidScalar(x), `σ(${x})`).toBe(Math.exp(x));
      expect(sigmoidScalar(x)).toBeGreaterThan(0);
    }
    expect(sigmoidScalar(0)).toBe(0.5);
    expect(sigmoidScalar(40)).toBe(1);
    expect(Math.abs(sigmoidScalar(-2) - 1 / (1 + Math.exp(2)))).toBeLessThanOrEqual(2 ** -53);
  });
});

describe('binary ops with their own row loops: the table entries agree with the loops', () => {
  const a = [1.5, -2, 0.75, 3, -0, 0, NaN, Infinity, 7, -4];
  const b = [2, 0.5, -0.25, 0, 0, -0, 1, 2, NaN, -Infinity];
  const hand: Partial<Record<BinaryOp, number[]>> = {
    add: [3.5, -1.5, 0.5, 3, 0, 0, NaN, Infinity, NaN, -Infinity],
    sub: [-0.5, -2.5, 1, 3, -0, 0, NaN, Infinity, NaN, Infinity],
    mul: [3, -1, -0.1875, 0, -0, -0, NaN, Infinity, NaN, Infinity],
    div: [0.75, -4, -3, Infinity, NaN, NaN, NaN, Infinity, NaN, 0],
    // reluGrad(g, x): g where x > 0 or x is NaN (torch threshold_backward), +0 where x ≤ 0.
    reluGrad: [1.5, -2, 0, 0, 0, 0, NaN, Infinity, 7, 0],
  };
  for (const [op, expected] of Object.entries(hand) as [BinaryOp, number[]][]) {
    it(`${op}: loop and table give the hand-computed values`, () => {
      const out = new Float64Array(a.length);
      binaryKernel(op, Float64Array.from(a), 0, [1], Float64Array.from(b), 0, [1], [a.length], out);
      expectExactlyEqual(out, expected, `binaryKernel ${op}`);
      expectExactlyEqual(a.map((ai, i) => BINARY_FUNCTIONS[op](ai, b[i]!)), expected, `BINARY_FUNCTIONS.${op}`);
    });
  }
});
