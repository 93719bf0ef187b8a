import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Generator } from '../../src/tensor/random.js';
import {
  DEFAULT_GROUPS,
  clickMasks,
  clickRates,
  clickRatesFromWeights,
  featureDim,
  groupHistogram,
  groupHistogramFromWeights,
  groupLayout,
} from '../../src/photonics/features.js';
import { packedPairIndex, photonCorrelations, photonCovariances, photonMeans } from '../../src/photonics/features-moments.js';
import { CliffordSampler } from '../../src/photonics/clifford.js';
import { sampleClickMasks } from '../../src/photonics/sampling.js';
import { clickDistributionOf, exactBosonDistribution, haarUnitary, loopUnitary } from '../reference/photonics-naive.js';

/** Naive group histogram: loop over shots, groups and bits. */
function naiveHistogram(masks: Uint32Array, groups: number[][]): number[] {
  const out: number[] = [];
  for (const g of groups) {
    const h = new Array<number>(1 << g.length).fill(0);
    for (const mask of masks) {
      let bin = 0;
      g.forEach((mode, b) => {
        if ((mask >>> mode) & 1) bin += 2 ** b;
      });
      h[bin]! += 1 / masks.length;
    }
    out.push(...h);
  }
  return out;
}

const groupsArb = fc.array(fc.uniqueArray(fc.integer({ min: 0, max: 31 }), { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 3 });

describe('group histograms', () => {
  it('match the naive loop for any grouping (non-contiguous, overlapping, high modes)', () => {
    fc.assert(
      fc.property(groupsArb, fc.array(fc.integer({ min: 0, max: 2 ** 32 - 1 }), { minLength: 1, maxLength: 50 }), (groups, raw) => {
        const masks = Uint32Array.from(raw);
        const got = groupHistogram(masks, groups);
        const want = naiveHistogram(masks, groups);
        expect(got.length).toBe(want.length);
        got.forEach((x, i) => expect(Math.abs(x - want[i]!)).toBeLessThan(1e-15));
      }),
      { numRuns: 300, seed: 20240501 },
    );
  });

  it('default layout: 512 values, first mode of a group is the least significant bit', () => {
    expect(featureDim()).toBe(512);
    const masks = Uint32Array.from([1 << 0, 1 << 7, 1 << 8, (1 << 15) | (1 << 9) | 1]);
    const phi = groupHistogram(masks);
    expect(phi.length).toBe(512);
    // shot 0 → A bin 1, B bin 0; shot 1 → A bin 128; shot 2 → B bin 1; shot 3 → A bin 1, B bin 2 + 128
    expect(phi[1]).toBe(0.5);
    expect(phi[128]).toBe(0.25);
    expect(phi[0]).toBe(0.25);
    expect(phi[256 + 0]).toBe(0.5);
    expect(phi[256 + 1]).toBe(0.25);
    expect(phi[256 + 130]).toBe(0.25);
    expect(phi.subarray(0, 256).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 15);
    expect(phi.subarray(256).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 15);
  });

  it('weights over masks (counts or exact probabilities) give the same layout as shots', () => {
    const gen = new Generator(161);
    const masks = new Uint32Array(300).map(() => gen.integers(0, 1 << 10));
    const counts = new Int32Array(1 << 10);
    for (const m of masks) counts[m]! += 1;
    const a = groupHistogram(masks, [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]]);
    const b = groupHistogramFromWeights(counts, [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]]);
    a.forEach((x, i) => expect(Math.abs(x - b[i]!)).toBeLessThan(1e-14));
  });

  it('click masks and per-mode click rates', () => {
    const occ = Int32Array.from([1, 0, 2, 0, 0, 1, 3, 3, 0]);
    const masks = clickMasks(occ, 3);
    expect(Array.from(masks)).toEqual([0b101, 0b100, 0b011]);
    expect(Array.from(clickRates(masks, 3))).toEqual([2 / 3, 1 / 3, 2 / 3]);
    const w = new Float64Array(8);
    for (const m of masks) w[m]! += 1;
    clickRatesFromWeights(w, 3).forEach((x, j) => expect(x).toBeCloseTo([2 / 3, 1 / 3, 2 / 3][j]!, 15));
  });

  it('rejects bad groups, empty shots and wrong out lengths', () => {
    expect(() => groupLayout([[0, 0]])).toThrow(/group 0 lists mode 0 twice/);
    expect(() => groupLayout([[0, 32]])).toThrow(/groups\[0\]\[1\] must be an integer mode in \[0, 32\), got 32/);
    expect(() => groupLayout([[]])).toThrow(/group 0 must have 1 … 16 modes, got 0/);
    expect(() => groupLayout([])).toThrow(/non-empty array of mode lists/);
    expect(() => groupHistogram(new Uint32Array(0))).toThrow(/at least one shot, got 0/);
    expect(() => groupHistogram(new Uint32Array(3), DEFAULT_GROUPS, new Float64Array(500))).toThrow(/out must have length 512.*got 500/);
    expect(() => clickMasks(new Int32Array(5), 2)).toThrow(/length 5 is not a multiple of modes 2/);
  });
});

describe('photon-count moments (ptseries packing)', () => {
  function naive(occ: Int32Array, m: number, w: number[]): { mean: number[]; cov: number[]; corr: number[] } {
    const S = occ.length / m;
    const tot = w.reduce((a, b) => a + b, 0);
    const E = (f: (s: number) => number): number => {
      let acc = 0;
      for (let s = 0; s < S; s++) acc += (w[s]! / tot) * f(s);
      return acc;
    };
    const mean = [...Array(m).keys()].map((i) => E((s) => occ[s * m + i]!));
    const cov: number[] = [];
    const corr: number[] = [];
    for (let i = 1; i < m; i++) {
      for (let j = 0; j < i; j++) {
        const c = E((s) => occ[s * m + i]! * occ[s * m + j]!) - mean[i]! * mean[j]!;
        const vi = E((s) => occ[s * m + i]! ** 2) - mean[i]! ** 2;
        const vj = E((s) => occ[s * m + j]! ** 2) - mean[j]! ** 2;
        cov[packedPairIndex(i, j)] = c;
        // σ² at rounding level (≤ 1e-12·E[n²]) counts as 0 (the documented rule)
        const zero = (v: number, k: number): boolean => v <= 1e-12 * E((s) => occ[s * m + k]! ** 2);
        corr[packedPairIndex(i, j)] = zero(vi, i) || zero(vj, j) ? 0 : c / Math.sqrt(vi * vj);
      }
    }
    return { mean, cov, corr };
  }

  it('means, covariances and correlations match naive sums, weighted or not', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 6 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 1e9 }), fc.boolean(), (m, S, seed, weighted) => {
        const gen = new Generator(seed);
        const occ = new Int32Array(S * m).map(() => gen.integers(0, 4));
        const w = Array.from({ length: S }, () => (weighted ? gen.uniform() + 0.01 : 1));
        const opts = weighted ? { weights: w } : {};
        const ref = naive(occ, m, w);
        photonMeans(occ, m, opts).forEach((x, i) => expect(Math.abs(x - ref.mean[i]!)).toBeLessThan(1e-12));
        photonCovariances(occ, m, opts).forEach((x, i) => expect(Math.abs(x - ref.cov[i]!)).toBeLessThan(1e-12));
        photonCorrelations(occ, m, opts).forEach((x, i) => expect(Math.abs(x - ref.corr[i]!)).toBeLessThan(1e-9));
      }),
      { numRuns: 200, seed: 20240501 },
    );
  });

  it('correlation is 0 for a constant mode; packing index i(i−1)/2 + j', () => {
    const occ = Int32Array.from([1, 0, 2, 1, 1, 0, 1, 2, 2]); // mode 0 always 1
    const corr = photonCorrelations(occ, 3);
    expect(corr[packedPairIndex(1, 0)]).toBe(0);
    expect(corr[packedPairIndex(2, 0)]).toBe(0);
    expect(packedPairIndex(3, 1)).toBe(4);
    expect(() => packedPairIndex(1, 1)).toThrow(/need j < i/);
  });

  it('exact form: weights = exact probabilities give ⟨n_i⟩ = Σ_k s_k |U_ik|²', () => {
    const U = haarUnitary(4, new Generator(171));
    const dist = exactBosonDistribution(U, [0, 1, 1]);
    const states = new Int32Array([...dist.keys()].flatMap((k) => k.split(',').map(Number)));
    const means = photonMeans(states, 4, { weights: [...dist.values()] });
    for (let i = 0; i < 4; i++) {
      const want = [0, 1, 1].reduce((a, p) => a + U.re[i * 4 + p]! ** 2 + U.im[i * 4 + p]! ** 2, 0);
      expect(Math.abs(means[i]! - want)).toBeLessThan(1e-12);
    }
  });
});

describe('shot noise of the group-histogram feature', () => {
  it('RMS error vs the exact feature scales as S^(−1/2): fitted log-log slope −0.5 ± 0.05', () => {
    const m = 8;
    const groups = [[0, 1, 2, 3], [4, 5, 6, 7]];
    const U = loopUnitary(m, [1, 2], new Generator(181));
    const photons = [0, 2, 4, 6];
    const exact = groupHistogramFromWeights(clickDistributionOf(exactBosonDistribution(U, photons), m), groups);
    // theory: E‖φ̂ − φ‖² = Σ_groups (1 − Σ_b p_b²)/S
    let theory = 0;
    for (const half of [exact.subarray(0, 16), exact.subarray(16)]) theory += 1 - half.reduce((a, p) => a + p * p, 0);
    const sampler = new CliffordSampler(U, { modes: photons });
    const R = 100;
    const xs: number[] = [];
    const ys: number[] = [];
    const scaled: number[] = [];
    for (let e = 4; e <= 12; e++) {
      const S = 2 ** e;
      const masks = new Uint32Array(S);
      const phi = new Float64Array(exact.length);
      let mse = 0;
      for (let r = 0; r < R; r++) {
        sampleClickMasks(sampler, S, new Generator(182).fork(S).fork(r), {}, masks);
        groupHistogram(masks, groups, phi);
        for (let k = 0; k < phi.length; k++) mse += (phi[k]! - exact[k]!) ** 2 / R;
      }
      xs.push(Math.log(S));
      ys.push(0.5 * Math.log(mse / exact.length));
      scaled.push((mse * S) / theory);
    }
    const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
    const my = ys.reduce((a, b) => a + b, 0) / ys.length;
    const slope = xs.reduce((a, x, i) => a + (x - mx) * (ys[i]! - my), 0) / xs.reduce((a, x) => a + (x - mx) ** 2, 0);
    expect(Math.abs(slope + 0.5)).toBeLessThan(0.05);
    const meanScaled = scaled.reduce((a, b) => a + b, 0) / scaled.length;
    expect(Math.abs(meanScaled - 1)).toBeLessThan(0.1);
  });
});
