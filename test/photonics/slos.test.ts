import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Generator } from '../../src/tensor/random.js';
import { cmatrix } from '../../src/photonics/complex-matrix.js';
import { beamSplitter } from '../../src/photonics/components.js';
import { binomial, fockSpaceSize } from '../../src/photonics/fock.js';
import { outputAmplitude, outputProbability } from '../../src/photonics/probability.js';
import { haarUnitary } from '../../src/photonics/random-unitary.js';
import { slosPlan } from '../../src/photonics/slos-plan.js';
import { clickDistribution, slosAmplitudes, slosDistribution, slosState, slosStateIndex } from '../../src/photonics/slos.js';
import { alternatingInput, tbi } from '../../src/photonics/tbi.js';
import { allOccupations, bosonProbability, key, sum } from './permanent-oracles.js';

/** A random input of n photons in m modes (bunching allowed). */
function randomInput(m: number, n: number, gen: Generator): Int32Array {
  const s = new Int32Array(m);
  for (let k = 0; k < n; k++) s[gen.integers(0, m)]!++;
  return s;
}

describe('SLOS full distribution', () => {
  it('equals the permanent formula on 50+ random circuits with m ≤ 8, n ≤ 4, bunched inputs included (< 1e-12)', () => {
    let bunched = 0;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 0, max: 4 }), fc.nat(1e6), (m, n, seed) => {
        const gen = new Generator(seed);
        const u = haarUnitary(m, gen);
        const input = randomInput(m, n, gen);
        if (input.some((v) => v > 1)) bunched++;
        const plan = slosPlan(m, input);
        expect(plan.states).toBe(fockSpaceSize(m, n));
        const probs = slosDistribution(plan, u);
        const amps = slosAmplitudes(plan, u);
        expect(Math.abs(sum(probs) - 1)).toBeLessThan(1e-12);
        const seen = new Set<string>();
        for (let t = 0; t < plan.states; t++) {
          const occ = slosState(plan, t);
          expect(occ.reduce((a, b) => a + b, 0)).toBe(n);
          seen.add(key(occ));
          expect(slosStateIndex(plan, occ)).toBe(t);
          expect(Math.abs(probs[t]! - bosonProbability(u, input, occ))).toBeLessThan(1e-12);
          const a = outputAmplitude(u, input, occ);
          expect(Math.hypot(amps[2 * t]! - a.re, amps[2 * t + 1]! - a.im)).toBeLessThan(1e-12);
        }
        expect(seen.size).toBe(plan.states);
      }),
      { numRuns: 80, seed: 20240501 },
    );
    expect(bunched).toBeGreaterThan(10);
  });

  it('sums to 1 (< 1e-12) at PQKD scale (16 modes, 8 photons, TBI [1,2]) and the plan is reusable across U', () => {
    const plan = slosPlan(16, alternatingInput(16));
    expect(plan.states).toBe(490314);
    const t = tbi({ modes: 16, loopLengths: [1, 2] });
    const gen = new Generator(8);
    const out = new Float64Array(plan.states);
    for (let rep = 0; rep < 2; rep++) {
      slosDistribution(plan, t.unitary(gen.uniformArray(t.nParams, -Math.PI, Math.PI)), out);
      expect(Math.abs(sum(out) - 1)).toBeLessThan(1e-12);
    }
    // spot-check a few states against the permanent formula
    const u = t.unitary(gen.uniformArray(t.nParams, -Math.PI, Math.PI));
    slosDistribution(plan, u, out);
    for (const idx of [0, 1, 12345, 250000, 490313]) {
      expect(Math.abs(out[idx]! - bosonProbability(u, plan.input, slosState(plan, idx)))).toBeLessThan(1e-12);
    }
  });

  it('Hong–Ou–Mandel through SLOS: P(1,1) < 1e-15 (ptseries π/4 and Perceval π/2)', () => {
    const plan = slosPlan(2, [1, 1]);
    for (const u of [beamSplitter(Math.PI / 4).matrix, beamSplitter(Math.PI / 2, { convention: 'perceval-rx' }).matrix]) {
      const p = slosDistribution(plan, u);
      expect(p[slosStateIndex(plan, [1, 1])]!).toBeLessThan(1e-15);
      expect(p[slosStateIndex(plan, [2, 0])]!).toBeCloseTo(0.5, 15);
    }
  });

  it('masks: unbunched and per-mode caps keep exactly the allowed states with unchanged probabilities', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 7 }), fc.integer({ min: 1, max: 4 }), fc.nat(1e6), (m, n, seed) => {
        const gen = new Generator(seed);
        const u = haarUnitary(m, gen);
        const caps = Int32Array.from({ length: m }, () => gen.integers(0, 3));
        const input = new Int32Array(m);
        // place the input within the caps when possible
        let placed = 0;
        for (let j = 0; j < m && placed < n; j++) while (input[j]! < caps[j]! && placed < n) { input[j]!++; placed++; }
        if (placed < n) return; // caps too small for n photons
        const full = slosPlan(m, input);
        const pFull = slosDistribution(full, u);
        const masked = slosPlan(m, input, { mask: { maxPerMode: caps } });
        const pMasked = slosDistribution(masked, u);
        const allowed = allOccupations(m, n).filter((t) => t.every((v, j) => v <= caps[j]!));
        expect(masked.states).toBe(allowed.length);
        for (const t of allowed) {
          const i = slosStateIndex(masked, t);
          expect(i).toBeGreaterThanOrEqual(0);
          expect(Math.abs(pMasked[i]! - pFull[slosStateIndex(full, t)]!)).toBeLessThan(1e-13);
          expect(Array.from(slosState(masked, i))).toEqual(Array.from(t));
        }
        const excluded = allOccupations(m, n).find((t) => t.some((v, j) => v > caps[j]!));
        if (excluded) expect(slosStateIndex(masked, excluded)).toBe(-1);
      }),
      { numRuns: 150, seed: 20240501 },
    );
    const unb = slosPlan(10, alternatingInput(10), { mask: { maxPerMode: 1 } });
    expect(unb.states).toBe(binomial(10, 5));
  });

  it('click distribution over 2^m masks aggregates the per-state probabilities', () => {
    const gen = new Generator(21);
    const m = 5;
    const input = Int32Array.of(2, 0, 1, 0, 1);
    const u = haarUnitary(m, gen);
    const plan = slosPlan(m, input);
    const clicks = clickDistribution(plan, slosDistribution(plan, u));
    expect(clicks.length).toBe(32);
    const ref = new Float64Array(32);
    for (const t of allOccupations(m, 4)) {
      let mask = 0;
      t.forEach((v, j) => { if (v > 0) mask |= 1 << j; });
      ref[mask]! += bosonProbability(u, input, t);
    }
    for (let k = 0; k < 32; k++) expect(Math.abs(clicks[k]! - ref[k]!)).toBeLessThan(1e-13);
    expect(clicks[0]).toBe(0);
  });

  it('rejects bad input with named arguments', () => {
    expect(() => slosPlan(3, [1, 0])).toThrow(/slosPlan: input must list 3 mode occupations \(one per circuit mode\), got 2/);
    expect(() => slosPlan(3, [1, -1, 0])).toThrow(/slosPlan: input\[1\] must be a non-negative integer photon count, got -1/);
    expect(() => slosPlan(3, [1, 0.5, 0])).toThrow(/input\[1\] must be a non-negative integer photon count, got 0.5/);
    expect(() => slosPlan(33, new Int32Array(33))).toThrow(/slosPlan: modes must be an integer in \[1, 32\]/);
    expect(() => slosPlan(3, [2, 0, 0], { mask: { maxPerMode: 1 } })).toThrow(/input\[0\] = 2 exceeds mask.maxPerMode = 1/);
    expect(() => slosPlan(24, alternatingInput(24).map(() => 1).map((v, i) => (i < 12 ? v : 0)))).toThrow(
      /slosPlan: SLOS at 24 modes\/12 photons: 834451800 output states needs .* GiB, over the 2\.0 GiB budget; at 24 modes at most \d+ photons fit, and 12 photons fit up to \d+ modes/,
    );
    const u3 = haarUnitary(3, new Generator(1));
    expect(() => outputProbability(u3, [1, 0, 0, 1], [1, 0, 0])).toThrow(/outputProbability: input must list 3 mode occupations \(one per circuit mode\), got 4/);
    expect(() => outputProbability(u3, [1, 0, 0], [1.5, 0, 0])).toThrow(/outputProbability: output\[0\] must be a non-negative integer photon count, got 1.5/);
    expect(outputProbability(u3, [1, 0, 0], [1, 1, 0])).toBe(0);
    const plan = slosPlan(3, [1, 1, 0]);
    expect(() => slosDistribution(plan, cmatrix(4, 4))).toThrow(/slosDistribution: U must be 3×3 for this plan, got 4×4/);
    expect(() => slosDistribution(plan, haarUnitary(3, new Generator(0)), new Float64Array(2))).toThrow(/out must hold 6 values, got 2/);
    expect(() => slosState(plan, 6)).toThrow(/slosState: index must be an integer in \[0, 6\) for layer 2, got 6/);
  });
});
