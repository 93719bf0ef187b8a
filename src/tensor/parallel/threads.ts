/**
 * The engine's thread count: how many threads (the calling one included) GEMM and conv2d may use.
 *
 * Default: the `PQKD_THREADS` environment variable when set (a positive integer), else the number
 * of cores (`os.availableParallelism()`), else 1 (browsers, workers, no SharedArrayBuffer).
 * Results never depend on the thread count: every output element is computed by exactly one thread
 * with the same arithmetic as the serial kernel (bit-identical).
 */
import { isKernelWorkerThread, nodeProcess, osModule, workerThreadsModule } from './node-builtins.js';

let numThreads: number | null = null;

function parseThreads(value: string, source: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new RangeError(`${source} must be a positive integer, got ${JSON.stringify(value)}`);
  }
  return n;
}

/** True when this thread can run a worker pool (Node main or worker thread with shared memory). */
export function threadsSupported(): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && typeof Atomics !== 'undefined' &&
    workerThreadsModule() !== undefined;
}

/**
 * The default thread count from the environment: PQKD_THREADS if set, else the core count; 1 where
 * threads are unsupported or inside a worker. Throws on a malformed PQKD_THREADS.
 *
 * @example
 * defaultNumThreads(); // 2 on a two-core machine without PQKD_THREADS
 */
export function defaultNumThreads(): number {
  if (!threadsSupported() || workerThreadsModule()?.isMainThread === false) return 1;
  const env = nodeProcess()?.env?.PQKD_THREADS;
  if (env !== undefined && env !== '') return parseThreads(env, 'PQKD_THREADS');
  const os = osModule();
  return Math.max(1, os?.availableParallelism?.() ?? os?.cpus().length ?? 1);
}

/**
 * Number of threads the kernels may use (resolved from PQKD_THREADS / the core count on first use).
 *
 * @example
 * getNumThreads(); // e.g. 2 on a two-core machine
 */
export function getNumThreads(): number {
  // A kernel worker never splits its work again (setNumThreads there has no effect).
  if (isKernelWorkerThread()) return 1;
  if (numThreads === null) numThreads = defaultNumThreads();
  return numThreads;
}

/**
 * Sets the number of threads (≥ 1). Values above 1 need Node worker_threads and SharedArrayBuffer;
 * elsewhere (and inside kernel workers) they are accepted but the kernels run on the calling thread.
 * Workers are started lazily and kept (unref'd: they never keep the process alive).
 *
 * @example
 * setNumThreads(1); // deterministic single-threaded run (results are identical anyway)
 */
export function setNumThreads(n: number): void {
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new RangeError(`setNumThreads: n must be a positive integer, got ${String(n)}`);
  }
  numThreads = n;
}
