/**
 * Scaled evaluation of permanents with repeated rows/columns, for when Glynn's alternating sum cancels
 * (see the opening comment of ./permanent-repeated.ts and docs/photonics.md §2).
 *
 * Math: for the N×N matrix B that repeats row i of the p×q matrix M μ_i times and column j ν_j times,
 *   Per(B) = c^N·√(Π μ_i!·Π ν_j!)·⟨μ|Γ(M/c)|ν⟩,
 * where Γ(A) is the second quantization of A (⟨t|Γ(A)|s⟩ = Per(A_{t,s})/√(s!·t!) for any square A,
 * unitary or not) and c = √(‖M‖₁‖M‖_∞) ≥ ‖M‖₂ over the used block (so M/c is a contraction and
 * |⟨μ|Γ(M/c)|ν⟩| ≤ 1; dividing by c rounds each entry once, ≈ N·ε relative in the result). The matrix element is the photon-by-photon recursion of
 * ./fock-amplitude.ts on M/c zero-padded to a square d×d, d = max(used rows, used columns); only the
 * rows with μ_i > 0 and columns with ν_j > 0 are used. The scale S = c^N·√(Πμ!Πν!) is kept as
 * mantissa·2^exponent (c^N and the factorials multiplied in, rescaled by exact powers of two), so nothing
 * overflows before the final product; `scaleResult` applies 2^exponent in exact steps. When the norms
 * themselves overflow (entries near 2^1024), they are taken of M·2^−k, k = ⌊log₂ max |entry|⌋, and 2^k is
 * carried in the exponent (`shift`); a NaN or infinite entry in the used block makes the result NaN.
 * Layout: M is read at i·rowStride + j·colStride of (re, im) (a transpose needs no copy).
 * Cost: the recursion's Π(occupation + 1)·(occupied modes) on the cheaper side, plus O(p·q + N).
 */
import type { CMatrix } from './complex-matrix.js';
import { fockAmplitude } from './fock-amplitude.js';
import type { Complex } from './permanent.js';

/** A strided view of the p×q matrix M with its row (μ) and column (ν) multiplicities. */
export interface RepeatedView {
  p: number;
  q: number;
  re: Float64Array;
  im: Float64Array;
  rowStride: number;
  colStride: number;
  mu: ArrayLike<number>;
  nu: ArrayLike<number>;
}

/** S = mantissa·2^exponent for the normalizer c·2^shift; `log2` = log₂ S (for comparisons). */
export interface NaturalScale {
  /** c·2^−shift: shift is 0 unless the norms of M overflow float64 (entries near the top of its range). */
  c: number;
  shift: number;
  mantissa: number;
  exponent: number;
  log2: number;
  /** false when M's used block is zero (then Per = 0 for N > 0), or not finite. */
  nonzero: boolean;
  /** true when the used block holds a NaN or an infinite entry (then Per is NaN here). */
  nonFinite: boolean;
}

/** √(‖M‖₁‖M‖_∞) over the used block of M·2^−shift (2^−shift is exact: 1 for shift 0, the common case). */
function normBound(v: RepeatedView, shift: number): number {
  const f = 2 ** -shift;
  const at = (i: number, j: number): number => Math.hypot(v.re[i * v.rowStride + j * v.colStride]! * f, v.im[i * v.rowStride + j * v.colStride]! * f);
  let norm1 = 0;
  let normInf = 0;
  for (let j = 0; j < v.q; j++) {
    if (v.nu[j] === 0) continue;
    let col = 0;
    for (let i = 0; i < v.p; i++) if (v.mu[i] !== 0) col += at(i, j);
    norm1 = Math.max(norm1, col);
  }
  for (let i = 0; i < v.p; i++) {
    if (v.mu[i] === 0) continue;
    let row = 0;
    for (let j = 0; j < v.q; j++) if (v.nu[j] !== 0) row += at(i, j);
    normInf = Math.max(normInf, row);
  }
  return Math.sqrt(norm1) * Math.sqrt(normInf);
}

/** The largest |Re| or |Im| over the used block (NaN when one is NaN). */
function largestEntry(v: RepeatedView): number {
  let top = 0;
  for (let i = 0; i < v.p; i++) {
    if (v.mu[i] === 0) continue;
    for (let j = 0; j < v.q; j++) {
      if (v.nu[j] !== 0) top = Math.max(top, Math.abs(v.re[i * v.rowStride + j * v.colStride]!), Math.abs(v.im[i * v.rowStride + j * v.colStride]!));
    }
  }
  return top;
}

const NO_SCALE = { c: 0, shift: 0, mantissa: 0, exponent: 0, log2: -Infinity, nonzero: false };

const CHUNK = 256;

/** S = c^N·√(Πμ!·Πν!) as mantissa·2^exponent; `half` drops the √(Πμ!Πν!) factor (Per/Πμ! for μ = ν). */
export function naturalScale(v: RepeatedView, total: number, half = false): NaturalScale {
  let shift = 0;
  let bound = normBound(v, 0);
  if (bound === Infinity) {
    // finite entries whose row or column sums overflow (or an infinite entry): bound M·2^−shift instead,
    // with M·2^−shift's largest entry in [1, 2), and carry 2^shift in the exponent
    const top = largestEntry(v);
    if (!Number.isFinite(top)) return { ...NO_SCALE, nonFinite: true };
    shift = Math.floor(Math.log2(top));
    bound = normBound(v, shift);
  }
  if (Number.isNaN(bound)) return { ...NO_SCALE, nonFinite: true };
  if (!(bound > 0)) return { ...NO_SCALE, nonFinite: false };
  // c = cm·2^ce with cm ∈ [1, 2): c^N is accumulated as cm^N·2^{ce·N}.
  let ce = Math.floor(Math.log2(bound));
  if (2 ** ce > bound) ce--;
  if (2 ** (ce + 1) <= bound) ce++;
  const cm = bound / 2 ** ce;
  // c^{2N}·Π μ_i!·Π ν_j! as mant·2^e with e a multiple of 2·CHUNK, so √ halves it exactly.
  let mant = 1;
  let e = 0;
  const times = (x: number): void => {
    mant *= x;
    if (mant > 2 ** (2 * CHUNK)) { mant *= 2 ** (-2 * CHUNK); e += 2 * CHUNK; }
  };
  for (let k = 0; k < 2 * total; k++) times(cm);
  if (!half) {
    for (let i = 0; i < v.p; i++) for (let k = 2; k <= v.mu[i]!; k++) times(k);
    for (let j = 0; j < v.q; j++) for (let k = 2; k <= v.nu[j]!; k++) times(k);
  }
  const mantissa = Math.sqrt(mant);
  const exponent = e / 2 + (ce + shift) * total;
  return { c: bound, shift, mantissa, exponent, log2: Math.log2(mantissa) + exponent, nonzero: true, nonFinite: false };
}

/** x·2^e in exact power-of-two steps (only the final product can overflow or round to subnormal). */
export function ldexp(x: number, e: number): number {
  let y = x;
  let k = e;
  while (k > 1000) { y *= 2 ** 1000; k -= 1000; }
  while (k < -1000) { y *= 2 ** -1000; k += 1000; }
  return y * 2 ** k;
}

/** ⟨μ|Γ(M/c)|ν⟩ by the photon-by-photon recursion (|·| ≤ 1). */
export function contractedAmplitude(v: RepeatedView, scale: NaturalScale): Complex {
  const rows: number[] = [];
  const cols: number[] = [];
  for (let i = 0; i < v.p; i++) if (v.mu[i] !== 0) rows.push(i);
  for (let j = 0; j < v.q; j++) if (v.nu[j] !== 0) cols.push(j);
  const d = Math.max(rows.length, cols.length);
  const inv = 1 / scale.c;
  const f = 2 ** -scale.shift; // exact; 1 unless the norms overflowed
  const u: CMatrix = { rows: d, cols: d, re: new Float64Array(d * d), im: new Float64Array(d * d) };
  for (let r = 0; r < rows.length; r++) {
    for (let c = 0; c < cols.length; c++) {
      const e = rows[r]! * v.rowStride + cols[c]! * v.colStride;
      u.re[r * d + c] = v.re[e]! * f * inv;
      u.im[r * d + c] = v.im[e]! * f * inv;
    }
  }
  const output = new Int32Array(d);
  const input = new Int32Array(d);
  rows.forEach((i, r) => { output[r] = v.mu[i]!; });
  cols.forEach((j, c) => { input[c] = v.nu[j]!; });
  return fockAmplitude(u, input, output);
}

/** a·S, or a RangeError naming `op` and the multiplicities when |Per| is beyond float64's range. */
export function scaleResult(a: Complex, scale: NaturalScale, op: string, v: RepeatedView): Complex {
  const re = ldexp(a.re * scale.mantissa, scale.exponent);
  const im = ldexp(a.im * scale.mantissa, scale.exponent);
  if (!Number.isFinite(re) || !Number.isFinite(im)) {
    const mag = Math.log2(Math.hypot(a.re, a.im)) + scale.log2;
    throw new RangeError(
      `${op}: the permanent for multiplicities [${Array.from(v.mu).join(', ')}] × [${Array.from(v.nu).join(', ')}] is ≈ 2^${Math.round(mag)}, `
      + 'beyond float64 (the factorials alone overflow from 171!); use outputAmplitude / permanentRepeatedSquareOverFactorials for the normalized value',
    );
  }
  return { re, im };
}
