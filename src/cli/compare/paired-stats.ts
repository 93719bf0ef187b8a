/**
 * Paired statistics of per-seed differences d_i = x_i − y_i (a comparison arm minus the reference):
 *   mean and sample standard deviation; the paired t-test and its 95% confidence interval
 *   (@stdlib/stats-ttest: mean ± t_{0.975, n−1}·s/√n); the Wilcoxon signed-rank test
 *   (@stdlib/stats-wilcoxon: exact null distribution below 50 pairs, zero differences dropped);
 *   a 95% percentile bootstrap interval of the mean (B resamples of the n differences with
 *   replacement, drawn from one seeded Generator: same seed ⇒ same interval); and Holm's step-down
 *   correction across comparisons (@stdlib/stats-padjust).
 * With n pairs the exact two-sided Wilcoxon p-value cannot go below 2/2^n (0.25 at n = 3).
 */
import ttest from '@stdlib/stats-ttest';
import wilcoxon from '@stdlib/stats-wilcoxon';
import padjust from '@stdlib/stats-padjust';
import { Generator } from '../../tensor/random.js';

export interface PairedStats {
  readonly n: number;
  readonly mean: number;
  readonly sd: number;
  /** Paired t-test: statistic, two-sided p-value and 95% interval of the mean difference. */
  readonly t: { readonly statistic: number; readonly p: number; readonly ci: [number, number] };
  /** Wilcoxon signed-rank two-sided p-value (1 when every difference is 0). */
  readonly wilcoxonP: number;
  /** 95% percentile bootstrap interval of the mean difference. */
  readonly bootstrapCi: [number, number];
  /** Smallest two-sided Wilcoxon p-value attainable with n nonzero pairs. */
  readonly wilcoxonMinP: number;
}

export interface PairedStatsOptions {
  /** Bootstrap resamples (default 10,000). */
  readonly resamples?: number;
  /** Seed of the bootstrap's generator (default 0). */
  readonly seed?: number;
}

/** Statistics of the paired differences `x − y` (equal lengths, at least two pairs). */
export function pairedStats(x: readonly number[], y: readonly number[], options: PairedStatsOptions = {}): PairedStats {
  if (x.length !== y.length) throw new RangeError(`pairedStats: x and y must pair up, got ${x.length} and ${y.length} values`);
  const n = x.length;
  if (n < 2) throw new RangeError(`pairedStats: need at least 2 pairs, got ${n}`);
  const d = x.map((v, i) => v - y[i]!);
  const mean = d.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  let t: PairedStats['t'];
  if (sd === 0) {
    // Constant differences: no variance, the t-test is undefined; report the degenerate interval.
    t = { statistic: mean === 0 ? 0 : Math.sign(mean) * Infinity, p: mean === 0 ? 1 : 0, ci: [mean, mean] };
  } else {
    const r = ttest([...x], [...y], { alpha: 0.05 });
    t = { statistic: r.statistic, p: r.pValue, ci: [r.ci[0]!, r.ci[1]!] };
  }
  const nonzero = d.filter((v) => v !== 0).length;
  // Two-sided exact p-values are doubled one-sided ones; with tied |d| @stdlib can return > 1: cap at 1.
  const wilcoxonP = nonzero === 0 ? 1 : Math.min(1, wilcoxon([...x], [...y]).pValue);
  return { n, mean, sd, t, wilcoxonP, bootstrapCi: bootstrapMeanCi(d, options), wilcoxonMinP: nonzero === 0 ? 1 : Math.min(1, 2 / 2 ** nonzero) };
}

/** 95% percentile bootstrap interval of the mean of `d`. */
export function bootstrapMeanCi(d: readonly number[], options: PairedStatsOptions = {}): [number, number] {
  const resamples = options.resamples ?? 10_000;
  if (!Number.isInteger(resamples) || resamples < 100) throw new RangeError(`bootstrapMeanCi: resamples must be an integer >= 100, got ${resamples}`);
  const gen = new Generator(options.seed ?? 0).fork('bootstrap');
  const n = d.length;
  const means = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += d[Math.min(n - 1, Math.floor(gen.uniform() * n))]!;
    means[b] = s / n;
  }
  means.sort();
  const at = (q: number): number => means[Math.min(resamples - 1, Math.max(0, Math.round(q * (resamples - 1))))]!;
  return [at(0.025), at(0.975)];
}

/** Holm-adjusted p-values (same order as given). */
export function holm(pValues: readonly number[]): number[] {
  if (pValues.length === 0) return [];
  return Array.from(
    padjust(
      pValues.map((p) => Math.min(1, p)),
      'holm',
    ) as ArrayLike<number>,
  );
}
