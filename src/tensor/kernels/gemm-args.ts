/**
 * GEMM arguments (layout in matmul.ts) and their validation, shared by the JavaScript kernels, the
 * WebAssembly sgemm and the dispatch layer.
 */
import type { FloatArray } from '../dtype.js';

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
 * The same problem restricted to rows [rowStart, rowEnd) of C (no copy; offsets move).
 *
 * @example
 * gemmRowSlice(args, 4, 8).m; // 4
 */
export function gemmRowSlice(args: GemmArgs, rowStart: number, rowEnd: number): GemmArgs {
  if (rowStart === 0 && rowEnd === args.m) return args;
  return {
    ...args,
    m: rowEnd - rowStart,
    aOffset: args.aOffset + (args.transA ? rowStart : rowStart * args.lda),
    cOffset: args.cOffset + rowStart * args.ldc,
  };
}
