/**
 * The JavaScript GEMM row kernels called directly (gemm-blocked.ts, matmul.ts `gemmJsRows`) and
 * `gemmRowSlice`: a row range [rowStart, rowEnd) must write exactly those rows of C (everything else
 * untouched) with the textbook oracle's bits, including ranges that do not start at 0, m beyond one
 * MBIG accumulator block, α = 0 on a problem large enough for the blocked path, and the scratch
 * buffers returned to the pool. Expected values: test/reference/naive-matmul.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gemmBlocked, gemmBlockedRows, MBIG } from '../../../src/tensor/kernels/gemm-blocked.js';
import { gemmJsRows, gemmReference, gemmRowSlice, type GemmArgs } from '../../../src/tensor/kernels/matmul.js';
import { resetScratchStats, scratchStats } from '../../../src/tensor/kernels/scratch.js';
import { naiveGemm } from '../../reference/naive-matmul.js';
import { DTYPES, Generator, expectExactlyEqual, randomArray, roundTo, type FloatDTypeName } from './helpers.js';

interface Shape { dtype: FloatDTypeName; transA: boolean; transB: boolean; m: number; n: number; k: number; beta: number; seed: number }

/** A problem with offsets and padded leading dimensions; C is filled with a sentinel (−7.5). */
function problem(s: Shape): GemmArgs {
  const gen = new Generator(s.seed);
  const aRows = s.transA ? s.k : s.m, aCols = s.transA ? s.m : s.k;
  const bRows = s.transB ? s.n : s.k, bCols = s.transB ? s.k : s.n;
  const lda = aCols + 2, ldb = bCols + 1, ldc = s.n + 3;
  const a = randomArray(gen, s.dtype, 3 + aRows * lda), b = randomArray(gen, s.dtype, 1 + bRows * ldb);
  const c = randomArray(gen, s.dtype, 2 + s.m * ldc + 2);
  for (let i = 0; i < c.length; i++) {
    const col = (i - 2) % ldc;
    if (i < 2 || i >= 2 + s.m * ldc || col >= s.n) c[i] = -7.5;
  }
  return { transA: s.transA, transB: s.transB, m: s.m, n: s.n, k: s.k, alpha: 1.25, a, aOffset: 3, lda,
    b, bOffset: 1, ldb, beta: s.beta, c, cOffset: 2, ldc };
}

/** The oracle restricted to rows [r0, r1): the full oracle on those rows, the old C elsewhere. */
function expectedRows(args: GemmArgs, dtype: FloatDTypeName, r0: number, r1: number): ArrayLike<number> {
  const full = roundTo(dtype, naiveGemm(args));
  const out = Float64Array.from(args.c);
  for (let i = r0; i < r1; i++) {
    for (let j = 0; j < args.n; j++) out[args.cOffset + i * args.ldc + j] = full[args.cOffset + i * args.ldc + j]!;
  }
  return roundTo(dtype, out);
}

const shapeArb = (maxDim: number): fc.Arbitrary<Shape> => fc.record({
  dtype: fc.constantFrom(...DTYPES), transA: fc.boolean(), transB: fc.boolean(),
  m: fc.integer({ min: 1, max: maxDim }), n: fc.integer({ min: 1, max: maxDim }), k: fc.integer({ min: 1, max: maxDim }),
  beta: fc.constantFrom(0, 1, -0.5), seed: fc.nat(),
});

describe('gemmBlocked / gemmBlockedRows', () => {
  it('gemmBlocked computes all of C: the oracle bit for bit', () => {
    fc.assert(fc.property(shapeArb(40), (s) => {
      const args = problem(s);
      const expected = expectedRows(args, s.dtype, 0, s.m);
      gemmBlocked(args);
      expectExactlyEqual(args.c, expected, `gemmBlocked ${JSON.stringify(s)}`);
    }), { numRuns: 60, seed: 16 });
  });

  it('a row range not starting at 0 writes exactly those rows (blocked and JS row kernels)', () => {
    fc.assert(fc.property(shapeArb(40), fc.nat(), fc.nat(), (s, u, v) => {
      const r0 = u % s.m, r1 = r0 + 1 + (v % (s.m - r0));
      for (const kernel of [gemmBlockedRows, gemmJsRows]) {
        const args = problem(s);
        const expected = expectedRows(args, s.dtype, r0, r1);
        kernel(args, r0, r1);
        expectExactlyEqual(args.c, expected, `${kernel.name} rows [${r0}, ${r1}) of ${JSON.stringify(s)}`);
      }
    }), { numRuns: 80, seed: 1616 });
  });

  it('crosses the MBIG accumulator block (m > MBIG), whole and from an offset row', () => {
    for (const dtype of DTYPES) {
      for (const transA of [false, true]) {
        const s: Shape = { dtype, transA, transB: !transA, m: MBIG + 9, n: 5, k: 3, beta: 0.5, seed: 5 };
        for (const [r0, r1] of [[0, s.m], [7, s.m - 2], [MBIG - 3, MBIG + 4]] as const) {
          const args = problem(s);
          const expected = expectedRows(args, dtype, r0, r1);
          gemmBlockedRows(args, r0, r1);
          expectExactlyEqual(args.c, expected, `gemmBlockedRows [${r0}, ${r1}) ${dtype} transA=${transA}`);
        }
      }
    }
  });

  it('an empty or reversed row range writes nothing', () => {
    for (const kernel of [gemmBlockedRows, gemmJsRows]) {
      const args = problem({ dtype: 'float32', transA: true, transB: false, m: 20, n: 17, k: 19, beta: 1, seed: 4 });
      const before = args.c.slice();
      kernel(args, 6, 6);
      kernel(args, 9, 4);
      expectExactlyEqual(args.c, before, kernel.name);
    }
  });

  it('returns its scratch buffers to the pool', () => {
    const args = problem({ dtype: 'float64', transA: false, transB: false, m: 20, n: 18, k: 17, beta: 0, seed: 2 });
    const step = (): void => { gemmBlocked(args); gemmBlockedRows(args, 3, 11); };
    step();
    resetScratchStats();
    step();
    expect(scratchStats()).toMatchObject({ allocations: 0, hits: 6, releases: 6 });
  });
});

describe('gemmJsRows', () => {
  it('with alpha = 0 does not read A or B, also above the small-problem size (C ← β·C)', () => {
    const m = 24, n = 24, k = 24;
    const a = new Float64Array(m * k).fill(NaN), b = new Float64Array(k * n).fill(Infinity);
    const c = Float64Array.from({ length: m * n }, (_, i) => i - 100);
    const args: GemmArgs = { transA: false, transB: false, m, n, k, alpha: 0, a, aOffset: 0, lda: k, b, bOffset: 0, ldb: n, beta: -2, c, cOffset: 0, ldc: n };
    const expected = naiveGemm(args); // 0·0 + β·C (so +0 where C was 0)
    gemmJsRows(args, 0, m);
    expectExactlyEqual(c, expected, 'gemmJsRows alpha = 0');
    expect(c[5]).toBe(190);
  });
});

describe('gemmRowSlice', () => {
  const base = (transA: boolean): GemmArgs => ({
    transA, transB: false, m: 10, n: 4, k: 6, alpha: 1, a: new Float64Array(200), aOffset: 3, lda: transA ? 12 : 7,
    b: new Float64Array(40), bOffset: 0, ldb: 4, beta: 0, c: new Float64Array(100), cOffset: 5, ldc: 9,
  });

  it('moves the A and C offsets to the first row and shrinks m (hand-computed)', () => {
    expect(gemmRowSlice(base(false), 2, 6)).toMatchObject({ m: 4, aOffset: 3 + 2 * 7, cOffset: 5 + 2 * 9, bOffset: 0, n: 4, k: 6 });
    // transA: opA[i, p] = a[aOffset + p·lda + i], so row i starts i elements further.
    expect(gemmRowSlice(base(true), 2, 6)).toMatchObject({ m: 4, aOffset: 3 + 2, cOffset: 5 + 2 * 9 });
    expect(gemmRowSlice(base(false), 3, 10)).toMatchObject({ m: 7, aOffset: 3 + 3 * 7, cOffset: 5 + 3 * 9 });
    expect(gemmRowSlice(base(false), 0, 10)).toEqual(base(false));
  });

  it('slices that partition the rows give the full product bit for bit', () => {
    fc.assert(fc.property(shapeArb(20), fc.nat(), (s, u) => {
      const cut = u % (s.m + 1);
      const whole = problem(s);
      const parts = { ...whole, c: whole.c.slice() };
      gemmReference(whole);
      gemmReference(gemmRowSlice(parts, 0, cut));
      gemmReference(gemmRowSlice(parts, cut, s.m));
      expectExactlyEqual(parts.c, whole.c, `cut at ${cut} of ${JSON.stringify(s)}`);
    }), { numRuns: 100, seed: 99 });
  });
});
