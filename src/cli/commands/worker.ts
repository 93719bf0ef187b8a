/**
 * `pqkd worker --queue redis://host:port/db`: runs the jobs of `pqkd sweep --queue` (src/cli/queue/,
 * docs/distributed.md). BullMQ and its Redis client are loaded only here and by `sweep --queue`.
 */
import { formatHelp, parseArgs, type FlagSpec } from '../args.js';
import { CliError } from '../errors.js';
import { outputMode } from '../progress.js';
import { parseRedisUrl } from '../queue/redis-url.js';
import { applyThreads, type CommandContext } from './context.js';

export const QUEUE_FLAG: FlagSpec = { name: 'queue', type: 'string', help: 'Redis URL of the job queue, redis://host:port/db (docs/distributed.md)' };
export const QUEUE_NAME_FLAG: FlagSpec = { name: 'name', type: 'string', help: 'queue name (the sweep and its workers must agree)', default: 'pqkd' };

const WORKER_FLAGS: FlagSpec[] = [
  QUEUE_FLAG,
  QUEUE_NAME_FLAG,
  { name: 'concurrency', type: 'int', help: 'jobs run at once in this process', default: '1' },
  { name: 'threads', type: 'int', help: 'worker threads for kernels (env PQKD_THREADS)', default: 'all cores' },
  { name: 'idle-exit', type: 'int', help: 'exit once the queue has had no waiting, delayed or running job for this many seconds', default: '30' },
  { name: 'stay', type: 'bool', help: 'keep waiting for jobs when the queue is empty (no idle exit)' },
  {
    name: 'lock-seconds',
    type: 'int',
    help: "how long a job's lock lasts without renewal: a dead worker's job is re-run elsewhere after at most this plus --stalled-check",
    default: '60',
  },
  { name: 'stalled-check', type: 'int', help: 'seconds between checks for stalled jobs', default: '30' },
  { name: 'quiet', type: 'bool', help: 'print only errors and warnings' },
  { name: 'json', type: 'bool', help: 'print training events as JSON lines' },
  { name: 'help', type: 'bool', help: 'show this help' },
  { name: 'run-job', type: 'bool', help: '(internal) the child process that runs one job of a worker' },
];

/** The --name of a queue (checked), 'pqkd' by default. */
export function queueName(flag: unknown): string {
  const name = typeof flag === 'string' ? flag : 'pqkd';
  if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new CliError(`--name: expected letters, digits, '.', '_' or '-', got '${String(flag)}'`);
  return name;
}

/** Checks a whole-seconds flag. */
function seconds(flag: string, value: unknown, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min)
    throw new CliError(`--${flag}: expected an integer >= ${min}, got ${String(value)}`);
  return value;
}

export async function workerCommand(argv: string[], ctx: CommandContext): Promise<number> {
  const { flags } = parseArgs(argv, WORKER_FLAGS, 'worker');
  if (flags.help) {
    ctx.print(formatHelp('worker', 'Run the jobs of `pqkd sweep --queue` until the queue is drained or a signal stops this worker.', WORKER_FLAGS));
    return 0;
  }
  if (flags['run-job'] === true) {
    const { runJobChild } = await import('../queue/run-job.js');
    return runJobChild(applyThreads(flags.threads), ctx.kernels());
  }
  const target = parseRedisUrl(flags.queue);
  const name = queueName(flags.name);
  const concurrency = seconds('concurrency', flags.concurrency, 1, 1);
  const lockSeconds = seconds('lock-seconds', flags['lock-seconds'], 60, 2);
  const stalledCheckSeconds = seconds('stalled-check', flags['stalled-check'], 30, 1);
  const idleExitSeconds = flags.stay === true ? null : seconds('idle-exit', flags['idle-exit'], 30, 0);
  const threads = applyThreads(flags.threads);
  const { runWorker } = await import('../queue/worker.js');
  return runWorker({ target, queueName: name, concurrency, threads, mode: outputMode(flags), idleExitSeconds, lockSeconds, stalledCheckSeconds });
}
