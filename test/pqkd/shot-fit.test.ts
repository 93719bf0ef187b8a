import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { evalShotCurve, fitShotCurve, groupBySeeds, inverseSqrtShots } from '../../src/pqkd/shot-fit.js';

/** Naive reference: solve the 2×2 weighted normal equations [Σw Σwx; Σwx Σwx²][a b]ᵀ = [Σwy Σwxy]ᵀ by Cramer's rule. */
function normalEquations(xs: number[], ys: number[], ws: number[]): { a: number; b: number; r2: number } {
  let s0 = 0, s1 = 0, s2 = 0, t0 = 0, t1 = 0;
  xs.forEach((x, i) => {
    const w = ws[i]!, y = ys[i]!;
    s0 += w; s1 += w * x; s2 += w * x * x; t0 += w * y; t1 += w * x * y;
  });
  const det = s0 * s2 - s1 * s1;
  const a = (t0 * s2 - s1 * t1) / det;
  const b = (s0 * t1 - s1 * t0) / det;
  const yBar = t0 / s0;
  let sse = 0, sst = 0;
  xs.forEach((x, i) => {
    sse += ws[i]! * (ys[i]! - a - b * x) ** 2;
    sst += ws[i]! * (ys[i]! - yBar) ** 2;
  });
  return { a, b, r2: 1 - sse / sst };
}

const distinctShots = fc.uniqueArray(fc.integer({ min: 1, max: 10_000 }), { minLength: 2, maxLength: 8 });

describe('fitShotCurve', () => {
  it('recovers y∞ and k exactly from noiseless data (any positive variances)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -10, max: 10, noNaN: true }),
        fc.oneof(fc.double({ min: 0.01, max: 10, noNaN: true }), fc.double({ min: -10, max: -0.01, noNaN: true })),
        distinctShots,
        fc.array(fc.double({ min: 1e-4, max: 10, noNaN: true }), { minLength: 8, maxLength: 8 }),
        (yInf, k, shots, vars) => {
          const points = shots.map((s, i) => ({ shots: s, y: yInf - k / Math.sqrt(s), variance: vars[i]! }));
          const fit = fitShotCurve(points);
          expect(fit.yInf).toBeCloseTo(yInf, 7);
          expect(fit.k).toBeCloseTo(k, 7);
          expect(fit.weightedR2).toBeCloseTo(1, 9);
          expect(fit.n).toBe(shots.length);
          expect(fit.weighting).toBe('inverse-variance');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('agrees with the naive normal-equation solution on noisy weighted data', () => {
    fc.assert(
      fc.property(
        distinctShots.filter((s) => s.length >= 3),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 8, maxLength: 8 }),
        fc.array(fc.double({ min: 1e-3, max: 1, noNaN: true }), { minLength: 8, maxLength: 8 }),
        (shots, ys, vars) => {
          const points = shots.map((s, i) => ({ shots: s, y: ys[i]!, variance: vars[i]! }));
          const xs = shots.map((s) => 1 / Math.sqrt(s));
          const yv = points.map((p) => p.y);
          const sst = yv.reduce((acc, y) => acc + (y - yv.reduce((a, b) => a + b, 0) / yv.length) ** 2, 0);
          fc.pre(sst > 1e-6);
          const ref = normalEquations(xs, yv, points.map((p) => 1 / p.variance));
          const fit = fitShotCurve(points);
          const scale = 1 + Math.abs(ref.a) + Math.abs(ref.b);
          expect(Math.abs(fit.yInf - ref.a)).toBeLessThan(1e-7 * scale);
          expect(Math.abs(fit.k + ref.b)).toBeLessThan(1e-7 * scale);
          expect(Math.abs(fit.weightedR2 - ref.r2)).toBeLessThan(1e-6);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('matches a hand computation of the weighted fit and weighted R²', () => {
    // S = 1, 4, 16 → x = 1, 1/2, 1/4; y = 1/2, 4/5, 17/20; variances 1, 1/2, 1/4 → weights 1, 2, 4.
    // x̄ = 3/7, ȳ = 11/14, Σw(x−x̄)² = 13/28, Σw(x−x̄)(y−ȳ) = −29/140 → slope −29/65, so k = 29/65,
    // y∞ = ȳ − slope·x̄ = 127/130; Σw(y−ȳ)² = 69/700, Σw(y−ŷ)² = 2/325 → R²_w = 841/897.
    const points = [
      { shots: 1, y: 0.5, variance: 1 },
      { shots: 4, y: 0.8, variance: 0.5 },
      { shots: 16, y: 0.85, variance: 0.25 },
    ];
    const fit = fitShotCurve(points);
    expect(fit.k).toBeCloseTo(29 / 65, 12);
    expect(fit.yInf).toBeCloseTo(127 / 130, 12);
    expect(fit.weightedR2).toBeCloseTo(841 / 897, 12);
    expect(fit.weighting).toBe('inverse-variance');
    // Equal weights (one variance unknown) give the ordinary fit: k = 17/35, y∞ = 1, R² = 289/301.
    const equal = fitShotCurve([...points.slice(0, 2), { shots: 16, y: 0.85 }]);
    expect(equal.weighting).toBe('equal');
    expect(equal.k).toBeCloseTo(17 / 35, 12);
    expect(equal.yInf).toBeCloseTo(1, 12);
    expect(equal.weightedR2).toBeCloseTo(289 / 301, 12);
    // A zero variance also falls back to equal weights.
    expect(fitShotCurve([points[0]!, points[1]!, { ...points[2]!, variance: 0 }]).weighting).toBe('equal');
  });

  it('ignores S = ∞ unless asked, and then fits it at x = 0', () => {
    const pts = [{ shots: 4, y: 0.5 }, { shots: 16, y: 0.75 }, { shots: Infinity, y: 2 }];
    const finite = fitShotCurve(pts);
    expect(finite.n).toBe(2);
    expect(finite.yInf).toBeCloseTo(1, 12);
    expect(finite.k).toBeCloseTo(1, 12);
    const withInf = fitShotCurve(pts, { includeInfinite: true });
    expect(withInf.n).toBe(3);
    expect(withInf.yInf).toBeGreaterThan(1.5);
    expect(evalShotCurve(withInf, Infinity)).toBe(withInf.yInf);
    expect(inverseSqrtShots(Infinity)).toBe(0);
    expect(inverseSqrtShots(100)).toBeCloseTo(0.1, 15);
  });

  it('reports R² = 1 for constant y (k = 0)', () => {
    const fit = fitShotCurve([{ shots: 8, y: 0.3 }, { shots: 32, y: 0.3 }]);
    expect(fit.k).toBe(0);
    expect(fit.yInf).toBe(0.3);
    expect(fit.weightedR2).toBe(1);
  });

  it('rejects bad input with a message naming the argument', () => {
    expect(() => fitShotCurve([{ shots: 8, y: 1 }])).toThrow(/fitShotCurve: points: expected at least 2 points/);
    expect(() => fitShotCurve([{ shots: 8, y: 1 }, { shots: 8, y: 2 }])).toThrow(/at least 2 distinct shot counts/);
    expect(() => fitShotCurve([{ shots: 0, y: 1 }, { shots: 8, y: 2 }])).toThrow(/points\[0\]\.shots: expected a positive number or Infinity, got 0/);
    expect(() => fitShotCurve([{ shots: -Infinity, y: 1 }, { shots: 8, y: 2 }])).toThrow(/points\[0\]\.shots/);
    expect(() => fitShotCurve([{ shots: 4, y: NaN }, { shots: 8, y: 2 }])).toThrow(/points\[0\]\.y: expected a finite number, got NaN/);
    expect(() => fitShotCurve([{ shots: 4, y: 1, variance: -1 }, { shots: 8, y: 2 }])).toThrow(/points\[0\]\.variance: expected a finite number >= 0/);
    expect(() => fitShotCurve([{ shots: Infinity, y: 1 }, { shots: 8, y: 2 }])).toThrow(/at least 2 points with finite shots/);
    expect(() => fitShotCurve('x' as never)).toThrow(/fitShotCurve: points: expected an array/);
  });
});

describe('groupBySeeds', () => {
  it('computes per-S mean and sample variance, sorted with ∞ last', () => {
    const groups = groupBySeeds([
      { shots: Infinity, y: 0.9 },
      { shots: 64, y: 0.8 },
      { shots: 8, y: 0.5 },
      { shots: 64, y: 0.6 },
      { shots: 8, y: 0.7 },
      { shots: 8, y: 0.6 },
    ]);
    expect(groups.map((g) => g.shots)).toEqual([8, 64, Infinity]);
    expect(groups[0]!.mean).toBeCloseTo(0.6, 14);
    expect(groups[0]!.variance).toBeCloseTo(0.01, 14); // ((−.1)² + .1² + 0²)/2
    expect(groups[0]!.n).toBe(3);
    expect(groups[1]!.mean).toBeCloseTo(0.7, 14);
    expect(groups[1]!.variance).toBeCloseTo(0.02, 14);
    expect(groups[1]!.std).toBeCloseTo(Math.sqrt(0.02), 14);
    expect(groups[2]!.n).toBe(1);
    expect(groups[2]!.variance).toBeNaN();
    // Feeds the fit directly; the single-seed ∞ group is ignored without includeInfinite.
    expect(fitShotCurve(groups).weighting).toBe('inverse-variance');
    expect(fitShotCurve(groups, { includeInfinite: true }).weighting).toBe('equal');
  });

  it('rejects bad points', () => {
    expect(() => groupBySeeds([{ shots: 2.5, y: Infinity }])).toThrow(/groupBySeeds: points\[0\]\.y: expected a finite number/);
    expect(() => groupBySeeds([{ shots: NaN, y: 1 }])).toThrow(/groupBySeeds: points\[0\]\.shots/);
    expect(() => groupBySeeds(null as never)).toThrow(/groupBySeeds: points: expected an array/);
  });
});
