import { describe, expect, it } from 'vitest';
import { Generator } from '../../src/tensor/random.js';
import { binomialVariate, betaVariate, dirichletOnes, gammaVariate } from '../../src/photonics/sampling-variates.js';
import { photonModes, sampleClickMasks, sampleOccupations } from '../../src/photonics/sampling.js';
import { CliffordSampler } from '../../src/photonics/clifford.js';
import { clickMasks } from '../../src/photonics/features.js';
import { givensUnitary, loopUnitary, tvd, tvdBound } from '../reference/photonics-naive.js';

function binomialPmf(n: number, p: number): Map<string, number> {
  const out = new Map<string, number>();
  let logC = 0;
  for (let k = 0; k <= n; k++) {
    if (k > 0) logC += Math.log(n - k + 1) - Math.log(k);
    const v = Math.exp(logC + k * Math.log(p) + (n - k) * Math.log1p(-p));
    if (v > 0) out.set(String(k), v);
  }
  return out;
}

describe('binomialVariate', () => {
  const S = 100_000;
  for (const [n, p] of [[10, 0.3], [60, 0.4], [1000, 0.9], [200, 0.02]] as const) {
    it(`Binomial(${n}, ${p}): law (TVD), mean and variance`, () => {
      const gen = new Generator(131).fork(`${n}:${p}`);
      const emp = new Map<string, number>();
      let sum = 0;
      let sq = 0;
      let inRange = true;
      for (let s = 0; s < S; s++) {
        const k = binomialVariate(n, p, gen);
        inRange &&= k >= 0 && k <= n && Number.isInteger(k);
        emp.set(String(k), (emp.get(String(k)) ?? 0) + 1 / S);
        sum += k;
        sq += k * k;
      }
      expect(inRange).toBe(true);
      const exact = binomialPmf(n, p);
      expect(tvd(emp, exact)).toBeLessThan(tvdBound(exact, S));
      const mean = sum / S;
      const variance = sq / S - mean * mean;
      const v = n * p * (1 - p);
      expect(Math.abs(mean - n * p)).toBeLessThan(5 * Math.sqrt(v / S));
      expect(Math.abs(variance / v - 1)).toBeLessThan(5 * Math.sqrt(2 / S) * 1.5);
    });
  }

  it('edge cases and bad arguments', () => {
    const gen = new Generator(1);
    expect(binomialVariate(0, 0.5, gen)).toBe(0);
    expect(binomialVariate(7, 1, gen)).toBe(7);
    expect(binomialVariate(7, 0, gen)).toBe(0);
    expect(() => binomialVariate(-1, 0.5, gen)).toThrow(/n must be a non-negative integer, got -1/);
    expect(() => binomialVariate(3, 1.5, gen)).toThrow(/p must be in \[0, 1\], got 1.5/);
  });
});

describe('gamma, beta, Dirichlet', () => {
  it('gamma has mean and variance equal to its shape', () => {
    const R = 50_000;
    for (const shape of [0.5, 1, 3.7, 100]) {
      const gen = new Generator(141).fork(shape);
      let sum = 0;
      let sq = 0;
      for (let r = 0; r < R; r++) {
        const x = gammaVariate(shape, gen);
        sum += x;
        sq += x * x;
      }
      const mean = sum / R;
      expect(Math.abs(mean - shape)).toBeLessThan(5 * Math.sqrt(shape / R));
      // Var of the sample variance ≈ (μ4 − σ⁴)/R with μ4 = 3a² + 6a for Gamma(a)
      const variance = sq / R - mean * mean;
      expect(Math.abs(variance - shape)).toBeLessThan(5 * Math.sqrt((2 * shape * shape + 6 * shape) / R));
    }
    expect(() => gammaVariate(0, new Generator(1))).toThrow(/shape must be finite and > 0, got 0/);
  });

  it('beta(2, 3) has mean 0.4; Dirichlet(1…1) sums to 1 with means 1/k', () => {
    const gen = new Generator(142);
    const R = 20_000;
    let sum = 0;
    for (let r = 0; r < R; r++) sum += betaVariate(2, 3, gen);
    expect(Math.abs(sum / R - 0.4)).toBeLessThan(5 * Math.sqrt(0.04 / R));
    const k = 5;
    const mean = new Float64Array(k);
    for (let r = 0; r < R; r++) {
      const w = dirichletOnes(k, gen);
      expect(Math.abs(w.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
      w.forEach((x, i) => (mean[i]! += x / R));
    }
    // Var of one coordinate of Dirichlet(1^k) is (k − 1)/(k²(k + 1))
    mean.forEach((x) => expect(Math.abs(x - 1 / k)).toBeLessThan(5 * Math.sqrt((k - 1) / (k * k * (k + 1) * R))));
    expect(() => dirichletOnes(0, gen)).toThrow(/k must be a positive integer, got 0/);
  });
});

describe('input states and batch drivers', () => {
  it('photonModes reads occupations and mode lists', () => {
    expect(Array.from(photonModes([1, 0, 2], 4, 't'))).toEqual([0, 2, 2]);
    expect(Array.from(photonModes(Int32Array.from([0, 1]), 2, 't'))).toEqual([1]);
    expect(Array.from(photonModes({ modes: [3, 0, 3] }, 4, 't'))).toEqual([0, 3, 3]);
  });

  it('sampleClickMasks without detection equals the masks of sampleOccupations', () => {
    const U = loopUnitary(10, [1, 2], new Generator(151));
    const sampler = new CliffordSampler(U, [1, 0, 1, 0, 1, 0, 1, 0, 0, 0]);
    const masks = sampleClickMasks(sampler, 400, new Generator(152));
    const occ = sampleOccupations(sampler, 400, new Generator(152));
    expect(Array.from(masks)).toEqual(Array.from(clickMasks(occ, 10)));
  });

  it('sampleClickMasks with lossy threshold detectors and dark counts follows the exact law (HOM)', () => {
    const S = 100_000;
    const eta = 0.8;
    const d = 0.1;
    const sampler = new CliffordSampler(givensUnitary(2, [[0, 1, Math.PI / 4]]), [1, 1]);
    const masks = sampleClickMasks(sampler, S, new Generator(153), { detection: { resolution: 'threshold', efficiency: eta, darkCount: d } });
    const emp = new Map<string, number>();
    for (const mask of masks) emp.set(String(mask), (emp.get(String(mask)) ?? 0) + 1 / S);
    // outputs (2,0) and (0,2), each ½; a mode with n photons stays dark with (1 − d)(1 − η)^n
    const full = 1 - (1 - d) * (1 - eta) ** 2;
    const exact = new Map<string, number>();
    for (let mask = 0; mask < 4; mask++) {
      let p = 0;
      for (const [n0, n1] of [[2, 0], [0, 2]] as const) {
        const c0 = n0 ? full : d;
        const c1 = n1 ? full : d;
        p += 0.5 * (mask & 1 ? c0 : 1 - c0) * (mask & 2 ? c1 : 1 - c1);
      }
      exact.set(String(mask), p);
    }
    expect(tvd(emp, exact)).toBeLessThan(tvdBound(exact, S));
  });

  it('rejects more than 32 modes for bitmasks and short output buffers', () => {
    const big = new CliffordSampler(givensUnitary(33, []), { modes: [0] });
    expect(() => sampleClickMasks(big, 2, new Generator(1))).toThrow(/at most 32 modes, got 33/);
    const small = new CliffordSampler(givensUnitary(2, []), [1]);
    expect(() => sampleOccupations(small, 3, new Generator(1), new Int32Array(4))).toThrow(/must hold shots×modes = 6 counts, got 4/);
  });
});
