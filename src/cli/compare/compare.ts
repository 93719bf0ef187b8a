/**
 * The paired comparison of a sweep's arms against a reference arm (per-seed differences in test
 * accuracy and test loss, see paired-stats.ts), its table and its JSON form (compare.json).
 */
import { CliError } from '../errors.js';
import type { ArmRun } from './load.js';
import { holm, pairedStats, type PairedStats } from './paired-stats.js';

export type CompareMetric = 'accuracy' | 'loss';

export interface Comparison extends PairedStats {
  readonly arm: string;
  readonly metric: CompareMetric;
  readonly seeds: number[];
  readonly armMean: number;
  readonly referenceMean: number;
  /** Holm-adjusted p-values across the comparisons of this metric. */
  readonly tPHolm: number;
  readonly wilcoxonPHolm: number;
}

export interface CompareResult {
  readonly reference: string;
  readonly sweeps: string[];
  readonly resamples: number;
  readonly bootstrapSeed: number;
  readonly comparisons: Comparison[];
}

/** Runs the comparisons; refuses input that does not pair (naming the arm and the seeds). */
export function compareArms(runs: readonly ArmRun[], reference: string, options: { resamples: number; seed: number; sweeps: string[] }): CompareResult {
  const byArm = new Map<string, Map<number, ArmRun>>();
  for (const r of runs) {
    const arm = byArm.get(r.arm) ?? new Map<number, ArmRun>();
    if (arm.has(r.seed))
      throw new CliError(`compare: arm '${r.arm}' has two runs with seed ${r.seed} (${arm.get(r.seed)!.dir} and ${r.dir}); give each sweep once`);
    arm.set(r.seed, r);
    byArm.set(r.arm, arm);
  }
  const ref = byArm.get(reference);
  if (!ref) throw new CliError(`compare: --reference '${reference}' has no finished runs (arms: ${[...byArm.keys()].join(', ') || 'none'})`);
  const refSeeds = [...ref.keys()].sort((a, b) => a - b);
  if (refSeeds.length < 2)
    throw new CliError(`compare: the reference '${reference}' has ${refSeeds.length} seed (${refSeeds.join(', ')}); a paired comparison needs at least 2`);
  const others = [...byArm.keys()].filter((a) => a !== reference).sort();
  if (others.length === 0) throw new CliError(`compare: only the reference arm '${reference}' is present; nothing to compare`);
  for (const arm of others) {
    const seeds = [...byArm.get(arm)!.keys()].sort((a, b) => a - b);
    if (seeds.join(',') !== refSeeds.join(',')) {
      throw new CliError(
        `compare: arm '${arm}' has seeds [${seeds.join(', ')}] and the reference '${reference}' has [${refSeeds.join(', ')}]: they do not pair`,
      );
    }
  }
  const comparisons: Comparison[] = [];
  for (const metric of ['accuracy', 'loss'] as const) {
    const rows = others.map((arm) => {
      const a = byArm.get(arm)!;
      const x = refSeeds.map((s) => a.get(s)![metric]);
      const y = refSeeds.map((s) => ref.get(s)![metric]);
      const stats = pairedStats(x, y, { resamples: options.resamples, seed: options.seed });
      return { arm, x, y, stats };
    });
    const tAdj = holm(rows.map((r) => r.stats.t.p));
    const wAdj = holm(rows.map((r) => r.stats.wilcoxonP));
    rows.forEach((r, i) => {
      comparisons.push({
        ...r.stats,
        arm: r.arm,
        metric,
        seeds: refSeeds,
        armMean: r.x.reduce((p, q) => p + q, 0) / r.x.length,
        referenceMean: r.y.reduce((p, q) => p + q, 0) / r.y.length,
        tPHolm: tAdj[i]!,
        wilcoxonPHolm: wAdj[i]!,
      });
    });
  }
  return { reference, sweeps: options.sweeps, resamples: options.resamples, bootstrapSeed: options.seed, comparisons };
}

const fmt = (v: number, digits: number): string => (v >= 0 ? '+' : '') + v.toFixed(digits);
const fp = (p: number): string => (p < 0.001 ? p.toExponential(1) : p.toFixed(3));

/** The stdout table. */
export function formatComparison(r: CompareResult): string {
  const lines: string[] = [];
  const n = r.comparisons[0]?.n ?? 0;
  lines.push(
    `paired differences (arm − ${r.reference}) over ${n} seeds; p-values Holm-corrected across the ${r.comparisons.length / 2} comparisons of each metric`,
  );
  for (const metric of ['accuracy', 'loss'] as const) {
    const digits = metric === 'accuracy' ? 2 : 4;
    lines.push('', metric === 'accuracy' ? 'test accuracy (percentage points)' : 'test loss (cross-entropy)');
    const header = ['arm', 'n', 'arm mean', 'ref mean', 'mean diff', '95% CI (t)', '95% CI (bootstrap)', 'p t', 'p t Holm', 'p Wilcoxon', 'p W Holm'];
    const rows = r.comparisons
      .filter((c) => c.metric === metric)
      .map((c) => [
        c.arm,
        String(c.n),
        c.armMean.toFixed(digits),
        c.referenceMean.toFixed(digits),
        fmt(c.mean, digits),
        `[${fmt(c.t.ci[0], digits)}, ${fmt(c.t.ci[1], digits)}]`,
        `[${fmt(c.bootstrapCi[0], digits)}, ${fmt(c.bootstrapCi[1], digits)}]`,
        fp(c.t.p),
        fp(c.tPHolm),
        fp(c.wilcoxonP),
        fp(c.wilcoxonPHolm),
      ]);
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
    lines.push(header.map((h, i) => h.padEnd(widths[i]!)).join('  '));
    for (const row of rows) lines.push(row.map((v, i) => v.padEnd(widths[i]!)).join('  '));
  }
  const minP = r.comparisons[0]?.wilcoxonMinP;
  if (minP !== undefined && minP > 0.05) lines.push('', `note: with ${n} seeds the exact two-sided Wilcoxon p-value cannot go below ${minP.toFixed(3)}`);
  lines.push(`bootstrap: ${r.resamples} resamples, seed ${r.bootstrapSeed}`);
  return lines.join('\n');
}
