/**
 * Naive GEMM oracles for the wasm sgemm tests (never exported from src/).
 *
 *  - `gemmFloat64`: the textbook triple loop, accumulated in float64, plus the magnitude
 *    |alpha|·Σ_p |opA[i,p]·opB[p,j]| + |beta·C[i,j]| that scales the float32 error bound.
 *  - `gemmSequentialFloat32`: the exact arithmetic `wasmSgemm` promises: s ← fl32(s + fl32(a·b)) for
 *    p = 0..k−1 from +0, then fl32(alpha·s + beta·C) evaluated in double. (Binary64 holds the exact
 *    product of two binary32 numbers, and rounding a binary64 sum of two binary32 numbers to
 *    binary32 equals rounding it directly since 53 ≥ 2·24 + 2, so Math.fround emulates float32 ops.)
 * `fusedMultiplyAddF32` emulates one fused float32 multiply-add (the relaxed-SIMD kernel where the CPU fuses it).
 * Both take the sum as +0 when alpha = 0 (A and B are not read, BLAS semantics).
 */
import type { GemmArgs } from '../../../src/tensor/wasm/sgemm.js';

function opA(args: GemmArgs, i: number, p: number): number {
  return args.a[args.aOffset + (args.transA ? p * args.lda + i : i * args.lda + p)]!;
}

function opB(args: GemmArgs, p: number, j: number): number {
  return args.b[args.bOffset + (args.transB ? j * args.ldb + p : p * args.ldb + j)]!;
}

/** Row-major m × n results of the float64 reference and the magnitudes for the error bound. */
export function gemmFloat64(args: GemmArgs): { value: Float64Array; magnitude: Float64Array } {
  const { m, n, k, alpha, beta, c, cOffset, ldc } = args;
  const value = new Float64Array(m * n);
  const magnitude = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      let abs = 0;
      for (let p = 0; p < k && alpha !== 0; p++) {
        const product = opA(args, i, p) * opB(args, p, j);
        sum += product;
        abs += Math.abs(product);
      }
      const old = beta === 0 ? 0 : beta * c[cOffset + i * ldc + j]!;
      value[i * n + j] = alpha * sum + old;
      magnitude[i * n + j] = Math.abs(alpha) * abs + Math.abs(old);
    }
  }
  return { value, magnitude };
}

/** Row-major m × n float32 results with wasmSgemm's exact operation order (`fused`: one rounding per multiply-add). */
export function gemmSequentialFloat32(args: GemmArgs, fused = false): Float32Array {
  const { m, n, k, alpha, beta, c, cOffset, ldc } = args;
  const out = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k && alpha !== 0; p++) {
        s = fused ? fusedMultiplyAddF32(opA(args, i, p), opB(args, p, j), s) : Math.fround(s + Math.fround(opA(args, i, p) * opB(args, p, j)));
      }
      out[i * n + j] = beta === 0 ? alpha * s : alpha * s + beta * c[cOffset + i * ldc + j]!;
    }
  }
  return out;
}

/**
 * fl32(a·b + c) rounded once (what a fused f32x4.relaxed_madd lane computes), for float32 a, b, c.
 * a·b is exact in binary64 (24 + 24 ≤ 53 bits); TwoSum gives the exact remainder of the binary64 sum,
 * and rounding that sum to binary32 is already correct unless it landed exactly on a binary32
 * midpoint, where the remainder's sign decides (Boldo–Melquiond, "Emulation of FMA and correctly
 * rounded sums", IEEE TC 2008, discuss the same double-rounding case).
 */
export function fusedMultiplyAddF32(a: number, b: number, c: number): number {
  const p = a * b;
  const sum = p + c;
  const bv = sum - p;
  const err = p - (sum - bv) + (c - bv);
  const r = Math.fround(sum);
  if (err === 0 || r === sum || !Number.isFinite(sum)) return r;
  const other = 2 * sum - r; // the binary32 neighbour on the other side when sum is a midpoint
  if (Math.fround(other) !== other || Math.abs(other - sum) !== Math.abs(r - sum)) return r;
  return err > 0 ? Math.max(r, other) : Math.min(r, other);
}
