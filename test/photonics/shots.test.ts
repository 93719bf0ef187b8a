import { describe, expect, it } from 'vitest';
import { Generator } from '../../src/tensor/random.js';
import {
  InverseCdfSampler,
  clickFeature,
  gaussianHistogram,
  multinomialCounts,
  sampleFromDistribution,
  type ShotModel,
} from '../../src/photonics/shots.js';
import { groupHistogram, groupHistogramFromWeights } from '../../src/photonics/features.js';
import { dirichletOnes } from '../../src/photonics/sampling-variates.js';
import { tvd, tvdBound } from '../reference/photonics-naive.js';

const asMap = (p: ArrayLike<number>): Map<string, number> => {
  const out = new Map<string, number>();
  for (let k = 0; k < p.length; k++) if (p[k]! > 0) out.set(String(k), p[k]!);
  return out;
};
const histogramOf = (outcomes: ArrayLike<number>, K: number): Float64Array => {
  const h = new Float64Array(K);
  for (let s = 0; s < outcomes.length; s++) h[outcomes[s]!]! += 1 / outcomes.length;
  return h;
};

describe('sampleFromDistribution (inverse CDF)', () => {
  const probs = dirichletOnes(60, new Generator(91));
  probs[0] = 0;
  probs[17] = 0;
  probs[59] = 0;

  it('follows the distribution: TVD < 3·√(K/S), never a zero-weight outcome', () => {
    const S = 100_000;
    const outcomes = sampleFromDistribution(probs, S, new Generator(92));
    const h = histogramOf(outcomes, 60);
    expect(h[0]).toBe(0);
    expect(h[17]).toBe(0);
    expect(h[59]).toBe(0);
    expect(tvd(asMap(h), asMap(probs))).toBeLessThan(tvdBound(asMap(probs), S));
  });

  it('common random numbers: nearby distributions share most shots, within the CDF-gap bound', () => {
    const S = 20_000;
    const other = dirichletOnes(60, new Generator(93));
    const eps = 0.02;
    const near = probs.map((p, k) => (1 - eps) * p + eps * other[k]!);
    const base = new Generator(94).fork('spsa').fork(7);
    const a = sampleFromDistribution(probs, S, base.clone());
    const b = sampleFromDistribution(near, S, base.clone());
    const c = sampleFromDistribution(near, S, new Generator(95));
    const differ = (x: Uint32Array, y: Uint32Array): number => x.reduce((n, v, s) => n + (v !== y[s] ? 1 : 0), 0) / S;
    // a shot moves only if its uniform falls between F_k and F'_k for some k
    let gap = 0;
    let F = 0;
    let G = 0;
    for (let k = 0; k < 60; k++) {
      F += probs[k]!;
      G += near[k]!;
      gap += Math.abs(F - G);
    }
    expect(differ(a, b)).toBeLessThan(gap + 4 * Math.sqrt(gap / S));
    let overlap = 0;
    for (let k = 0; k < 60; k++) overlap += probs[k]! * near[k]!;
    expect(differ(a, c)).toBeGreaterThan(1 - overlap - 4 * Math.sqrt(1 / S));
  });

  it('a reused sampler equals a fresh one', () => {
    const s = new InverseCdfSampler(dirichletOnes(60, new Generator(1)));
    s.setWeights(probs);
    expect(Array.from(s.sample(500, new Generator(2)))).toEqual(Array.from(sampleFromDistribution(probs, 500, new Generator(2))));
    // fewer positive outcomes than before: the trailing zeros must never be drawn
    s.setWeights([0.5, 0.5, 0, 0]);
    expect(s.sample(2000, new Generator(3)).every((k) => k < 2)).toBe(true);
    s.setWeights([0, 0, 0, 1]);
    expect(s.outcome(0.999999999)).toBe(3);
    expect(s.outcome(0)).toBe(3);
  });
});

describe('multinomialCounts', () => {
  const probs = dirichletOnes(30, new Generator(101));
  probs[0] = 0;
  probs[29] = 0;

  it('sums to S, respects zeros, and pooled counts follow p', () => {
    const S = 50;
    const R = 2_000;
    const pooled = new Float64Array(30);
    const c5 = new Float64Array(R);
    const gen = new Generator(102);
    for (let r = 0; r < R; r++) {
      const counts = multinomialCounts(probs, S, gen);
      expect(counts.reduce((a, b) => a + b, 0)).toBe(S);
      expect(counts[0]).toBe(0);
      expect(counts[29]).toBe(0);
      counts.forEach((x, k) => (pooled[k]! += x / (S * R)));
      c5[r] = counts[5]!;
    }
    expect(tvd(asMap(pooled), asMap(probs))).toBeLessThan(tvdBound(asMap(probs), S * R));
    // the variance of one bin's count is S·p(1 − p) (relative standard error ≈ √(2/R))
    const mean = c5.reduce((a, b) => a + b, 0) / R;
    const variance = c5.reduce((a, b) => a + (b - mean) ** 2, 0) / (R - 1);
    const expected = S * probs[5]! * (1 - probs[5]!);
    expect(Math.abs(variance / expected - 1)).toBeLessThan(5 * Math.sqrt(2 / R));
  });

  it('handles large shot counts (the binomial split path)', () => {
    const counts = multinomialCounts([0.5, 0.25, 0.25], 10_000_000, new Generator(103));
    expect(counts[0]! + counts[1]! + counts[2]!).toBe(10_000_000);
    expect(Math.abs(counts[0]! - 5e6)).toBeLessThan(5 * Math.sqrt(1e7 * 0.25));
  });
});

describe('gaussianHistogram', () => {
  it('has mean p, covariance (diag p − ppᵀ)/S, and sums to 1, like multinomial histograms', () => {
    const K = 8;
    const p = dirichletOnes(K, new Generator(111));
    const S = 200;
    const R = 4_000;
    const gen = new Generator(112);
    const g = new Float64Array(R * K);
    const mult = new Float64Array(R * K);
    for (let r = 0; r < R; r++) {
      const y = gaussianHistogram(p, S, gen, g.subarray(r * K, r * K + K));
      expect(Math.abs(y.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
      multinomialCounts(p, S, gen).forEach((c, k) => (mult[r * K + k] = c / S));
    }
    for (const sample of [g, mult]) {
      for (const [i, j] of [[0, 0], [3, 3], [0, 1], [2, 5]] as const) {
        let mi = 0;
        let mj = 0;
        for (let r = 0; r < R; r++) {
          mi += sample[r * K + i]! / R;
          mj += sample[r * K + j]! / R;
        }
        let cov = 0;
        for (let r = 0; r < R; r++) cov += ((sample[r * K + i]! - mi) * (sample[r * K + j]! - mj)) / (R - 1);
        const expected = ((i === j ? p[i]! : 0) - p[i]! * p[j]!) / S;
        const scale = Math.sqrt(p[i]! * p[j]!) / S; // ≈ sd of the product terms
        expect(Math.abs(cov - expected)).toBeLessThan(5 * scale * Math.sqrt(2 / R));
        expect(Math.abs(mi - p[i]!)).toBeLessThan(5 * Math.sqrt(p[i]! / (S * R)));
      }
    }
  });
});

describe('clickFeature shot models', () => {
  const m = 6;
  const clickProbs = dirichletOnes(1 << m, new Generator(121));
  const groups = [[0, 1, 2], [3, 4, 5]];

  it('all models share the layout; halves sum to 1', () => {
    for (const shotModel of ['sampler', 'multinomial', 'gaussian', 'exact'] as ShotModel[]) {
      const phi = clickFeature(clickProbs, 200, new Generator(122), { shotModel, groups });
      expect(phi.length).toBe(16);
      for (const half of [phi.subarray(0, 8), phi.subarray(8)]) expect(Math.abs(half.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
    }
  });

  it("'sampler' is the histogram of inverse-CDF masks; 'exact' the histogram of the weights", () => {
    const a = clickFeature(clickProbs, 300, new Generator(123), { groups });
    const b = groupHistogram(sampleFromDistribution(clickProbs, 300, new Generator(123)), groups);
    expect(Array.from(a)).toEqual(Array.from(b));
    const e = clickFeature(clickProbs, 1, new Generator(1), { shotModel: 'exact', groups });
    expect(Array.from(e)).toEqual(Array.from(groupHistogramFromWeights(clickProbs, groups)));
  });

  it('rejects bad input with the argument named', () => {
    expect(() => clickFeature(clickProbs, 0, new Generator(1))).toThrow(/clickFeature: shots must be a positive integer, got 0/);
    expect(() => clickFeature(clickProbs, 5, new Generator(1), { shotModel: 'poisson' as ShotModel })).toThrow(
      /shotModel must be 'sampler', 'multinomial', 'gaussian' or 'exact', got poisson/,
    );
    expect(() => sampleFromDistribution([0.5, -0.1], 5, new Generator(1))).toThrow(/weights\[1\] must be finite and >= 0, got -0.1/);
    expect(() => sampleFromDistribution([0, 0], 5, new Generator(1))).toThrow(/positive sum/);
    expect(() => multinomialCounts([1, NaN], 5, new Generator(1))).toThrow(/weights\[1\] must be finite and >= 0, got NaN/);
    expect(() => gaussianHistogram([0.5, 0.5], -3, new Generator(1))).toThrow(/shots must be a positive integer, got -3/);
  });
});
