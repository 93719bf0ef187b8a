import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Generator } from '../../src/tensor/random.js';
import {
  DistinguishableSampler,
  PartialDistinguishabilitySampler,
  distinguishableSample,
  partialDistinguishableSample,
} from '../../src/photonics/distinguishable.js';
import { cliffordSample } from '../../src/photonics/clifford.js';
import { applyDetection } from '../../src/photonics/detectors.js';
import { sampleOccupations } from '../../src/photonics/sampling.js';
import {
  empirical,
  exactBosonDistribution,
  exactDistinguishableDistribution,
  exactLossyBosonDistribution,
  exactPartialDistribution,
  givensUnitary,
  haarUnitary,
  loopUnitary,
  tvd,
  tvdBound,
} from '../reference/photonics-naive.js';

const S = 100_000;
const bs50 = givensUnitary(2, [[0, 1, Math.PI / 4]]);

describe('distinguishable photons', () => {
  it('match Per(|U|²)/Π t! on a complex Haar U (5 modes, bunched input)', () => {
    const U = haarUnitary(5, new Generator(61));
    const exact = exactDistinguishableDistribution(U, [0, 0, 3]);
    const occ = distinguishableSample(U, [2, 0, 0, 1], S, new Generator(62));
    expect(tvd(empirical(occ, 5), exact)).toBeLessThan(tvdBound(exact, S));
  });

  it('random small cases (m ≤ 6, n ≤ 4)', () => {
    const shots = 20_000;
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 6 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 1e9 }), (m, n, seed) => {
        const gen = new Generator(seed);
        const U = haarUnitary(m, gen.fork('U'));
        const photons = Array.from({ length: n }, () => gen.integers(0, m)).sort();
        const exact = exactDistinguishableDistribution(U, photons);
        const occ = distinguishableSample(U, { modes: photons }, shots, gen.fork('shots'));
        expect(tvd(empirical(occ, m), exact)).toBeLessThan(tvdBound(exact, shots));
      }),
      { numRuns: 12, seed: 20240501 }, // statistical test: fixed seed
    );
  });

  it('HOM: P(1,1) = ½ at 50:50', () => {
    const dist = empirical(distinguishableSample(bs50, [1, 1], S, new Generator(63)), 2);
    const exact = new Map([['2,0', 0.25], ['1,1', 0.5], ['0,2', 0.25]]);
    expect(tvd(dist, exact)).toBeLessThan(tvdBound(exact, S));
  });

  it('mean photon numbers equal the bosonic ones (same U, same input)', () => {
    const U = loopUnitary(4, [1, 2], new Generator(64));
    const mean = (dist: Map<string, number>): number[] => {
      const out = [0, 0, 0, 0];
      for (const [k, p] of dist) k.split(',').forEach((x, j) => (out[j]! += p * Number(x)));
      return out;
    };
    const a = mean(exactDistinguishableDistribution(U, [0, 2]));
    const b = mean(exactBosonDistribution(U, [0, 2]));
    a.forEach((x, j) => expect(x).toBeCloseTo(b[j]!, 12));
  });

  it('uniform loss matches the exact lossy mixture', () => {
    const U = haarUnitary(4, new Generator(65));
    const occ = distinguishableSample(U, [1, 1, 0, 0], S, new Generator(66), { loss: 0.5 });
    // distinguishable mixture over survivors
    const exact = new Map<string, number>();
    const parts: [number[], number][] = [[[], 0.25], [[0], 0.25], [[1], 0.25], [[0, 1], 0.25]];
    for (const [kept, w] of parts) {
      const d = kept.length ? exactDistinguishableDistribution(U, kept) : new Map([['0,0,0,0', 1]]);
      for (const [k, p] of d) exact.set(k, (exact.get(k) ?? 0) + w * p);
    }
    expect(tvd(empirical(occ, 4), exact)).toBeLessThan(tvdBound(exact, S));
  });
});

describe('partial distinguishability', () => {
  it('HOM with p: P(1,1) = (1 − p²)/2, P(2,0) = P(0,2) = (1 + p²)/4', () => {
    for (const p of [0, 0.5, 0.9, 1]) {
      const occ = partialDistinguishableSample(bs50, [1, 1], S, new Generator(71).fork(p), { goodPhotonProbability: p });
      const exact = new Map([
        ['2,0', (1 + p * p) / 4],
        ['1,1', (1 - p * p) / 2],
        ['0,2', (1 + p * p) / 4],
      ]);
      expect(tvd(empirical(occ, 2), exact)).toBeLessThan(tvdBound(exact, S));
      if (p === 1) expect(empirical(occ, 2).get('1,1') ?? 0).toBe(0);
    }
  });

  it('matches the exact subset mixture on a complex Haar U (4 modes, 3 photons, p = 0.7)', () => {
    const U = haarUnitary(4, new Generator(72));
    const exact = exactPartialDistribution(U, [0, 1, 2], 0.7);
    const total = [...exact.values()].reduce((a, b) => a + b, 0);
    expect(total).toBeCloseTo(1, 12);
    const occ = partialDistinguishableSample(U, [1, 1, 1, 0], S, new Generator(73), { goodPhotonProbability: 0.7 });
    expect(tvd(empirical(occ, 4), exact)).toBeLessThan(tvdBound(exact, S));
  });

  it('p = 1 reproduces the Clifford & Clifford shots bit for bit, p = 0 the distinguishable ones', () => {
    const U = loopUnitary(6, [1, 2], new Generator(74));
    const input = [1, 0, 1, 0, 1, 0];
    const bosonic = cliffordSample(U, input, 300, new Generator(75));
    const p1 = partialDistinguishableSample(U, input, 300, new Generator(75), { goodPhotonProbability: 1 });
    expect(Array.from(p1)).toEqual(Array.from(bosonic));
    const classical = distinguishableSample(U, input, 300, new Generator(76));
    const p0 = partialDistinguishableSample(U, input, 300, new Generator(76), { goodPhotonProbability: 0 });
    expect(Array.from(p0)).toEqual(Array.from(classical));
  });

  it('loss and partial distinguishability together: thinning inputs = detector efficiency on outputs (p = 1)', () => {
    const U = haarUnitary(4, new Generator(77));
    const exact = exactLossyBosonDistribution(U, [0, 1, 3], 0.7);
    const thinned = partialDistinguishableSample(U, [1, 1, 0, 1], S, new Generator(78), { goodPhotonProbability: 1, loss: 0.3 });
    const lossless = new PartialDistinguishabilitySampler(U, [1, 1, 0, 1], { goodPhotonProbability: 1 });
    const gen = new Generator(79);
    const detected = applyDetection(sampleOccupations(lossless, S, gen), 4, { resolution: 'pnr', efficiency: 0.7 }, gen);
    expect(tvd(empirical(thinned, 4), exact)).toBeLessThan(tvdBound(exact, S));
    expect(tvd(empirical(detected, 4), exact)).toBeLessThan(tvdBound(exact, S));
  });
});

describe('bad input', () => {
  const U = givensUnitary(3, [[0, 1, 0.3]]);
  it('rejects bad options, shots and unnormalised columns', () => {
    expect(() => new PartialDistinguishabilitySampler(U, [1, 1], { goodPhotonProbability: 1.2 })).toThrow(
      /goodPhotonProbability must be in \[0, 1\], got 1.2/,
    );
    expect(() => new DistinguishableSampler(U, [1], { loss: -0.1 })).toThrow(/options.loss must be in \[0, 1\], got -0.1/);
    expect(() => distinguishableSample(U, [1], 0, new Generator(1))).toThrow(/shots must be a positive integer, got 0/);
    const bad = givensUnitary(3, []);
    bad.re[4] = 2;
    expect(() => new DistinguishableSampler(bad, [0, 1])).toThrow(/column 1 has squared norm 4/);
    // orthogonality is not required for distinguishable photons
    const skew = givensUnitary(3, []);
    skew.re[3] = 0.6;
    skew.re[0] = 0.8;
    expect(() => new DistinguishableSampler(skew, [1, 1])).not.toThrow();
  });
});
