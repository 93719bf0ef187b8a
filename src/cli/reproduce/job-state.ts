/**
 * The state of each job of an experiment: done (its result file exists, made from the same config),
 * partial (its run directory exists: it resumes from its checkpoint) or pending; and whether its
 * teacher is in the cache.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CliError } from '../errors.js';
import { RunDir } from '../run-dir.js';
import { codeVersion, teacherKey } from '../teacher-cache.js';
import { experimentJobs, type ExperimentDefinition, type ExperimentJob } from './experiment.js';
import { readJobResult } from './result-file.js';
import { readEmaResult } from './ema-job.js';

export interface ReproducePaths {
  resultsDir: string;
  runsDir: string;
  cacheDir: string;
}

export interface JobState {
  job: ExperimentJob;
  status: 'done' | 'partial' | 'pending';
  /** Student epochs finished (from the run directory's metrics). */
  epochsDone: number;
  teacherCached: boolean;
  resultPath: string;
  runDir: string;
}

export function resultPath(paths: ReproducePaths, def: ExperimentDefinition, job: ExperimentJob): string {
  return join(paths.resultsDir, def.name, `${job.id}.json`);
}

/** Each job's state; a result file or run directory made from a different config is an error. */
export function jobStates(def: ExperimentDefinition, paths: ReproducePaths): JobState[] {
  const code = codeVersion();
  return experimentJobs(def).map((job) => {
    const file = resultPath(paths, def, job);
    const runDir = join(paths.runsDir, def.name, job.id);
    const key = teacherKey(job.config, code);
    const teacherCached = existsSync(join(paths.cacheDir, `${job.config.dataset}-w${job.config.teacher.width}-${key.slice(0, 16)}`, 'entry.json'));
    if (existsSync(file)) {
      const r = def.summary === 'ema-ratio' ? readEmaResult(file) : readJobResult(file);
      if (r.configSha256 !== job.configSha256) {
        throw new CliError(
          `${file}: made from a different config than job ${job.id} of ${def.name} v${def.version} (the definition changed: bump its version and move the old results away, or restore it)`,
        );
      }
      return { job, status: 'done', epochsDone: job.config.student.epochs, teacherCached, resultPath: file, runDir };
    }
    let epochsDone = 0;
    if (existsSync(join(runDir, 'manifest.json'))) {
      epochsDone = new RunDir(runDir).readMetrics().filter((l) => l.kind === 'epoch' && l.phase === 'student').length;
    }
    return { job, status: existsSync(join(runDir, 'manifest.json')) ? 'partial' : 'pending', epochsDone, teacherCached, resultPath: file, runDir };
  });
}
