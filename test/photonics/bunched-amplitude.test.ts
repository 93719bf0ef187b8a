// outputAmplitude / outputProbability for bunched Fock states (several photons in one mode), against
// references that share no code with src: the closed form for one input mode on a beam splitter,
// C(n, k)·cos^{2k}θ·sin^{2(n−k)}θ (Binomial(n, ½) at 50:50, n up to 400), and the permutation-sum
// permanent of the expanded matrix with the 1/√(Π s_i!·Π t_j!) normalization for small random unitaries,
// repeated input and output modes included. Until this test, |100, 0⟩ → |50, 50⟩ returned 11.8: Glynn's
// sum with multiplicities cancels away every digit there (src/photonics/probability.ts).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cmatrix } from '../../src/photonics/complex-matrix.js';
import { beamSplitter } from '../../src/photonics/components.js';
import { outputAmplitude, outputProbability } from '../../src/photonics/probability.js';
import { haarUnitary } from '../../src/photonics/random-unitary.js';
import { Generator } from '../../src/tensor/random.js';
import { allOccupations, permutationSum } from './permanent-oracles.js';

/** log C(n, k) as a sum of logs (no factorials, no gamma function). */
function logChoose(n: number, k: number): number {
  let s = 0;
  for (let i = 1; i <= k; i++) s += Math.log((n - k + i) / i);
  return s;
}

function factorial(k: number): number {
  let f = 1;
  for (let i = 2; i <= k; i++) f *= i;
  return f;
}

/** ⟨t|Û|s⟩ = Per(U_{t,s}) / √(Π s_i!·Π t_j!) with the permanent of the expanded matrix by the permutation sum. */
function referenceAmplitude(u: ReturnType<typeof cmatrix>, s: ArrayLike<number>, t: ArrayLike<number>): [number, number] {
  const expand = (occ: ArrayLike<number>): number[] => Array.from(occ).flatMap((c, mode) => new Array<number>(c).fill(mode));
  const rows = expand(t);
  const cols = expand(s);
  const [re, im] = permutationSum(rows.length, (r, c) => [u.re[rows[r]! * u.cols + cols[c]!]!, u.im[rows[r]! * u.cols + cols[c]!]!]);
  let norm = 1;
  for (const v of [...Array.from(s), ...Array.from(t)]) norm *= factorial(v);
  return [re / Math.sqrt(norm), im / Math.sqrt(norm)];
}

/** n photons dropped into m modes one by one at random (repeats are common). */
function occupation(m: number, n: number, gen: Generator): number[] {
  const s = new Array<number>(m).fill(0);
  for (let p = 0; p < n; p++) s[Math.min(m - 1, Math.floor(gen.uniform() * m))]!++;
  return s;
}

describe('bunched inputs', () => {
  it('|100, 0⟩ on a 50:50 splitter gives |50, 50⟩ with probability C(100, 50)/2^100', () => {
    const p = outputProbability(beamSplitter(Math.PI / 4).matrix, [100, 0], [50, 50]);
    expect(Math.abs(p - Math.exp(logChoose(100, 50) - 100 * Math.LN2))).toBeLessThan(1e-14);
  });

  it('|n, 0⟩ on a 50:50 splitter is Binomial(n, ½) for n up to 400, either input port', () => {
    const u = beamSplitter(Math.PI / 4).matrix;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 400 }), fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), fc.boolean(), (n, x, swap) => {
        const k = Math.floor(x * (n + 1));
        const want = Math.exp(logChoose(n, k) - n * Math.LN2);
        const input = swap ? [0, n] : [n, 0];
        const got = outputProbability(u, input, [k, n - k]);
        expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-11 * want);
      }),
      { numRuns: 60 },
    );
  });

  it('|n, 0⟩ on a beam splitter at any angle: C(n, k)·cos^{2k}θ·sin^{2(n−k)}θ', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.double({ min: 0.05, max: 1.5, noNaN: true }), fc.nat(), (n, theta, seed) => {
        const k = seed % (n + 1);
        const u = beamSplitter(theta).matrix;
        const want = Math.exp(logChoose(n, k) + 2 * k * Math.log(Math.cos(theta)) + 2 * (n - k) * Math.log(Math.sin(theta)));
        expect(Math.abs(outputProbability(u, [n, 0], [k, n - k]) - want)).toBeLessThanOrEqual(1e-11 * want + 1e-300);
      }),
      { numRuns: 60 },
    );
  });

  it('matches the permanent of the expanded matrix, 1/√(Π s_i!·Π t_j!) normalized, for random unitaries and occupations', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 6 }), fc.nat(1e6), (m, n, seed) => {
        const gen = new Generator(seed);
        const u = haarUnitary(m, gen);
        const s = occupation(m, n, gen);
        const t = occupation(m, n, gen);
        const a = outputAmplitude(u, s, t);
        const [re, im] = referenceAmplitude(u, s, t);
        expect(Math.abs(a.re - re), `Re ⟨${t}|U|${s}⟩`).toBeLessThan(1e-12);
        expect(Math.abs(a.im - im), `Im ⟨${t}|U|${s}⟩`).toBeLessThan(1e-12);
        expect(Math.abs(outputProbability(u, s, t) - (re * re + im * im))).toBeLessThan(1e-12);
      }),
      { numRuns: 150 },
    );
  });

  it('the cheaper side is enumerated either way: all inputs bunched into one mode, all outputs spread, and the reverse', () => {
    const u = haarUnitary(4, new Generator(3));
    for (const [s, t] of [
      [
        [4, 0, 0, 0],
        [1, 1, 1, 1],
      ],
      [
        [1, 1, 1, 1],
        [0, 0, 4, 0],
      ],
      [
        [2, 0, 2, 0],
        [0, 3, 0, 1],
      ],
    ]) {
      const a = outputAmplitude(u, s!, t!);
      const [re, im] = referenceAmplitude(u, s!, t!);
      expect(Math.abs(a.re - re) + Math.abs(a.im - im), `⟨${t}|U|${s}⟩`).toBeLessThan(1e-12);
    }
  });

  it('Σ_t P(t|s) = 1 over every output, for bunched inputs', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 4 }), fc.integer({ min: 2, max: 7 }), fc.nat(1e6), (m, n, seed) => {
        const gen = new Generator(seed);
        const u = haarUnitary(m, gen);
        const s = occupation(m, n, gen);
        let total = 0;
        for (const t of allOccupations(m, n)) total += outputProbability(u, s, t);
        expect(Math.abs(total - 1)).toBeLessThan(1e-12);
      }),
      { numRuns: 40 },
    );
  });
});
