/**
 * results/<experiment>/<job>.json: the small, committed record of one finished reproduce job, built
 * from its run directory (which stays out of git) and the cached teacher's entry. Written atomically.
 */
import { cpus } from 'node:os';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PqkdConfig } from '../../pqkd/config.js';
import { CliError } from '../errors.js';
import { writeJsonAtomic } from '../fs-atomic.js';
import { RunDir } from '../run-dir.js';
import type { MetricLine, RunResults } from '../run-schema.js';
import type { CachedTeacher } from '../teacher-cache.js';
import type { ExperimentDefinition, ExperimentJob } from './experiment.js';

export const RESULT_FORMAT = 'pqkd-reproduce-result/1';

/** The metric lines a result keeps: per-epoch lines, SPSA block summaries and the final evaluations. */
export type KeptMetric = Extract<MetricLine, { kind: 'epoch' | 'eval' | 'spsa-block' }>;

/** What every result file says about its job: which experiment, grid point, seed, config and code. */
export interface JobIdentity {
  experiment: string;
  experimentVersion: number;
  job: string;
  overrides: Record<string, unknown>;
  seed: number;
  config: PqkdConfig;
  configSha256: string;
  codeVersion: string;
}

export interface JobResult extends JobIdentity {
  format: typeof RESULT_FORMAT;
  codeCommit: string | null;
  teacher: { sha256: string; cacheKey: string; testAccuracy: number | null; wallSeconds: number; metrics: KeptMetric[] };
  metrics: KeptMetric[];
  final: {
    teacher: { testAccuracy: number | null; testLoss: number | null; valAccuracy: number | null };
    student: {
      testAccuracy: number;
      testLoss: number | null;
      valAccuracy: number;
      valLoss: number | null;
      compiledTestAccuracy: number;
      exactFeatureTestAccuracy: number | null;
    };
  };
  /** The run's results.json without the 512-value feature vectors. */
  run: RunResults;
  weightsSha256: string;
  machine: { cpu: string; threads: number; kernels: string; node: string; platform: string };
  wallSeconds: number;
}

function kept(lines: MetricLine[]): KeptMetric[] {
  return lines.filter((l): l is KeptMetric => l.kind === 'epoch' || l.kind === 'eval' || l.kind === 'spsa-block');
}

function evalLoss(lines: KeptMetric[], phase: string): number | null {
  const l = lines.find((m) => m.kind === 'eval' && m.phase === phase && m.split === 'test');
  return l && l.kind === 'eval' ? l.loss : null;
}

/** The result record of a finished job run directory. */
export function buildJobResult(def: ExperimentDefinition, job: ExperimentJob, runDir: string, teacher: CachedTeacher, codeVersion: string): JobResult {
  const run = new RunDir(runDir);
  const manifest = run.readManifest();
  const results = run.readResults();
  if (!results || !results.student) throw new CliError(`${runDir}: not a finished distill run (no results.json with a student)`);
  const metrics = kept(run.readMetrics());
  const teacherMetrics = existsSync(join(teacher.dir, 'metrics.jsonl')) ? kept(new RunDir(teacher.dir).readMetrics()) : [];
  const lastStudentEpoch = [...metrics].reverse().find((m) => m.kind === 'epoch' && m.phase === 'student');
  return {
    format: RESULT_FORMAT,
    experiment: def.name,
    experimentVersion: def.version,
    job: job.id,
    overrides: job.overrides,
    seed: job.seed,
    config: manifest.config,
    configSha256: job.configSha256,
    codeCommit: manifest.gitCommit,
    codeVersion,
    teacher: {
      sha256: teacher.sha256,
      cacheKey: teacher.key,
      testAccuracy: teacher.entry.teacherTestAccuracy,
      wallSeconds: teacher.entry.wallSeconds,
      metrics: teacherMetrics,
    },
    metrics,
    final: {
      teacher: { testAccuracy: results.teacher.testAccuracy, testLoss: evalLoss(metrics, 'teacher'), valAccuracy: results.teacher.valAccuracy },
      student: {
        testAccuracy: results.student.testAccuracy,
        testLoss: evalLoss(metrics, 'student'),
        valAccuracy: results.student.valAccuracy,
        valLoss: lastStudentEpoch && lastStudentEpoch.kind === 'epoch' ? lastStudentEpoch.valLoss : null,
        compiledTestAccuracy: results.student.compiledTestAccuracy,
        exactFeatureTestAccuracy: results.student.exactFeatureTestAccuracy,
      },
    },
    run: { ...results, exportFeature: [], exactFeature: null },
    weightsSha256: results.weightsSha256,
    machine: {
      cpu: cpus()[0]?.model.trim() ?? 'unknown',
      threads: manifest.threads,
      kernels: manifest.kernels,
      node: manifest.node,
      platform: manifest.platform,
    },
    wallSeconds: results.wallSeconds,
  };
}

export function writeJobResult(path: string, result: JobResult): void {
  writeJsonAtomic(path, result);
}

/** Reads and checks a result file (a usage error naming the file and field when it is not one). */
export function readJobResult(path: string): JobResult {
  if (!existsSync(path)) throw new CliError(`${path}: no such result file`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new CliError(`${path}: not valid JSON: ${(error as Error).message}`);
  }
  const r = raw as Partial<JobResult> | null;
  if (!r || typeof r !== 'object' || r.format !== RESULT_FORMAT)
    throw new CliError(`${path}: format: expected '${RESULT_FORMAT}', got ${JSON.stringify(r?.format ?? null)}`);
  for (const f of ['experiment', 'job', 'configSha256', 'weightsSha256'] as const) {
    if (typeof r[f] !== 'string') throw new CliError(`${path}: ${f}: expected a string, got ${JSON.stringify(r[f] ?? null)}`);
  }
  if (!r.config || typeof r.config !== 'object') throw new CliError(`${path}: config: expected an object`);
  if (!r.final?.student || typeof r.final.student.testAccuracy !== 'number') throw new CliError(`${path}: final.student.testAccuracy: expected a number`);
  if (!r.run || typeof r.run !== 'object') throw new CliError(`${path}: run: expected an object`);
  if (!Array.isArray(r.metrics)) throw new CliError(`${path}: metrics: expected a list`);
  return r as JobResult;
}
