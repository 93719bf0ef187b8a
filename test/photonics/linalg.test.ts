import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Generator } from '../../src/tensor/random.js';
import {
  adjoint, approxEqual, assertUnitary, cclone, cidentity, cmatmul, cmatrix, cmatrixFrom, maxAbsDiff, submatrix, unitarityError,
} from '../../src/photonics/complex-matrix.js';
import { haarOrthogonal, haarUnitary } from '../../src/photonics/random-unitary.js';

function randomMatrix(rows: number, cols: number, gen: Generator) {
  const a = cmatrix(rows, cols);
  gen.normalArray(rows * cols, 0, 1, a.re);
  gen.normalArray(rows * cols, 0, 1, a.im);
  return a;
}

describe('complex matrix algebra', () => {
  it('cmatmul matches an entrywise triple loop and is associative', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }), fc.nat(1e6), (r, k, c, seed) => {
        const gen = new Generator(seed);
        const a = randomMatrix(r, k, gen);
        const b = randomMatrix(k, c, gen);
        const p = cmatmul(a, b);
        for (let i = 0; i < r; i++) {
          for (let j = 0; j < c; j++) {
            let sr = 0;
            let si = 0;
            for (let q = 0; q < k; q++) {
              sr += a.re[i * k + q]! * b.re[q * c + j]! - a.im[i * k + q]! * b.im[q * c + j]!;
              si += a.re[i * k + q]! * b.im[q * c + j]! + a.im[i * k + q]! * b.re[q * c + j]!;
            }
            expect(Math.abs(p.re[i * c + j]! - sr)).toBeLessThan(1e-12);
            expect(Math.abs(p.im[i * c + j]! - si)).toBeLessThan(1e-12);
          }
        }
        const d = randomMatrix(c, 3, gen);
        expect(maxAbsDiff(cmatmul(cmatmul(a, b), d), cmatmul(a, cmatmul(b, d)))).toBeLessThan(1e-11);
      }),
      { numRuns: 100, seed: 20240501 },
    );
  });

  it('adjoint is an involution and reverses products: (AB)† = B†A†', () => {
    const gen = new Generator(11);
    const a = randomMatrix(3, 4, gen);
    const b = randomMatrix(4, 2, gen);
    expect(approxEqual(adjoint(adjoint(a)), a, 0)).toBe(true);
    expect(maxAbsDiff(adjoint(cmatmul(a, b)), cmatmul(adjoint(b), adjoint(a)))).toBeLessThan(1e-13);
  });

  it('unitarityError is 0 for I, detects a scaled matrix, and assertUnitary uses the stated tolerance', () => {
    expect(unitarityError(cidentity(5))).toBe(0);
    const s = cidentity(3);
    s.re[0] = 1 + 1e-9;
    expect(unitarityError(s)).toBeCloseTo(2e-9, 12);
    expect(() => assertUnitary(s, 'op', 'U')).toThrow(/op: U must be unitary \(max \|U·U† − I\| ≤ 1e-10\), got error 2\.0/);
    assertUnitary(s, 'op', 'U', 1e-8);
    const nan = cidentity(2);
    nan.re[1] = NaN;
    expect(unitarityError(nan)).toBe(Infinity);
  });

  it('submatrix repeats rows and columns; cmatrixFrom checks lengths', () => {
    const a = cmatrixFrom(2, 2, [1, 2, 3, 4], [0, 0, 0, 1]);
    const s = submatrix(a, [1, 1, 0], [1]);
    expect(Array.from(s.re)).toEqual([4, 4, 2]);
    expect(Array.from(s.im)).toEqual([1, 1, 0]);
    expect(() => cmatrixFrom(2, 2, [1, 2, 3])).toThrow(/cmatrixFrom: re and im must have rows·cols = 4 entries, got re 3/);
    expect(() => cmatmul(cmatrix(2, 3), cmatrix(2, 3))).toThrow(/inner dimensions differ, A is 2×3, B is 2×3/);
    expect(() => submatrix(a, [2], [0])).toThrow(/row index 2 outside \[0, 2\)/);
    expect(approxEqual(cclone(a), a, 0)).toBe(true);
  });
});

describe('Haar-random unitaries', () => {
  it('are unitary to < 1e-12 for n = 1 … 32 (unitary and orthogonal)', () => {
    for (let n = 1; n <= 32; n++) {
      expect(unitarityError(haarUnitary(n, new Generator(n)))).toBeLessThan(1e-12);
      const o = haarOrthogonal(n, new Generator(1000 + n));
      expect(unitarityError(o)).toBeLessThan(1e-12);
      expect(o.im.every((v) => v === 0)).toBe(true);
    }
  });

  it('are reproducible from the seed and differ across seeds', () => {
    const a = haarUnitary(6, new Generator(42));
    const b = haarUnitary(6, new Generator(42));
    expect(approxEqual(a, b, 0)).toBe(true);
    expect(maxAbsDiff(a, haarUnitary(6, new Generator(43)))).toBeGreaterThan(0.1);
  });

  it('have Haar statistics: E|U_ij|² = 1/n and E|U_ij|⁴ = 2/(n(n+1)), and a uniform phase of det', () => {
    // For Haar U(n), |U_ij|² ~ Beta(1, n−1): mean 1/n, second moment 2/(n(n+1)); entries have uniform
    // phases, so E[Re U_00] = 0 (a QR without the phase fix can bias the diagonal towards positive reals).
    const n = 4;
    const gen = new Generator(7);
    const trials = 4000;
    let m2 = 0;
    let m4 = 0;
    let u00 = 0;
    for (let t = 0; t < trials; t++) {
      const u = haarUnitary(n, gen);
      const w = u.re[1]! ** 2 + u.im[1]! ** 2;
      m2 += w;
      m4 += w * w;
      u00 += u.re[0]!;
    }
    m2 /= trials;
    m4 /= trials;
    u00 /= trials;
    // Standard errors: sd(|U|²) ≈ 0.19, sd(|U|⁴) ≈ 0.1, sd(Re U00) ≈ 0.35; 5-sigma bounds.
    expect(Math.abs(m2 - 1 / n)).toBeLessThan((5 * 0.19) / Math.sqrt(trials));
    expect(Math.abs(m4 - 2 / (n * (n + 1)))).toBeLessThan((5 * 0.1) / Math.sqrt(trials));
    expect(Math.abs(u00)).toBeLessThan((5 * 0.36) / Math.sqrt(trials));
  });

  it('rejects a bad size', () => {
    expect(() => haarUnitary(0, new Generator(0))).toThrow(/haarUnitary: n must be a positive integer, got 0/);
    expect(() => haarOrthogonal(2.5, new Generator(0))).toThrow(/haarOrthogonal: n must be a positive integer, got 2.5/);
  });
});
