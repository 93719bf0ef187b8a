/** Seed statistics: mean, sample standard deviation and the 95% t interval of the mean (@stdlib/stats-ttest). */
import ttest from '@stdlib/stats-ttest';

export interface SeedStats {
  n: number;
  mean: number;
  std: number | null;
  /** 95% interval of the mean (t, n − 1 degrees of freedom); null below 2 seeds. */
  ci: [number, number] | null;
}

/** Seed statistics of `values` (percent or any unit). */
export function seedStats(values: readonly number[]): SeedStats {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { n, mean, std: null, ci: null };
  const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  if (std === 0) return { n, mean, std, ci: [mean, mean] };
  const r = ttest([...values], { alpha: 0.05 });
  return { n, mean, std, ci: [r.ci[0]!, r.ci[1]!] };
}
