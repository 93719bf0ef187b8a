/**
 * GEMM on the JavaScript path: the serial kernel over a range of rows, and the reference loop.
 * (`gemm`, the validated entry point that picks SIMD or JS and threads, is in ../kernel-dispatch.ts.)
 *
 * Math:    C[i,j] ← α · Σ_p opA[i,p] · opB[p,j] + β · C[i,j],   0 ≤ i < m, 0 ≤ j < n, 0 ≤ p < k.
 * Layout:  row-major with leading dimensions (BLAS `ld`, in elements) and element offsets:
 *          opA[i,p] = a[aOffset + i·lda + p]        (transA = false, A stored m×k)
 *          opA[i,p] = a[aOffset + p·lda + i]        (transA = true,  A stored k×m)
 *          opB[p,j] = b[bOffset + p·ldb + j]        (transB = false, B stored k×n)
 *          opB[p,j] = b[bOffset + j·ldb + p]        (transB = true,  B stored n×k)
 *          C[i,j]   = c[cOffset + i·ldc + j]
 * Cost:    2·m·n·k flops, O(m·k + k·n + m·n) memory traffic.
 *
 * Numerical contract (both `gemm` and `gemmReference`, and they agree BIT FOR BIT on the JavaScript
 * path; all-float32 problems take the float32-accumulating SIMD sgemm unless PQKD_KERNELS=js, see
 * ../kernel-dispatch.ts `gemmUsesSimd`):
 *  - every element's sum is accumulated in a float64 local in ascending p, starting from +0;
 *    float32 inputs are widened exactly, the result is rounded once when stored;
 *  - the store is `α·sum` when β = 0 (C is not read, so NaN/Inf in C are overwritten, as in BLAS)
 *    and `α·sum + β·C[i,j]` otherwise;
 *  - when α = 0, A and B are not read (BLAS semantics): C ← β·C (or 0 when β = 0);
 *  - a, b and c may each be Float32Array or Float64Array (tensor callers pass one dtype; the conv
 *    kernels pass a float64 c to accumulate float32 products without intermediate rounding).
 * Reference: BLAS xGEMM (row-major), torch.addmm(beta·C, A, B, alpha).
 */
import { gemmBlockedRows } from './gemm-blocked.js';
import { gemmReferenceRows } from './gemm-reference.js';
import type { GemmArgs } from './gemm-args.js';

export { checkGemmArgs, gemmRowSlice, type GemmArgs } from './gemm-args.js';

/** Below this many multiply-adds the packing overhead outweighs blocking: use the plain loop. */
export const SMALL_GEMM_MACS = 16 * 16 * 16;

/** A serial GEMM over rows [rowStart, rowEnd) of C (arguments already validated). */
export type GemmRows = (args: GemmArgs, rowStart: number, rowEnd: number) => void;

/**
 * The serial GEMM a conv work unit calls, as the dispatch layer picked it: its row function, and
 * whether all-float32 problems accumulate in float32 (the SIMD sgemm) rather than float64.
 */
export interface SerialGemm {
  rows: GemmRows;
  float32Accumulation: boolean;
}

/**
 * Rows [rowStart, rowEnd) of C on the JavaScript path: the blocked kernel, or the plain loop for
 * tiny problems, α = 0 or k = 0. The choice depends on the FULL m·n·k, never on the row range, and
 * both paths give identical bits, so any split of the rows over threads gives the same C.
 * No validation (callers validate).
 *
 * @example
 * gemmJsRows(args, 0, args.m);
 */
export function gemmJsRows(args: GemmArgs, rowStart: number, rowEnd: number): void {
  if (rowEnd <= rowStart || args.n === 0) return;
  if (args.alpha === 0 || args.k === 0 || args.m * args.n * args.k <= SMALL_GEMM_MACS) {
    gemmReferenceRows(args, rowStart, rowEnd);
  } else {
    gemmBlockedRows(args, rowStart, rowEnd);
  }
}

/** The JavaScript serial GEMM (float64 accumulation). */
export const JS_GEMM: SerialGemm = { rows: gemmJsRows, float32Accumulation: false };

/**
 * The readable triple loop (i, j, then p ascending), kept as the in-source reference: `gemm` must
 * agree with it bit for bit. Does not validate its arguments (call `checkGemmArgs` first).
 *
 * @example
 * const a = new Float64Array([1, 2, 3, 4]), b = new Float64Array([1, 0, 0, 1]), c = new Float64Array(4);
 * gemmReference({ transA: true, transB: false, m: 2, n: 2, k: 2, alpha: 1, a, aOffset: 0, lda: 2,
 *   b, bOffset: 0, ldb: 2, beta: 0, c, cOffset: 0, ldc: 2 }); // c = aᵀ = [1, 3, 2, 4]
 */
export function gemmReference(args: GemmArgs): void {
  gemmReferenceRows(args, 0, args.m);
}
