// The EMA variance-ratio measurement (src/pqkd/ema-stats.ts): its finite-window and transient
// expectations against independent references, and measurements against them within their own
// sampling error.
import { describe, expect, it } from 'vitest';
import { emaStationaryRatio, measureEmaVariance, transientRatio, windowFactor } from '../../src/pqkd/ema-stats.js';
import { clickFeature } from '../../src/photonics/shots.js';
import { groupHistogramFromWeights, groupLayout } from '../../src/photonics/features.js';
import { dirichletOnes } from '../../src/photonics/sampling-variates.js';
import { Generator } from '../../src/tensor/random.js';

/** E[s²]/σ² from the AR(1) correlation matrix ρ_ij = β^|i−j|: 1 − (Σ_{i≠j} ρ_ij)/(N(N−1)) (double sum). */
function windowFactorByMatrix(beta: number, n: number): number {
  let off = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) off += beta ** Math.abs(i - j);
  return 1 - off / (n * (n - 1));
}

/** Var(φ̄_t)/σ² by iterating V_t = β²V_{t−1} + (1−β)², V_0 = 1, averaged over t ∈ [burnIn, burnIn + n). */
function transientByRecursion(beta: number, burnIn: number, n: number): number {
  let v = 1;
  let sum = 0;
  for (let t = 0; t < burnIn + n; t++) {
    if (t > 0) v = beta * beta * v + (1 - beta) ** 2;
    if (t >= burnIn) sum += v;
  }
  return sum / n;
}

describe('EMA variance theory', () => {
  it('(1−β)/(1+β), the window factor and the transient match independent references', () => {
    expect(emaStationaryRatio(0.9)).toBeCloseTo(0.1 / 1.9, 15);
    for (const beta of [0, 0.5, 0.9, 0.95]) {
      for (const n of [2, 3, 20, 200]) expect(windowFactor(beta, n)).toBeCloseTo(windowFactorByMatrix(beta, n), 12);
      for (const [burnIn, n] of [
        [0, 10],
        [5, 40],
        [50, 2000],
      ] as const) {
        expect(transientRatio(beta, burnIn, n)).toBeCloseTo(transientByRecursion(beta, burnIn, n), 12);
      }
    }
    expect(windowFactor(0, 50)).toBe(1);
  });

  it('rejects bad β, steps, windows, burn-in and exact lengths, naming the op', () => {
    expect(() => windowFactor(1, 10)).toThrow(/windowFactor: beta must be in \[0, 1\), got 1/);
    expect(() => windowFactor(0.9, 1)).toThrow(/windowFactor: steps must be an integer >= 2, got 1/);
    const draw = (g: Generator, out: Float64Array) => out.fill(g.uniform());
    const ok = { beta: 0.9, steps: 10, windows: 2, burnIn: 0 };
    expect(() => measureEmaVariance(draw, 2, null, new Generator(1), { ...ok, beta: -0.1 })).toThrow(/measureEmaVariance: beta/);
    expect(() => measureEmaVariance(draw, 2, null, new Generator(1), { ...ok, windows: 1 })).toThrow(
      /measureEmaVariance: windows must be an integer >= 2, got 1/,
    );
    expect(() => measureEmaVariance(draw, 2, null, new Generator(1), { ...ok, burnIn: -1 })).toThrow(/burnIn must be an integer >= 0/);
    expect(() => measureEmaVariance(draw, 2, new Float64Array(3), new Generator(1), ok)).toThrow(/exact must have length 2, got 3/);
    expect(() => measureEmaVariance((_g, out) => out.fill(1), 2, null, new Generator(1), ok)).toThrow(/never vary/);
  });
});

describe('measured EMA variance ratio (S-shot group histograms of a fixed click distribution)', () => {
  const probs = dirichletOnes(1 << 8, new Generator(301));
  const layout = groupLayout([
    [0, 1, 2, 3],
    [4, 5, 6, 7],
  ]);
  const exact = groupHistogramFromWeights(probs, layout);
  const draw = (shots: number) => (g: Generator, out: Float64Array) => clickFeature(probs, shots, g, { groups: layout }, out);

  it('β = 0.9, S = 200, 8 windows × 2,000 steps: within 4 standard errors of the finite-window and exact-mean expectations', () => {
    const m = measureEmaVariance(draw(200), layout.dim, exact, new Generator(302), { beta: 0.9, steps: 2000, windows: 8, burnIn: 50 });
    expect(m.theory).toBeCloseTo(0.0526, 4);
    expect(Math.abs(m.ratio.mean - m.finiteWindow)).toBeLessThan(4 * m.ratio.standardError);
    expect(Math.abs(m.ratioAboutExact!.mean - m.aboutExactExpected)).toBeLessThan(4 * m.ratioAboutExact!.standardError);
    expect(m.ratio.standardError).toBeLessThan(0.05 * m.theory); // a generous number of steps: a sharp measurement
  });

  it('short windows (N = 20): the window variance is biased low exactly as the finite-window factor says, not as (1−β)/(1+β)', () => {
    const m = measureEmaVariance(draw(64), layout.dim, exact, new Generator(303), { beta: 0.9, steps: 20, windows: 400, burnIn: 60 });
    expect(m.finiteWindow / m.theory).toBeLessThan(0.5);
    expect(Math.abs(m.ratio.mean - m.finiteWindow)).toBeLessThan(4 * m.ratio.standardError);
    expect(Math.abs(m.ratio.mean - m.theory)).toBeGreaterThan(10 * m.ratio.standardError);
    // About the exact mean there is no window bias; with no burn-in the transient shows.
    expect(Math.abs(m.ratioAboutExact!.mean - m.aboutExactExpected)).toBeLessThan(4 * m.ratioAboutExact!.standardError);
    const cold = measureEmaVariance(draw(64), layout.dim, exact, new Generator(304), { beta: 0.9, steps: 20, windows: 400, burnIn: 0 });
    expect(cold.aboutExactExpected).toBeGreaterThan(2 * cold.theory);
    expect(Math.abs(cold.ratioAboutExact!.mean - cold.aboutExactExpected)).toBeLessThan(4 * cold.ratioAboutExact!.standardError);
  });

  it('β = 0 leaves the draws unchanged: every ratio is exactly 1', () => {
    const m = measureEmaVariance(draw(50), layout.dim, exact, new Generator(305), { beta: 0, steps: 30, windows: 3, burnIn: 0 });
    expect(m.ratio.perWindow).toEqual([1, 1, 1]);
    expect(m.ratioAboutExact!.perWindow).toEqual([1, 1, 1]);
    expect(m.medianRatio.mean).toBe(1);
  });
});
