/**
 * GEMM over threads: C's rows are split into contiguous, MR-aligned blocks, one per thread; each
 * thread runs the serial blocked kernel on its rows (gemm-reference.ts `gemmSerialRows`), whose
 * per-element arithmetic does not depend on the row range, so the result is bit-identical to one
 * thread. Operands not on SharedArrayBuffers are copied into shared scratch (C is copied back).
 * Cost: 2·m·n·k / T flops per thread, plus O(m·k + k·n + m·n) copies for unshared operands.
 */
import { MR } from '../kernels/gemm-blocked.js';
import type { GemmArgs } from '../kernels/matmul.js';
import { runTasks } from './pool.js';
import { shareRange, type SharedOperand } from './share.js';
import type { KernelTask } from './tasks.js';
import { getNumThreads, threadsSupported } from './threads.js';

/**
 * Below this many multiply-adds (≈3 ms on one thread) threads are not used: a hand-off costs only
 * ~15 µs, but on a loaded machine the second core is often busy, and then a split problem runs
 * slower than a serial one (measured: 160³ took 1.47 ms on 2 threads vs 1.37 ms on 1 under load).
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

/**
 * Whether `gemm` should split this problem over threads.
 *
 * @example
 * shouldParallelizeGemm(args); // false for small problems or one thread
 */
export function shouldParallelizeGemm(args: GemmArgs): boolean {
  return getNumThreads() > 1 && args.alpha !== 0 && args.k > 0 && args.m >= 2 * MR &&
    args.m * args.n * args.k >= parallelMinMacs && threadsSupported();
}

/** [first, end) of the elements a stored rows×cols matrix with leading dimension ld addresses. */
function extent(offset: number, rows: number, cols: number, ld: number): [number, number] {
  return rows === 0 || cols === 0 ? [offset, offset] : [offset, offset + (rows - 1) * ld + cols];
}

/**
 * Runs a validated GEMM on `getNumThreads()` threads (rows of C split in MR-aligned blocks).
 *
 * @example
 * gemmParallel(args); // same bits as gemmSerialRows(args, 0, args.m)
 */
export function gemmParallel(args: GemmArgs): void {
  const { m, n, k } = args;
  const parts = Math.max(1, Math.min(getNumThreads(), Math.floor(m / MR)));
  const rowsPerPart = Math.ceil(Math.ceil(m / parts) / MR) * MR;
  const shared: SharedOperand[] = [];
  try {
    const a = shareRange(args.a, ...(args.transA ? extent(args.aOffset, k, m, args.lda) : extent(args.aOffset, m, k, args.lda)));
    shared.push(a);
    const b = shareRange(args.b, ...(args.transB ? extent(args.bOffset, n, k, args.ldb) : extent(args.bOffset, k, n, args.ldb)));
    shared.push(b);
    const c = shareRange(args.c, ...extent(args.cOffset, m, n, args.ldc));
    shared.push(c);
    const sharedArgs: GemmArgs = {
      ...args,
      a: a.array, aOffset: args.aOffset - a.shift,
      b: b.array, bOffset: args.bOffset - b.shift,
      c: c.array, cOffset: args.cOffset - c.shift,
    };
    const tasks: KernelTask[] = [];
    for (let start = 0; start < m; start += rowsPerPart) {
      tasks.push({ kind: 'gemmRows', args: sharedArgs, start, end: Math.min(m, start + rowsPerPart) });
    }
    runTasks(tasks);
    c.copyBack();
  } finally {
    for (const s of shared) s.release();
  }
}
