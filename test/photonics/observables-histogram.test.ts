import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Generator } from '../../src/tensor/random.js';
import {
  exactGroupHistogram, exactGroupHistogramFromDistribution, exactGroupHistogramWithPlan, groupHistogramFromClickDistribution,
  groupHistogramPlan, modeGroups, subsetMobius,
} from '../../src/photonics/exact-features.js';
import { noisyClickDistribution } from '../../src/photonics/noisy-slos.js';
import { haarUnitary } from '../../src/photonics/random-unitary.js';
import { slosPlan } from '../../src/photonics/slos-plan.js';
import { clickDistribution, slosDistribution } from '../../src/photonics/slos.js';
import { alternatingInput, tbi } from '../../src/photonics/tbi.js';
import { maxAbs, sum } from './permanent-oracles.js';

describe('exact group histograms (the PQKD 512-value feature)', () => {
  it('zero-set route = SLOS route at 16 modes / 8 photons, TBI [1,2], default groups (< 1e-12; halves sum to 1)', () => {
    const plan = slosPlan(16, alternatingInput(16));
    const t = tbi({ modes: 16, loopLengths: [1, 2] });
    const gen = new Generator(77);
    for (let rep = 0; rep < 2; rep++) {
      const u = t.unitary(gen.uniformArray(t.nParams, -Math.PI, Math.PI));
      const viaZero = exactGroupHistogram(u, alternatingInput(16));
      const viaSlos = exactGroupHistogramFromDistribution(plan, slosDistribution(plan, u));
      expect(viaZero.length).toBe(512);
      expect(maxAbs(viaZero, viaSlos)).toBeLessThan(1e-12);
      expect(Math.abs(sum(viaZero.subarray(0, 256)) - 1)).toBeLessThan(1e-12);
      expect(Math.abs(sum(viaZero.subarray(256)) - 1)).toBeLessThan(1e-12);
      expect(Math.min(...viaZero)).toBeGreaterThan(-1e-12);
    }
  });

  it('matches the noisy click distribution for random (overlapping, non-contiguous) groups and noise (< 1e-12)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 6 }), fc.integer({ min: 1, max: 4 }), fc.nat(1e6),
        fc.record({ loss: fc.double({ min: 0, max: 0.5, noNaN: true }), darkCount: fc.double({ min: 0, max: 0.2, noNaN: true }), indistinguishableProbability: fc.double({ min: 0, max: 1, noNaN: true }) }),
        (m, n, seed, noise) => {
          const gen = new Generator(seed);
          const u = haarUnitary(m, gen);
          const input = new Int32Array(m);
          for (let k = 0; k < n; k++) input[gen.integers(0, m)]!++;
          const groups = Array.from({ length: gen.integers(1, 4) }, () => Array.from(gen.permutation(m).subarray(0, gen.integers(1, m + 1))));
          const plan = slosPlan(m, input);
          const ref = groupHistogramFromClickDistribution(noisyClickDistribution(plan, u, noise), m, groups);
          expect(maxAbs(exactGroupHistogram(u, input, groups, noise), ref)).toBeLessThan(1e-12);
          // noiseless: all three routes agree
          const clean = exactGroupHistogramFromDistribution(plan, slosDistribution(plan, u), groups);
          expect(maxAbs(exactGroupHistogram(u, input, groups), clean)).toBeLessThan(1e-12);
          expect(maxAbs(groupHistogramFromClickDistribution(clickDistribution(plan, slosDistribution(plan, u)), m, groups), clean)).toBeLessThan(1e-14);
        },
      ),
      { numRuns: 120, seed: 20240501 },
    );
  });

  it('a reusable plan gives the same histogram as a fresh computation for each U, writing into `out`', () => {
    const t = tbi({ modes: 8, loopLengths: [1, 2] });
    const gen = new Generator(5);
    const input = [1, 0, 2, 0, 1, 0, 0, 1];
    const hp = groupHistogramPlan(8, input, [[0, 1, 2, 3], [4, 5, 6, 7]], { loss: 0.1 });
    const out = new Float64Array(32);
    for (let rep = 0; rep < 3; rep++) {
      const u = t.unitary(gen.uniformArray(t.nParams, -Math.PI, Math.PI));
      expect(exactGroupHistogramWithPlan(hp, u, out)).toBe(out);
      expect(maxAbs(out, exactGroupHistogram(u, input, [[0, 1, 2, 3], [4, 5, 6, 7]], { loss: 0.1 }))).toBe(0);
    }
    expect(() => exactGroupHistogramWithPlan(hp, haarUnitary(4, gen))).toThrow(/exactGroupHistogramWithPlan: U must be 8×8 for this context, got 4×4/);
  });

  it('bin index = Σ_b c_{g_b}·2^b (first mode of the group is the least significant bit)', () => {
    // identity circuit, input |1,0,1,0⟩: clicks exactly on modes 0 and 2 → group [0,1] bin 1, group [2,3] bin 1,
    // group [2,0] bin 3, group [1,2] bin 2
    const u = haarUnitary(4, new Generator(0));
    for (let k = 0; k < 16; k++) { u.re[k] = k % 5 === 0 ? 1 : 0; u.im[k] = 0; }
    const h = exactGroupHistogram(u, [1, 0, 1, 0], [[0, 1], [2, 3], [2, 0], [1, 2]]);
    expect(Array.from(h)).toEqual([0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0]);
  });

  it('default groups and the subset Möbius transform', () => {
    expect(modeGroups(16).map((g) => Array.from(g))).toEqual([[0, 1, 2, 3, 4, 5, 6, 7], [8, 9, 10, 11, 12, 13, 14, 15]]);
    expect(modeGroups(5).map((g) => g.length)).toEqual([3, 2]);
    // cumulative f[T] = P(clicks ⊆ T) of two independent fair bits → each exact pattern 1/4
    expect(Array.from(subsetMobius(Float64Array.of(0.25, 0.5, 0.5, 1), 2))).toEqual([0.25, 0.25, 0.25, 0.25]);
  });

  it('rejects bad groups and outputs', () => {
    const u = haarUnitary(4, new Generator(1));
    expect(() => exactGroupHistogram(u, [1, 0, 1, 0], [[0, 4]])).toThrow(/exactGroupHistogram: groups\[0\] must be distinct modes in \[0, 4\), got \[0, 4\]/);
    expect(() => exactGroupHistogram(u, [1, 0, 1, 0], [[0, 0]])).toThrow(/groups\[0\] must be distinct modes/);
    expect(() => exactGroupHistogram(u, [1, 0, 1, 0], [])).toThrow(/groups must list at least one mode group, got none/);
    expect(() => exactGroupHistogram(u, [1, 0, 1, 0], [[]])).toThrow(/groups\[0\] must have 1 … 20 modes \(2\^g bins\), got 0/);
    expect(() => exactGroupHistogram(u, [1, 0, 1, 0], undefined, undefined, new Float64Array(3))).toThrow(/out must have Σ 2\^\|G\| = 8 entries, got 3/);
  });
});
