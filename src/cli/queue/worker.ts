/**
 * `pqkd worker`: takes sweep jobs from a BullMQ queue and runs each in a child process (run-job.ts)
 * that trains in the run directory the job names, on storage every machine shares. BullMQ holds a
 * lock on each active job, which this process renews while its child trains; a worker that dies stops
 * renewing (its child exits with it), the job is found stalled and another worker takes it, resuming
 * from the run's last epoch checkpoint (bit-identical, like `pqkd distill --resume`).
 *
 * SIGINT/SIGTERM: the worker takes no new job, its child stops at the next step boundary (the last
 * epoch checkpoint kept), the job goes back to the wait list for another worker, and the worker exits
 * with 130/143. A job that fails for a reason of its own (bad config or data, a non-finite loss,
 * another code version) is failed at once with its error; any other failure is retried (3 attempts).
 */
import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Queue, UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import { InterruptedError, processInterruption } from '../interrupt.js';
import { Progress, type OutputMode } from '../progress.js';
import { RunDir } from '../run-dir.js';
import { codeVersion } from './code-version.js';
import type { QueueJobData, QueueJobProgress, QueueJobResult } from './jobs.js';
import { connectionOptions, type RedisTarget } from './redis-url.js';
import type { ChildMessage } from './run-job.js';

export interface WorkerOptions {
  target: RedisTarget;
  queueName: string;
  concurrency: number;
  threads: number;
  mode: OutputMode;
  /** Exit once the queue has had no waiting, delayed or active job for this long (null: keep waiting). */
  idleExitSeconds: number | null;
  /** BullMQ lock duration (a dead worker's job is taken over after at most this plus the stall check interval). */
  lockSeconds: number;
  stalledCheckSeconds: number;
}

/** Child exit codes of failures that would recur on any machine (bad input: 2, non-finite loss: 3). */
const OWN_FAILURE_CODES = new Set([2, 3]);

/** Runs the worker until the queue is drained (or forever without idleExitSeconds), or a signal stops it. Returns the exit code. */
export async function runWorker(o: WorkerOptions): Promise<number> {
  const me = `${hostname()}:${process.pid}`;
  const version = codeVersion();
  const log = new Progress(o.mode === 'bar' ? 'lines' : o.mode);
  const lostLocks = new Set<string>();
  const children = new Map<string, ReturnType<typeof spawn>>();

  const processJob = async (job: Job<QueueJobData, QueueJobResult>, token?: string): Promise<QueueJobResult> => {
    const data = job.data;
    if (data.codeVersion !== version) {
      throw new UnrecoverableError(
        `enqueued by pqkd code ${data.codeVersion}, this worker (${me}) runs ${version}; run the same pqkd version on every machine`,
      );
    }
    if (!existsSync(data.sweepDir)) {
      throw new Error(`the sweep directory ${data.sweepDir} does not exist on ${hostname()}: it must be on storage every worker mounts at the same path`);
    }
    // The queue gave this job to us alone: a run lock left by a worker that died (possibly on another
    // machine, where its pid means nothing) is stale.
    rmSync(join(data.runDir, 'run.lock'), { force: true });
    const resuming = existsSync(join(data.runDir, 'manifest.json'));
    log.log(`worker ${me}: job ${data.name} (${job.id})${resuming ? ', resuming' : ''}`);
    const env = { ...process.env };
    // The NaN fault hook (README) for one job only, when PQKD_FAULT_JOB names it.
    if (env.PQKD_FAULT_JOB !== undefined && env.PQKD_FAULT_JOB !== data.name) delete env.PQKD_FAULT_NONFINITE_AT;
    const child = spawn(process.execPath, [...process.execArgv, process.argv[1]!, 'worker', '--run-job', '--threads', String(o.threads)], {
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
      env,
      detached: true, // its own process group: a Ctrl-C reaches the worker, which stops the child once
    });
    children.set(job.id!, child);
    let stderrTail = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      process.stderr.write(d);
      stderrTail = (stderrTail + d).slice(-4000);
    });
    let failure: { name: string; message: string } | null = null;
    child.on('message', (m: ChildMessage) => {
      if (m.kind === 'progress') {
        const progress: QueueJobProgress = { fraction: m.fraction, stage: m.stage, worker: me };
        job.updateProgress(progress as unknown as object).catch(() => undefined);
      } else if (m.kind === 'error') failure = { name: m.name, message: m.message };
    });
    child.send(data);
    const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('close', (code, signal) => resolve({ code, signal })),
    );
    children.delete(job.id!);
    const reason = (): string =>
      failure?.message ?? (stderrTail.trim().split('\n').pop() || `the job's process ended with ${exit.signal ?? `code ${exit.code}`}`);
    if (lostLocks.has(job.id!)) {
      lostLocks.delete(job.id!);
      throw new Error(`lost the queue lock of job ${data.name} (another worker may hold it now); stopped working on it`);
    }
    if (exit.code === 0) {
      const results = new RunDir(data.runDir).readResults();
      if (!results) throw new Error(`the job's process ended normally but wrote no ${join(data.runDir, 'results.json')}`);
      log.log(`worker ${me}: job ${data.name} finished`);
      return { weightsSha256: results.weightsSha256, worker: me, wallSeconds: results.wallSeconds };
    }
    if (processInterruption.signal.aborted && (exit.code === 130 || exit.code === 143 || exit.signal !== null)) {
      await job.moveToWait(token);
      log.log(`worker ${me}: job ${data.name} handed back to the queue (${(processInterruption.signal.reason as InterruptedError).signal})`);
      throw new WaitingError();
    }
    log.log(`worker ${me}: job ${data.name} failed: ${reason()}`);
    if (exit.code !== null && OWN_FAILURE_CODES.has(exit.code)) throw new UnrecoverableError(reason());
    throw new Error(reason());
  };

  const connection = connectionOptions(o.target);
  const worker = new Worker<QueueJobData, QueueJobResult>(o.queueName, processJob, {
    connection,
    concurrency: o.concurrency,
    lockDuration: o.lockSeconds * 1000,
    stalledInterval: o.stalledCheckSeconds * 1000,
    maxStalledCount: 3,
    autorun: false,
  });
  worker.on('lockRenewalFailed', (jobIds: string[]) => {
    for (const id of jobIds) {
      const child = children.get(id);
      if (!child) continue;
      lostLocks.add(id);
      child.kill('SIGTERM');
    }
  });
  let lastWarning = { text: '', at: 0 };
  worker.on('error', (error) => {
    // Redis unreachable: ioredis retries every ~2 s; say so once every 30 s, not every time.
    if (error.message === lastWarning.text && Date.now() - lastWarning.at < 30_000) return;
    lastWarning = { text: error.message, at: Date.now() };
    log.warn(`worker ${me}: ${error.message}`);
  });
  const queue = new Queue(o.queueName, { connection });
  const stop = (): void => {
    for (const child of children.values()) child.kill((processInterruption.signal.reason as InterruptedError).signal);
    void worker.close();
    // Handing jobs back needs Redis: if it is unreachable, give up after 30 s (the jobs will be found stalled).
    setTimeout(() => process.exit((processInterruption.signal.reason as InterruptedError).exitCode), 30_000).unref();
  };
  processInterruption.signal.addEventListener('abort', stop, { once: true });
  log.log(`worker ${me}: queue '${o.queueName}' on ${o.target.display}, code ${version}, concurrency ${o.concurrency}, ${o.threads} thread(s) per job`);
  const running = worker.run();
  let idleSince: number | null = null;
  const idleCheck = setInterval(() => {
    if (o.idleExitSeconds === null || worker.closing) return;
    queue.getJobCounts('wait', 'active', 'delayed', 'prioritized', 'waiting-children', 'paused').then(
      (counts) => {
        const pending = Object.values(counts).reduce((a, b) => a + b, 0);
        if (pending > 0) idleSince = null;
        else if (idleSince === null) idleSince = Date.now();
        else if (Date.now() - idleSince >= o.idleExitSeconds! * 1000) {
          log.log(`worker ${me}: the queue has had no job for ${o.idleExitSeconds} s; exiting`);
          void worker.close();
        }
      },
      () => {
        idleSince = null; // Redis unreachable: not idle, keep trying
      },
    );
  }, 1000);
  try {
    await running;
  } finally {
    clearInterval(idleCheck);
    processInterruption.signal.removeEventListener('abort', stop);
    await worker.close();
    await queue.close();
  }
  return processInterruption.signal.aborted ? (processInterruption.signal.reason as InterruptedError).exitCode : 0;
}
