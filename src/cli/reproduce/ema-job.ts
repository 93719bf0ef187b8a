/**
 * The jobs of an 'ema-ratio' experiment: not distill runs but `pqkd ema-stats` measurements (the EMA
 * variance ratio Var(φ̄)/Var(φ̂) of the photonic feature at the θ₀ of the job's seed, for the job's
 * shots S and β, on its circuit), run in this process; their result files, statistics and rerun check.
 */
import { cpus } from 'node:os';
import { existsSync, readFileSync } from 'node:fs';
import type { PqkdConfig } from '../../pqkd/config.js';
import { emaStatsCommand } from '../commands/ema-stats.js';
import { CliError } from '../errors.js';
import { experimentJobs, type ExperimentDefinition, type ExperimentJob } from './experiment.js';
import type { JobIdentity } from './result-file.js';
import type { EmaRow, ExperimentSummary } from './summarise.js';
import { seedStats } from './seed-stats.js';

export const EMA_RESULT_FORMAT = 'pqkd-reproduce-ema/1';

/** What `pqkd ema-stats --json` prints (the fields used here). */
interface EmaStatsOutput {
  results: { shots: number; beta: number; theory: number; finiteWindow: number; ratio: { mean: number; standardError: number }; medianRatio: { mean: number; standardError: number } }[];
}

export interface EmaJobResult extends JobIdentity {
  format: typeof EMA_RESULT_FORMAT;
  /** The ema-stats arguments (besides the config's shots, β, seed, modes, loops). */
  measure: { steps: number; windows: number; burnIn: number };
  measurement: EmaStatsOutput;
  machine: { cpu: string };
  wallSeconds: number;
}

/** The ema-stats arguments of a job. */
function emaArgs(c: PqkdConfig, m: EmaJobResult['measure']): string[] {
  return [
    '--shots', String(c.photonic.shots), '--beta', String(c.ema.beta), '--seed', String(c.seed), '--modes', String(c.photonic.modes),
    '--loops', c.photonic.loopLengths.join(','), '--steps', String(m.steps), '--windows', String(m.windows), '--burn-in', String(m.burnIn), '--json',
  ];
}

/** Runs one measurement (deterministic: same job, same numbers). */
export async function runEmaJob(def: ExperimentDefinition, job: ExperimentJob, code: string): Promise<EmaJobResult> {
  const measure = def.emaStats ?? { steps: 2000, windows: 8, burnIn: 50 };
  const started = Date.now();
  let printed = '';
  await emaStatsCommand(emaArgs(job.config, measure), { print: (t) => (printed += t), kernels: () => 'js' });
  return {
    format: EMA_RESULT_FORMAT, experiment: def.name, experimentVersion: def.version, job: job.id, overrides: job.overrides, seed: job.seed,
    config: job.config, configSha256: job.configSha256, codeVersion: code, measure, measurement: JSON.parse(printed) as EmaStatsOutput,
    machine: { cpu: cpus()[0]?.model.trim() ?? 'unknown' }, wallSeconds: (Date.now() - started) / 1000,
  };
}

export function readEmaResult(path: string): EmaJobResult {
  if (!existsSync(path)) throw new CliError(`${path}: no such result file`);
  let r: Partial<EmaJobResult> | null;
  try {
    r = JSON.parse(readFileSync(path, 'utf8')) as Partial<EmaJobResult>;
  } catch (error) {
    throw new CliError(`${path}: not valid JSON: ${(error as Error).message}`);
  }
  if (!r || r.format !== EMA_RESULT_FORMAT) throw new CliError(`${path}: format: expected '${EMA_RESULT_FORMAT}', got ${JSON.stringify(r?.format ?? null)}`);
  if (!Array.isArray(r.measurement?.results) || typeof r.configSha256 !== 'string') throw new CliError(`${path}: measurement.results: expected a list`);
  return r as EmaJobResult;
}

/** Per (S, β): the median-over-dimensions ratio (the paper's statistic) and the pooled ratio over seeds. */
export function emaRows(files: readonly EmaJobResult[]): EmaRow[] {
  const groups = new Map<string, EmaJobResult[]>();
  for (const f of files) {
    const key = `${f.config.photonic.shots}/${f.config.ema.beta}`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  return [...groups.values()]
    .map((fs) => {
      const first = fs[0]!.measurement.results[0]!;
      return {
        shots: first.shots, beta: first.beta, seeds: fs.map((f) => f.seed).sort((a, b) => a - b),
        medianRatio: seedStats(fs.map((f) => f.measurement.results[0]!.medianRatio.mean)),
        ratio: seedStats(fs.map((f) => f.measurement.results[0]!.ratio.mean)),
        theory: first.theory, finiteWindow: first.finiteWindow,
      };
    })
    .sort((a, b) => a.shots - b.shots || a.beta - b.beta);
}

/** A rerun's differences from a recorded ema result (empty when identical). */
export async function verifyEmaResult(path: string): Promise<string[]> {
  const recorded = readEmaResult(path);
  const def = { name: recorded.experiment, version: recorded.experimentVersion, emaStats: recorded.measure } as ExperimentDefinition;
  const job: ExperimentJob = { id: recorded.job, overrides: recorded.overrides, seed: recorded.seed, config: recorded.config, configSha256: recorded.configSha256 };
  const rerun = await runEmaJob(def, job, recorded.codeVersion);
  const a = JSON.stringify(recorded.measurement);
  const b = JSON.stringify(rerun.measurement);
  return a === b ? [] : [`measurement: recorded ${a.slice(0, 200)}…, rerun ${b.slice(0, 200)}…`];
}

/** Whether a file is an ema result (by its format field; unreadable files are not). */
export function isEmaResult(path: string): boolean {
  try {
    return (JSON.parse(readFileSync(path, 'utf8')) as { format?: unknown }).format === EMA_RESULT_FORMAT;
  } catch {
    return false;
  }
}

/** The summary of an 'ema-ratio' experiment. */
export function summarizeEma(def: ExperimentDefinition, files: readonly EmaJobResult[]): ExperimentSummary {
  const sorted = [...files].sort((a, b) => (a.job < b.job ? -1 : a.job > b.job ? 1 : 0));
  return {
    experiment: def.name, version: def.version, title: def.title, kind: def.summary, jobsDone: sorted.length, jobsTotal: experimentJobs(def).length,
    machines: [...new Set(sorted.map((f) => f.machine.cpu))].sort(), wallHours: { students: sorted.reduce((a, f) => a + f.wallSeconds, 0) / 3600, teachers: 0 },
    rows: [], paper: def.paper, ema: emaRows(sorted),
  };
}
