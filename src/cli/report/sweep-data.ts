/**
 * Tables derived from sweep.json for the sweep charts: the compression–accuracy frontier
 * (docs/method.md §11 claim 3) and accuracy / feature error against shots with the fit
 * δ(S) = δ∞ − k/√S per EMA setting (§10, §11 claims 4–5). Pure functions of parsed data.
 */
import type { PqkdConfig } from '../../pqkd/config.js';
import { fitShotCurve, groupBySeeds, type ShotFit, type ShotGroup } from '../../pqkd/shot-fit.js';
import type { RunResults, SweepResults } from '../run-schema.js';
import { mean } from './chart-types.js';

/** A finished sweep job with results. */
interface DoneJob {
  id: string;
  overrides: Record<string, unknown>;
  results: RunResults;
}

function doneJobs(sweep: SweepResults | null | undefined): DoneJob[] {
  if (!sweep || !Array.isArray(sweep.jobs)) return [];
  return sweep.jobs.flatMap((j) => (j.status === 'finished' && j.results !== null && typeof j.results === 'object'
    ? [{ id: j.id, overrides: j.overrides ?? {}, results: j.results }]
    : []));
}

/** The value of a dotted config key: the job's override, else the base config's value, else null. */
function setting(job: DoneJob, key: string, base: PqkdConfig | null | undefined): unknown {
  if (key in job.overrides) return job.overrides[key];
  let node: unknown = base;
  for (const part of key.split('.')) {
    if (node === null || typeof node !== 'object') return null;
    node = (node as Record<string, unknown>)[part];
  }
  return node ?? null;
}

/** Override keys whose values are not the same in every one of `overrides`. */
function varyingKeys(overrides: readonly Record<string, unknown>[]): string[] {
  const keys = new Set(overrides.flatMap((o) => Object.keys(o)));
  return [...keys].filter((k) => new Set(overrides.map((o) => JSON.stringify(o[k]))).size > 1).sort();
}

function show(v: unknown): string {
  return Array.isArray(v) ? `[${v.join(',')}]` : String(v);
}

function sampleStd(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const m = mean(values);
  return Math.sqrt(values.reduce((acc, v) => acc + (v - m) * (v - m), 0) / (values.length - 1));
}

/** One student configuration of the frontier (seed-averaged). */
export interface FrontierPoint {
  scope: string;
  rank: string;
  width: string;
  loops: string;
  /** Short point label, e.g. "R4" or "R4 w32" when the width varies. */
  label: string;
  /** Conv-block compression (teacher conv-block ÷ (student conv-block + |θ|)). */
  compression: number;
  /** Mean student test accuracy in percent, its sample std across seeds (0 for one seed) and count. */
  accuracy: number;
  std: number;
  n: number;
  /** On the Pareto frontier (no other point has both higher compression and higher accuracy). */
  pareto: boolean;
  /** The override keys whose values differ among the averaged jobs (e.g. ['seed'] or ['photonic.shots']). */
  spreadOver: string[];
}

/** Mean teacher test accuracy (percent) per teacher width, for the reference rule(s). */
export interface TeacherReference {
  width: string;
  accuracy: number;
}

/**
 * Seed-averaged frontier points from a sweep: finished jobs with a student and an accounting,
 * grouped by (scope, rank, teacher width, loop lengths); settings absent from a job's overrides
 * come from `base` (the sweep's config), else show as "?".
 *
 * @example
 * const { points, teachers } = frontierPoints(sweep, manifest?.config);
 */
export function frontierPoints(sweep: SweepResults | null | undefined, base?: PqkdConfig | null): { points: FrontierPoint[]; teachers: TeacherReference[] } {
  const groups = new Map<string, { key: Omit<FrontierPoint, 'label' | 'compression' | 'accuracy' | 'std' | 'n' | 'pareto' | 'spreadOver'>; acc: number[]; comp: number[]; overrides: Record<string, unknown>[] }>();
  const teacherAcc = new Map<string, number[]>();
  for (const job of doneJobs(sweep)) {
    const r = job.results;
    const key = {
      scope: show(setting(job, 'student.scope', base) ?? '?'),
      rank: show(setting(job, 'student.rank', base) ?? '?'),
      width: show(setting(job, 'teacher.width', base) ?? '?'),
      loops: show(setting(job, 'photonic.loopLengths', base) ?? '?'),
    };
    if (r.teacher?.testAccuracy !== null && r.teacher?.testAccuracy !== undefined && Number.isFinite(r.teacher.testAccuracy)) {
      const list = teacherAcc.get(key.width) ?? [];
      list.push(100 * r.teacher.testAccuracy);
      teacherAcc.set(key.width, list);
    }
    if (!r.student || !r.accounting || !Number.isFinite(r.student.testAccuracy) || !(r.accounting.compression > 0)) continue;
    const id = JSON.stringify(key);
    const g = groups.get(id) ?? { key, acc: [], comp: [], overrides: [] };
    g.overrides.push(job.overrides);
    g.acc.push(100 * r.student.testAccuracy);
    g.comp.push(r.accounting.compression);
    groups.set(id, g);
  }
  const widths = new Set([...groups.values()].map((g) => g.key.width));
  const loops = new Set([...groups.values()].map((g) => g.key.loops));
  const points: FrontierPoint[] = [...groups.values()].map((g) => ({
    ...g.key,
    label: `R${g.key.rank}${widths.size > 1 ? ` w${g.key.width}` : ''}${loops.size > 1 ? ` L${g.key.loops}` : ''}`,
    compression: mean(g.comp), accuracy: mean(g.acc), std: sampleStd(g.acc), n: g.acc.length, pareto: false,
    spreadOver: varyingKeys(g.overrides),
  }));
  let best = -Infinity;
  for (const p of [...points].sort((a, b) => b.compression - a.compression || b.accuracy - a.accuracy)) {
    if (p.accuracy > best) {
      p.pareto = true;
      best = p.accuracy;
    }
  }
  points.sort((a, b) => a.compression - b.compression);
  const teachers = [...teacherAcc.entries()].map(([width, acc]) => ({ width, accuracy: mean(acc) }));
  return { points, teachers };
}

export type ShotMetric = 'accuracy' | 'featureRmsError';

/** One fitted series: a feature source × EMA setting × the values of every other varied axis. */
export interface ShotSeries {
  /** e.g. "photonic, EMA on (β=0.9)" or "distinguishable, EMA off, student.rank=2". */
  label: string;
  /** The feature source ('exact' jobs belong to the photonic series as S = ∞). */
  source: string;
  ema: boolean;
  /** The other varied sweep axes (not seed, shots, EMA or feature source) and this series' values. */
  axes: Record<string, unknown>;
  groups: ShotGroup[];
  /** Fit over all shot counts including S = ∞ (x = 0) when present; null when it cannot be fitted. */
  fit: ShotFit | null;
  /** Why there is no fit (e.g. a single shot count). */
  fitError: string | null;
}

/** Sweep axes a shot series runs along or averages over (seeds); every other varied axis splits series. */
const SERIES_AXES = new Set(['seed', 'photonic.shots', 'ema.enabled', 'ema.beta', 'photonic.featureSource']);

/**
 * Statistics of `metric` against shots over the finished jobs of a sweep, one series per feature
 * source, EMA setting and value of every other varied axis — never pooled across them: the
 * student's test accuracy (percent) or the export feature's RMS error, grouped by shot count across
 * seeds, with the weighted fit δ(S) = δ∞ − k/√S (weights 1/var across seeds; equal weights when a
 * variance is unknown). Jobs whose feature source is 'exact' are the photonic circuit at S = ∞ and
 * join the photonic series. `splitBy` lists the other varied axes.
 *
 * @example
 * const { series } = shotScaling(sweep, 'accuracy'); // series[i].fit?.weightedR2
 */
export function shotScaling(sweep: SweepResults | null | undefined, metric: ShotMetric): { series: ShotSeries[]; splitBy: string[] } {
  const splitBy = Object.entries(sweep?.axes ?? {})
    .filter(([key, values]) => !SERIES_AXES.has(key) && Array.isArray(values) && values.length > 1)
    .map(([key]) => key)
    .sort();
  const bySeries = new Map<string, Omit<ShotSeries, 'groups' | 'fit' | 'fitError'> & { points: { shots: number; y: number }[] }>();
  for (const job of doneJobs(sweep)) {
    const r = job.results;
    const shots = r.featureSource === 'exact' ? Infinity : r.shots;
    if (typeof shots !== 'number' || !(shots > 0)) continue;
    const y = metric === 'accuracy' ? (r.student ? 100 * r.student.testAccuracy : NaN) : (r.featureRmsError ?? NaN);
    if (!Number.isFinite(y)) continue;
    const source = r.featureSource === 'exact' ? 'photonic' : String(r.featureSource);
    const axes = Object.fromEntries(splitBy.map((key) => [key, key in job.overrides ? job.overrides[key] : null]));
    const parts = [source, r.ema ? `EMA on (β=${r.emaBeta})` : 'EMA off', ...splitBy.map((key) => `${key}=${show(axes[key])}`)];
    const label = parts.join(', ');
    const entry = bySeries.get(label) ?? { label, source, ema: r.ema, axes, points: [] };
    entry.points.push({ shots, y });
    bySeries.set(label, entry);
  }
  const series = [...bySeries.values()]
    .sort((a, b) => a.source.localeCompare(b.source) || Number(a.ema) - Number(b.ema) || a.label.localeCompare(b.label))
    .map(({ points, ...rest }): ShotSeries => {
      const groups = groupBySeeds(points);
      try {
        return { ...rest, groups, fit: fitShotCurve(groups, { includeInfinite: true }), fitError: null };
      } catch (error) {
        return { ...rest, groups, fit: null, fitError: (error as Error).message };
      }
    });
  return { series, splitBy };
}
