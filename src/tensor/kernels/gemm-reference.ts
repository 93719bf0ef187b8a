/**
 * The readable GEMM triple loop (contract in matmul.ts), and the serial dispatcher shared by the
 * main thread and the worker threads.
 *
 * Math:  C[i,j] ← α · Σ_p opA[i,p]·opB[p,j] + β·C[i,j], sum in a float64 local, ascending p.
 * Cost:  2·m·n·k flops, no blocking (strided reads of B when it is not transposed).
 */
import type { GemmArgs } from './matmul.js';
import { gemmBlockedRows } from './gemm-blocked.js';
import { wasmSgemm, type GemmArgs as Float32GemmArgs } from '../wasm/sgemm.js';
import { kernelsMode } from '../wasm/support.js';

/** Below this many multiply-adds the packing overhead outweighs blocking: use the plain loop. */
export const SMALL_GEMM_MACS = 16 * 16 * 16;

/**
 * Rows [rowStart, rowEnd) of the reference loop (i, j, then p ascending).
 *
 * @example
 * gemmReferenceRows(args, 0, args.m); // same as gemmReference(args)
 */
export function gemmReferenceRows(args: GemmArgs, rowStart: number, rowEnd: number): void {
  const { transA, transB, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc } = args;
  // Strides of opA along i and p, and of opB along p and j.
  const aRowStride = transA ? 1 : lda;
  const aColStride = transA ? lda : 1;
  const bRowStride = transB ? 1 : ldb;
  const bColStride = transB ? ldb : 1;
  for (let i = rowStart; i < rowEnd; i++) {
    const aRow = aOffset + i * aRowStride;
    const cRow = cOffset + i * ldc;
    for (let j = 0; j < n; j++) {
      let sum = 0;
      if (alpha !== 0) {
        const bCol = bOffset + j * bColStride;
        for (let p = 0; p < k; p++) sum += a[aRow + p * aColStride]! * b[bCol + p * bRowStride]!;
      }
      c[cRow + j] = beta === 0 ? alpha * sum : alpha * sum + beta * c[cRow + j]!;
    }
  }
}

/**
 * Rows [rowStart, rowEnd) of C by the serial fast path: the blocked kernel, or the plain loop for
 * tiny problems, α = 0 or k = 0. The choice depends on the FULL m·n·k, never on the row range, and
 * both paths give identical bits, so any split of the rows over threads gives the same C.
 * No validation (callers validate).
 *
 * @example
 * gemmSerialRows(args, 0, args.m);
 */
export function gemmSerialRows(args: GemmArgs, rowStart: number, rowEnd: number): void {
  if (rowEnd <= rowStart || args.n === 0) return;
  if (usesSimd(args)) {
    wasmSgemm(rowSlice(args, rowStart, rowEnd) as Float32GemmArgs);
    return;
  }
  if (args.alpha === 0 || args.k === 0 || args.m * args.n * args.k <= SMALL_GEMM_MACS) {
    gemmReferenceRows(args, rowStart, rowEnd);
  } else {
    gemmBlockedRows(args, rowStart, rowEnd);
  }
}

/**
 * The WebAssembly SIMD sgemm (src/tensor/wasm) takes all-float32 problems above the small-GEMM size
 * unless PQKD_KERNELS=js. It accumulates in float32 in a fixed k order, and its bits do not depend
 * on how C's rows are split, so thread counts still give identical results; it differs from the
 * float64-accumulating JS path by float32 rounding (bound in test/tolerances.ts).
 */
export function usesSimd(args: GemmArgs): boolean {
  return args.a instanceof Float32Array && args.b instanceof Float32Array && args.c instanceof Float32Array &&
    args.alpha !== 0 && args.k > 0 && args.m * args.n * args.k > SMALL_GEMM_MACS && kernelsMode() === 'simd';
}

/** The same problem restricted to rows [rowStart, rowEnd) of C. */
function rowSlice(args: GemmArgs, rowStart: number, rowEnd: number): GemmArgs {
  if (rowStart === 0 && rowEnd === args.m) return args;
  return {
    ...args,
    m: rowEnd - rowStart,
    aOffset: args.aOffset + (args.transA ? rowStart : rowStart * args.lda),
    cOffset: args.cOffset + rowStart * args.ldc,
  };
}
