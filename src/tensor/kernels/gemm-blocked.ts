/**
 * Cache-blocked, packed GEMM (the fast path behind `gemm`; same contract, see matmul.ts).
 *
 * Math:    C[i,j] ← α · Σ_p opA[i,p] · opB[p,j] + β · C[i,j]
 * Blocking (Goto/van de Geijn loop nest, scalar version):
 *   for ic0 in m step MBIG                     (bounds the float64 accumulator to MBIG×NC)
 *    for jc in n step NC                       column panel of B and C
 *     for pc in k step KC                      depth block
 *       pack opB[pc:pc+kc, jc:jc+nc] → pb      NR-wide micro-panels, p-major (L2-resident)
 *       for ic in [ic0, ic0+MBIG) step MC
 *         pack opA[ic:ic+mc, pc:pc+kc] → pa    MR-tall micro-panels, p-major
 *         for jr, ir: micro-kernel MR×NR       acc[ir.., jr..] += pa-panel · pb-panel
 *     store C[i,j] = α·acc[i,j] (+ β·C[i,j])
 * Packed panels and the accumulator are Float64Array from the scratch pool, so the micro-kernel
 * sees one array type whatever the dtype (no polymorphic loads in the hot loop); transposes are
 * absorbed by the packing loops. Edge panels are zero-padded to full MR/NR tiles; padded rows and
 * columns only ever land in accumulator slots that are never stored.
 * Reproducibility: the micro-kernel reloads each accumulator and keeps adding products in ascending
 * p across depth blocks, so every C element is the same sequential float64 sum as the reference loop.
 * Cost: 2·m·n·k flops; packing adds O(m·k·⌈n/NC⌉ + k·n·⌈m/MBIG⌉) copies.
 */
import type { FloatArray } from '../dtype.js';
import type { GemmArgs } from './gemm-args.js';
import { acquireScratch, releaseScratch } from './scratch.js';

/** Micro-tile rows and columns: 4×4 = 16 float64 accumulators in locals (fits x64's 16 XMM regs best). */
export const MR = 4;
export const NR = 4;
/** Depth block: an MR×KC A micro-panel plus a KC×NR B micro-panel (2·8 KiB) stay in L1. */
export const KC = 256;
/** Rows of A packed at once (MC×KC float64 = 128 KiB, L2). */
export const MC = 64;
/** Columns of B packed at once (KC×NC float64 = 512 KiB). */
export const NC = 256;
/** Rows covered by one accumulator (MBIG×NC float64 = 2 MiB at most). */
export const MBIG = 1024;

const roundUp = (x: number, r: number): number => Math.ceil(x / r) * r;

/** pa ← opA[ic:ic+mc, pc:pc+kc] as ⌈mc/MR⌉ micro-panels, each kc×MR p-major, zero-padded rows. */
function packA(
  a: FloatArray, aOffset: number, lda: number, transA: boolean,
  ic: number, mc: number, pc: number, kc: number, pa: Float64Array,
): void {
  for (let ir = 0; ir < mc; ir += MR) {
    const panel = ir * kc; // = (ir / MR) · kc · MR
    for (let r = 0; r < MR; r++) {
      const i = ic + ir + r;
      let dst = panel + r;
      if (ir + r >= mc) {
        for (let p = 0; p < kc; p++, dst += MR) pa[dst] = 0;
      } else if (transA) {
        // opA[i,p] = a[aOffset + p·lda + i]
        let src = aOffset + pc * lda + i;
        for (let p = 0; p < kc; p++, dst += MR, src += lda) pa[dst] = a[src]!;
      } else {
        // opA[i,p] = a[aOffset + i·lda + p]
        let src = aOffset + i * lda + pc;
        for (let p = 0; p < kc; p++, dst += MR, src++) pa[dst] = a[src]!;
      }
    }
  }
}

/** pb ← opB[pc:pc+kc, jc:jc+nc] as ⌈nc/NR⌉ micro-panels, each kc×NR p-major, zero-padded columns. */
function packB(
  b: FloatArray, bOffset: number, ldb: number, transB: boolean,
  pc: number, kc: number, jc: number, nc: number, pb: Float64Array,
): void {
  for (let jr = 0; jr < nc; jr += NR) {
    const panel = jr * kc;
    for (let q = 0; q < NR; q++) {
      const j = jc + jr + q;
      let dst = panel + q;
      if (jr + q >= nc) {
        for (let p = 0; p < kc; p++, dst += NR) pb[dst] = 0;
      } else if (transB) {
        // opB[p,j] = b[bOffset + j·ldb + p]
        let src = bOffset + j * ldb + pc;
        for (let p = 0; p < kc; p++, dst += NR, src++) pb[dst] = b[src]!;
      } else {
        // opB[p,j] = b[bOffset + p·ldb + j]
        let src = bOffset + pc * ldb + j;
        for (let p = 0; p < kc; p++, dst += NR, src += ldb) pb[dst] = b[src]!;
      }
    }
  }
}

/**
 * acc[accOff + r·ldAcc + q] += Σ_{p<kc} pa[aOff + p·MR + r] · pb[bOff + p·NR + q] for r, q < 4,
 * each accumulator continuing its sequential sum. Sixteen named locals: unrolled on purpose, this is
 * the hot loop (benchmarked: ~6× the naive i-k-j loop).
 */
function microKernel4x4(
  kc: number, pa: Float64Array, aOff: number, pb: Float64Array, bOff: number,
  acc: Float64Array, accOff: number, ldAcc: number,
): void {
  const r0 = accOff, r1 = r0 + ldAcc, r2 = r1 + ldAcc, r3 = r2 + ldAcc;
  let c00 = acc[r0]!, c01 = acc[r0 + 1]!, c02 = acc[r0 + 2]!, c03 = acc[r0 + 3]!;
  let c10 = acc[r1]!, c11 = acc[r1 + 1]!, c12 = acc[r1 + 2]!, c13 = acc[r1 + 3]!;
  let c20 = acc[r2]!, c21 = acc[r2 + 1]!, c22 = acc[r2 + 2]!, c23 = acc[r2 + 3]!;
  let c30 = acc[r3]!, c31 = acc[r3 + 1]!, c32 = acc[r3 + 2]!, c33 = acc[r3 + 3]!;
  let ai = aOff, bi = bOff;
  for (let p = 0; p < kc; p++, ai += 4, bi += 4) {
    const a0 = pa[ai]!, a1 = pa[ai + 1]!, a2 = pa[ai + 2]!, a3 = pa[ai + 3]!;
    const b0 = pb[bi]!, b1 = pb[bi + 1]!, b2 = pb[bi + 2]!, b3 = pb[bi + 3]!;
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
  }
  acc[r0] = c00; acc[r0 + 1] = c01; acc[r0 + 2] = c02; acc[r0 + 3] = c03;
  acc[r1] = c10; acc[r1 + 1] = c11; acc[r1 + 2] = c12; acc[r1 + 3] = c13;
  acc[r2] = c20; acc[r2 + 1] = c21; acc[r2 + 2] = c22; acc[r2 + 3] = c23;
  acc[r3] = c30; acc[r3 + 1] = c31; acc[r3 + 2] = c32; acc[r3 + 3] = c33;
}

/**
 * The blocked GEMM over all of C. Assumes validated arguments, m, n, k ≥ 1 and α ≠ 0
 * (`gemm` routes the other cases to the reference loop).
 *
 * @example
 * gemmBlocked({ transA: false, transB: true, m: 64, n: 64, k: 64, alpha: 1, a, aOffset: 0, lda: 64,
 *   b, bOffset: 0, ldb: 64, beta: 0, c, cOffset: 0, ldc: 64 });
 */
export function gemmBlocked(args: GemmArgs): void {
  gemmBlockedRows(args, 0, args.m);
}

/**
 * Rows [rowStart, rowEnd) of C only (the unit of work a thread gets). Each C element's arithmetic
 * does not depend on the row range, so any split gives bit-identical results.
 *
 * @example
 * gemmBlockedRows(args, 0, 32); gemmBlockedRows(args, 32, args.m); // same as gemmBlocked(args)
 */
export function gemmBlockedRows(args: GemmArgs, rowStart: number, rowEnd: number): void {
  const { transA, transB, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc } = args;
  const mTotal = rowEnd - rowStart;
  if (mTotal <= 0 || n <= 0) return;
  const mBig = Math.min(MBIG, mTotal);
  const ncMax = Math.min(NC, n);
  const kcMax = Math.min(KC, k);
  const ldAcc = roundUp(ncMax, NR);
  const pa = acquireScratch('float64', roundUp(Math.min(MC, mBig), MR) * kcMax);
  const pb = acquireScratch('float64', ldAcc * kcMax);
  const acc = acquireScratch('float64', roundUp(mBig, MR) * ldAcc);
  try {
    for (let ic0 = rowStart; ic0 < rowEnd; ic0 += MBIG) {
      const mb = Math.min(MBIG, rowEnd - ic0);
      for (let jc = 0; jc < n; jc += NC) {
        const nc = Math.min(NC, n - jc);
        const ncPad = roundUp(nc, NR);
        acc.fill(0, 0, roundUp(mb, MR) * ldAcc);
        for (let pc = 0; pc < k; pc += KC) {
          const kc = Math.min(KC, k - pc);
          packB(b, bOffset, ldb, transB, pc, kc, jc, nc, pb);
          for (let ic = 0; ic < mb; ic += MC) {
            const mc = Math.min(MC, mb - ic);
            packA(a, aOffset, lda, transA, ic0 + ic, mc, pc, kc, pa);
            for (let jr = 0; jr < ncPad; jr += NR) {
              const bOff = jr * kc;
              for (let ir = 0; ir < mc; ir += MR) {
                microKernel4x4(kc, pa, ir * kc, pb, bOff, acc, (ic + ir) * ldAcc + jr, ldAcc);
              }
            }
          }
        }
        storeC(acc, ldAcc, mb, nc, alpha, beta, c, cOffset + ic0 * ldc + jc, ldc);
      }
    }
  } finally {
    releaseScratch(pa);
    releaseScratch(pb);
    releaseScratch(acc);
  }
}

/** C[i, j] = α·acc[i, j] (+ β·C[i, j] when β ≠ 0): the single rounding of each element. */
function storeC(
  acc: Float64Array, ldAcc: number, rows: number, cols: number, alpha: number, beta: number,
  c: FloatArray, cOff: number, ldc: number,
): void {
  for (let i = 0; i < rows; i++) {
    const src = i * ldAcc;
    const dst = cOff + i * ldc;
    if (beta === 0) {
      for (let j = 0; j < cols; j++) c[dst + j] = alpha * acc[src + j]!;
    } else {
      for (let j = 0; j < cols; j++) c[dst + j] = alpha * acc[src + j]! + beta * c[dst + j]!;
    }
  }
}
