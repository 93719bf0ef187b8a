import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Generator } from '../../src/tensor/random.js';
import { Spsa, wrapAngle, type SpsaObjective } from '../../src/pqkd/optim/spsa.js';

const target = Float64Array.from([1, -0.5, 0.25, 2, -1]);
const quadratic = (th: Float64Array): number => th.reduce((a, x, i) => a + (x - target[i]!) ** 2, 0);
const distance = (th: Float64Array): number => Math.sqrt(quadratic(th));

describe('Spsa', () => {
  it('uses Spall gains a/(k+1+A)^α and c/(k+1)^γ (defaults α = 0.602, γ = 0.101)', () => {
    const opt = new Spsa(() => 0, new Float64Array(2), new Generator(1), { a: 0.3, c: 0.2, A: 5 });
    const { ak, ck } = opt.gains(7);
    expect(ak).toBeCloseTo(0.3 / 13 ** 0.602, 15);
    expect(ck).toBeCloseTo(0.2 / 8 ** 0.101, 15);
  });

  it('minimises a noisy quadratic (independent noise on every evaluation)', () => {
    const noise = new Generator(211);
    const f: SpsaObjective = (th) => quadratic(th) + 0.1 * noise.normal();
    const opt = new Spsa(f, new Float64Array(5), new Generator(212).fork('spsa'), { a: 0.2, c: 0.1, A: 10 });
    const start = distance(opt.theta);
    opt.run(1000);
    // 10× closer than the start (over 30 seeds the final distance stayed below 0.15)
    expect(start).toBeGreaterThan(2.5);
    expect(distance(opt.theta)).toBeLessThan(start / 10);
  });

  it('common random numbers: ± evaluations get identical streams, so shared noise cancels exactly', () => {
    const seen: number[][] = [];
    const noisy: SpsaObjective = (th, ctx) => {
      const u = ctx.gen.uniform();
      seen.push([ctx.k, ctx.estimate, ctx.role === 'plus' ? 1 : -1, u]);
      return quadratic(th) + 5 * (u - 0.5);
    };
    const a = new Spsa(noisy, new Float64Array(5), new Generator(213), { a: 0.2, A: 10, averaging: 2 });
    const b = new Spsa((th) => quadratic(th), new Float64Array(5), new Generator(213), { a: 0.2, A: 10, averaging: 2 });
    for (let k = 0; k < 30; k++) {
      const ra = a.step();
      b.step();
      expect(ra.fPlus.length).toBe(2);
      // identical up to rounding of (q⁺ + noise) − (q⁻ + noise) vs q⁺ − q⁻
      a.theta.forEach((x, i) => expect(Math.abs(x - b.theta[i]!)).toBeLessThan(1e-12));
    }
    for (let i = 0; i < seen.length; i += 2) {
      expect(seen[i]![2]).toBe(1);
      expect(seen[i + 1]![2]).toBe(-1);
      expect(seen[i]![3]).toBe(seen[i + 1]![3]);
    }
    expect(new Set(seen.map((r) => r[3])).size).toBe(seen.length / 2);
  });

  it('resumes bit for bit from a JSON state', () => {
    const f: SpsaObjective = (th, ctx) => quadratic(th) + 0.1 * ctx.gen.normal();
    const whole = new Spsa(f, new Float64Array(5), new Generator(214), { calibrate: true, A: 3 });
    whole.run(20);
    const first = new Spsa(f, new Float64Array(5), new Generator(214), { calibrate: true, A: 3 });
    first.run(10);
    const state = JSON.parse(JSON.stringify(first.getState()));
    const second = new Spsa(f, new Float64Array(5), new Generator(214), { calibrate: true, A: 3 });
    second.setState(state);
    second.run(10);
    expect(second.k).toBe(20);
    expect(Array.from(second.theta)).toEqual(Array.from(whole.theta));
  });

  it('wraps periodic parameters to (−π, π] and converges across the seam', () => {
    const goal = 3.0;
    const f: SpsaObjective = (th) => {
      expect(th[0]! > -Math.PI && th[0]! <= Math.PI).toBe(true);
      return 1 - Math.cos(th[0]! - goal);
    };
    const opt = new Spsa(f, Float64Array.from([-3.0]), new Generator(215), { a: 0.5, c: 0.1, A: 5, wrap: true });
    for (let k = 0; k < 300; k++) {
      opt.step();
      expect(opt.theta[0]! > -Math.PI && opt.theta[0]! <= Math.PI).toBe(true);
    }
    expect(Math.abs(opt.theta[0]! - goal)).toBeLessThan(0.02);
  });

  it('wrapAngle maps into (−π, π] and preserves the angle mod 2π', () => {
    fc.assert(
      fc.property(fc.double({ min: -100, max: 100, noNaN: true }), (x) => {
        const w = wrapAngle(x);
        expect(w > -Math.PI && w <= Math.PI).toBe(true);
        const turns = (x - w) / (2 * Math.PI);
        expect(Math.abs(turns - Math.round(turns))).toBeLessThan(1e-9);
      }),
      { numRuns: 300, seed: 20240501 },
    );
    expect(wrapAngle(Math.PI)).toBe(Math.PI);
    expect(wrapAngle(-Math.PI)).toBe(Math.PI);
  });

  it('keeps iterates and perturbed points inside the box', () => {
    const f: SpsaObjective = (th) => {
      expect(th[0]! >= -1 && th[0]! <= 2).toBe(true);
      // the constrained optimum keeps ∂f/∂θ₀ = −1 ≠ 0, which adds cross-talk noise to θ₁'s estimate
      return (th[0]! - 2.5) ** 2 + (th[1]! - 0.5) ** 2;
    };
    const opt = new Spsa(f, Float64Array.from([0, 0]), new Generator(216), { a: 0.3, A: 5, lower: -1, upper: [2, 2] });
    opt.run(500);
    expect(opt.theta[0]).toBe(2);
    expect(Math.abs(opt.theta[1]! - 0.5)).toBeLessThan(0.1); // over 30 seeds: median 0.018, max 0.07
  });

  it('calibrate picks a so that the first step has the target size', () => {
    // f = 3θ in one dimension: every estimate is ĝ = 3, so a_0·3 = targetStep
    const opt = new Spsa((th) => 3 * th[0]!, Float64Array.from([0.4]), new Generator(217), { calibrate: { targetStep: 0.1 }, A: 4 });
    opt.step();
    expect(Math.abs(opt.theta[0]! - 0.3)).toBeLessThan(1e-12);
    expect(opt.a).toBeCloseTo((0.1 * 5 ** 0.602) / 3, 12);
  });

  it('blocking rejects a step that raises f beyond the tolerance', () => {
    const opt = new Spsa((th) => th[0]! ** 2, Float64Array.from([1]), new Generator(218), { a: 100, blocking: { tolerance: 0 } });
    const r = opt.step();
    expect(r.accepted).toBe(false);
    expect(opt.theta[0]).toBe(1);
    expect(opt.k).toBe(1);
  });

  it('rejects bad input with the argument named', () => {
    const f: SpsaObjective = () => 0;
    expect(() => new Spsa(f, new Float64Array(0), new Generator(1))).toThrow(/theta0 must be a non-empty Float64Array/);
    expect(() => new Spsa(f, new Float64Array(2), new Generator(1), { a: 0 })).toThrow(/options.a must be a finite number > 0, got 0/);
    expect(() => new Spsa(f, new Float64Array(2), new Generator(1), { averaging: 0 })).toThrow(/averaging must be a positive integer, got 0/);
    expect(() => new Spsa(f, new Float64Array(2), new Generator(1), { lower: 1, upper: 1 })).toThrow(/need lower < upper, got \[1, 1\] at 0/);
    expect(() => new Spsa(f, new Float64Array(2), new Generator(1), { wrap: [true] })).toThrow(/wrap must have 2 flags, got 1/);
    expect(() => new Spsa(() => NaN, new Float64Array(2), new Generator(1)).step()).toThrow(/objective returned NaN at step 0 \(plus\)/);
    expect(() => new Spsa(f, new Float64Array(2), new Generator(1), { calibrate: true }).step()).toThrow(/zero gradient estimate/);
    expect(() => new Spsa(f, new Float64Array(2), new Generator(1)).setState({ k: 0, theta: [1], a: 1, calibrated: false })).toThrow(
      /theta must have 2 entries, got 1/,
    );
  });
});
