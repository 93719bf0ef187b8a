// Calibrated SPSA (Spall 1998 §III gains; c from the measured noise, a from a target first step) on a
// synthetic objective with a known optimum and noise of the size the PQKD objective has (σ ≈ 0.01–0.02
// in cross-entropy, measured by the calibration of real runs).
import { describe, expect, it } from 'vitest';
import { Spsa, wrapAngle, type SpsaObjective } from '../../src/pqkd/optim/spsa.js';
import { sampleStd } from '../../src/pqkd/optim/spsa-calibration.js';
import { Generator } from '../../src/tensor/random.js';

const d = 29;
const goal = new Generator(301).uniformArray(d, -Math.PI, Math.PI);
const theta0 = new Generator(302).uniformArray(d, -Math.PI, Math.PI);
const curvature = 0.05;
/** Periodic bowl with its minimum 0 at `goal`, plus noise shared by ± (σ_common) and not (σ_own). */
const clean = (th: Float64Array): number => {
  let f = 0;
  for (let i = 0; i < d; i++) f += curvature * (1 - Math.cos(th[i]! - goal[i]!));
  return f;
};
const noisy =
  (sigmaCommon: number, sigmaOwn: number): SpsaObjective =>
    (th, ctx) =>
      clean(th) + sigmaCommon * ctx.gen.fork('common').normal() + sigmaOwn * ctx.gen.fork(ctx.role).normal();
const rmsError = (th: Float64Array): number => Math.sqrt(th.reduce((acc, x, i) => acc + wrapAngle(x - goal[i]!) ** 2, 0) / d);
const ladder = [0.15, 0.3, 0.6, 1.2];

describe('calibrated SPSA', () => {
  it('reaches a known optimum under realistic noise where the old fixed gains barely move', () => {
    // Three problems: θ₀ within ±1.5 rad of the optimum in every coordinate (away from the
    // antipode, where the periodic bowl is flat). "Reached" = RMS error below 0.2 rad and the
    // noise-free objective below 5% of its start, after 300 updates.
    const steps = 300;
    const f = noisy(0.015, 0.01);
    for (const seed of [1, 2, 3]) {
      const start = new Generator(310 + seed).uniformArray(d, -1.5, 1.5).map((x, i) => wrapAngle(x + goal[i]!));
      const calibrated = new Spsa(f, start, new Generator(seed), { A: 0.1 * steps, wrap: true, calibrate: { targetStep: 0.15, noise: { ladder } } });
      const fixed = new Spsa(f, start, new Generator(seed), { a: 0.05, c: 0.1, A: 0.1 * steps, wrap: true });
      calibrated.run(steps);
      fixed.run(steps);
      expect(rmsError(start)).toBeGreaterThan(0.6);
      expect(rmsError(calibrated.theta), `seed ${seed}`).toBeLessThan(0.2);
      expect(clean(calibrated.theta), `seed ${seed}`).toBeLessThan(0.05 * clean(start));
      expect(rmsError(fixed.theta), `seed ${seed}`).toBeGreaterThan(0.9 * rmsError(start));
    }
    // The first update moves the coordinates by about the target step.
    const first = new Spsa(f, theta0, new Generator(303), { A: 0.1 * steps, wrap: true, calibrate: { targetStep: 0.15, noise: { ladder } } });
    first.step();
    const meanMove = first.theta.reduce((acc, x, i) => acc + Math.abs(wrapAngle(x - theta0[i]!)), 0) / d;
    expect(meanMove).toBeGreaterThan(0.15 / 3);
    expect(meanMove).toBeLessThan(0.15 * 3);
  });

  it('measures the noise with fresh draws on a common stream and picks the first rung above 2√2σ', () => {
    const sigma = 0.02;
    const commons: Generator[] = [];
    const f: SpsaObjective = (th, ctx) => {
      if (ctx.role === 'noise') commons.push(ctx.commonGen!);
      return clean(th) + sigma * ctx.gen.fork(ctx.role).normal();
    };
    const opt = new Spsa(f, theta0, new Generator(304), { calibrate: { targetStep: 0.1, noise: { ladder, repeats: 64 } } });
    opt.step();
    const r = opt.calibrationReport!;
    expect(r.noise!.values.length).toBe(64);
    expect(r.noise!.std).toBe(sampleStd(r.noise!.values));
    // 64 draws: the sample std of N(0, σ²) is within ±30% of σ with overwhelming probability.
    expect(Math.abs(r.noise!.std / sigma - 1)).toBeLessThan(0.3);
    // Every repeat saw the same common stream (same minibatch), each a fresh noise stream.
    expect(new Set(commons.map((g) => g.uniform())).size).toBe(1);
    expect(new Set(r.noise!.values).size).toBe(64);
    const needed = 2 * Math.SQRT2 * r.noise!.std;
    const chosen = r.ladder.length - 1;
    expect(r.c).toBe(ladder[chosen]);
    expect(r.ladder[chosen]!.meanAbsDifference).toBeGreaterThanOrEqual(needed);
    for (let i = 0; i < chosen; i++) expect(r.ladder[i]!.meanAbsDifference).toBeLessThan(needed);
    expect(r.aboveNoise).toBe(true);
    expect(opt.c).toBe(r.c);
    expect(r.a).toBeCloseTo((0.1 * Math.pow(1, 0.602)) / r.meanAbsGradient, 12);
  });

  it('keeps the top rung and says so when no rung rises above the noise', () => {
    const f: SpsaObjective = (th, ctx) => 1e-6 * clean(th) + 0.5 * ctx.gen.fork(ctx.role).normal();
    const opt = new Spsa(f, theta0, new Generator(305), { calibrate: { noise: { ladder: [0.1, 0.2] } } });
    opt.step();
    expect(opt.calibrationReport!.aboveNoise).toBe(false);
    expect(opt.c).toBe(0.2);
  });

  it('a noise-calibrated run resumes bit for bit (c is part of the state)', () => {
    const f = noisy(0.01, 0.01);
    const options = { A: 5, wrap: true, calibrate: { noise: { ladder } } } as const;
    const whole = new Spsa(f, theta0, new Generator(306), options);
    whole.run(12);
    const first = new Spsa(f, theta0, new Generator(306), options);
    first.run(6);
    const state = JSON.parse(JSON.stringify(first.getState()));
    expect(state.c).toBe(first.c);
    const second = new Spsa(f, theta0, new Generator(306), options);
    second.setState(state);
    second.run(6);
    expect(Array.from(second.theta)).toEqual(Array.from(whole.theta));
  });

  it('rejects bad calibration settings naming the option', () => {
    const f: SpsaObjective = (th) => clean(th);
    expect(() => new Spsa(f, theta0, new Generator(1), { calibrate: { noise: { ladder: [] } } })).toThrow(/ladder must be a non-empty list/);
    expect(() => new Spsa(f, theta0, new Generator(1), { calibrate: { noise: { ladder: [0.2, 0.1] } } })).toThrow(/positive and increasing, got \[0.2, 0.1\]/);
    expect(() => new Spsa(f, theta0, new Generator(1), { calibrate: { noise: { ladder, repeats: 1 } } })).toThrow(/repeats must be an integer >= 2, got 1/);
  });
});
