/**
 * The child process of `pqkd worker` that runs one queued job (`pqkd worker --run-job`, started by
 * worker.ts with an IPC channel). It receives the job over IPC, runs it exactly as a local sweep runs
 * a job (`executeRun`, no per-job report), reports progress and the outcome over IPC, and exits with
 * the code `pqkd distill` would (0, 2 bad input, 3 non-finite loss, 130/143 interrupted). Training in
 * its own process keeps the worker's event loop free to renew the job's queue lock however long a
 * synchronous phase takes. If the worker dies (SIGKILL included), the IPC channel closes and this
 * process exits at once: its run's files are written atomically, and the job is resumed elsewhere.
 */
import { executeRun } from '../commands/train.js';
import { Progress } from '../progress.js';
import type { TrainEvent } from '../../pqkd/events.js';
import type { QueueJobData } from './jobs.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Messages from the child to the worker. */
export type ChildMessage =
  | { kind: 'progress'; fraction: number; stage: string }
  | { kind: 'done'; weightsSha256: string; wallSeconds: number }
  | { kind: 'error'; name: string; message: string };

/** Sends a message to the worker; resolves once it is handed to the channel (so an exit right after loses nothing). */
function send(message: ChildMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send || !process.connected) resolve();
    else process.send(message, undefined, undefined, () => resolve());
  });
}

/** Sends the run's progress (throttled to one message a second) and prints it as `lines` would. */
class ChildProgress extends Progress {
  private lastSent = 0;

  constructor(private readonly config: QueueJobData['config']) {
    super('lines');
  }

  override event(e: TrainEvent): void {
    super.event(e);
    if (e.kind !== 'step' && e.kind !== 'epoch') return;
    const now = Date.now();
    if (e.kind === 'step' && now - this.lastSent < 1000) return;
    this.lastSent = now;
    const done = e.kind === 'epoch' ? e.epoch + 1 : e.epoch + (e.batch + 1) / e.batches;
    const total = e.phase === 'student' ? this.config.student.epochs : this.config.teacher.epochs;
    void send({
      kind: 'progress',
      fraction: e.phase === 'student' ? Math.min(0.99, done / Math.max(1, total)) : 0,
      stage: `${e.phase} epoch ${e.epoch + 1}/${total}`,
    });
  }
}

export async function runJobChild(threads: number, kernels: string): Promise<number> {
  if (!process.send) throw new Error('pqkd worker --run-job: runs only as the child of a pqkd worker (no IPC channel)');
  process.on('disconnect', () => process.exit(137));
  const data = await new Promise<QueueJobData>((resolve) => process.once('message', (m) => resolve(m as QueueJobData)));
  try {
    const results = await executeRun({
      command: 'distill',
      config: data.config,
      out: data.runDir,
      resume: existsSync(join(data.runDir, 'manifest.json')),
      teacherCheckpoint: data.teacherCheckpoint,
      threads,
      kernels,
      progress: new ChildProgress(data.config),
      report: false,
    });
    await send({ kind: 'done', weightsSha256: results.weightsSha256, wallSeconds: results.wallSeconds });
    return 0;
  } catch (error) {
    await send({ kind: 'error', name: (error as Error).name, message: (error as Error).message });
    throw error;
  }
}
