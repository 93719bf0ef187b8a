/**
 * Running an experiment: every job not done yet (no results/<experiment>/<job>.json) runs as a
 * distill run in <runs>/<experiment>/<job>/ (resumed from its checkpoint when it was interrupted),
 * from the cached teacher of its config; when it finishes its result file is written atomically.
 * And the plan: each job's state, the teachers still to train, and the remaining time estimated
 * from measured costs (see costs.ts).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CliError } from '../errors.js';
import type { Progress } from '../progress.js';
import { RunDir } from '../run-dir.js';
import { executeRun } from '../commands/train.js';
import { codeVersion, obtainTeacher, teacherKey } from '../teacher-cache.js';
import { estimateRemaining, type Estimate } from './costs.js';
import { jobStates, type JobState, type ReproducePaths } from './job-state.js';
import type { ExperimentDefinition } from './experiment.js';
import { buildJobResult, writeJobResult } from './result-file.js';
import { ensureDirectory } from '../directories.js';
import { writeJsonAtomic } from '../fs-atomic.js';
import { runEmaJob } from './ema-job.js';

export interface ReproduceRunOptions extends ReproducePaths {
  threads: number;
  kernels: string;
  progress: Progress;
  /** Stop after this many jobs have run in this call (default: all). */
  maxJobs?: number;
}

/** Runs the jobs that are not done; returns how many ran and how many are done in all. */
export async function runExperiment(def: ExperimentDefinition, o: ReproduceRunOptions): Promise<{ ran: number; done: number; total: number }> {
  const states = jobStates(def, o);
  let ran = 0;
  for (const [i, s] of states.entries()) {
    if (s.status === 'done') continue;
    if (o.maxJobs !== undefined && ran >= o.maxJobs) break;
    const label = `reproduce ${def.name}: job ${i + 1}/${states.length} ${s.job.id}`;
    if (def.summary === 'ema-ratio') {
      o.progress.log(`${label} (pqkd ema-stats)`);
      ensureDirectory(join(o.resultsDir, def.name), '--results');
      writeJsonAtomic(s.resultPath, await runEmaJob(def, s.job, codeVersion()));
      o.progress.log(`${label}: wrote ${s.resultPath}`);
      ran++;
      continue;
    }
    const teacher = await obtainTeacher(s.job.config, { cacheDir: o.cacheDir, threads: o.threads, kernels: o.kernels, progress: o.progress });
    const resume = existsSync(join(s.runDir, 'manifest.json'));
    if (resume) {
      const recorded = new RunDir(s.runDir).readManifest();
      if (JSON.stringify(recorded.config) !== JSON.stringify(s.job.config)) {
        throw new CliError(`${s.runDir}: holds a run of a different config than job ${s.job.id} (the definition changed); move it away to start the job again`);
      }
    } else {
      ensureDirectory(join(o.runsDir, def.name), '--runs');
    }
    o.progress.log(`${label}${resume ? ` (resuming after student epoch ${s.epochsDone})` : ''}`);
    await executeRun({
      command: 'distill',
      config: s.job.config,
      out: s.runDir,
      resume,
      teacherCheckpoint: teacher.file,
      threads: o.threads,
      kernels: o.kernels,
      progress: o.progress,
      report: false,
    });
    ensureDirectory(join(o.resultsDir, def.name), '--results');
    writeJobResult(s.resultPath, buildJobResult(def, s.job, s.runDir, teacher, codeVersion()));
    o.progress.log(`${label}: wrote ${s.resultPath}`);
    ran++;
  }
  const done = jobStates(def, o).filter((s) => s.status === 'done').length;
  return { ran, done, total: states.length };
}

/** The text of --plan. */
export function formatPlan(def: ExperimentDefinition, paths: ReproducePaths): { text: string; estimate: Estimate } {
  const states = jobStates(def, paths);
  const estimate = estimateRemaining(states, paths);
  const count = (st: JobState['status']): number => states.filter((s) => s.status === st).length;
  const teacherKeys = new Map<string, boolean>();
  for (const s of states) teacherKeys.set(teacherKey(s.job.config), s.teacherCached);
  const lines = [
    `${def.name} v${def.version}: ${def.title}`,
    `jobs: ${states.length} (${count('done')} done, ${count('partial')} partial, ${count('pending')} pending); ` +
      `teachers: ${teacherKeys.size} (${[...teacherKeys.values()].filter(Boolean).length} cached in ${paths.cacheDir})`,
    ...states.map((s) => {
      const detail = s.status === 'partial' ? `  (student epoch ${s.epochsDone}/${s.job.config.student.epochs})` : '';
      return `  ${s.status.padEnd(8)} ${s.job.id}${detail}`;
    }),
    ...estimate.lines,
  ];
  return { text: lines.join('\n'), estimate };
}
