/**
 * Shot-noise scaling fits (docs/method.md §10, §11 claim 4): a quantity measured at shot count S
 * (test accuracy, feature RMS error) is modelled as
 *
 *   y(S) = y∞ − k/√S,   i.e. linear in x = 1/√S:  y = y∞ − k·x   (S = ∞ ↦ x = 0).
 *
 * `fitShotCurve` is weighted least squares over the points, minimising Σ wᵢ (yᵢ − y∞ + k·xᵢ)², with
 * wᵢ = 1/varᵢ (the variance of yᵢ across seeds). Closed form with weighted means x̄ = Σwx/Σw,
 * ȳ = Σwy/Σw:  slope b = Σw(x−x̄)(y−ȳ) / Σw(x−x̄)²,  k = −b,  y∞ = ȳ − b·x̄.
 * Weighted goodness of fit: R²_w = 1 − Σw(y−ŷ)² / Σw(y−ȳ)² (the same weights in both sums).
 * Cost O(n); sums run in the input order (deterministic).
 *
 * Pure: no Node built-ins, no randomness.
 */
import { isArray } from '../tensor/shape.js';

/** One measurement (or a seed-mean) at a shot count. `shots` is a positive count or `Infinity`. */
export interface ShotPoint {
  shots: number;
  y: number;
  /** Variance of `y` across seeds; 0, NaN or undefined means unknown (see `fitShotCurve`). */
  variance?: number;
}

export interface ShotFitOptions {
  /** Include S = ∞ points (as x = 0). Default false: they are ignored, only finite S are fitted. */
  includeInfinite?: boolean;
}

export interface ShotFit {
  /** y∞: the fitted value at S = ∞. */
  yInf: number;
  /** k in y(S) = y∞ − k/√S (k > 0 when y grows with S, k < 0 when it shrinks, e.g. an error). */
  k: number;
  /** Weighted R² (1 when the fit is exact, including the degenerate case of constant y). */
  weightedR2: number;
  /** Number of points fitted. */
  n: number;
  /** 'inverse-variance' (wᵢ = 1/varᵢ) or 'equal' (the fallback when any variance is 0 or unknown). */
  weighting: 'inverse-variance' | 'equal';
}

function fail(argument: string, expected: string, got: unknown): never {
  const shown = typeof got === 'number' ? String(got) : JSON.stringify(got);
  throw new RangeError(`fitShotCurve: ${argument}: expected ${expected}, got ${shown}`);
}

function checkShots(fn: string, where: string, shots: unknown): void {
  const ok = typeof shots === 'number' && (shots === Infinity || (Number.isFinite(shots) && shots > 0));
  if (!ok) throw new RangeError(`${fn}: ${where}.shots: expected a positive number or Infinity, got ${String(shots)}`);
}

/** x = 1/√S, with S = ∞ ↦ 0. */
export function inverseSqrtShots(shots: number): number {
  return shots === Infinity ? 0 : 1 / Math.sqrt(shots);
}

/** The fitted curve's value at S (S = ∞ gives y∞). */
export function evalShotCurve(fit: Pick<ShotFit, 'yInf' | 'k'>, shots: number): number {
  return fit.yInf - fit.k * inverseSqrtShots(shots);
}

/**
 * Weighted least-squares fit of y(S) = y∞ − k/√S.
 *
 * Weights: 1/variance. If ANY fitted point has a variance that is 0, negative-zero, NaN or missing
 * (e.g. a single seed, or seeds that agree exactly), inverse-variance weights are undefined or
 * infinite, and the whole fit falls back to equal weights (`weighting: 'equal'`): mixing 1/var with
 * placeholder weights would put the points on arbitrary relative scales.
 * Errors: fewer than 2 points, fewer than 2 distinct shot counts, non-finite y, negative or infinite
 * variance, shots that are not positive (or ∞).
 *
 * @example
 * const fit = fitShotCurve([{ shots: 16, y: 0.9 }, { shots: 64, y: 0.95 }, { shots: 256, y: 0.975 }]);
 * // fit.yInf ≈ 1, fit.k ≈ 0.4, fit.weightedR2 = 1, fit.weighting === 'equal'
 */
export function fitShotCurve(points: readonly ShotPoint[], options: ShotFitOptions = {}): ShotFit {
  if (!isArray(points)) fail('points', 'an array of { shots, y, variance? }', points);
  const includeInfinite = options.includeInfinite ?? false;
  const xs: number[] = [];
  const ys: number[] = [];
  const vs: (number | undefined)[] = [];
  points.forEach((p, i) => {
    checkShots('fitShotCurve', `points[${i}]`, p?.shots);
    if (typeof p.y !== 'number' || !Number.isFinite(p.y)) fail(`points[${i}].y`, 'a finite number', p.y);
    const v = p.variance;
    if (v !== undefined && (typeof v !== 'number' || v < 0 || v === Infinity)) {
      fail(`points[${i}].variance`, 'a finite number >= 0 (or undefined/NaN for unknown)', v);
    }
    if (p.shots === Infinity && !includeInfinite) return;
    xs.push(inverseSqrtShots(p.shots));
    ys.push(p.y);
    vs.push(v);
  });
  const n = xs.length;
  if (n < 2) fail('points', `at least 2 points${includeInfinite ? '' : ' with finite shots'}`, `${n}`);
  const known = vs.every((v) => v !== undefined && Number.isFinite(v) && v > 0);
  const w = vs.map((v) => (known ? 1 / v! : 1));
  let sw = 0;
  let swx = 0;
  let swy = 0;
  for (let i = 0; i < n; i++) {
    sw += w[i]!;
    swx += w[i]! * xs[i]!;
    swy += w[i]! * ys[i]!;
  }
  const xMean = swx / sw;
  const yMean = swy / sw;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i]! - xMean;
    const dy = ys[i]! - yMean;
    sxx += w[i]! * dx * dx;
    sxy += w[i]! * dx * dy;
    syy += w[i]! * dy * dy;
  }
  if (!(sxx > 0)) fail('points', 'at least 2 distinct shot counts', [...new Set(points.map((p) => p.shots))]);
  const slope = sxy / sxx;
  const yInf = yMean - slope * xMean;
  let sse = 0;
  for (let i = 0; i < n; i++) {
    const r = ys[i]! - (yInf + slope * xs[i]!);
    sse += w[i]! * r * r;
  }
  // Constant y: the fit is exact (sse = 0); report R² = 1 (the scikit-learn r2_score convention).
  const weightedR2 = syy > 0 ? 1 - sse / syy : 1;
  return { yInf, k: 0 - slope, weightedR2, n, weighting: known ? 'inverse-variance' : 'equal' };
}

/** Seed statistics of one shot count. */
export interface ShotGroup {
  shots: number;
  mean: number;
  /** Sample variance (divisor n − 1); NaN for a single seed (unknown). */
  variance: number;
  /** √variance (NaN for a single seed). */
  std: number;
  /** Number of seeds (points) in the group. */
  n: number;
}

/**
 * Groups measurements by shot count (one point per seed) into mean and sample variance, sorted by
 * ascending shots (∞ last). The result feeds `fitShotCurve` directly (`y` = mean).
 *
 * @example
 * groupBySeeds([{ shots: 8, y: 0.5 }, { shots: 8, y: 0.7 }, { shots: Infinity, y: 0.9 }]);
 * // [{ shots: 8, mean: 0.6, variance: 0.02, std: 0.141…, n: 2, y: 0.6 }, { shots: Infinity, …, variance: NaN, n: 1 }]
 */
export function groupBySeeds(points: readonly { shots: number; y: number }[]): (ShotGroup & ShotPoint)[] {
  if (!isArray(points)) throw new RangeError(`groupBySeeds: points: expected an array of { shots, y }, got ${JSON.stringify(points)}`);
  const groups = new Map<number, number[]>();
  points.forEach((p, i) => {
    checkShots('groupBySeeds', `points[${i}]`, p?.shots);
    if (typeof p.y !== 'number' || !Number.isFinite(p.y)) {
      throw new RangeError(`groupBySeeds: points[${i}].y: expected a finite number, got ${String(p.y)}`);
    }
    const list = groups.get(p.shots);
    if (list) list.push(p.y);
    else groups.set(p.shots, [p.y]);
  });
  return [...groups.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([shots, values]) => {
      const n = values.length;
      let sum = 0;
      for (const v of values) sum += v;
      const mean = sum / n;
      let ss = 0;
      for (const v of values) ss += (v - mean) * (v - mean);
      const variance = n > 1 ? ss / (n - 1) : NaN;
      return { shots, mean, variance, std: Math.sqrt(variance), n, y: mean };
    });
}
