/**
 * `pqkd sweep`: a grid of distill runs as independent jobs in <out>/jobs/<id>/, each from the cached
 * teacher of its configuration (teacher-cache.ts; shared across sweeps). Rerunning the same command skips
 * finished jobs and resumes interrupted ones; sweep.json collects every job's results. With
 * --queue redis://… the teachers are trained here (cached in <out>/teachers unless --teacher-cache is
 * given, so workers that share the sweep directory see them) and the distill jobs go to a BullMQ queue that
 * `pqkd worker` processes run (src/cli/queue/, loaded only then; docs/distributed.md).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { PqkdConfig } from '../../pqkd/config.js';
import { buildConfig, formatHelp, mergeDeep, parseArgs, type FlagSpec } from '../args.js';
import { CliError } from '../errors.js';
import { configPathParts, rejectPrototypeKeys, setConfigPath } from '../config-paths.js';
import { ensureDirectory, RunDir } from '../run-dir.js';
import { requireRunFits } from '../resources.js';
import { writeJsonAtomic } from '../fs-atomic.js';
import { outputMode, Progress } from '../progress.js';
import type { SweepJob, SweepResults } from '../run-schema.js';
import { applyThreads, type CommandContext } from './context.js';
import { DISTILL_COMMAND_FLAGS } from './run-commands.js';
import { executeRun, writeRunReport } from './train.js';
import { InterruptedError } from '../interrupt.js';
import { parseRedisUrl } from '../queue/redis-url.js';
import type { QueuedJob } from '../queue/submit.js';
import { queueName, QUEUE_FLAG, QUEUE_NAME_FLAG } from './worker.js';
import { obtainTeacher, teacherCacheDir } from '../teacher-cache.js';

const GRID: FlagSpec = {
  name: 'grid',
  type: 'string',
  help: 'JSON object of config paths to value lists, e.g. {"student.rank":[2,4],"photonic.shots":[16,200]}',
};
const SWEEP_FLAGS = [...DISTILL_COMMAND_FLAGS.filter((f) => f.name !== 'resume' && f.name !== 'teacher'), GRID, QUEUE_FLAG, QUEUE_NAME_FLAG];

/** Parses and checks --grid (paths against the config schema, no prototype keys) before anything is created. */
export function parseGrid(raw: unknown): Record<string, unknown[]> {
  if (typeof raw !== 'string') throw new CliError('--grid: required, e.g. --grid \'{"student.rank":[2,4]}\'');
  let grid: unknown;
  try {
    grid = JSON.parse(raw);
  } catch (error) {
    throw new CliError(`--grid: not valid JSON: ${(error as Error).message}`);
  }
  if (grid === null || typeof grid !== 'object' || Array.isArray(grid)) throw new CliError('--grid: expected a JSON object of path → list of values');
  const out: Record<string, unknown[]> = {};
  for (const [path, values] of Object.entries(grid)) {
    configPathParts(path, '--grid');
    if (!Array.isArray(values) || values.length === 0) throw new CliError(`--grid: "${path}" must map to a non-empty list of values`);
    rejectPrototypeKeys(values, '--grid', path);
    out[path] = values;
  }
  if (Object.keys(out).length === 0) throw new CliError('--grid: give at least one axis');
  return out;
}

function cartesian(axes: Record<string, unknown[]>): Record<string, unknown>[] {
  let jobs: Record<string, unknown>[] = [{}];
  for (const [path, values] of Object.entries(axes)) jobs = jobs.flatMap((j) => values.map((v) => ({ ...j, [path]: v })));
  return jobs;
}

function nest(overrides: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [path, v] of Object.entries(overrides)) setConfigPath(out, path, v, '--grid');
  return out;
}

function jobId(overrides: Record<string, unknown>): string {
  return Object.entries(overrides)
    .map(([k, v]) => `${k.split('.').pop()}=${Array.isArray(v) ? v.join('-') : String(v)}`)
    .join(',')
    .replace(/[^A-Za-z0-9=,._-]/g, '_');
}

export async function sweepCommand(argv: string[], ctx: CommandContext): Promise<number> {
  const { flags } = parseArgs(argv, SWEEP_FLAGS, 'sweep');
  if (flags.help) {
    ctx.print(formatHelp('sweep', 'Run a grid of distill jobs (other flags set the base config); finished jobs are skipped on rerun.', SWEEP_FLAGS));
    return 0;
  }
  const axes = parseGrid(flags.grid);
  if (flags.queue === undefined && flags.name !== undefined) throw new CliError('--name: names the queue of --queue; give --queue too');
  const queue = flags.queue === undefined ? null : { target: parseRedisUrl(flags.queue), name: queueName(flags.name) };
  const queued: QueuedJob[] = [];
  const progress = new Progress(outputMode(flags));
  const threads = applyThreads(flags.threads);
  const base = buildConfig(flags, SWEEP_FLAGS);
  const out = typeof flags.out === 'string' ? flags.out : join('runs', `sweep-${base.dataset}`);
  const cacheDir = queue && flags['teacher-cache'] === undefined ? join(out, 'teachers') : teacherCacheDir(flags['teacher-cache']);
  const configs = cartesian(axes).map((overrides) => {
    let config: PqkdConfig;
    try {
      config = buildConfig({}, [], mergeDeep(base as unknown as Record<string, unknown>, nest(overrides)));
    } catch (error) {
      throw new CliError(`--grid: job ${JSON.stringify(overrides)}: ${(error as Error).message}`);
    }
    return { overrides, config, id: jobId(overrides) };
  });
  // Every job's config is valid: only now is anything created.
  for (const { config } of configs) requireRunFits(config, 'distill');
  ensureDirectory(join(out, 'jobs'));
  const results: SweepResults = { axes, base, jobs: configs.map(({ id, overrides }) => ({ id, overrides, status: 'pending', results: null })) };
  const save = (): void => writeJsonAtomic(join(out, 'sweep.json'), results);
  save();
  for (const [i, { id, config }] of configs.entries()) {
    const job = results.jobs[i] as SweepJob;
    const dir = join(out, 'jobs', id);
    try {
      if (existsSync(join(dir, 'results.json'))) {
        progress.log(`sweep: job ${i + 1}/${configs.length} ${id} already finished, skipped`);
        job.results = new RunDir(dir).readResults();
      } else {
        const teacher = await obtainTeacher(config, { cacheDir, threads, kernels: ctx.kernels(), progress });
        if (queue) {
          queued.push({ entry: job, config, runDir: dir, teacherCheckpoint: teacher.file });
          continue;
        }
        progress.log(`sweep: job ${i + 1}/${configs.length} ${id}`);
        job.results = await executeRun({
          command: 'distill',
          config,
          out: dir,
          resume: existsSync(join(dir, 'manifest.json')),
          teacherCheckpoint: teacher.file,
          threads,
          kernels: ctx.kernels(),
          progress,
          report: false,
        });
      }
      job.status = 'finished';
    } catch (error) {
      if (error instanceof InterruptedError) {
        error.resumeHint = 'rerun the same pqkd sweep command to continue (finished jobs are skipped, this one resumes)';
        throw error;
      }
      job.status = 'failed';
      job.error = (error as Error).message;
      progress.log(`sweep: job ${id} failed: ${job.error}`);
    }
    save();
  }
  if (queue && queued.length > 0) {
    const { runQueuedSweep } = await import('../queue/submit.js');
    await runQueuedSweep({ target: queue.target, queueName: queue.name, sweepDir: out, jobs: queued, save, mode: progress.mode });
  }
  const table = results.jobs.map(
    (j) =>
      `  ${j.id.padEnd(40)} ${j.status === 'finished' && j.results?.student ? `${(100 * j.results.student.testAccuracy).toFixed(2)}%  ${j.results.accounting?.compression.toFixed(1)}×` : j.status}`,
  );
  progress.log(`\nsweep results (student test accuracy, compression):\n${table.join('\n')}`);
  await writeRunReport(out, progress);
  return results.jobs.every((j) => j.status === 'finished') ? 0 : 1;
}
