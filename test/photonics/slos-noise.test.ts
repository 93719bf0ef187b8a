import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Generator } from '../../src/tensor/random.js';
import { beamSplitter } from '../../src/photonics/components.js';
import { applyDarkCounts } from '../../src/photonics/noise.js';
import { noisyClickDistribution, partialDistinguishabilityDistribution } from '../../src/photonics/noisy-slos.js';
import { haarUnitary } from '../../src/photonics/random-unitary.js';
import { slosPlan } from '../../src/photonics/slos-plan.js';
import { clickDistribution, slosDistribution, slosState, slosStateIndex } from '../../src/photonics/slos.js';
import { bosonProbability, distinguishableProbability, lossEmbedding, maxAbs, sum } from './permanent-oracles.js';

function randomInput(m: number, n: number, gen: Generator): Int32Array {
  const s = new Int32Array(m);
  for (let k = 0; k < n; k++) s[gen.integers(0, m)]!++;
  return s;
}

describe('partial distinguishability (exact, SLOS sum over good subsets)', () => {
  it('HOM: P(1,1) = (1 − p²)/2 within 1e-12', () => {
    const plan = slosPlan(2, [1, 1]);
    const u = beamSplitter(Math.PI / 4).matrix;
    for (const p of [0, 0.3, 0.5, 0.9, 1]) {
      const probs = partialDistinguishabilityDistribution(plan, u, p);
      expect(Math.abs(probs[slosStateIndex(plan, [1, 1])]! - (1 - p * p) / 2)).toBeLessThan(1e-12);
    }
  });

  it('p = 1 is the boson distribution, p = 0 the distinguishable one, two photons mix with weight p² (< 1e-12)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 4 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.nat(1e6), (m, n, p, seed) => {
        const gen = new Generator(seed);
        const u = haarUnitary(m, gen);
        const input = randomInput(m, n, gen);
        const plan = slosPlan(m, input);
        const one = partialDistinguishabilityDistribution(plan, u, 1);
        const zero = partialDistinguishabilityDistribution(plan, u, 0);
        const mid = partialDistinguishabilityDistribution(plan, u, p);
        expect(maxAbs(one, slosDistribution(plan, u))).toBeLessThan(1e-12);
        expect(Math.abs(sum(mid) - 1)).toBeLessThan(1e-12);
        for (let t = 0; t < plan.states; t++) {
          const occ = slosState(plan, t);
          expect(Math.abs(zero[t]! - distinguishableProbability(u, input, occ))).toBeLessThan(1e-12);
          if (n === 2) {
            const mix = p * p * bosonProbability(u, input, occ) + (1 - p * p) * distinguishableProbability(u, input, occ);
            expect(Math.abs(mid[t]! - mix)).toBeLessThan(1e-12);
          }
        }
      }),
      { numRuns: 120, seed: 20240501 },
    );
  });
});

describe('noisy click distributions (loss, dark counts, distinguishability)', () => {
  it('uniform loss equals the 2m-mode embedding with ancilla vacua, marginalised (< 1e-12)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.nat(1e6), (m, n, eta, seed) => {
        const gen = new Generator(seed);
        const u = haarUnitary(m, gen);
        const input = randomInput(m, n, gen);
        const plan = slosPlan(m, input);
        const lossy = noisyClickDistribution(plan, u, { efficiency: eta });
        const bigInput = new Int32Array(2 * m);
        bigInput.set(input);
        const bigPlan = slosPlan(2 * m, bigInput);
        const big = clickDistribution(bigPlan, slosDistribution(bigPlan, lossEmbedding(u, eta)));
        const ref = new Float64Array(2 ** m);
        for (let mask = 0; mask < big.length; mask++) ref[mask & (2 ** m - 1)]! += big[mask]!;
        expect(maxAbs(lossy, ref)).toBeLessThan(1e-12);
        expect(Math.abs(sum(lossy) - 1)).toBeLessThan(1e-12);
      }),
      { numRuns: 80, seed: 20240501 },
    );
  });

  it('loss = 1 − efficiency split is irrelevant (only η = (1 − loss)·efficiency matters); no noise = clickDistribution', () => {
    const gen = new Generator(4);
    const u = haarUnitary(4, gen);
    const plan = slosPlan(4, [1, 1, 1, 0]);
    expect(maxAbs(noisyClickDistribution(plan, u, { loss: 0.5 }), noisyClickDistribution(plan, u, { loss: 0.2, efficiency: 0.625 }))).toBeLessThan(1e-15);
    expect(maxAbs(noisyClickDistribution(plan, u), clickDistribution(plan, slosDistribution(plan, u)))).toBeLessThan(1e-15);
    // total loss: always the empty pattern
    const dead = noisyClickDistribution(plan, u, { efficiency: 0 });
    expect(dead[0]).toBe(1);
  });

  it('dark counts: each mode flips 0 → 1 independently with probability d', () => {
    const d = 0.1;
    const c = applyDarkCounts(Float64Array.of(1, 0, 0, 0), 2, d);
    expect(Array.from(c).map((x) => +x.toFixed(15))).toEqual([0.81, 0.09, 0.09, 0.01]);
    const gen = new Generator(6);
    const u = haarUnitary(3, gen);
    const plan = slosPlan(3, [1, 0, 1]);
    const noisy = noisyClickDistribution(plan, u, { darkCount: d });
    const clean = clickDistribution(plan, slosDistribution(plan, u));
    // P(all three click) = Σ_mask P(mask)·d^{3−|mask|}
    let ref = 0;
    for (let mask = 0; mask < 8; mask++) {
      let bits = 0;
      for (let j = 0; j < 3; j++) bits += (mask >> j) & 1;
      ref += clean[mask]! * d ** (3 - bits);
    }
    expect(Math.abs(noisy[7]! - ref)).toBeLessThan(1e-15);
  });

  it('rejects bad noise and oversize sums', () => {
    const plan = slosPlan(2, [1, 1]);
    const u = beamSplitter(0.3).matrix;
    expect(() => noisyClickDistribution(plan, u, { loss: 1.5 })).toThrow(/noisyClickDistribution: noise.loss must be a probability in \[0, 1\], got 1.5/);
    expect(() => partialDistinguishabilityDistribution(plan, u, -0.1)).toThrow(/noise.indistinguishableProbability must be a probability in \[0, 1\], got -0.1/);
    expect(() => noisyClickDistribution(plan, u, { loss: 0.1, indistinguishableProbability: 0.5 }, { maxRuns: 5 })).toThrow(
      /needs 9 SLOS runs \(one per good\/bad\/lost configuration\), over maxRuns = 5/,
    );
  });
});
