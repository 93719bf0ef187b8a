import { describe, expect, it } from 'vitest';
import { Generator } from '../../src/tensor/random.js';
import {
  bernoulliClickSource,
  distinguishableSource,
  fixedRandomFeatureSource,
  shuffledMarginalsSource,
} from '../../src/pqkd/sources/controls.js';
import { clickDistributionSource, clickSamplerSource, featureVariance, type FeatureSource } from '../../src/pqkd/sources/feature-source.js';
import { groupHistogramFromWeights } from '../../src/photonics/features.js';
import { clickFeature } from '../../src/photonics/shots.js';
import { CliffordSampler } from '../../src/photonics/clifford.js';
import { sampleClickMasks } from '../../src/photonics/sampling.js';
import { dirichletOnes } from '../../src/photonics/sampling-variates.js';
import { clickDistributionOf, exactDistinguishableDistribution, haarUnitary, loopUnitary, tvd, tvdBound } from '../reference/photonics-naive.js';

const groups = [[0, 1, 2], [3, 4, 5]];
const theta0 = new Float64Array(3);

/** TVD test of each group block of an S-shot feature against the exact feature. */
function expectBlocksClose(sampled: Float64Array, exact: Float64Array, S: number, blocks = [[0, 8], [8, 16]]): void {
  for (const [a, b] of blocks) {
    const toMap = (x: Float64Array): Map<string, number> => new Map([...x.subarray(a, b)].map((v, i) => [String(i), v] as [string, number]).filter(([, v]) => v > 0));
    const e = toMap(exact);
    expect(tvd(toMap(sampled), e)).toBeLessThan(tvdBound(e, S));
  }
}

describe('fixed random feature (control a/b)', () => {
  it('each half is a Dirichlet(1…1) draw made once from the seed', () => {
    const src = fixedRandomFeatureSource({ gen: new Generator(221).fork('control') });
    expect(src.dim).toBe(512);
    const a = src.sample(theta0, new Generator(1));
    const b = src.sample(Float64Array.from([1, 2, 3]), new Generator(2));
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(src.exact(theta0)!)).toEqual(Array.from(a));
    for (const half of [a.subarray(0, 256), a.subarray(256)]) expect(Math.abs(half.reduce((x, y) => x + y, 0) - 1)).toBeLessThan(1e-12);
    const again = fixedRandomFeatureSource({ gen: new Generator(221).fork('control') }).sample(theta0, new Generator(3));
    expect(Array.from(again)).toEqual(Array.from(a));
    // a Dirichlet(1^K) coordinate is Beta(1, K − 1): P(x > 1/K) = (1 − 1/K)^(K−1) ≈ 0.368
    const frac = a.filter((x) => x > 1 / 256).length / 512;
    expect(Math.abs(frac - (1 - 1 / 256) ** 255)).toBeLessThan(5 * Math.sqrt(0.25 / 512));
  });

  it('matched noise: per-dimension variance scales as refShots / shots', () => {
    const variance = new Float64Array(16).fill(1e-3);
    const src = fixedRandomFeatureSource({ gen: new Generator(222), groups, shots: 400, noise: { variance, shots: 200 } });
    const v = featureVariance(src, theta0, 4000, new Generator(223));
    const mean = v.reduce((x, y) => x + y, 0) / v.length;
    expect(Math.abs(mean / 5e-4 - 1)).toBeLessThan(5 * Math.sqrt(2 / (4000 * 16)));
  });
});

describe('independent Bernoulli clicks (control d)', () => {
  it('sampled feature follows the exact product law; rates may depend on θ', () => {
    const src = bernoulliClickSource({ modes: 6, shots: 100_000, groups, rates: (th) => [0.1, 0.5, 0.9, 0.3, th[0]!, 0.7] });
    const theta = Float64Array.from([0.25, 0, 0]);
    const exact = src.exact(theta)!;
    expect(exact[0]).toBeCloseTo(0.9 * 0.5 * 0.1, 15);
    expect(exact[8 + 0b011]).toBeCloseTo(0.3 * 0.25 * 0.3, 15);
    const S = 100_000;
    expectBlocksClose(src.sample(theta, new Generator(231)), exact, S);
  });
});

describe('shuffled marginals', () => {
  // inner sampler: modes 0 and 1 click together with probability ½, mode 2 never, modes 3–5 with ¼ each
  const inner = (_th: Float64Array, shots: number, gen: Generator, out: Uint32Array): Uint32Array => {
    for (let s = 0; s < shots; s++) {
      let mask = gen.uniform() < 0.5 ? 0b11 : 0;
      for (let j = 3; j < 6; j++) if (gen.uniform() < 0.25) mask |= 1 << j;
      out[s] = mask;
    }
    return out;
  };
  const shuffledAt = (shots: number) => shuffledMarginalsSource({ modes: 6, shots, clicks: inner, groups, exactRates: () => [0.5, 0.5, 0, 0.25, 0.25, 0.25] });

  it('keeps every mode’s click count exactly', () => {
    const S = 1000;
    const gen = new Generator(241);
    const shuffled = shuffledAt(S).sample(theta0, gen.clone());
    const masks = inner(theta0, S, gen.clone(), new Uint32Array(S));
    const replay = (_t: Float64Array, n: number, _g: Generator, out: Uint32Array): Uint32Array => {
      out.set(masks.subarray(0, n));
      return out;
    };
    const plain = clickSamplerSource({ shots: S, clicks: replay, groups }).sample(theta0, gen);
    const rate = (phi: Float64Array, g: number, b: number): number => {
      let r = 0;
      for (let bin = 0; bin < 8; bin++) if ((bin >> b) & 1) r += phi[g * 8 + bin]!;
      return r;
    };
    for (let g = 0; g < 2; g++) for (let b = 0; b < 3; b++) expect(Math.abs(rate(shuffled, g, b) - rate(plain, g, b))).toBeLessThan(1e-12);
    expect(plain[0b011]).toBeGreaterThan(0.4); // correlated before shuffling
  });

  it('destroys the correlations: matches the independent product of the rates', () => {
    const S = 100_000;
    const src = shuffledAt(S);
    expectBlocksClose(src.sample(theta0, new Generator(242)), src.exact(theta0)!, S);
  });
});

describe('distinguishable photons (control c)', () => {
  const m = 6;
  const unitaryFn = (th: Float64Array): ReturnType<typeof haarUnitary> => haarUnitary(m, new Generator(251).fork(Math.round(th[0]! * 1000)));
  const input = [1, 0, 1, 0, 1, 0];

  it('exact feature equals the brute-force permanent distribution (ideal detectors)', () => {
    const src = distinguishableSource({ shots: 1, unitaryFn, input, groups });
    const theta = Float64Array.from([0.3, 0, 0]);
    const want = groupHistogramFromWeights(clickDistributionOf(exactDistinguishableDistribution(unitaryFn(theta), [0, 2, 4]), m), groups);
    src.exact(theta)!.forEach((x, i) => expect(Math.abs(x - want[i]!)).toBeLessThan(1e-12));
  });

  it('sampled feature matches the exact one with loss, efficiency and dark counts', () => {
    const detection = { resolution: 'threshold' as const, efficiency: [0.9, 0.8, 0.7, 1, 0.95, 0.85], darkCount: 0.03 };
    const S = 100_000;
    const src = distinguishableSource({ shots: S, unitaryFn, input, groups, detection, loss: 0.2 });
    const theta = Float64Array.from([0.7, 0, 0]);
    const exact = src.exact(theta)!;
    for (const half of [exact.subarray(0, 8), exact.subarray(8)]) expect(Math.abs(half.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
    expectBlocksClose(src.sample(theta, new Generator(252)), exact, S);
  });
});

describe('generic sources share the interface', () => {
  it('clickSamplerSource and clickDistributionSource agree with clickFeature and each other in layout', () => {
    const U = loopUnitary(6, [1, 2], new Generator(261));
    const sampler = new CliffordSampler(U, [1, 0, 1, 0, 1, 0]);
    const probs = dirichletOnes(64, new Generator(262));
    const at = (shots: number): FeatureSource[] => [
      clickSamplerSource({ shots, clicks: (_t, S, g, out) => sampleClickMasks(sampler, S, g, {}, out), groups, clickProbabilities: () => probs }),
      clickDistributionSource({ shots, clickProbabilities: () => probs, groups }),
      fixedRandomFeatureSource({ shots, gen: new Generator(1), groups }),
      bernoulliClickSource({ shots, modes: 6, rates: [0.5, 0.5, 0.5, 0.5, 0.5, 0.5], groups }),
    ];
    for (const src of at(50)) {
      expect(src.dim).toBe(16);
      expect(src.shots).toBe(50);
      expect(src.paramCount).toBe(0);
      expect(src.sample(theta0, new Generator(263)).length).toBe(16);
    }
    for (const make of [0, 1, 2, 3]) expect(() => at(0)[make]).toThrow(/shots must be a positive integer, got 0/);
    const sources = at(200);
    const viaSource = sources[1]!.sample(theta0, new Generator(264));
    expect(Array.from(viaSource)).toEqual(Array.from(clickFeature(probs, 200, new Generator(264), { groups })));
    expect(Array.from(sources[0]!.exact(theta0)!)).toEqual(Array.from(sources[1]!.exact(theta0)!));
  });

  it('rejects bad rates, modes and noise shapes', () => {
    expect(() => bernoulliClickSource({ modes: 6, shots: 5, rates: [0.5], groups }).sample(theta0, new Generator(1))).toThrow(
      /rates must have one entry per mode \(6\), got 1/,
    );
    expect(() => bernoulliClickSource({ modes: 6, shots: 5, rates: [0, 0, 0, 0, 0, 2], groups }).exact(theta0)).toThrow(/rates\[5\] must be in \[0, 1\], got 2/);
    expect(() => bernoulliClickSource({ modes: 33, shots: 5, rates: [] })).toThrow(/modes must be an integer in \[1, 32\], got 33/);
    expect(() => fixedRandomFeatureSource({ gen: new Generator(1), noise: { variance: new Float64Array(3), shots: 200 } })).toThrow(
      /noise.variance must have length 512, got 3/,
    );
    expect(() => featureVariance(fixedRandomFeatureSource({ gen: new Generator(1) }), theta0, 1, new Generator(1))).toThrow(
      /draws must be an integer >= 2, got 1/,
    );
  });
});
