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
  return coreCount();
}

let cores: number | null = null;

/**
 * The machine's core count (`os.availableParallelism()`, else the CPU count, else 1), read once: it is
 * a system call, and the pool asks on every split.
 *
 * @example
 * coreCount(); // 2 on a two-core machine
 */
export function coreCount(): number {
  if (cores === null) {
    const os = osModule();
    cores = Math.max(1, os?.availableParallelism?.() ?? os?.cpus().length ?? 1);
  }
  return cores;
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

/**
 * Below this many multiply-adds (≈3 ms on one thread) threads are not used: a hand-off costs only
 * ~15 µs, but on a loaded machine the second core is often busy, and then a split problem runs
 * slower than a serial one (measured: 160³ took 1.47 ms on 2 threads vs 1.37 ms on 1 under load).
 * GEMM and conv2d compare their multiply-adds with it; pools and the bias gradient scale it.
 */
export const DEFAULT_PARALLEL_MIN_MACS = 1 << 23;
let parallelMinMacs = DEFAULT_PARALLEL_MIN_MACS;

/**
 * The smallest problem (multiply-adds) that GEMM and conv2d split over threads.
 *
 * @example
 * getParallelMinMacs(); // 8388608 by default
 */
export function getParallelMinMacs(): number {
  return parallelMinMacs;
}

/**
 * Changes the size threshold for threading (tests set 0 to run tiny problems on workers).
 *
 * @example
 * setParallelMinMacs(0); // every eligible call uses the workers
 */
export function setParallelMinMacs(macs: number): void {
  if (!Number.isSafeInteger(macs) || macs < 0) {
    throw new RangeError(`setParallelMinMacs: macs must be a non-negative integer, got ${String(macs)}`);
  }
  parallelMinMacs = macs;
}
