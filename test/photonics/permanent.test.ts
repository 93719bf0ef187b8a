import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Generator } from '../../src/tensor/random.js';
import { cidentity, cmatrix, cmatrixFrom, submatrix, type CMatrix } from '../../src/photonics/complex-matrix.js';
import { permanent, permanentGlynn, permanentNaive, permanentRyser, type Complex } from '../../src/photonics/permanent.js';
import { permanentRepeated } from '../../src/photonics/permanent-repeated.js';
import { haarUnitary } from '../../src/photonics/random-unitary.js';
import { permutationSum } from './permanent-oracles.js';

function randomMatrix(n: number, gen: Generator, cols = n): CMatrix {
  const a = cmatrix(n, cols);
  gen.normalArray(n * cols, 0, 1, a.re);
  gen.normalArray(n * cols, 0, 1, a.im);
  return a;
}

/** |Per(|A|)|: bounds |Per(A)| and is the size of the terms, the condition-aware error scale. */
function absScale(a: CMatrix): number {
  const w = cmatrix(a.rows, a.cols);
  for (let k = 0; k < w.re.length; k++) w.re[k] = Math.hypot(a.re[k]!, a.im[k]!);
  return permanentGlynn(w).re;
}

/** |a − b| relative to `scale` (default |b|). */
function relErr(a: Complex, b: Complex, scale = Math.hypot(b.re, b.im)): number {
  return Math.hypot(a.re - b.re, a.im - b.im) / Math.max(1e-300, scale);
}

const oracle = (a: CMatrix): Complex => {
  const [re, im] = permutationSum(a.rows, (r, c) => [a.re[r * a.cols + c]!, a.im[r * a.cols + c]!]);
  return { re, im };
};

describe('permanents', () => {
  // Errors are relative to Per(|A|) ≥ |Per(A)|: random complex permanents cancel, so |Per(A)| itself can
  // be orders of magnitude below the terms and is not a meaningful scale for rounding error.
  it('Glynn = Ryser = naive = closed form = independent permutation sum, n ≤ 7 (relative < 1e-12)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 7 }), fc.nat(1e6), (n, seed) => {
        const a = randomMatrix(n, new Generator(seed));
        const ref = oracle(a);
        for (const f of [permanentGlynn, permanentRyser, permanentNaive, permanent]) expect(relErr(f(a), ref, absScale(a))).toBeLessThan(1e-12);
      }),
      { numRuns: 300, seed: 20240501 },
    );
  });

  it('Glynn = Ryser for n ≤ 12 (relative < 1e-12)', () => {
    const gen = new Generator(3);
    for (let n = 8; n <= 12; n++) {
      for (let rep = 0; rep < 3; rep++) {
        const a = randomMatrix(n, gen);
        expect(relErr(permanentGlynn(a), permanentRyser(a), absScale(a))).toBeLessThan(1e-12);
      }
    }
  });

  it('identities: all-ones n×n = n!, identity = 1, diagonal = product, invariance under row/column permutations and transpose', () => {
    let f = 1;
    for (let n = 1; n <= 12; n++) {
      f *= n;
      const ones = cmatrixFrom(n, n, new Array<number>(n * n).fill(1));
      expect(Math.abs(permanent(ones).re - f) / f).toBeLessThan(1e-13);
      expect(permanentRyser(ones).re).toBeCloseTo(f, 13 - Math.log10(f));
      expect(permanent(cidentity(n))).toEqual({ re: 1, im: 0 });
    }
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), fc.nat(1e6), (n, seed) => {
        const gen = new Generator(seed);
        const a = randomMatrix(n, gen);
        const base = permanent(a);
        const pr = gen.permutation(n);
        const pc = gen.permutation(n);
        expect(relErr(permanent(submatrix(a, pr, pc)), base, absScale(a))).toBeLessThan(1e-12);
        const t = cmatrix(n, n);
        for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) {
          t.re[c * n + r] = a.re[r * n + c]!;
          t.im[c * n + r] = a.im[r * n + c]!;
        }
        expect(relErr(permanent(t), base, absScale(a))).toBeLessThan(1e-12);
        // diagonal matrix: product of the diagonal
        const d = cmatrix(n, n);
        let pr2 = 1;
        let pi2 = 0;
        for (let k = 0; k < n; k++) {
          d.re[k * n + k] = a.re[k]!;
          d.im[k * n + k] = a.im[k]!;
          [pr2, pi2] = [pr2 * a.re[k]! - pi2 * a.im[k]!, pr2 * a.im[k]! + pi2 * a.re[k]!];
        }
        expect(relErr(permanent(d), { re: pr2, im: pi2 })).toBeLessThan(1e-12);
      }),
      { numRuns: 200, seed: 20240501 },
    );
  });

  it('repeated rows/columns form = Glynn on the expanded matrix (relative < 1e-12)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.nat(1e6), (p, q, seed) => {
        const gen = new Generator(seed);
        const m = randomMatrix(p, gen, q);
        // random multiplicities with equal totals N ≤ 8
        const total = gen.integers(1, 9);
        const mu = new Int32Array(p);
        const nu = new Int32Array(q);
        for (let k = 0; k < total; k++) {
          mu[gen.integers(0, p)]!++;
          nu[gen.integers(0, q)]!++;
        }
        const rows: number[] = [];
        const cols: number[] = [];
        mu.forEach((c, i) => { for (let k = 0; k < c; k++) rows.push(i); });
        nu.forEach((c, j) => { for (let k = 0; k < c; k++) cols.push(j); });
        const expanded = submatrix(m, rows, cols);
        expect(relErr(permanentRepeated(m, mu, nu), permanentGlynn(expanded), absScale(expanded))).toBeLessThan(1e-12);
      }),
      { numRuns: 300, seed: 20240501 },
    );
    expect(permanentRepeated(cmatrixFrom(1, 1, [1]), [5], [5]).re).toBeCloseTo(120, 11);
    expect(permanentRepeated(cmatrix(2, 2), [0, 0], [0, 0])).toEqual({ re: 1, im: 0 });
  });

  it('unitary permanents are bounded by 1 in modulus (|Per(U)| ≤ 1)', () => {
    for (let n = 1; n <= 10; n++) {
      const u = haarUnitary(n, new Generator(50 + n));
      const p = permanent(u);
      expect(Math.hypot(p.re, p.im)).toBeLessThanOrEqual(1 + 1e-12);
    }
  });

  it('rejects non-square input and oversize naive/repeated requests', () => {
    expect(() => permanent(cmatrix(2, 3))).toThrow(/permanent: A must be square, got 2×3/);
    expect(() => permanentNaive(cmatrix(11, 11))).toThrow(/permanentNaive: n must be ≤ 10 \(n! terms\), got 11/);
    expect(() => permanentRepeated(cmatrix(2, 2), [1, 1], [2, 1])).toThrow(/Σ rowMult \(2\) must equal Σ colMult \(3\)/);
    expect(() => permanentRepeated(cmatrix(2, 2), [1, -1], [0, 0])).toThrow(/rowMult\[1\] must be a non-negative integer, got -1/);
    expect(() => permanentRepeated(cmatrix(2, 2), [1], [1, 0])).toThrow(/rowMult must have 2 entries, got 1/);
  });
});
