import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gemmReference, type GemmArgs } from '../../../src/tensor/kernels/matmul.js';
import { gemm, gemmUsesSimd } from '../../../src/tensor/kernel-dispatch.js';
import { MC, NC, KC } from '../../../src/tensor/kernels/gemm-blocked.js';
import { naiveGemm } from '../../reference/naive-matmul.js';
import { simdGemmTolerance } from '../../tolerances.js';
import { DTYPES, Generator, absOf, expectExactlyEqual, makeArray, randomArray, roundTo, type FloatDTypeName } from './helpers.js';

interface Case {
  dtype: FloatDTypeName; transA: boolean; transB: boolean; m: number; n: number; k: number;
  alpha: number; beta: number; aOffset: number; bOffset: number; cOffset: number;
  ldaExtra: number; ldbExtra: number; ldcExtra: number; seed: number; nanInC: boolean;
}

function buildArgs(cs: Case): GemmArgs {
  const gen = new Generator(cs.seed);
  const { m, n, k } = cs;
  const aRows = cs.transA ? k : m, aCols = cs.transA ? m : k;
  const bRows = cs.transB ? n : k, bCols = cs.transB ? k : n;
  const lda = aCols + cs.ldaExtra, ldb = bCols + cs.ldbExtra, ldc = n + cs.ldcExtra;
  const a = randomArray(gen, cs.dtype, cs.aOffset + aRows * lda);
  const b = randomArray(gen, cs.dtype, cs.bOffset + bRows * ldb);
  const c = randomArray(gen, cs.dtype, cs.cOffset + m * ldc + 3);
  if (cs.nanInC) c.fill(NaN);
  return { transA: cs.transA, transB: cs.transB, m, n, k, alpha: cs.alpha, a, aOffset: cs.aOffset, lda,
    b, bOffset: cs.bOffset, ldb, beta: cs.beta, c, cOffset: cs.cOffset, ldc };
}

const caseArb = (maxDim: number): fc.Arbitrary<Case> => fc.record({
  dtype: fc.constantFrom(...DTYPES), transA: fc.boolean(), transB: fc.boolean(),
  m: fc.integer({ min: 1, max: maxDim }), n: fc.integer({ min: 1, max: maxDim }), k: fc.integer({ min: 1, max: maxDim }),
  alpha: fc.constantFrom(1, -0.5, 2.25, 0), beta: fc.constantFrom(0, 1, 0.5, -2),
  aOffset: fc.integer({ min: 0, max: 5 }), bOffset: fc.integer({ min: 0, max: 5 }), cOffset: fc.integer({ min: 0, max: 5 }),
  ldaExtra: fc.integer({ min: 0, max: 3 }), ldbExtra: fc.integer({ min: 0, max: 3 }), ldcExtra: fc.integer({ min: 0, max: 3 }),
  seed: fc.nat(), nanInC: fc.boolean(),
}).map((cs) => ({ ...cs, nanInC: cs.nanInC && cs.beta === 0 }));

/**
 * gemmReference, and gemm on the JavaScript path, must equal the textbook oracle rounded once, bit for
 * bit. On the SIMD path (all-float32 problems above the small size, unless PQKD_KERNELS=js) gemm
 * accumulates in float32 and must stay within the bound of test/tolerances.ts.
 */
function checkCase(cs: Case): void {
  const args = buildArgs(cs);
  const expected = roundTo(cs.dtype, naiveGemm(args));
  const fast = { ...args, c: args.c.slice() };
  gemm(fast);
  if (gemmUsesSimd(args)) checkSimd(args, fast.c, expected);
  else expectExactlyEqual(fast.c, expected, `gemm ${JSON.stringify({ ...cs, seed: cs.seed })}`);
  const ref = { ...args, c: args.c.slice() };
  gemmReference(ref);
  expectExactlyEqual(ref.c, expected, 'gemmReference');
}

function checkSimd(args: GemmArgs, got: ArrayLike<number>, expected: ArrayLike<number>): void {
  const magnitude = naiveGemm({ ...args, a: absOf(args.a), b: absOf(args.b), alpha: Math.abs(args.alpha), beta: Math.abs(args.beta), c: absOf(args.c) });
  for (let i = 0; i < got.length; i++) {
    const row = Math.floor((i - args.cOffset) / args.ldc);
    const col = i - args.cOffset - row * args.ldc;
    const inside = i >= args.cOffset && row < args.m && col < args.n;
    if (!inside) {
      expect(Object.is(got[i], expected[i]), `element ${i} outside C must be untouched`).toBe(true);
      continue;
    }
    const err = Math.abs(got[i]! - expected[i]!);
    expect(err <= simdGemmTolerance(args.k, magnitude[i]!), `element ${i}: |${got[i]} − ${expected[i]}| = ${err}`).toBe(true);
  }
}

describe('gemm', () => {
  it('matches the naive oracle bit for bit: all transposes, alpha/beta, offsets, ld (small shapes)', () => {
    fc.assert(fc.property(caseArb(12), (cs) => { checkCase(cs); }), { numRuns: 300, seed: 20240101 });
  });

  it('matches the naive oracle bit for bit on the blocked path (shapes up to 48)', () => {
    fc.assert(fc.property(caseArb(48).filter((cs) => cs.m * cs.n * cs.k > 4096), (cs) => { checkCase(cs); }),
      { numRuns: 120, seed: 7 });
  });

  it('crosses every blocking boundary (MC, NC, KC) in all four transpose cases', () => {
    for (const [transA, transB] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      for (const dtype of DTYPES) {
        checkCase({ dtype, transA, transB, m: MC + 5, n: NC + 7, k: KC + 3, alpha: 0.75, beta: -1.5, aOffset: 1,
          bOffset: 2, cOffset: 3, ldaExtra: 1, ldbExtra: 2, ldcExtra: 3, seed: 11, nanInC: false });
      }
    }
  });

  it('with beta = 0 overwrites NaN in C and leaves elements outside the block alone', () => {
    const m = 20, n = 20, k = 20, ldc = 23;
    const gen = new Generator(3);
    const a = randomArray(gen, 'float32', m * k), b = randomArray(gen, 'float32', k * n);
    const c = new Float32Array(m * ldc).fill(NaN);
    gemm({ transA: false, transB: false, m, n, k, alpha: 1, a, aOffset: 0, lda: k, b, bOffset: 0, ldb: n, beta: 0, c, cOffset: 0, ldc });
    for (let i = 0; i < m; i++) for (let j = 0; j < ldc; j++) {
      expect(Number.isNaN(c[i * ldc + j]!)).toBe(j >= n);
    }
  });

  it('with alpha = 0 does not read A or B (NaN there does not leak)', () => {
    const a = new Float64Array(4).fill(NaN), b = new Float64Array(4).fill(NaN), c = new Float64Array([1, 2, 3, 4]);
    gemm({ transA: false, transB: false, m: 2, n: 2, k: 2, alpha: 0, a, aOffset: 0, lda: 2, b, bOffset: 0, ldb: 2, beta: 2, c, cOffset: 0, ldc: 2 });
    expect([...c]).toEqual([2, 4, 6, 8]);
  });

  it('computes a known product', () => {
    const a = new Float32Array([1, 2, 3, 4]), b = new Float32Array([5, 6, 7, 8]), c = new Float32Array(4);
    gemm({ transA: false, transB: false, m: 2, n: 2, k: 2, alpha: 1, a, aOffset: 0, lda: 2, b, bOffset: 0, ldb: 2, beta: 0, c, cOffset: 0, ldc: 2 });
    expect([...c]).toEqual([19, 22, 43, 50]);
  });

  it('handles k = 0 (C ← beta·C) and m = 0 or n = 0 (no-op)', () => {
    const c = new Float64Array([1, 2]);
    const empty = new Float64Array(0);
    gemm({ transA: false, transB: false, m: 1, n: 2, k: 0, alpha: 1, a: empty, aOffset: 0, lda: 1, b: empty, bOffset: 0, ldb: 2, beta: 3, c, cOffset: 0, ldc: 2 });
    expect([...c]).toEqual([3, 6]);
    gemm({ transA: false, transB: false, m: 0, n: 2, k: 2, alpha: 1, a: empty, aOffset: 0, lda: 2, b: new Float64Array(4), bOffset: 0, ldb: 2, beta: 0, c, cOffset: 0, ldc: 2 });
    expect([...c]).toEqual([3, 6]);
  });

  it('rejects out-of-range operands and bad leading dimensions with a named argument', () => {
    const a = makeArray('float32', 6), b = makeArray('float32', 6), c = makeArray('float32', 4);
    const base: GemmArgs = { transA: false, transB: false, m: 2, n: 2, k: 3, alpha: 1, a, aOffset: 0, lda: 3, b, bOffset: 0, ldb: 2, beta: 0, c, cOffset: 0, ldc: 2 };
    expect(() => gemm({ ...base, aOffset: 1 })).toThrow(/gemm: a \(length 6\) is too short for a stored 2x3 matrix at offset 1/);
    expect(() => gemm({ ...base, lda: 2 })).toThrow(/gemm: lda must be an integer >= 3/);
    expect(() => gemm({ ...base, transB: true })).toThrow(/gemm: ldb must be an integer >= 3 for a stored 2x3 b/);
    expect(() => gemm({ ...base, m: -1 })).toThrow(/gemm: m must be a non-negative integer, got -1/);
    expect(() => gemm({ ...base, ldc: 3 })).toThrow(/gemm: c \(length 4\) is too short/);
  });
});
