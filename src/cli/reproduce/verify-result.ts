/**
 * `pqkd verify --result results/<experiment>/<job>.json`: reruns the job from the config recorded in
 * the file (its teacher from the cache, retrained when absent: the teacher's SHA-256 must match the
 * recorded one), in a temporary directory, and compares the weights' SHA-256, the final metrics and
 * every kept metric line (wall-clock fields excepted). Exit 0 when identical, 1 with the differences.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from '../../pqkd/config.js';
import { executeRun } from '../commands/train.js';
import { deterministicPart } from '../metrics-file.js';
import type { Progress } from '../progress.js';
import { RunDir } from '../run-dir.js';
import { obtainTeacher } from '../teacher-cache.js';
import { canonicalJson } from '../teacher-cache.js';
import { sha256Hex } from '../run-dir.js';
import type { ExperimentDefinition, ExperimentJob } from './experiment.js';
import { buildJobResult, readJobResult, type JobResult } from './result-file.js';
import { CliError } from '../errors.js';
import { isEmaResult, verifyEmaResult } from './ema-job.js';

export interface VerifyResultOptions {
  cacheDir: string;
  threads: number;
  kernels: string;
  progress: Progress;
  keep: boolean;
}

function finalDifferences(a: JobResult, b: JobResult): string[] {
  const out: string[] = [];
  const flat = (r: JobResult): Record<string, unknown> => ({
    ...Object.fromEntries(Object.entries(r.final.student).map(([k, v]) => [`final.student.${k}`, v])),
    ...Object.fromEntries(Object.entries(r.final.teacher).map(([k, v]) => [`final.teacher.${k}`, v])),
    'teacher.sha256': r.teacher.sha256,
    weightsSha256: r.weightsSha256,
  });
  const fa = flat(a);
  const fb = flat(b);
  for (const k of Object.keys(fa)) if (fa[k] !== fb[k]) out.push(`${k}: recorded ${String(fa[k])}, rerun ${String(fb[k])}`);
  const ma = a.metrics.map(deterministicPart);
  const mb = b.metrics.map(deterministicPart);
  if (ma.length !== mb.length) out.push(`metrics: recorded ${ma.length} lines, rerun ${mb.length}`);
  for (let i = 0; i < Math.min(ma.length, mb.length) && out.length < 12; i++) {
    if (ma[i] !== mb[i]) out.push(`metrics line ${i + 1}:\n    recorded ${ma[i]}\n    rerun    ${mb[i]}`);
  }
  return out;
}

/** Reruns the job of `path`; returns the differences (empty when identical) and the rerun's result. */
export async function verifyResult(path: string, o: VerifyResultOptions): Promise<{ differences: string[]; rerun: JobResult | null }> {
  if (isEmaResult(path)) return { differences: await verifyEmaResult(path), rerun: null };
  const recorded = readJobResult(path);
  let config;
  try {
    config = resolveConfig(recorded.config);
  } catch (error) {
    throw new CliError(`${path}: config: ${(error as Error).message}`);
  }
  const configSha256 = sha256Hex(new TextEncoder().encode(canonicalJson(config)));
  const differences: string[] = [];
  if (configSha256 !== recorded.configSha256)
    differences.push(`configSha256: recorded ${recorded.configSha256}, the recorded config hashes to ${configSha256}`);
  const scratch = mkdtempSync(join(tmpdir(), 'pqkd-verify-result-'));
  try {
    const teacher = await obtainTeacher(config, { cacheDir: o.cacheDir, threads: o.threads, kernels: o.kernels, progress: o.progress });
    const out = join(scratch, 'run');
    await executeRun({
      command: 'distill',
      config,
      out,
      resume: false,
      teacherCheckpoint: teacher.file,
      threads: o.threads,
      kernels: o.kernels,
      progress: o.progress,
      report: false,
    });
    const def = { name: recorded.experiment, version: recorded.experimentVersion } as ExperimentDefinition;
    const job: ExperimentJob = { id: recorded.job, overrides: recorded.overrides, seed: recorded.seed, config, configSha256 };
    const rerun = buildJobResult(def, job, new RunDir(out).path, teacher, recorded.codeVersion);
    differences.push(...finalDifferences(recorded, rerun));
    return { differences, rerun };
  } finally {
    if (!o.keep) rmSync(scratch, { recursive: true, force: true });
    else o.progress.log(`rerun kept in ${scratch}`);
  }
}
