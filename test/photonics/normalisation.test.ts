// Σp = 1 for every distribution and histogram the simulator returns (noisy ones included), noisy SLOS
// (loss AND partial distinguishability together) against a brute-force oracle written here, and large
// occupations: |n, 0⟩ on a 50:50 splitter gives Binomial(n, ½) for n in the hundreds.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { beamSplitter } from '../../src/photonics/components.js';
import { exactGroupHistogram, exactGroupHistogramFromDistribution, groupHistogramFromClickDistribution } from '../../src/photonics/exact-features.js';
import { noisyClickDistribution, partialDistinguishabilityDistribution } from '../../src/photonics/noisy-slos.js';
import { outputProbability } from '../../src/photonics/probability.js';
import { haarUnitary } from '../../src/photonics/random-unitary.js';
import { slosPlan } from '../../src/photonics/slos-plan.js';
import { clickDistribution, slosAmplitudes, slosDistribution, slosState } from '../../src/photonics/slos.js';
import { clickProbabilities } from '../../src/photonics/zero-set.js';
import { Generator } from '../../src/tensor/random.js';
import { exactPartialDistribution } from '../reference/photonics-naive.js';

const sum = (a: ArrayLike<number>, from = 0, to = a.length): number => {
  let s = 0;
  for (let i = from; i < to; i++) s += a[i]!;
  return s;
};
const inputArb = fc.integer({ min: 2, max: 5 }).chain((m) =>
  fc.tuple(
    fc.constant(m),
    fc
      .array(fc.integer({ min: 0, max: 2 }), { minLength: m, maxLength: m })
      .filter((s) => s.reduce((a, b) => a + b, 0) >= 1 && s.reduce((a, b) => a + b, 0) <= 4),
    fc.nat(),
  ),
);
const noiseArb = fc.record({
  loss: fc.double({ min: 0, max: 0.9, noNaN: true }),
  efficiency: fc.double({ min: 0.3, max: 1, noNaN: true }),
  darkCount: fc.double({ min: 0, max: 0.2, noNaN: true }),
  indistinguishableProbability: fc.double({ min: 0, max: 1, noNaN: true }),
});

describe('every distribution and histogram sums to 1', () => {
  it('SLOS, partial distinguishability, noisy click distributions, click probabilities and group histograms (noisy too)', () => {
    fc.assert(
      fc.property(inputArb, noiseArb, ([m, input, seed], noise) => {
        const u = haarUnitary(m, new Generator(seed));
        const plan = slosPlan(m, input);
        const probs = slosDistribution(plan, u);
        expect(Math.abs(sum(probs) - 1), 'slosDistribution').toBeLessThan(1e-12);
        const amps = slosAmplitudes(plan, u);
        let norm = 0;
        for (let t = 0; t < plan.states; t++) norm += amps[2 * t]! ** 2 + amps[2 * t + 1]! ** 2;
        expect(Math.abs(norm - 1), 'slosAmplitudes').toBeLessThan(1e-12);
        expect(Math.abs(sum(clickDistribution(plan, probs)) - 1), 'clickDistribution').toBeLessThan(1e-12);
        const partial = partialDistinguishabilityDistribution(plan, u, noise.indistinguishableProbability);
        expect(Math.abs(sum(partial) - 1), 'partialDistinguishabilityDistribution').toBeLessThan(1e-12);
        const clicks = noisyClickDistribution(plan, u, noise);
        expect(Math.abs(sum(clicks) - 1), 'noisyClickDistribution').toBeLessThan(1e-12);
        const groups = [
          Array.from({ length: Math.ceil(m / 2) }, (_, i) => i),
          Array.from({ length: Math.floor(m / 2) }, (_, i) => i + Math.ceil(m / 2)),
        ].filter((g) => g.length > 0);
        const fromClicks = groupHistogramFromClickDistribution(clicks, m, groups);
        const { darkCount: _dark, ...noDark } = noise;
        const zeroSet = exactGroupHistogram(u, input, groups, noise);
        const fromSlos = exactGroupHistogramFromDistribution(plan, probs, groups);
        let offset = 0;
        for (const g of groups) {
          const size = 2 ** g.length;
          expect(Math.abs(sum(fromClicks, offset, offset + size) - 1), 'group histogram from noisy clicks').toBeLessThan(1e-12);
          expect(Math.abs(sum(zeroSet, offset, offset + size) - 1), 'noisy exactGroupHistogram').toBeLessThan(1e-10);
          expect(Math.abs(sum(fromSlos, offset, offset + size) - 1), 'group histogram from SLOS').toBeLessThan(1e-12);
          offset += size;
        }
        // Per-mode click probabilities are marginals: each in [0, 1].
        const marginals = clickProbabilities(u, input, noDark);
        for (const v of marginals) expect(v >= -1e-12 && v <= 1 + 1e-12).toBe(true);
      }),
      { numRuns: 25, seed: 31 },
    );
  });
});

describe('noisy SLOS against a brute-force oracle (loss and partial distinguishability together)', () => {
  /**
   * Test-only oracle, the slow obvious way: every photon independently is lost (1 − η) or kept; over all
   * 2^n keep/lose patterns of the labelled photons, the kept ones go through the partial-distinguishability
   * oracle (test/reference/photonics-naive.ts: enumerate which photons are in the common state, permanents
   * by the permutation sum); the output occupation is reduced to its threshold click mask, and dark counts
   * flip each unclicked mode on with probability d.
   */
  function oracleClicks(u: ReturnType<typeof haarUnitary>, photons: number[], eta: number, p: number, dark: number): Float64Array {
    const m = u.rows;
    const out = new Float64Array(2 ** m);
    const n = photons.length;
    for (let keep = 0; keep < 2 ** n; keep++) {
      const kept = photons.filter((_, i) => (keep >>> i) & 1);
      const weight = eta ** kept.length * (1 - eta) ** (n - kept.length);
      if (weight === 0) continue;
      const dist = kept.length === 0 ? new Map([[new Array(m).fill(0).join(','), 1]]) : exactPartialDistribution(u, kept, p);
      for (const [key, prob] of dist) {
        const occ = key.split(',').map(Number);
        let mask = 0;
        occ.forEach((t, j) => {
          if (t > 0) mask |= 1 << j;
        });
        // Dark counts: every mode without a photon clicks with probability d.
        for (let extra = 0; extra < 2 ** m; extra++) {
          if (extra & mask) continue;
          let pr = 1;
          for (let j = 0; j < m; j++) if (!((mask >>> j) & 1)) pr *= (extra >>> j) & 1 ? dark : 1 - dark;
          out[mask | extra] = out[mask | extra]! + weight * prob * pr;
        }
      }
    }
    return out;
  }

  it('noisyClickDistribution equals the oracle entry by entry', () => {
    fc.assert(
      fc.property(
        inputArb,
        fc.double({ min: 0.05, max: 0.8, noNaN: true }),
        fc.double({ min: 0.05, max: 0.95, noNaN: true }),
        fc.constantFrom(0, 0.07),
        ([m, input, seed], loss, p, dark) => {
          const u = haarUnitary(m, new Generator(seed).fork('oracle'));
          const photons = input.flatMap((s, i) => new Array<number>(s).fill(i));
          const got = noisyClickDistribution(slosPlan(m, input), u, { loss, indistinguishableProbability: p, darkCount: dark });
          const want = oracleClicks(u, photons, 1 - loss, p, dark);
          for (let k = 0; k < want.length; k++) expect(Math.abs(got[k]! - want[k]!), `mask ${k}`).toBeLessThan(1e-12);
        },
      ),
      { numRuns: 15, seed: 32 },
    );
  });
});

describe('large occupations', () => {
  /** ln C(n, k) − n ln 2, by sums of logarithms (test-only). */
  function logBinomialHalf(n: number, k: number): number {
    let s = 0;
    for (let i = 1; i <= k; i++) s += Math.log(n - k + i) - Math.log(i);
    return s - n * Math.LN2;
  }

  it('|n, 0⟩ on a 50:50 splitter gives Binomial(n, ½), n = 10 … 400 (factorials past 170! overflow float64)', () => {
    const u = beamSplitter(Math.PI / 4).matrix;
    for (const n of [10, 170, 171, 400]) {
      const plan = slosPlan(2, [n, 0]);
      const probs = slosDistribution(plan, u);
      expect(probs.every(Number.isFinite), `n = ${n}: finite`).toBe(true);
      expect(Math.abs(sum(probs) - 1), `n = ${n}: Σp`).toBeLessThan(1e-9);
      for (let t = 0; t < plan.states; t++) {
        const k = slosState(plan, t)[0]!;
        const want = Math.exp(logBinomialHalf(n, k));
        expect(Math.abs(probs[t]! - want), `n = ${n}, k = ${k}`).toBeLessThanOrEqual(1e-9 * want + 1e-300);
      }
      const amps = slosAmplitudes(plan, u);
      for (let t = 0; t < plan.states; t++) {
        const k = slosState(plan, t)[0]!;
        expect(Math.abs(Math.hypot(amps[2 * t]!, amps[2 * t + 1]!) ** 2 - probs[t]!)).toBeLessThanOrEqual(1e-9 * probs[t]! + 1e-300);
        void k;
      }
    }
  });

  it('outputProbability of bunched occupations needs no factorials: Binomial(n, ½) at n = 40, 200 and 400', () => {
    const u = beamSplitter(Math.PI / 4).matrix;
    for (const n of [40, 200, 400]) {
      const want = Math.exp(logBinomialHalf(n, n / 2));
      expect(Math.abs(outputProbability(u, [n, 0], [n / 2, n / 2]) - want), `n = ${n}`).toBeLessThan(1e-11 * want);
    }
  });

  it('with uniform loss η the click distribution of |n, 0⟩ is closed-form; Σp = 1', () => {
    // Each photon independently survives (η) and then leaves either port with ½: no click in mode 0 has
    // probability (1 − η/2)^n, in neither (1 − η)^n.
    const u = beamSplitter(Math.PI / 4).matrix;
    for (const n of [50, 300]) {
      const eta = 0.7;
      const clicks = noisyClickDistribution(slosPlan(2, [n, 0]), u, { loss: 1 - eta });
      const none = (1 - eta) ** n,
        only1 = (1 - eta / 2) ** n - none,
        only0 = only1;
      const want = [none, only0, only1, 1 - none - only0 - only1];
      want.forEach((w, k) => expect(Math.abs(clicks[k]! - w), `n = ${n}, mask ${k}`).toBeLessThan(1e-9 * Math.max(w, 1e-300) + 1e-15));
      expect(Math.abs(sum(clicks) - 1)).toBeLessThan(1e-12);
    }
  });

  it('fails loudly, naming the op, where cancellation exhausts float64 (|n, n⟩ on a 50:50 splitter)', () => {
    // |n, n⟩ → odd outputs have probability exactly 0 (generalised Hong–Ou–Mandel), Σp = 1. The SLOS sums
    // terms of both signs up to ~C(2n, n)·2^-n times larger than the result: fine at n = 30, garbage from
    // n ≈ 50 on (measured: Σp = 1 + 6e-6 at n = 50, 72 at n = 60), which must raise instead of returning.
    const u = beamSplitter(Math.PI / 4).matrix;
    const ok = slosDistribution(slosPlan(2, [30, 30]), u);
    expect(Math.abs(sum(ok) - 1)).toBeLessThan(1e-12);
    expect(Math.max(...Array.from(ok).filter((_, t) => t % 2 === 1))).toBeLessThan(1e-12);
    for (const n of [60, 200]) {
      expect(() => slosDistribution(slosPlan(2, [n, n]), u)).toThrow(/^slosDistribution: the probabilities of \d+ photons in 2 modes lost precision/);
      expect(() => slosAmplitudes(slosPlan(2, [n, n]), u)).toThrow(/^slosAmplitudes: the (probabilities|amplitudes) of \d+ photons in 2 modes lost precision/);
    }
  });
});
