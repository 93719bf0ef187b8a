/**
 * The readable GEMM triple loop (contract in matmul.ts): the in-source reference, and the path for
 * tiny problems.
 *
 * Math:  C[i,j] ← α · Σ_p opA[i,p]·opB[p,j] + β·C[i,j], sum in a float64 local, ascending p.
 * Cost:  2·m·n·k flops, no blocking (strided reads of B when it is not transposed).
 */
import type { GemmArgs } from './gemm-args.js';

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
