/**
 * What a queued sweep job carries and returns. The BullMQ job id is a hash of the job's run (its
 * resolved config and the run directory it writes), so enqueueing the same sweep again finds the same
 * jobs instead of adding copies.
 */
import { createHash } from 'node:crypto';
import type { PqkdConfig } from '../../pqkd/config.js';
import { canonicalJson } from '../code-version.js';

export { canonicalJson };

export interface QueueJobData {
  /** The job's name in the sweep (its directory under jobs/). */
  name: string;
  /** Absolute paths on the shared storage. */
  sweepDir: string;
  runDir: string;
  teacherCheckpoint: string;
  config: PqkdConfig;
  /** The submitting process's code version (code-version.ts); workers refuse a different one. */
  codeVersion: string;
}

export interface QueueJobResult {
  weightsSha256: string;
  /** host:pid of the worker that finished it. */
  worker: string;
  wallSeconds: number;
}

/** What a worker reports as the job's progress (BullMQ `job.progress`). */
export interface QueueJobProgress {
  /** 0..1 over the whole run (teacher logit cache, student epochs, evaluation). */
  fraction: number;
  /** Human-readable stage, e.g. "student epoch 2/10". */
  stage: string;
  worker: string;
}

/** The BullMQ job id of a run: `run-` + 24 hex digits of SHA-256(config, run directory). */
export function queueJobId(config: PqkdConfig, runDir: string): string {
  return `run-${createHash('sha256').update(canonicalJson({ config, runDir })).digest('hex').slice(0, 24)}`;
}
