/**
 * Textbook GEMM oracle (test-only, never exported from src): C ← α·op(A)·op(B) + β·C with
 * op(X)[r, s] read through an explicit accessor per transpose flag. Returns the expected full C
 * buffer (a copy of `c` with the m×n block replaced) in float64; the sum runs in ascending p.
 * When β = 0 the old C is ignored; when α = 0, A and B are not read (BLAS conventions).
 */
import type { GemmArgs } from '../../src/tensor/kernels/matmul.js';

export function naiveGemm(args: GemmArgs): Float64Array {
  const { transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc } = args;
  const opA = (i: number, p: number): number => (transA ? a[aOffset + p * lda + i]! : a[aOffset + i * lda + p]!);
  const opB = (p: number, j: number): number => (transB ? b[bOffset + j * ldb + p]! : b[bOffset + p * ldb + j]!);
  const result = Float64Array.from(c);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      if (alpha !== 0) for (let p = 0; p < k; p++) sum += opA(i, p) * opB(p, j);
      const old = c[cOffset + i * ldc + j]!;
      result[cOffset + i * ldc + j] = beta === 0 ? alpha * sum : alpha * sum + beta * old;
    }
  }
  return result;
}
