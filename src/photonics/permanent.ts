/**
 * Permanents of complex square matrices: Per(A) = Σ_σ Π_i A[i, σ(i)] (docs/photonics.md §2).
 *
 * - `permanentNaive`: the permutation sum itself, O(n·n!), n ≤ 10 (the oracle).
 * - `permanentGlynn`: Glynn's formula (D. G. Glynn, Eur. J. Combin. 31, 2010),
 *   Per(A) = 2^{−(n−1)} Σ_{δ∈{±1}^n, δ_0=+1} (Π_k δ_k)·Π_j (Σ_i δ_i·A[i,j]), with the δ in Gray-code order
 *   (one row flips per step): O(n·2^{n−1}) complex operations, O(n) memory.
 * - `permanentRyser`: Per(A) = (−1)^n Σ_{S⊆[n]} (−1)^{|S|} Π_i Σ_{j∈S} A[i,j] (H. J. Ryser,
 *   "Combinatorial Mathematics", 1963), Gray-coded over column subsets: O(n·2^n), the second oracle.
 * - `permanentSmall`: closed forms for n ≤ 3; `permanent` dispatches (closed form, else Glynn).
 * Kernels take row-major re/im arrays of an n×n matrix and write [re, im] into `out`; they allocate only
 * when no workspace is passed. Sums run in a fixed order (deterministic), in float64.
 */
import { checkCMatrix, type CMatrix } from './complex-matrix.js';

export interface Complex {
  re: number;
  im: number;
}

function checkSquare(op: string, a: CMatrix): void {
  checkCMatrix(a, op, 'A', true);
}

/** Index of the lowest set bit of a positive int32 x. */
function lowBit(x: number): number {
  return 31 - Math.clz32(x & -x);
}

/**
 * Kernel: Glynn's Gray-coded permanent of the n×n matrix (re, im), into out[0..1].
 * `work` needs ≥ 3n entries (column sums re/im and the δ signs). Cost n·2^{n−1} complex multiply-adds.
 * @example glynnKernel(2, Float64Array.of(1, 1, 1, 1), new Float64Array(4), new Float64Array(6), out) // out = [2, 0]
 */
export function glynnKernel(n: number, re: Float64Array, im: Float64Array, work: Float64Array, out: Float64Array): void {
  if (n === 0) {
    out[0] = 1;
    out[1] = 0;
    return;
  }
  // work = [vr (n) | vi (n) | delta (n)]
  for (let j = 0; j < n; j++) {
    let sr = 0;
    let si = 0;
    for (let i = 0; i < n; i++) {
      sr += re[i * n + j]!;
      si += im[i * n + j]!;
    }
    work[j] = sr;
    work[n + j] = si;
    work[2 * n + j] = 1;
  }
  const steps = 2 ** (n - 1);
  let totR = 0;
  let totI = 0;
  let positive = true;
  for (let g = 0; ; g++) {
    let pr = work[0]!;
    let pi = work[n]!;
    for (let j = 1; j < n; j++) {
      const vr = work[j]!;
      const vi = work[n + j]!;
      const t = pr * vr - pi * vi;
      pi = pr * vi + pi * vr;
      pr = t;
    }
    if (positive) {
      totR += pr;
      totI += pi;
    } else {
      totR -= pr;
      totI -= pi;
    }
    if (g + 1 === steps) break;
    const k = 1 + lowBit(g + 1); // row to flip; row 0 stays pinned at +1
    const d = -work[2 * n + k]!;
    work[2 * n + k] = d;
    const two = 2 * d;
    const row = k * n;
    for (let j = 0; j < n; j++) {
      work[j]! += two * re[row + j]!;
      work[n + j]! += two * im[row + j]!;
    }
    positive = !positive;
  }
  out[0] = totR / steps;
  out[1] = totI / steps;
}

/**
 * Kernel: Ryser's Gray-coded permanent (see file comment) of the n×n matrix (re, im) into out[0..1];
 * `work` needs ≥ 2n entries (row sums). Cost n·2^n.
 * @example ryserKernel(1, Float64Array.of(3), Float64Array.of(1), new Float64Array(2), out) // out = [3, 1]
 */
export function ryserKernel(n: number, re: Float64Array, im: Float64Array, work: Float64Array, out: Float64Array): void {
  if (n === 0) {
    out[0] = 1;
    out[1] = 0;
    return;
  }
  work.fill(0, 0, 2 * n);
  let totR = 0;
  let totI = 0;
  let size = 0;
  const subsets = 2 ** n;
  for (let g = 1; g < subsets; g++) {
    const j = lowBit(g); // Gray code g ^ (g >> 1) changes bit j at step g
    const adding = ((g ^ (g >>> 1)) >>> j) & 1;
    const s = adding ? 1 : -1;
    size += s;
    for (let i = 0; i < n; i++) {
      work[i]! += s * re[i * n + j]!;
      work[n + i]! += s * im[i * n + j]!;
    }
    let pr = work[0]!;
    let pi = work[n]!;
    for (let i = 1; i < n; i++) {
      const vr = work[i]!;
      const vi = work[n + i]!;
      const t = pr * vr - pi * vi;
      pi = pr * vi + pi * vr;
      pr = t;
    }
    if (size & 1) {
      totR -= pr;
      totI -= pi;
    } else {
      totR += pr;
      totI += pi;
    }
  }
  const sign = n & 1 ? -1 : 1;
  out[0] = sign * totR;
  out[1] = sign * totI;
}

/** Row-3 cofactor expansion: [a, p, q, r, s] means a·(p·q + r·s), flat indices of a 3×3 matrix. */
const MINORS3 = Int32Array.of(0, 4, 8, 5, 7, 1, 3, 8, 5, 6, 2, 3, 7, 4, 6);

/** Real and imaginary parts of entry p times entry q. */
function mulRe(re: Float64Array, im: Float64Array, p: number, q: number): number {
  return re[p]! * re[q]! - im[p]! * im[q]!;
}
function mulIm(re: Float64Array, im: Float64Array, p: number, q: number): number {
  return re[p]! * im[q]! + im[p]! * re[q]!;
}

/**
 * Kernel: closed-form permanent for n ≤ 3 into out[0..1] (n = 0 gives 1); returns false for n > 3.
 * @example smallPermanentKernel(2, Float64Array.of(1, 2, 3, 4), new Float64Array(4), out) // out = [10, 0]
 */
export function smallPermanentKernel(n: number, re: Float64Array, im: Float64Array, out: Float64Array): boolean {
  if (n === 0) {
    out[0] = 1;
    out[1] = 0;
    return true;
  }
  if (n === 1) {
    out[0] = re[0]!;
    out[1] = im[0]!;
    return true;
  }
  if (n === 2) {
    out[0] = mulRe(re, im, 0, 3) + mulRe(re, im, 1, 2);
    out[1] = mulIm(re, im, 0, 3) + mulIm(re, im, 1, 2);
    return true;
  }
  if (n === 3) {
    // Per = a00(a11 a22 + a12 a21) + a01(a10 a22 + a12 a20) + a02(a10 a21 + a11 a20)
    let sr = 0;
    let si = 0;
    for (let e = 0; e < 15; e += 5) {
      const a = MINORS3[e]!, p = MINORS3[e + 1]!, q = MINORS3[e + 2]!, r = MINORS3[e + 3]!, s = MINORS3[e + 4]!;
      const mr = mulRe(re, im, p, q) + mulRe(re, im, r, s);
      const mi = mulIm(re, im, p, q) + mulIm(re, im, r, s);
      sr += re[a]! * mr - im[a]! * mi;
      si += re[a]! * mi + im[a]! * mr;
    }
    out[0] = sr;
    out[1] = si;
    return true;
  }
  return false;
}

/**
 * Per(A) by the permutation sum (depth-first over columns), O(n·n!); the reference oracle, n ≤ 10.
 * @example permanentNaive(cidentity(3)) // { re: 1, im: 0 }
 */
export function permanentNaive(a: CMatrix): Complex {
  checkSquare('permanentNaive', a);
  const n = a.rows;
  if (n > 10) throw new RangeError(`permanentNaive: n must be ≤ 10 (n! terms), got ${n}`);
  if (n === 0) return { re: 1, im: 0 };
  let totR = 0;
  let totI = 0;
  const used = new Uint8Array(n);
  const visit = (row: number, pr: number, pi: number): void => {
    if (row === n) {
      totR += pr;
      totI += pi;
      return;
    }
    for (let c = 0; c < n; c++) {
      if (used[c]) continue;
      used[c] = 1;
      const xr = a.re[row * n + c]!;
      const xi = a.im[row * n + c]!;
      visit(row + 1, pr * xr - pi * xi, pr * xi + pi * xr);
      used[c] = 0;
    }
  };
  visit(0, 1, 0);
  return { re: totR, im: totI };
}

/**
 * Per(A) by Glynn's Gray-coded formula, O(n·2^{n−1}); n ≤ 32.
 * @example permanentGlynn(cmatrixFrom(2, 2, [1, 1, 1, 1])) // { re: 2, im: 0 }
 */
export function permanentGlynn(a: CMatrix): Complex {
  checkSquare('permanentGlynn', a);
  if (a.rows > 32) throw new RangeError(`permanentGlynn: n must be ≤ 32, got ${a.rows}`);
  const out = new Float64Array(2);
  glynnKernel(a.rows, a.re, a.im, new Float64Array(3 * a.rows), out);
  return { re: out[0]!, im: out[1]! };
}

/**
 * Per(A) by Ryser's Gray-coded formula, O(n·2^n); n ≤ 30.
 * @example permanentRyser(cidentity(4)) // { re: 1, im: 0 }
 */
export function permanentRyser(a: CMatrix): Complex {
  checkSquare('permanentRyser', a);
  if (a.rows > 30) throw new RangeError(`permanentRyser: n must be ≤ 30, got ${a.rows}`);
  const out = new Float64Array(2);
  ryserKernel(a.rows, a.re, a.im, new Float64Array(2 * a.rows), out);
  return { re: out[0]!, im: out[1]! };
}

/**
 * Per(A): closed forms for n ≤ 3, Glynn otherwise.
 * @example permanent(cmatrixFrom(3, 3, new Array(9).fill(1))) // { re: 6, im: 0 }
 */
export function permanent(a: CMatrix): Complex {
  checkSquare('permanent', a);
  const out = new Float64Array(2);
  if (smallPermanentKernel(a.rows, a.re, a.im, out)) return { re: out[0]!, im: out[1]! };
  return permanentGlynn(a);
}
