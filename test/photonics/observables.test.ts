import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Generator } from '../../src/tensor/random.js';
import { beamSplitter } from '../../src/photonics/components.js';
import { countCovariance, meanCounts, secondMoments } from '../../src/photonics/observables.js';
import { clickProbabilities, noClickProbability } from '../../src/photonics/zero-set.js';
import { noisyClickDistribution, partialDistinguishabilityDistribution } from '../../src/photonics/noisy-slos.js';
import { haarUnitary } from '../../src/photonics/random-unitary.js';
import { slosPlan, type SlosPlan } from '../../src/photonics/slos-plan.js';
import { slosDistribution, slosState } from '../../src/photonics/slos.js';
import { lossEmbedding } from './permanent-oracles.js';

function randomInput(m: number, n: number, gen: Generator): Int32Array {
  const s = new Int32Array(m);
  for (let k = 0; k < n; k++) s[gen.integers(0, m)]!++;
  return s;
}

/** E[n_i] and E[n_i n_j] over the first `m` modes of a SLOS distribution (the enumeration oracle). */
function momentsFromDistribution(plan: SlosPlan, probs: Float64Array, m: number): [Float64Array, Float64Array] {
  const mean = new Float64Array(m);
  const second = new Float64Array(m * m);
  for (let t = 0; t < plan.states; t++) {
    const occ = slosState(plan, t);
    for (let i = 0; i < m; i++) {
      mean[i]! += probs[t]! * occ[i]!;
      for (let j = 0; j < m; j++) second[i * m + j]! += probs[t]! * occ[i]! * occ[j]!;
    }
  }
  return [mean, second];
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let w = 0;
  for (let i = 0; i < a.length; i++) w = Math.max(w, Math.abs(a[i]! - b[i]!));
  return w;
};

describe('exact moments ⟨n_i⟩, ⟨n_i n_j⟩', () => {
  it('match SLOS enumeration for bosons and partial distinguishability p (< 1e-12), bunched inputs included', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 4 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.nat(1e6), (m, n, p, seed) => {
        const gen = new Generator(seed);
        const u = haarUnitary(m, gen);
        const input = randomInput(m, n, gen);
        const plan = slosPlan(m, input);
        const [mean, second] = momentsFromDistribution(plan, slosDistribution(plan, u), m);
        expect(maxDiff(meanCounts(u, input), mean)).toBeLessThan(1e-12);
        expect(maxDiff(secondMoments(u, input), second)).toBeLessThan(1e-12);
        const [, secondP] = momentsFromDistribution(plan, partialDistinguishabilityDistribution(plan, u, p), m);
        expect(maxDiff(secondMoments(u, input, { indistinguishableProbability: p }), secondP)).toBeLessThan(1e-12);
        const cov = countCovariance(u, input);
        for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) expect(Math.abs(cov[i * m + j]! - (second[i * m + j]! - mean[i]! * mean[j]!))).toBeLessThan(1e-12);
      }),
      { numRuns: 120, seed: 20240501 },
    );
  });

  it('with uniform efficiency η match the ancilla-embedding oracle (< 1e-12)', () => {
    const gen = new Generator(12);
    for (let rep = 0; rep < 6; rep++) {
      const m = 3;
      const u = haarUnitary(m, gen);
      const input = randomInput(m, 3, gen);
      const eta = gen.uniform();
      const big = new Int32Array(2 * m);
      big.set(input);
      const plan = slosPlan(2 * m, big);
      const [mean, second] = momentsFromDistribution(plan, slosDistribution(plan, lossEmbedding(u, eta)), m);
      expect(maxDiff(meanCounts(u, input, { efficiency: eta }), mean)).toBeLessThan(1e-12);
      expect(maxDiff(secondMoments(u, input, { efficiency: eta }), second)).toBeLessThan(1e-12);
    }
  });

  it('HOM: ⟨n_0 n_1⟩ = 0 for bosons and ½ for distinguishable photons; ⟨n_0²⟩ = 2 vs 3/2', () => {
    const u = beamSplitter(Math.PI / 4).matrix;
    const b = secondMoments(u, [1, 1]);
    const d = secondMoments(u, [1, 1], { indistinguishableProbability: 0 });
    expect(Math.abs(b[1]!)).toBeLessThan(1e-15);
    expect(d[1]).toBeCloseTo(0.5, 15);
    expect(b[0]).toBeCloseTo(2, 15);
    expect(d[0]).toBeCloseTo(1.5, 15);
  });
});

describe('no-click probabilities Q(Z)', () => {
  it('match SLOS (and the noisy SLOS sum) for random Z, bunched inputs, η, dark counts and p (< 1e-12)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 4 }), fc.nat(1e6),
        fc.record({ efficiency: fc.double({ min: 0, max: 1, noNaN: true }), darkCount: fc.double({ min: 0, max: 0.3, noNaN: true }), indistinguishableProbability: fc.double({ min: 0, max: 1, noNaN: true }) }),
        (m, n, seed, noise) => {
          const gen = new Generator(seed);
          const u = haarUnitary(m, gen);
          const input = randomInput(m, n, gen);
          const zMask = gen.integers(0, 2 ** m);
          const z: number[] = [];
          for (let j = 0; j < m; j++) if ((zMask >> j) & 1) z.push(j);
          const plan = slosPlan(m, input);
          const probs = slosDistribution(plan, u);
          let ref = 0;
          for (let t = 0; t < plan.states; t++) if ((plan.clickMasks[n]![t]! & zMask) === 0) ref += probs[t]!;
          expect(Math.abs(noClickProbability(u, input, z) - ref)).toBeLessThan(1e-12);
          const clicks = noisyClickDistribution(plan, u, noise);
          let refNoisy = 0;
          for (let mask = 0; mask < clicks.length; mask++) if ((mask & zMask) === 0) refNoisy += clicks[mask]!;
          expect(Math.abs(noClickProbability(u, input, z, noise) - refNoisy)).toBeLessThan(1e-12);
        },
      ),
      { numRuns: 150, seed: 20240501 },
    );
  });

  it('distinguishable photons give the product Π_k (1 − η Σ_{j∈Z} |U_jk|²)^{s_k}', () => {
    const gen = new Generator(3);
    const u = haarUnitary(4, gen);
    const z = [1, 3];
    const input = [2, 0, 1, 0];
    let ref = 1;
    for (let k = 0; k < 4; k++) {
      let w = 0;
      for (const j of z) w += u.re[j * 4 + k]! ** 2 + u.im[j * 4 + k]! ** 2;
      ref *= (1 - 0.8 * w) ** input[k]!;
    }
    expect(noClickProbability(u, input, z, { indistinguishableProbability: 0, efficiency: 0.8 })).toBeCloseTo(ref, 15);
  });

  it('per-mode click probabilities equal SLOS marginals', () => {
    const gen = new Generator(9);
    const u = haarUnitary(6, gen);
    const input = Int32Array.of(1, 0, 2, 0, 1, 0);
    const plan = slosPlan(6, input);
    const probs = slosDistribution(plan, u);
    const ref = new Float64Array(6);
    for (let t = 0; t < plan.states; t++) for (let j = 0; j < 6; j++) if ((plan.clickMasks[4]![t]! >> j) & 1) ref[j]! += probs[t]!;
    expect(maxDiff(clickProbabilities(u, input), ref)).toBeLessThan(1e-12);
  });

  it('rejects bad zero sets, inputs and noise', () => {
    const u = haarUnitary(3, new Generator(0));
    expect(() => noClickProbability(u, [1, 0, 1], [0, 0])).toThrow(/noClickProbability: zeroModes must be distinct mode indices in \[0, 3\), got \[0, 0\]/);
    expect(() => noClickProbability(u, [1, 0, 1], [3])).toThrow(/zeroModes must be distinct mode indices in \[0, 3\), got \[3\]/);
    expect(() => noClickProbability(u, [1, 0], [0])).toThrow(/noClickProbability: input must list 3 mode occupations/);
    expect(() => noClickProbability(u, [1, 0, 1], [0], { darkCount: 2 })).toThrow(/noise.darkCount must be a probability in \[0, 1\], got 2/);
    expect(() => meanCounts(u, [1, 0, -1])).toThrow(/meanCounts: input\[2\] must be a non-negative integer photon count, got -1/);
  });
});
