/**
 * Permanent of a matrix with repeated rows and columns (bunched Fock states), without expanding it.
 *
 * Let the N×N matrix B repeat row i of the p×q matrix M μ_i times and column j ν_j times
 * (N = Σμ = Σν). Grouping Glynn's δ vectors by how many copies r_i of row i carry δ = −1:
 *   Per(B) = 2^{−(N−1)} Σ_r Π_i (−1)^{r_i}·C(μ′_i, r_i) · Π_j (Σ_i (μ_i − 2r_i)·M[i,j])^{ν_j},
 * r_i ∈ 0 … μ′_i with μ′ = μ except μ′ = μ − 1 for the first non-empty row (one copy pinned to +1).
 * That is Π(μ′_i + 1) terms instead of 2^{N−1}. The r vectors are visited in reflected mixed-radix
 * Gray order, so each step changes one r_i by ±1 and updates the column sums in O(q)
 * (the form used by Piquasso; docs/photonics.md §2). The cheaper of rows/columns is enumerated
 * (Per(Bᵀ) = Per(B)). Cost Π(μ′+1)·(p + N); float64, fixed order.
 *
 * Precision guard (docs/photonics.md §2): the terms alternate in sign and, for large multiplicities,
 * are far larger than the result (at |n, 0⟩ → 50:50 they grow like (2n)^n/2^n against n!), so Glynn
 * then returns garbage (n = 100) or NaN (n! overflows float64 from n = 171). While summing we also
 * accumulate S_abs = 2^{−(N−1)} Σ_r (|Re term_r| + |Im term_r|) (≥ Σ|term_r|). The natural size of the result is
 *   S = c^N·√(Π μ_i!·Π ν_j!),  c = √(‖M‖₁‖M‖_∞) ≥ ‖M‖₂ (rows/columns in use),
 * since Per(B)/S = ⟨μ|Γ(M/c)|ν⟩ is a matrix element of the second quantization of a contraction
 * (|·| ≤ 1). Glynn's rounding error is ≈ ε·S_abs, so its result G is kept (bit-identical to before)
 * when S_abs ≤ 2^10·|G| (≲ 2^10·ε relative error); otherwise Per(B) = S·⟨μ|Γ(M/c)|ν⟩ with the photon-by-photon recursion of
 * ./fock-amplitude.ts, which only ever holds normalized amplitudes. S is carried as mantissa·2^e, so
 * nothing overflows before the final scaling; a Per beyond float64's range throws a RangeError naming
 * the function and the multiplicities instead of returning Infinity/NaN. `permanentRepeatedSquare-
 * OverFactorials` returns Per/Π μ_i! (= ⟨μ|Γ(M)|μ⟩), which stays O(1) for the zero-set route.
 */
import { checkCMatrix, type CMatrix } from './complex-matrix.js';
import { factorial } from './fock.js';
import { glynnKernel, type Complex } from './permanent.js';
import { contractedAmplitude, naturalScale, scaleResult, type RepeatedView } from './permanent-scaled.js';

/** Glynn's result G is kept while its absolute term sum is at most this multiple of |G|. */
const CANCELLATION_LIMIT = 2 ** 10;

function checkMultiplicities(op: string, arg: string, mult: ArrayLike<number>, len: number): number {
  if (mult.length !== len) throw new RangeError(`${op}: ${arg} must have ${len} entries, got ${mult.length}`);
  let total = 0;
  for (let k = 0; k < len; k++) {
    const v = mult[k]!;
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`${op}: ${arg}[${k}] must be a non-negative integer, got ${v}`);
    total += v;
  }
  return total;
}

/**
 * Per(B) with B built from `m` by repeating row i rowMult[i] times and column j colMult[j] times,
 * by Glynn; writes [re, im, S_abs] into `out`.
 */
function repeatedCore(
  p: number, q: number, mRe: Float64Array, mIm: Float64Array, rowStride: number, colStride: number,
  mu: ArrayLike<number>, nu: ArrayLike<number>, total: number, out: Float64Array,
): void {
  // Element (i, j) of M is at i·rowStride + j·colStride (lets us enumerate rows of Mᵀ without a copy).
  const at = (i: number, j: number): number => i * rowStride + j * colStride;
  let first = -1;
  for (let i = 0; i < p; i++) if (mu[i]! > 0) { first = i; break; }
  const muP = new Int32Array(p);
  for (let i = 0; i < p; i++) muP[i] = mu[i]! - (i === first ? 1 : 0);
  let maxMu = 0;
  for (let i = 0; i < p; i++) maxMu = Math.max(maxMu, muP[i]!);
  // binom[k][r] for k ≤ maxMu
  const binom: Float64Array[] = [];
  for (let k = 0; k <= maxMu; k++) {
    const row = new Float64Array(k + 1);
    row[0] = 1;
    for (let r = 1; r <= k; r++) row[r] = (row[r - 1]! * (k - r + 1)) / r;
    binom.push(row);
  }
  const vr = new Float64Array(q);
  const vi = new Float64Array(q);
  for (let j = 0; j < q; j++) {
    for (let i = 0; i < p; i++) {
      vr[j]! += mu[i]! * mRe[at(i, j)]!;
      vi[j]! += mu[i]! * mIm[at(i, j)]!;
    }
  }
  const r = new Int32Array(p);
  const dir = new Int32Array(p).fill(1);
  let totR = 0;
  let totI = 0;
  let totAbs = 0;
  for (;;) {
    let weight = 1;
    for (let i = 0; i < p; i++) {
      const ri = r[i]!;
      if (ri === 0) continue;
      weight *= binom[muP[i]!]![ri]! * (ri & 1 ? -1 : 1);
    }
    let pr = 1;
    let pi = 0;
    for (let j = 0; j < q; j++) {
      const xr = vr[j]!;
      const xi = vi[j]!;
      for (let e = nu[j]!; e > 0; e--) {
        const t = pr * xr - pi * xi;
        pi = pr * xi + pi * xr;
        pr = t;
      }
    }
    totR += weight * pr;
    totI += weight * pi;
    totAbs += Math.abs(weight) * (Math.abs(pr) + Math.abs(pi)); // ≥ |term|, no hypot in the hot loop
    // next r in reflected mixed-radix Gray order
    let i = 0;
    for (; i < p; i++) {
      const nr = r[i]! + dir[i]!;
      if (nr >= 0 && nr <= muP[i]!) break;
      dir[i] = -dir[i]!;
    }
    if (i === p) break;
    const step = dir[i]!;
    r[i] = r[i]! + step;
    const c = -2 * step; // (μ − 2r) changes by −2·step
    for (let j = 0; j < q; j++) {
      vr[j]! += c * mRe[at(i, j)]!;
      vi[j]! += c * mIm[at(i, j)]!;
    }
  }
  const scale = 2 ** -(total - 1);
  out[0] = totR * scale;
  out[1] = totI * scale;
  out[2] = totAbs * scale;
}

/**
 * Glynn (`repeatedCore`) when its cancellation is mild (S_abs ≤ CANCELLATION_LIMIT·|G| and every number
 * finite), else S·⟨μ|Γ(M/c)|ν⟩ (./permanent-scaled.ts). `overFactorials` (μ = ν only) returns Per/Πμ!.
 */
function guarded(v: RepeatedView, total: number, op: string, overFactorials: boolean): Complex {
  let fact = 1;
  if (overFactorials) for (let i = 0; i < v.p; i++) if (v.mu[i]! > 0) fact *= factorial(v.mu[i]!);
  const out = new Float64Array(3);
  // Glynn cannot pass the test below past N = 1000 or an infinite Π μ!: skip its Π(μ′ + 1) terms there.
  if (total <= 1000 && Number.isFinite(fact)) repeatedCore(v.p, v.q, v.re, v.im, v.rowStride, v.colStride, v.mu, v.nu, total, out);
  const re = out[0]! / fact;
  const im = out[1]! / fact;
  // Glynn's rounding error is ≈ ε·S_abs: keep it when that is small relative to the result itself.
  // 2^{−(N−1)} must stay a normal number, or S_abs can underflow to a false "no cancellation".
  const glynnOk = total <= 1000 && Number.isFinite(fact) && Number.isFinite(re) && Number.isFinite(im)
    && Number.isFinite(out[2]!) && out[2]! / fact <= CANCELLATION_LIMIT * Math.hypot(re, im);
  if (glynnOk) return { re, im };
  const scale = naturalScale(v, total, overFactorials);
  if (scale.nonFinite) return { re: NaN, im: NaN };
  if (!scale.nonzero) return { re: 0, im: 0 };
  return scaleResult(contractedAmplitude(v, scale), scale, op, v);
}

/**
 * Per of the N×N matrix that repeats row i of `m` rowMult[i] times and column j colMult[j] times
 * (Σ rowMult = Σ colMult = N; N = 0 gives 1). All multiplicities ≤ 1 falls back to plain Glynn.
 * @example permanentRepeated(cmatrixFrom(1, 1, [1]), [3], [3]) // { re: 6, im: 0 } (= Per of the 3×3 all-ones)
 */
export function permanentRepeated(m: CMatrix, rowMult: ArrayLike<number>, colMult: ArrayLike<number>): Complex {
  checkCMatrix(m, 'permanentRepeated', 'M');
  const nRows = checkMultiplicities('permanentRepeated', 'rowMult', rowMult, m.rows);
  const nCols = checkMultiplicities('permanentRepeated', 'colMult', colMult, m.cols);
  if (nRows !== nCols) throw new RangeError(`permanentRepeated: Σ rowMult (${nRows}) must equal Σ colMult (${nCols})`);
  if (nRows === 0) return { re: 1, im: 0 };
  let rowTerms = 1;
  let colTerms = 1;
  let allOnes = true;
  let firstRow = true;
  let firstCol = true;
  for (let i = 0; i < m.rows; i++) {
    const v = rowMult[i]!;
    if (v > 1) allOnes = false;
    if (v > 0) { rowTerms *= v + (firstRow ? 0 : 1); firstRow = false; }
  }
  for (let j = 0; j < m.cols; j++) {
    const v = colMult[j]!;
    if (v > 1) allOnes = false;
    if (v > 0) { colTerms *= v + (firstCol ? 0 : 1); firstCol = false; }
  }
  if (allOnes) {
    // plain n×n submatrix of the used rows and columns
    const n = nRows;
    const re = new Float64Array(n * n);
    const im = new Float64Array(n * n);
    let r = 0;
    for (let i = 0; i < m.rows; i++) {
      if (rowMult[i] === 0) continue;
      let c = 0;
      for (let j = 0; j < m.cols; j++) {
        if (colMult[j] === 0) continue;
        re[r * n + c] = m.re[i * m.cols + j]!;
        im[r * n + c] = m.im[i * m.cols + j]!;
        c++;
      }
      r++;
    }
    const out = new Float64Array(2);
    glynnKernel(n, re, im, new Float64Array(3 * n), out);
    return { re: out[0]!, im: out[1]! };
  }
  const view: RepeatedView = rowTerms <= colTerms
    ? { p: m.rows, q: m.cols, re: m.re, im: m.im, rowStride: m.cols, colStride: 1, mu: rowMult, nu: colMult }
    : { p: m.cols, q: m.rows, re: m.re, im: m.im, rowStride: 1, colStride: m.cols, mu: colMult, nu: rowMult };
  return guarded(view, nRows, 'permanentRepeated', false);
}

/**
 * Kernel for hot loops: Per of the expanded matrix of a p×p row-major (re, im) with the same
 * multiplicities `mult` on rows and columns. Throws a RangeError (naming the multiplicities) when Per
 * is beyond float64's range; the zero-set route uses `permanentRepeatedSquareOverFactorials`.
 * @example permanentRepeatedSquare(1, Float64Array.of(1), Float64Array.of(0), Int32Array.of(2)) // { re: 2, im: 0 }
 */
export function permanentRepeatedSquare(p: number, re: Float64Array, im: Float64Array, mult: Int32Array): Complex {
  let total = 0;
  for (let i = 0; i < p; i++) total += mult[i]!;
  if (total === 0) return { re: 1, im: 0 };
  return guarded({ p, q: p, re, im, rowStride: p, colStride: 1, mu: mult, nu: mult }, total, 'permanentRepeatedSquare', false);
}

/**
 * Per/Π_k mult_k! of the same expansion (= ⟨mult|Γ(M)|mult⟩, O(1) for a contraction such as the
 * zero-set matrix I − ηÃ_ZᴴÃ_Z at any occupation). Where Glynn is kept the bits equal
 * `permanentRepeatedSquare(…).re / Π factorial(mult_k)`.
 * @example permanentRepeatedSquareOverFactorials(1, Float64Array.of(0.5), Float64Array.of(0), Int32Array.of(300)) // { re: 0.5^300, im: 0 }
 */
export function permanentRepeatedSquareOverFactorials(p: number, re: Float64Array, im: Float64Array, mult: Int32Array): Complex {
  let total = 0;
  for (let i = 0; i < p; i++) total += mult[i]!;
  if (total === 0) return { re: 1, im: 0 };
  return guarded({ p, q: p, re, im, rowStride: p, colStride: 1, mu: mult, nu: mult }, total, 'permanentRepeatedSquareOverFactorials', true);
}
