// The curvature gain rule of SPSA's calibration: h̄ = mean (f⁺ + f⁻ − 2f₀)/c² and a_0 = 1/h̄ (the
// Newton step along the perturbation), capped by the step rule; checked on quadratics whose
// curvature is known in closed form.
import { describe, expect, it } from 'vitest';
import { chooseGain } from '../../src/pqkd/optim/spsa-calibration.js';
import { Spsa } from '../../src/pqkd/optim/spsa.js';
import { Generator } from '../../src/tensor/random.js';

const d = 6;
const target = Float64Array.from({ length: d }, (_, i) => 0.3 - 0.1 * i);
/** f(θ) = ½·h·‖θ − θ*‖²: along a Rademacher Δ, f(θ+cΔ) + f(θ−cΔ) − 2f(θ) = c²·h·d exactly. */
const quadratic = (h: number) => (th: Float64Array): number => {
  let s = 0;
  for (let i = 0; i < d; i++) s += (th[i]! - target[i]!) ** 2;
  return 0.5 * h * s;
};

describe('SPSA calibration: the curvature gain rule', () => {
  it('measures h̄ = h·d on a quadratic and takes the Newton step: the first update lands on the minimum along Δ', () => {
    for (const h of [0.5, 4, 30]) {
      const f = quadratic(h);
      const theta0 = new Float64Array(d);
      const opt = new Spsa(f, theta0, new Generator(401), { c: 0.1, A: 0, calibrate: { gainRule: 'curvature', targetStep: 10 } });
      const r = opt.step();
      const report = opt.calibrationReport!;
      expect(report.curvature!).toBeCloseTo(h * d, 9);
      expect(report.gainFrom).toBe('newton');
      expect(opt.a).toBeCloseTo(1 / (h * d), 12);
      // θ₁ = θ₀ − a_0·ĝ with ĝ ∥ Δ: θ₁ minimises f on the line θ₀ + tΔ (f(θ₁ ± εΔ) > f(θ₁)).
      const delta = r.gradient.map((g) => Math.sign(g) * Math.sign(r.gradient[0]!));
      const at = (t: number) => f(opt.theta.map((v, i) => v + t * delta[i]!));
      expect(at(1e-3)).toBeGreaterThan(at(0));
      expect(at(-1e-3)).toBeGreaterThan(at(0));
      expect(f(opt.theta)).toBeLessThan(f(theta0));
    }
  });

  it('caps the Newton gain by the step rule (flat objective) and falls back to it when h̄ ≤ 0 (concave)', () => {
    const flat = new Spsa(quadratic(1e-4), new Float64Array(d), new Generator(402), { c: 0.1, calibrate: { gainRule: 'curvature', targetStep: 0.05 } });
    flat.step();
    expect(flat.calibrationReport!.gainFrom).toBe('step-cap');
    const concave = new Spsa((th) => -quadratic(2)(th), new Float64Array(d), new Generator(403), { c: 0.1, calibrate: { gainRule: 'curvature', targetStep: 0.05 } });
    concave.step();
    expect(concave.calibrationReport!.curvature!).toBeLessThan(0);
    expect(concave.calibrationReport!.gainFrom).toBe('step');
    expect(chooseGain(2, null, 1)).toEqual({ a: 2, from: 'step' });
    expect(chooseGain(2, 4, 1.5)).toEqual({ a: 0.375, from: 'newton' });
    expect(chooseGain(0.1, 4, 1.5)).toEqual({ a: 0.1, from: 'step-cap' });
    expect(() => new Spsa(quadratic(1), new Float64Array(d), new Generator(1), { calibrate: { gainRule: 'newton' as never } })).toThrow(
      /Spsa: calibrate.gainRule must be 'step' or 'curvature', got newton/,
    );
  });

  it('a steep noisy objective: the step rule overshoots the minimum, the curvature rule lands near it', () => {
    // Steep curvature (h = 20 per coordinate), noise σ = 0.01: a first move of 0.15 per coordinate
    // overshoots (the optimum along Δ is |slope|/(h·d) away), the Newton step does not.
    const h = 20;
    const noisy = (th: Float64Array, ctx: { gen: Generator }) => quadratic(h)(th) + 0.01 * ctx.gen.normal();
    const start = Float64Array.from(target, (v) => v + 0.05);
    const run = (gainRule: 'step' | 'curvature') => {
      const opt = new Spsa(noisy, start, new Generator(404), {
        c: 0.05, A: 1, calibrate: { gainRule, targetStep: 0.15, noise: { ladder: [0.05, 0.1, 0.2] } },
      });
      opt.run(10);
      return quadratic(h)(opt.theta);
    };
    const f0 = quadratic(h)(start);
    expect(run('curvature')).toBeLessThan(0.5 * f0);
    expect(run('step')).toBeGreaterThan(f0);
  });
});
