/**
 * GEMM: the one matrix-multiply entry point of the engine.
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
 * gemm-reference.ts `usesSimd`):
 *  - every element's sum is accumulated in a float64 local in ascending p, starting from +0;
 *    float32 inputs are widened exactly, the result is rounded once when stored;
 *  - the store is `α·sum` when β = 0 (C is not read, so NaN/Inf in C are overwritten, as in BLAS)
 *    and `α·sum + β·C[i,j]` otherwise;
 *  - when α = 0, A and B are not read (BLAS semantics): C ← β·C (or 0 when β = 0);
 *  - a, b and c may each be Float32Array or Float64Array (tensor callers pass one dtype; the conv
 *    kernels pass a float64 c to accumulate float32 products without intermediate rounding).
 * Reference: BLAS xGEMM (row-major), torch.addmm(beta·C, A, B, alpha).
 */
import type { FloatArray } from '../dtype.js';
import { gemmReferenceRows, gemmSerialRows } from './gemm-reference.js';
import { gemmParallel, shouldParallelizeGemm } from '../parallel/gemm-parallel.js';

/** Arguments of `gemm`/`gemmReference` (see the file header for the exact indexing). */
export interface GemmArgs {
  transA: boolean;
  transB: boolean;
  m: number;
  n: number;
  k: number;
  alpha: number;
  a: FloatArray;
  aOffset: number;
  lda: number;
  b: FloatArray;
  bOffset: number;
  ldb: number;
  beta: number;
  c: FloatArray;
  cOffset: number;
  ldc: number;
}

function checkIndexRange(
  name: string, arr: FloatArray, offset: number, rows: number, cols: number, ld: number, ldName: string,
): void {
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw new RangeError(`gemm: ${name}Offset must be a non-negative integer, got ${String(offset)}`);
  }
  if (!Number.isSafeInteger(ld) || ld < Math.max(1, cols)) {
    throw new RangeError(`gemm: ${ldName} must be an integer >= ${Math.max(1, cols)} for a stored ${rows}x${cols} ${name}, got ${String(ld)}`);
  }
  if (rows === 0 || cols === 0) return;
  const last = offset + (rows - 1) * ld + cols - 1;
  if (last >= arr.length) {
    throw new RangeError(
      `gemm: ${name} (length ${arr.length}) is too short for a stored ${rows}x${cols} matrix at offset ${offset} with ${ldName}=${ld} (needs index ${last})`,
    );
  }
}

/**
 * Validates sizes, leading dimensions and that every addressed element is inside its array.
 * Throws a RangeError naming the argument otherwise.
 *
 * @example
 * const a = new Float64Array(4), b = new Float64Array(4), c = new Float64Array(3);
 * checkGemmArgs({ transA: false, transB: false, m: 2, n: 2, k: 2, alpha: 1, a, aOffset: 0, lda: 2,
 *   b, bOffset: 0, ldb: 2, beta: 0, c, cOffset: 0, ldc: 2 }); // throws: c (length 3) is too short
 */
export function checkGemmArgs(args: GemmArgs): void {
  const { m, n, k } = args;
  for (const [name, v] of [['m', m], ['n', n], ['k', k]] as const) {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`gemm: ${name} must be a non-negative integer, got ${String(v)}`);
  }
  if (args.transA) checkIndexRange('a', args.a, args.aOffset, k, m, args.lda, 'lda');
  else checkIndexRange('a', args.a, args.aOffset, m, k, args.lda, 'lda');
  if (args.transB) checkIndexRange('b', args.b, args.bOffset, n, k, args.ldb, 'ldb');
  else checkIndexRange('b', args.b, args.bOffset, k, n, args.ldb, 'ldb');
  checkIndexRange('c', args.c, args.cOffset, m, n, args.ldc, 'ldc');
  if (typeof args.alpha !== 'number' || typeof args.beta !== 'number') {
    throw new TypeError(`gemm: alpha and beta must be numbers, got ${typeof args.alpha} and ${typeof args.beta}`);
  }
}

/**
 * C ← α·opA·opB + β·C. Validates the arguments, then runs the cache-blocked packed kernel
 * (`gemmBlocked`; the plain loop for tiny problems), split over the rows of C across worker threads
 * when `getNumThreads() > 1` and the problem is large (bit-identical to one thread). Thin on
 * purpose: an accelerated backend (e.g. WASM SIMD sgemm for all-float32 operands) is wired in here.
 *
 * @example
 * const a = new Float32Array([1, 2, 3, 4]), b = new Float32Array([5, 6, 7, 8]), c = new Float32Array(4);
 * gemm({ transA: false, transB: false, m: 2, n: 2, k: 2, alpha: 1, a, aOffset: 0, lda: 2,
 *   b, bOffset: 0, ldb: 2, beta: 0, c, cOffset: 0, ldc: 2 }); // c = [19, 22, 43, 50]
 */
export function gemm(args: GemmArgs): void {
  checkGemmArgs(args);
  if (args.m === 0 || args.n === 0) return;
  if (shouldParallelizeGemm(args)) gemmParallel(args);
  else gemmSerialRows(args, 0, args.m);
}

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
