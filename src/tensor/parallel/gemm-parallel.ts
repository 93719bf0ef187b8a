/**
 * GEMM over threads: C's rows are split into contiguous, MR-aligned blocks, one per thread; each
 * thread runs the serial GEMM of the chosen path on its rows (wasm/gemm-rows.ts `serialGemm`), whose
 * per-element arithmetic does not depend on the row range, so the result is bit-identical to one
 * thread. Operands not on SharedArrayBuffers are copied into shared scratch (C is copied back).
 * Cost: 2·m·n·k / T flops per thread, plus O(m·k + k·n + m·n) copies for unshared operands.
 */
import { MR } from '../kernels/gemm-blocked.js';
import type { GemmArgs } from '../kernels/gemm-args.js';
import type { KernelPath } from '../wasm/gemm-rows.js';
import { runTasks } from './pool.js';
import { shareRange, type SharedOperand } from './share.js';
import type { KernelTask } from './tasks.js';
import { getNumThreads } from './threads.js';

/** [first, end) of the elements a stored rows×cols matrix with leading dimension ld addresses. */
function extent(offset: number, rows: number, cols: number, ld: number): [number, number] {
  return rows === 0 || cols === 0 ? [offset, offset] : [offset, offset + (rows - 1) * ld + cols];
}

/**
 * Runs a validated GEMM on `getNumThreads()` threads (rows of C split in MR-aligned blocks) on
 * kernel path `path`. Whether to split is the dispatch layer's decision (../kernel-dispatch.ts).
 *
 * @example
 * gemmParallel(args, 'simd'); // same bits as serialGemm('simd').rows(args, 0, args.m)
 */
export function gemmParallel(args: GemmArgs, path: KernelPath): void {
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
      tasks.push({ kind: 'gemmRows', path, args: sharedArgs, start, end: Math.min(m, start + rowsPerPart) });
    }
    runTasks(tasks);
    c.copyBack();
  } finally {
    for (const s of shared) s.release();
  }
}
