/**
 * `pqkd sweep --queue`: enqueues one BullMQ job per unfinished grid point (job id: queueJobId, so a
 * rerun finds the jobs it enqueued before), follows them until each is finished or failed, and
 * collects every finished job's results.json from the sweep directory (shared storage) into
 * sweep.json. Jobs keep running on the workers when this process stops; rerunning the same command
 * follows them again.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { Queue, type Job, type JobsOptions } from 'bullmq';
import type { PqkdConfig } from '../../pqkd/config.js';
import { InterruptedError, processInterruption } from '../interrupt.js';
import type { OutputMode } from '../progress.js';
import { ensureDirectory, RunDir, sha256Hex } from '../run-dir.js';
import { writeFileAtomic } from '../fs-atomic.js';
import type { SweepJob } from '../run-schema.js';
import { codeVersion } from './code-version.js';
import { FollowDisplay, type FollowedJob, type FollowState } from './follow-display.js';
import { queueJobId, type QueueJobData, type QueueJobProgress, type QueueJobResult } from './jobs.js';
import { connectionOptions, type RedisTarget } from './redis-url.js';

export interface QueuedJob {
  /** The sweep.json entry this job fills in. */
  entry: SweepJob;
  config: PqkdConfig;
  runDir: string;
  teacherCheckpoint: string;
}

export interface QueuedSweepOptions {
  target: RedisTarget;
  queueName: string;
  sweepDir: string;
  jobs: QueuedJob[];
  /** Writes sweep.json (called after every change). */
  save(): void;
  mode: OutputMode;
  pollMilliseconds?: number;
}

/** Retries of a job whose error may be the machine's (its own errors fail at once: worker.ts). */
const JOB_OPTIONS: JobsOptions = { attempts: 3, backoff: { type: 'fixed', delay: 5000 }, removeOnComplete: false, removeOnFail: false };

async function enqueue(queue: Queue<QueueJobData, QueueJobResult>, j: QueuedJob, sweepDir: string, version: string): Promise<string> {
  const runDir = resolve(j.runDir);
  const id = queueJobId(j.config, runDir);
  const data: QueueJobData = { name: j.entry.id, sweepDir, runDir, teacherCheckpoint: sharedTeacher(j.teacherCheckpoint, sweepDir), config: j.config, codeVersion: version };
  const existing = await queue.getJob(id);
  if (existing) {
    const state = await existing.getState();
    const stale = existing.data.codeVersion !== version;
    // A rerun of the sweep gives failed jobs another go (as a local sweep does); a job enqueued by
    // other code, or completed without results on the storage, is replaced.
    if (state === 'failed' && !stale) {
      await existing.retry('failed');
      return id;
    }
    if (state === 'active' || (!stale && state !== 'completed') || (state === 'completed' && !stale && existsSync(resolve(runDir, 'results.json')))) return id;
    await existing.remove();
  }
  await queue.add(j.entry.id, data, { ...JOB_OPTIONS, jobId: id });
  return id;
}

/**
 * The teacher checkpoint as workers will find it: inside the sweep directory (shared storage). A teacher
 * from elsewhere (a per-machine cache) is copied to <sweep>/teachers/<its directory name>/ first.
 */
export function sharedTeacher(file: string, sweepDir: string): string {
  const source = resolve(file);
  const rel = relative(sweepDir, source);
  if (rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)) return source;
  const target = join(sweepDir, 'teachers', basename(dirname(source)), basename(source));
  if (!existsSync(target) || sha256Hex(readFileSync(target)) !== sha256Hex(readFileSync(source))) {
    ensureDirectory(dirname(target));
    writeFileAtomic(target, readFileSync(source));
  }
  return target;
}

function followState(state: string): FollowState {
  if (state === 'completed') return 'finished';
  if (state === 'failed') return 'failed';
  if (state === 'active') return 'active';
  if (state === 'delayed') return 'delayed';
  return 'waiting';
}

/** Fills the entries of `jobs` (status, results or error) as the queue finishes them. */
export async function runQueuedSweep(o: QueuedSweepOptions): Promise<void> {
  const version = codeVersion();
  const sweepDir = resolve(o.sweepDir);
  const queue = new Queue<QueueJobData, QueueJobResult>(o.queueName, { connection: connectionOptions(o.target) });
  const display = new FollowDisplay(o.mode, o.jobs.length);
  try {
    const ids: string[] = [];
    for (const j of o.jobs) ids.push(await enqueue(queue, j, sweepDir, version));
    display.log(
      `sweep: ${o.jobs.length} job(s) on queue '${o.queueName}' at ${o.target.display} (code ${version}); start workers with: pqkd worker --queue ${o.target.display} --name ${o.queueName}`,
    );
    const followed: FollowedJob[] = o.jobs.map((j) => ({ name: j.entry.id, state: 'waiting', progress: null }));
    const pending = new Set(o.jobs.keys());
    while (pending.size > 0) {
      if (processInterruption.signal.aborted) {
        const reason = processInterruption.signal.reason as InterruptedError;
        reason.resumeHint = 'the queued jobs keep running on the workers; rerun the same pqkd sweep --queue command to follow them and collect their results';
        throw reason;
      }
      for (const i of [...pending]) {
        const j = o.jobs[i]!;
        const job: Job<QueueJobData, QueueJobResult> | undefined = await queue.getJob(ids[i]!);
        if (!job) {
          followed[i] = { ...followed[i]!, state: 'failed', error: 'the job disappeared from the queue (removed by hand, or Redis lost its data)' };
        } else {
          const state = followState(await job.getState());
          const progress = (typeof job.progress === 'object' ? (job.progress as unknown as QueueJobProgress) : null) ?? followed[i]!.progress;
          followed[i] = { name: j.entry.id, state, progress };
          if (state === 'finished') {
            const results = new RunDir(j.runDir).readResults();
            if (!results) {
              followed[i].state = 'failed';
              followed[i].error =
                `finished on ${job.returnvalue?.worker ?? 'a worker'}, but ${resolve(j.runDir, 'results.json')} is not here: the sweep directory must be on storage every worker shares`;
            } else if (job.returnvalue && results.weightsSha256 !== job.returnvalue.weightsSha256) {
              followed[i].state = 'failed';
              followed[i].error = `results.json records weights ${results.weightsSha256}, the worker reported ${job.returnvalue.weightsSha256}`;
            } else {
              j.entry.results = results;
            }
          } else if (state === 'failed') {
            followed[i].error = job.failedReason || 'failed (no reason recorded)';
          }
        }
        const f = followed[i];
        if (f.state === 'finished' || f.state === 'failed') {
          pending.delete(i);
          j.entry.status = f.state;
          if (f.error !== undefined) j.entry.error = f.error;
          else delete j.entry.error;
          o.save();
        }
      }
      display.update(followed);
      if (pending.size > 0) await new Promise((r) => setTimeout(r, o.pollMilliseconds ?? 500));
    }
  } finally {
    display.stop();
    await queue.close();
  }
}
