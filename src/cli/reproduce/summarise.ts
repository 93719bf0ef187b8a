/**
 * The summaries of `pqkd reproduce --summarise`, computed from the committed result files alone
 * (results/<experiment>/<job>.json) and the experiment definitions: per configuration, seed
 * statistics (mean, sample std, 95% t interval via @stdlib/stats-ttest) of the student's and the
 * teacher's test accuracy next to the paper's value; the paired comparisons of `pqkd compare` for
 * the controls (compareArms, the same code and statistics); the δ(S) fits and the frontier through
 * the sweep report's own functions (shotScaling, frontierPoints), fed with the results as a sweep.
 * Everything is sorted, so the same files give the same bytes.
 */
import { compareArms, type CompareResult } from '../compare/compare.js';
import { armOf, type ArmRun } from '../compare/load.js';
import { frontierPoints, shotScaling, type FrontierPoint } from '../report/sweep-data.js';
import type { SweepResults } from '../run-schema.js';
import { experimentJobs, type ExperimentDefinition, type PaperValue } from './experiment.js';
import type { JobResult } from './result-file.js';
import { seedStats, type SeedStats } from './seed-stats.js';

export { seedStats, type SeedStats };

/** One (S, β) of an 'ema-ratio' experiment: the measured variance ratios over seeds. */
export interface EmaRow {
  shots: number;
  beta: number;
  seeds: number[];
  medianRatio: SeedStats;
  ratio: SeedStats;
  theory: number;
  finiteWindow: number;
}

export interface ConfigRow {
  /** The job's grid overrides without the seed, e.g. "rank=4,scope=full" ('' for none). */
  setting: string;
  seeds: number[];
  student: SeedStats;
  compiled: SeedStats;
  teacher: SeedStats;
  gap: SeedStats;
  compression: number | null;
}

export interface ExperimentSummary {
  experiment: string;
  version: number;
  title: string;
  kind: ExperimentDefinition['summary'];
  jobsDone: number;
  jobsTotal: number;
  machines: string[];
  /** Wall hours: students (sum over jobs) and teachers (each distinct teacher once). */
  wallHours: { students: number; teachers: number };
  rows: ConfigRow[];
  paper: { source: string; values: PaperValue[] };
  comparison?: CompareResult | { error: string };
  shots?: ReturnType<typeof shotScaling>;
  frontier?: { points: FrontierPoint[]; teachers: { width: string; accuracy: number }[] };
  /** 'ema-ratio': per (S, β), the measured variance ratios over seeds. */
  ema?: EmaRow[];
}

function settingOf(overrides: Record<string, unknown>): string {
  return Object.entries(overrides)
    .map(([k, v]) => `${k.split('.').pop()}=${Array.isArray(v) ? `[${v.join(',')}]` : String(v)}`)
    .join(',');
}

/** The results as a sweep (what the sweep report's frontier and shot-fit functions read). */
export function asSweep(results: readonly JobResult[]): SweepResults {
  const axes: Record<string, unknown[]> = {};
  for (const r of results) {
    for (const [k, v] of Object.entries({ ...r.overrides, seed: r.seed })) {
      const list = axes[k] ?? [];
      if (!list.some((x) => JSON.stringify(x) === JSON.stringify(v))) list.push(v);
      axes[k] = list;
    }
  }
  return { axes, jobs: results.map((r) => ({ id: r.job, overrides: { ...r.overrides, seed: r.seed }, status: 'finished', results: r.run })) };
}

function testLoss(r: JobResult): number {
  return r.final.student.testLoss ?? NaN;
}

/** The summary of one experiment from its result files (any order: they are sorted by job id). */
export function summarizeExperiment(def: ExperimentDefinition, files: readonly JobResult[]): ExperimentSummary {
  const results = [...files].sort((a, b) => (a.job < b.job ? -1 : a.job > b.job ? 1 : 0));
  const groups = new Map<string, JobResult[]>();
  for (const r of results) {
    const key = settingOf(r.overrides);
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const pct = (rs: JobResult[], f: (r: JobResult) => number | null): SeedStats => seedStats(rs.map((r) => 100 * (f(r) ?? NaN)));
  const rows: ConfigRow[] = [...groups.entries()]
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([setting, rs]) => ({
      setting,
      seeds: rs.map((r) => r.seed).sort((a, b) => a - b),
      student: pct(rs, (r) => r.final.student.testAccuracy),
      compiled: pct(rs, (r) => r.final.student.compiledTestAccuracy),
      teacher: pct(rs, (r) => r.final.teacher.testAccuracy),
      gap: pct(rs, (r) => r.final.student.testAccuracy - (r.final.teacher.testAccuracy ?? NaN)),
      compression: rs[0]!.run.accounting?.compression ?? null,
    }));
  const teachers = new Map<string, number>();
  for (const r of results) teachers.set(r.teacher.sha256, r.teacher.wallSeconds);
  const summary: ExperimentSummary = {
    experiment: def.name,
    version: def.version,
    title: def.title,
    kind: def.summary,
    jobsDone: results.length,
    jobsTotal: experimentJobs(def).length,
    machines: [...new Set(results.map((r) => `${r.machine.cpu}, ${r.machine.threads} thread(s), ${r.machine.kernels} kernels`))].sort(),
    wallHours: {
      students: results.reduce((a, r) => a + r.wallSeconds, 0) / 3600,
      teachers: [...teachers.values()].reduce((a, b) => a + b, 0) / 3600,
    },
    rows,
    paper: def.paper,
  };
  const sweep = asSweep(results);
  if (def.summary === 'controls') {
    const runs: ArmRun[] = results.map((r) => ({
      arm: armOf(r.config),
      seed: r.seed,
      accuracy: 100 * r.final.student.testAccuracy,
      loss: testLoss(r),
      dir: r.job,
    }));
    try {
      summary.comparison = compareArms(runs, def.reference ?? 'photonic', { resamples: 10_000, seed: 0, sweeps: [`results/${def.name}`] });
    } catch (error) {
      summary.comparison = { error: (error as Error).message };
    }
  }
  if (def.summary === 'shots-ema') summary.shots = shotScaling(sweep, 'accuracy');
  if (def.summary === 'frontier') summary.frontier = frontierPoints(sweep);
  return summary;
}
