/**
 * The serial GEMM of the SIMD path: rows [rowStart, rowEnd) of C on the WebAssembly sgemm
 * (sgemm.ts) when the problem suits it — all three operands float32, α ≠ 0, k > 0 and more than
 * SMALL_GEMM_MACS multiply-adds — and on the JavaScript kernel (kernels/matmul.ts `gemmJsRows`)
 * otherwise. Eligibility depends on the whole problem, never on the row range, and sgemm's bits do
 * not depend on how C's rows are split, so any split over threads gives the same C.
 * Numerics: float32 accumulation in a fixed k order (bound in test/tolerances.ts).
 * Which path runs (`serialGemm`) is decided by the dispatch layer (../kernel-dispatch.ts).
 */
import type { GemmArgs } from '../kernels/gemm-args.js';
import { gemmJsRows, gemmRowSlice, JS_GEMM, SMALL_GEMM_MACS, type SerialGemm } from '../kernels/matmul.js';
import { wasmSgemm, type GemmArgs as Float32GemmArgs } from './sgemm.js';

/** The kernel path a call runs on: the WebAssembly SIMD kernels or the TypeScript kernels. */
export type KernelPath = 'simd' | 'js';

/**
 * Whether the SIMD path sends this problem to the WebAssembly sgemm.
 *
 * @example
 * sgemmEligible(args); // false for float64 operands or tiny problems
 */
export function sgemmEligible(args: GemmArgs): boolean {
  return args.a instanceof Float32Array && args.b instanceof Float32Array && args.c instanceof Float32Array &&
    args.alpha !== 0 && args.k > 0 && args.m * args.n * args.k > SMALL_GEMM_MACS;
}

/**
 * Rows [rowStart, rowEnd) of C on the SIMD path (no validation: callers validate).
 *
 * @example
 * gemmSimdRows(args, 0, args.m);
 */
export function gemmSimdRows(args: GemmArgs, rowStart: number, rowEnd: number): void {
  if (rowEnd <= rowStart || args.n === 0) return;
  if (sgemmEligible(args)) wasmSgemm(gemmRowSlice(args, rowStart, rowEnd) as Float32GemmArgs);
  else gemmJsRows(args, rowStart, rowEnd);
}

const SIMD_GEMM: SerialGemm = { rows: gemmSimdRows, float32Accumulation: true };

/**
 * The serial GEMM of a kernel path.
 *
 * @example
 * serialGemm('simd').rows(args, 0, args.m);
 */
export function serialGemm(path: KernelPath): SerialGemm {
  return path === 'simd' ? SIMD_GEMM : JS_GEMM;
}
