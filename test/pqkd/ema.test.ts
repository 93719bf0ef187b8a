import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Generator } from '../../src/tensor/random.js';
import { Ema } from '../../src/pqkd/ema.js';
import { clickFeature } from '../../src/photonics/shots.js';
import { dirichletOnes } from '../../src/photonics/sampling-variates.js';

describe('Ema recursion', () => {
  it('φ̄₀ = φ̂₀, then φ̄_t = β φ̄_{t−1} + (1 − β) φ̂_t (no bias correction)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        fc.array(fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 20 }),
        (beta, xs) => {
          const ema = new Ema(beta);
          let ref: number[] | null = null;
          for (const x of xs) {
            ref = ref === null ? [...x] : ref.map((r, i) => beta * r + (1 - beta) * x[i]!);
            const got = ema.update(Float64Array.from(x));
            got.forEach((v, i) => expect(Math.abs(v - ref![i]!)).toBeLessThan(1e-12));
          }
          expect(ema.count).toBe(xs.length);
        },
      ),
      { numRuns: 200, seed: 20240501 },
    );
  });

  it('bias correction: m_t/(1 − β^{t+1}) from m = 0', () => {
    const ema = new Ema(0.9, { biasCorrection: true });
    const xs = [[1, 2], [3, -1], [0, 5]];
    let m = [0, 0];
    xs.forEach((x, t) => {
      m = m.map((v, i) => 0.9 * v + 0.1 * x[i]!);
      const got = ema.update(Float64Array.from(x));
      got.forEach((v, i) => expect(v).toBeCloseTo(m[i]! / (1 - 0.9 ** (t + 1)), 14));
    });
    expect(Array.from(new Ema(0.9, { biasCorrection: true }).update(Float64Array.from([4, 2])))).toEqual([4, 2]);
  });

  it('β = 0 passes the input through', () => {
    const ema = new Ema(0);
    ema.update(Float64Array.from([1, 2]));
    expect(Array.from(ema.update(Float64Array.from([5, 6])))).toEqual([5, 6]);
  });

  it('state round-trips through JSON and resumes identically', () => {
    for (const biasCorrection of [false, true]) {
      const a = new Ema(0.8, { biasCorrection });
      const gen = new Generator(191);
      for (let t = 0; t < 5; t++) a.update(gen.normalArray(4));
      const b = new Ema(0.8, { biasCorrection });
      b.setState(JSON.parse(JSON.stringify(a.getState())));
      const x = gen.normalArray(4);
      expect(Array.from(b.update(x))).toEqual(Array.from(a.update(x)));
    }
    const fresh = new Ema(0.5);
    fresh.setState(new Ema(0.5).getState());
    expect(fresh.value).toBeNull();
  });

  it('rejects β outside [0, 1), wrong lengths and mismatched states', () => {
    for (const beta of [1, -0.1, 1.5, NaN]) expect(() => new Ema(beta)).toThrow(/beta must be in \[0, 1\), got/);
    const ema = new Ema(0.9);
    ema.update(new Float64Array(3));
    expect(() => ema.update(new Float64Array(4))).toThrow(/x must have length 3 \(the first update's\), got 4/);
    expect(() => new Ema(0.5).setState(ema.getState())).toThrow(/state has beta 0.9.*this Ema has beta 0.5/);
  });
});

describe('EMA variance ratio at a fixed distribution', () => {
  it('β = 0.9, S = 200, 50 burn-in + 2000 steps: median Var(φ̄)/Var(φ̂) within 15% of (1 − β)/(1 + β)', () => {
    const beta = 0.9;
    const clickProbs = dirichletOnes(1 << 10, new Generator(201));
    const groups = [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]];
    const root = new Generator(202).fork('feature');
    const ema = new Ema(beta);
    const steps = 2000;
    const dim = 64;
    const raw = new Float64Array(steps * dim);
    const smooth = new Float64Array(steps * dim);
    for (let t = 0; t < 50 + steps; t++) {
      const phi = clickFeature(clickProbs, 200, root.fork(t), { groups });
      const bar = ema.update(phi);
      if (t >= 50) {
        raw.set(phi, (t - 50) * dim);
        smooth.set(bar, (t - 50) * dim);
      }
    }
    const variance = (a: Float64Array, k: number): number => {
      let mean = 0;
      for (let t = 0; t < steps; t++) mean += a[t * dim + k]! / steps;
      let v = 0;
      for (let t = 0; t < steps; t++) v += (a[t * dim + k]! - mean) ** 2 / (steps - 1);
      return v;
    };
    const ratios: number[] = [];
    for (let k = 0; k < dim; k++) {
      const vr = variance(raw, k);
      if (vr > 0) ratios.push(variance(smooth, k) / vr);
    }
    ratios.sort((a, b) => a - b);
    const median = ratios[Math.floor(ratios.length / 2)]!;
    const theory = (1 - beta) / (1 + beta);
    expect(Math.abs(median / theory - 1)).toBeLessThan(0.15);
  });
});
