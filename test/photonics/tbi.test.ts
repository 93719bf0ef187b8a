import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Generator } from '../../src/tensor/random.js';
import { cmatrix, cmatrixFrom, maxAbsDiff, unitarityError } from '../../src/photonics/complex-matrix.js';
import { Circuit } from '../../src/photonics/circuit.js';
import { BS_CONVENTIONS, beamSplitter, phaseShifter } from '../../src/photonics/components.js';
import { alternatingInput, tbi } from '../../src/photonics/tbi.js';
import { slosPlan } from '../../src/photonics/slos-plan.js';
import { slosDistribution } from '../../src/photonics/slos.js';
import { outputProbability } from '../../src/photonics/probability.js';
import { tvd } from './permanent-oracles.js';

describe('time-bin interferometer', () => {
  it('has nParams = Σ(M − ℓ): 16 modes [1] → 15, [1,1] → 30, [1,2] → 29, [1,3,9] → 35, [1,2,4] → 41', () => {
    const cases: [number[], number][] = [[[1], 15], [[1, 1], 30], [[1, 2], 29], [[1, 3, 9], 35], [[1, 2, 4], 41]];
    for (const [loops, count] of cases) {
      const t = tbi({ modes: 16, loopLengths: loops });
      expect(t.nParams).toBe(count);
      expect(t.nPhases).toBe(0);
    }
    expect(tbi({ modes: 16, loopLengths: [1, 2], phaseShifters: true }).nPhases).toBe(29);
  });

  it('orders splitters loop-major, i ascending, on (i, i+ℓ)', () => {
    const t = tbi({ modes: 5, loopLengths: [2, 1] });
    expect(Array.from(t.pairs)).toEqual([0, 2, 1, 3, 2, 4, 0, 1, 1, 2, 2, 3, 3, 4]);
  });

  it('is unitary (< 1e-12) and equals the Circuit of the same splitters, for every convention and phases', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 16 }), fc.nat(1e6), fc.constantFrom(...BS_CONVENTIONS), fc.boolean(),
        (modes, seed, convention, phases) => {
          const gen = new Generator(seed);
          const nLoops = gen.integers(1, 4);
          const loops = Array.from({ length: nLoops }, () => gen.integers(1, modes));
          const t = tbi({ modes, loopLengths: loops, convention, phaseShifters: phases });
          const theta = gen.uniformArray(t.nParams, -Math.PI, Math.PI);
          const phi = phases ? gen.uniformArray(t.nPhases, -Math.PI, Math.PI) : undefined;
          const u = t.unitary(theta, undefined, phi);
          expect(unitarityError(u)).toBeLessThan(1e-12);
          const c = new Circuit(modes);
          let k = 0;
          for (const l of loops) {
            for (let i = 0; i + l < modes; i++) {
              c.add([i, i + l], beamSplitter(theta[k]!, { convention }));
              if (phi) c.add(i, phaseShifter(phi[k]!));
              k++;
            }
          }
          expect(maxAbsDiff(u, c.unitary())).toBeLessThan(1e-13);
          // reusing `out` gives the same matrix (no accumulation)
          const out = cmatrix(modes, modes);
          t.unitary(theta, out, phi);
          expect(maxAbsDiff(t.unitary(theta, out, phi), u)).toBe(0);
        },
      ),
      { numRuns: 200, seed: 20240501 },
    );
  });

  it('3-mode composition-order golden: BS(0,1) first, then BS(1,2)', () => {
    const [t1, t2] = [0.3, 1.1];
    const u = tbi({ modes: 3, loopLengths: [1] }).unitary([t1, t2]);
    const c1 = Math.cos(t1), s1 = Math.sin(t1), c2 = Math.cos(t2), s2 = Math.sin(t2);
    const golden = cmatrixFrom(3, 3, [c1, s1, 0, -c2 * s1, c2 * c1, s2, s2 * s1, -s2 * c1, c2]);
    expect(maxAbsDiff(u, golden)).toBeLessThan(1e-16);
  });

  it('single-photon marginals are |U[j, p]|² (SLOS and permanent agree)', () => {
    const t = tbi({ modes: 8, loopLengths: [1, 2] });
    const u = t.unitary(new Generator(5).uniformArray(t.nParams, -Math.PI, Math.PI));
    for (let p = 0; p < 8; p++) {
      const input = new Int32Array(8);
      input[p] = 1;
      const probs = slosDistribution(slosPlan(8, input), u);
      for (let j = 0; j < 8; j++) {
        const e = new Int32Array(8);
        e[j] = 1;
        const w = u.re[j * 8 + p]! ** 2 + u.im[j * 8 + p]! ** 2;
        expect(Math.abs(outputProbability(u, input, e) - w)).toBeLessThan(1e-15);
        // layer-1 SLOS state with its photon in mode j has index j (combinatorial rank)
        expect(Math.abs(probs[j]! - w)).toBeLessThan(1e-15);
      }
    }
  });

  // Fixed angles, checked: seed 2024 uniform(−π, π) rounded to 3 decimals. TVD(θ, −θ) measured 0.350.
  const theta12 = Float64Array.of(1.165, 0.738, -0.866, -2.503, 1.759, 3.119, 1.358, -1.334, 1.154);
  const plan6 = slosPlan(6, alternatingInput(6));
  const dist = (loops: number[], theta: Float64Array) => slosDistribution(plan6, tbi({ modes: 6, loopLengths: loops }).unitary(theta));

  it('even-loop sign trap (6 modes, 3 photons): θ → −θ changes loops [1,2] (TVD > 0.1), not [1,3] (< 1e-12)', () => {
    const neg = (x: Float64Array) => x.map((v) => -v);
    expect(tvd(dist([1, 2], theta12), dist([1, 2], neg(theta12)))).toBeGreaterThan(0.1);
    const theta13 = theta12.slice(0, 8);
    expect(tvd(dist([1, 3], theta13), dist([1, 3], neg(theta13)))).toBeLessThan(1e-12);
  });

  it('angle period: θ_k + π is a symmetry of a single length-1 loop, not of loops [1,2]', () => {
    const shift = (x: Float64Array, k: number) => {
      const y = x.slice();
      y[k]! += Math.PI;
      return y;
    };
    const theta1 = theta12.slice(0, 5);
    for (let k = 0; k < 5; k++) expect(tvd(dist([1], theta1), dist([1], shift(theta1, k)))).toBeLessThan(1e-12);
    expect(tvd(dist([1, 2], theta12), dist([1, 2], shift(theta12, 4)))).toBeGreaterThan(0.1);
  });

  it('default input |1,0,1,0,…⟩', () => {
    expect(Array.from(alternatingInput(5))).toEqual([1, 0, 1, 0, 1]);
    expect(Array.from(alternatingInput(16)).reduce((a, b) => a + b)).toBe(8);
    expect(() => alternatingInput(0)).toThrow(/alternatingInput: modes must be a positive integer, got 0/);
  });

  it('rejects bad layouts and angle lists, naming the argument, expected and got', () => {
    expect(() => tbi({ modes: 6, loopLengths: [1, 6] })).toThrow(/tbi: loopLengths\[1\] must be an integer in \[1, modes − 1\] = \[1, 5\], got 6/);
    expect(() => tbi({ modes: 6, loopLengths: [0] })).toThrow(/loopLengths\[0\] must be an integer in \[1, modes − 1\] = \[1, 5\], got 0/);
    expect(() => tbi({ modes: 6, loopLengths: [1.5] })).toThrow(/got 1.5/);
    expect(() => tbi({ modes: 6, loopLengths: [] })).toThrow(/tbi: loopLengths must be a non-empty list/);
    expect(() => tbi({ modes: 1, loopLengths: [1] })).toThrow(/tbi: modes must be an integer ≥ 2, got 1/);
    expect(() => tbi({ modes: 4, loopLengths: [1], convention: 'x' as 'sf' })).toThrow(/tbi: convention must be one of/);
    const t = tbi({ modes: 16, loopLengths: [1, 2] });
    expect(() => t.unitary(new Float64Array(28))).toThrow(/tbi.unitary: theta must have Σ\(M − ℓ\) = 29 angles for 16 modes and loops \[1, 2\], got 28/);
    expect(() => t.unitary(new Float64Array(29).fill(NaN))).toThrow(/theta\[0\] must be finite, got NaN/);
    expect(() => t.unitary(new Float64Array(29), cmatrix(4, 4))).toThrow(/out must be 16×16, got 4×4/);
    expect(() => t.unitary(new Float64Array(29), undefined, new Float64Array(29))).toThrow(/phases given \(29\) but the circuit was built with phaseShifters: false/);
    const p = tbi({ modes: 4, loopLengths: [1], phaseShifters: true });
    expect(() => p.unitary(new Float64Array(3))).toThrow(/phases must have 3 angles \(phaseShifters: true\), got none/);
  });
});
