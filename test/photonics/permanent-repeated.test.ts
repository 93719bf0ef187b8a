import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Generator } from '../../src/tensor/random.js';
import { cmatrix, cmatrixFrom, type CMatrix } from '../../src/photonics/complex-matrix.js';
import type { Complex } from '../../src/photonics/permanent.js';
import { permanentRepeated, permanentRepeatedSquare, permanentRepeatedSquareOverFactorials } from '../../src/photonics/permanent-repeated.js';
import { contractedAmplitude, naturalScale, scaleResult, type RepeatedView } from '../../src/photonics/permanent-scaled.js';
import { haarUnitary } from '../../src/photonics/random-unitary.js';
import { noClickProbability } from '../../src/photonics/zero-set.js';
import { outputProbability } from '../../src/photonics/probability.js';
import { allOccupations, permutationSum } from './permanent-oracles.js';

// Known answers come from closed forms (computed here by plain loops) or from the permutation sum of the
// expanded matrix (./permanent-oracles.ts); none from the code under test.
const cmul = (a: Complex, b: Complex): Complex => ({ re: a.re * b.re - a.im * b.im, im: a.re * b.im + a.im * b.re });
const relErr = (a: Complex, b: Complex): number => Math.hypot(a.re - b.re, a.im - b.im) / Math.hypot(b.re, b.im);

/** n!·a^k·b^(n−k), multiplying factor by factor so no partial product overflows first. */
function binomialPer(n: number, k: number, a: Complex, b: Complex): Complex {
  let x: Complex = { re: 1, im: 0 };
  for (let i = 1; i <= n; i++) x = cmul(x, i <= k ? { re: i * a.re, im: i * a.im } : { re: i * b.re, im: i * b.im });
  return x;
}

/** 2×2 unitary [[cos θ, −e^{−iφ} sin θ], [e^{iφ} sin θ, cos θ]]. */
function splitter(theta: number, phi: number): CMatrix {
  const c = Math.cos(theta);
  const s = Math.sin(theta);
  return cmatrixFrom(2, 2, [c, -Math.cos(phi) * s, Math.cos(phi) * s, c], [0, Math.sin(phi) * s, Math.sin(phi) * s, 0]);
}

const at = (m: CMatrix, i: number, j: number): Complex => ({ re: m.re[i * m.cols + j]!, im: m.im[i * m.cols + j]! });

/** Expanded N×N matrix's permanent by the permutation sum (N ≤ 8). */
function expandedOracle(m: CMatrix, mu: number[], nu: number[]): Complex {
  const rows = mu.flatMap((c, i) => Array<number>(c).fill(i));
  const cols = nu.flatMap((c, j) => Array<number>(c).fill(j));
  const [re, im] = permutationSum(rows.length, (r, c) => [m.re[rows[r]! * m.cols + cols[c]!]!, m.im[rows[r]! * m.cols + cols[c]!]!]);
  return { re, im };
}

function fact(n: number): number {
  let f = 1;
  for (let i = 2; i <= n; i++) f *= i;
  return f;
}

describe('permanentRepeated at large multiplicities', () => {
  it('|n,0⟩ column × (k, n−k) rows of a splitter: Per = n!·a^k·b^(n−k) up to n = 170 (relative < 1e-12)', () => {
    for (const [theta, phi] of [[Math.PI / 4, 0], [0.3, 1.1], [1.2, -0.4]] as const) {
      const u = splitter(theta, phi);
      for (const n of [3, 12, 40, 100, 170]) {
        for (const k of [0, 1, Math.floor(n / 3), Math.floor(n / 2), n]) {
          const ref = binomialPer(n, k, at(u, 0, 0), at(u, 1, 0));
          expect(relErr(permanentRepeated(u, [k, n - k], [n, 0]), ref)).toBeLessThan(1e-12);
          // transpose: rows (n, 0), columns (k, n − k)
          const refT = binomialPer(n, k, at(u, 0, 0), at(u, 0, 1));
          expect(relErr(permanentRepeated(u, [n, 0], [k, n - k]), refT)).toBeLessThan(1e-12);
        }
      }
    }
  });

  it('all-ones matrices: Per = n! up to n = 170, then a RangeError naming the function and multiplicities', () => {
    for (const n of [1, 5, 20, 60, 120, 170]) {
      expect(permanentRepeated(cmatrixFrom(1, 1, [1]), [n], [n]).re / fact(n) - 1).toBeLessThan(1e-13);
      const k = Math.floor(n / 3);
      const r = permanentRepeated(cmatrixFrom(2, 2, [1, 1, 1, 1]), [k, n - k], [n - k, k]);
      expect(Math.abs(r.re / fact(n) - 1)).toBeLessThan(1e-12);
      expect(Math.abs(r.im)).toBe(0);
    }
    expect(() => permanentRepeated(cmatrixFrom(1, 1, [1]), [171], [171])).toThrow(/permanentRepeated: .*\[171\] × \[171\].*beyond float64/);
    expect(() => permanentRepeatedSquare(2, Float64Array.of(1, 0, 0, 1), new Float64Array(4), Int32Array.of(100, 100)))
      .toThrow(/permanentRepeatedSquare: .*\[100, 100\].*beyond float64/);
  });

  it('permanentRepeatedSquare = n!·x^n and the over-factorials form = x^n far past 170 (relative < 1e-12)', () => {
    for (const x of [0.55, 0.9, -0.7]) {
      for (const n of [2, 30, 100]) {
        const r = permanentRepeatedSquare(1, Float64Array.of(x), Float64Array.of(0), Int32Array.of(n)).re;
        expect(Math.abs(r / (fact(n) * x ** n) - 1)).toBeLessThan(1e-12);
      }
      for (const n of [2, 100, 500, 1000]) {
        const r = permanentRepeatedSquareOverFactorials(1, Float64Array.of(x), Float64Array.of(0), Int32Array.of(n)).re;
        expect(Math.abs(r / x ** n - 1)).toBeLessThan(1e-11);
      }
    }
    // diagonal 2×2: Per_s(diag(x, y))/s! = x^a·y^b
    const r = permanentRepeatedSquareOverFactorials(2, Float64Array.of(0.8, 0, 0, 0.6), new Float64Array(4), Int32Array.of(150, 90)).re;
    expect(Math.abs(r / (0.8 ** 150 * 0.6 ** 90) - 1)).toBeLessThan(1e-11);
  });

  it('random matrices and multiplicities (N ≤ 8) = permutation sum of the expanded matrix', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.nat(1e6), (p, q, seed) => {
        const gen = new Generator(seed);
        const m = cmatrix(p, q);
        gen.normalArray(p * q, 0, 1, m.re);
        gen.normalArray(p * q, 0, 1, m.im);
        const n = 1 + Math.floor(gen.uniform() * 8);
        const split = (len: number): number[] => {
          const out = Array<number>(len).fill(0);
          for (let k = 0; k < n; k++) out[Math.floor(gen.uniform() * len)]!++;
          return out;
        };
        const mu = split(p);
        const nu = split(q);
        const ref = expandedOracle(m, mu, nu);
        let scale = 1;
        for (const x of m.re) scale = Math.max(scale, Math.abs(x));
        for (const x of m.im) scale = Math.max(scale, Math.abs(x));
        const tol = 1e-11 * fact(n) * (2 * scale) ** n;
        const got = permanentRepeated(m, mu, nu);
        expect(Math.hypot(got.re - ref.re, got.im - ref.im)).toBeLessThan(tol);
        // the scaled (photon-by-photon) path on its own, whichever path the dispatcher took
        const view: RepeatedView = { p, q, re: m.re, im: m.im, rowStride: q, colStride: 1, mu, nu };
        const s = naturalScale(view, n);
        const scaled = s.nonzero ? scaleResult(contractedAmplitude(view, s), s, 'test', view) : { re: 0, im: 0 };
        expect(Math.hypot(scaled.re - ref.re, scaled.im - ref.im)).toBeLessThan(tol);
      }),
      { numRuns: 200, seed: 20261202 },
    );
  });
});

describe('zero-set route at large occupations', () => {
  it('|n,0⟩ through a splitter with loss: Q({0}) = (1 − η·|U00|²)^n for n up to 500 (relative < 1e-11)', () => {
    const u = splitter(0.7, 0.2);
    const w = Math.hypot(u.re[0]!, u.im[0]!) ** 2;
    for (const n of [10, 60, 100, 200, 500]) {
      for (const loss of [0, 0.1, 0.5]) {
        const q = noClickProbability(u, [n, 0], [0], { loss });
        expect(Math.abs(q / (1 - (1 - loss) * w) ** n - 1)).toBeLessThan(1e-11);
      }
    }
  });

  it('lossless Q(Z) = Σ_{t: t_Z = 0} P(t) with P from the photon-by-photon amplitudes (3 modes, 24 photons)', () => {
    const u = haarUnitary(3, new Generator(7));
    const input = [14, 10, 0];
    const outs = allOccupations(3, 24);
    for (const z of [[0], [1], [2], [0, 2], [1, 2]]) {
      let ref = 0;
      for (const t of outs) if (z.every((j) => t[j] === 0)) ref += outputProbability(u, input, t);
      expect(Math.abs(noClickProbability(u, input, z) - ref)).toBeLessThan(1e-12);
    }
  });

  it('Σ p = 1 and p ≥ 0 for the click-pattern distribution with loss, dark counts, partial distinguishability', () => {
    const u = haarUnitary(3, new Generator(11));
    const noises = [{}, { loss: 0.3, darkCount: 0.01 }, { loss: 0.2, indistinguishableProbability: 0.7 }];
    // (partial distinguishability sums over Π(s_k + 1) sub-occupations: kept off the 3-mode input for time)
    for (const [input, count] of [[[100, 0, 0], 3], [[40, 30, 0], 3], [[25, 20, 15], 2]] as const) {
      for (const noise of noises.slice(0, count)) {
        // P(clicks exactly C) = Σ_{S ⊆ C} (−1)^{|S|} Q(C̄ ∪ S)
        const q = new Float64Array(8);
        for (let zb = 0; zb < 8; zb++) q[zb] = noClickProbability(u, input, [0, 1, 2].filter((j) => (zb >> j) & 1), noise);
        expect(Math.abs(q[0]! - 1)).toBeLessThan(1e-12);
        let total = 0;
        for (let c = 0; c < 8; c++) {
          let pc = 0;
          for (let s = c; ; s = (s - 1) & c) {
            let bits = 0;
            for (let x = s; x; x &= x - 1) bits++;
            pc += (bits & 1 ? -1 : 1) * q[(7 & ~c) | s]!;
            if (s === 0) break;
          }
          expect(pc).toBeGreaterThan(-1e-12);
          total += pc;
        }
        expect(Math.abs(total - 1)).toBeLessThan(1e-12);
      }
    }
  });

  it('partial distinguishability past 1000 photons (binomial weights overflow): Q({1}) = (1 − η·|U10|²)^n', () => {
    // One occupied input mode: good and bad photons leave it alike, so the closed form holds for every p.
    const u = splitter(0.5, 0.3);
    const w = Math.hypot(u.re[2]!, u.im[2]!) ** 2;
    for (const n of [300, 1200]) {
      const q = noClickProbability(u, [n, 0], [1], { loss: 0.1, indistinguishableProbability: 0.6 });
      expect(Math.abs(q / (1 - 0.9 * w) ** n - 1)).toBeLessThan(1e-10);
      expect(noClickProbability(u, [n, 0], [], { loss: 0.1, indistinguishableProbability: 0.6 })).toBeCloseTo(1, 12);
    }
  });
});
