/**
 * All leave-one-column-out permanents of an R×(R+1) complex matrix for the price of one Glynn sum
 * (docs/photonics.md §4, "All k sub-permanents for the price of one").
 *
 * Math (Glynn, Eur. J. Combin. 31, 2010): for an R×R matrix M,
 *   Per(M) = 2^{−(R−1)} Σ_{δ∈{±1}^R, δ₀=+1} (Π_i δ_i) · Π_c (Σ_i δ_i M_ic).
 * Every submatrix B∖c (B without column c) has the same rows, so one walk over δ serves all of them:
 * keep v_c = Σ_i δ_i B_ic for all R+1 columns and add sign·Π_{c′≠c} v_{c′} into acc_c, forming the
 * products from prefix products (stored) and a running suffix product. Finally P_c = acc_c / 2^{R−1}.
 * δ runs in Gray-code order: step g flips row 1 + ctz(g) (row 0 stays +1), an O(R) update of v.
 *
 * Layout: B is row-major in split re/im arrays with row stride `stride` (≥ R + 1).
 * Cost: 2^{R−1} steps × (2(R+1) complex multiplies + R+1 complex adds); O(R) workspace, no allocation.
 */
import type { CMatrix } from './complex-matrix.js';

/** Scratch buffers for `leaveOneOutPermanents`, sized for R ≤ maxRows. */
export interface LeaveOneOutWorkspace {
  readonly maxRows: number;
  readonly vRe: Float64Array;
  readonly vIm: Float64Array;
  readonly preRe: Float64Array;
  readonly preIm: Float64Array;
  readonly delta: Int8Array;
}

/**
 * Allocates the scratch for matrices with up to `maxRows` rows (and maxRows + 1 columns).
 *
 * @example
 * const ws = createLeaveOneOutWorkspace(7); // serves every step of an 8-photon sampler
 */
export function createLeaveOneOutWorkspace(maxRows: number): LeaveOneOutWorkspace {
  if (!Number.isInteger(maxRows) || maxRows < 0 || maxRows > 30) {
    throw new RangeError(`createLeaveOneOutWorkspace: maxRows must be an integer in [0, 30], got ${maxRows}`);
  }
  const k = maxRows + 1;
  return {
    maxRows,
    vRe: new Float64Array(k),
    vIm: new Float64Array(k),
    preRe: new Float64Array(k),
    preIm: new Float64Array(k),
    delta: new Int8Array(Math.max(1, maxRows)),
  };
}

/**
 * Kernel: writes P_c = Per(B without column c) for c = 0 … R into outRe/outIm[0 … R].
 * R = 0 (an empty 0×1 matrix) gives P_0 = 1, the permanent of the empty matrix.
 *
 * @example
 * leaveOneOutPermanents(2, bRe, bIm, 3, pRe, pIm, createLeaveOneOutWorkspace(2)); // B is 2×3
 */
export function leaveOneOutPermanents(
  R: number,
  bRe: Float64Array,
  bIm: Float64Array,
  stride: number,
  outRe: Float64Array,
  outIm: Float64Array,
  ws: LeaveOneOutWorkspace,
): void {
  const K = R + 1;
  if (R === 0) {
    outRe[0] = 1;
    outIm[0] = 0;
    return;
  }
  const { vRe, vIm, preRe, preIm, delta } = ws;
  for (let c = 0; c < K; c++) {
    let sr = 0;
    let si = 0;
    for (let i = 0; i < R; i++) {
      sr += bRe[i * stride + c]!;
      si += bIm[i * stride + c]!;
    }
    vRe[c] = sr;
    vIm[c] = si;
    outRe[c] = 0;
    outIm[c] = 0;
  }
  for (let i = 0; i < R; i++) delta[i] = 1;
  const terms = 2 ** (R - 1);
  let sign = 1;
  for (let g = 0; ;) {
    // prefix products pre_c = Π_{c′<c} v_{c′}
    let pr = 1;
    let pi = 0;
    for (let c = 0; c < K; c++) {
      preRe[c] = pr;
      preIm[c] = pi;
      const vr = vRe[c]!;
      const vi = vIm[c]!;
      const t = pr * vr - pi * vi;
      pi = pr * vi + pi * vr;
      pr = t;
    }
    // running suffix s = sign·Π_{c′>c} v_{c′}; acc_c += pre_c · s
    let sr = sign;
    let si = 0;
    for (let c = K - 1; c >= 0; c--) {
      const ar = preRe[c]!;
      const ai = preIm[c]!;
      outRe[c] = outRe[c]! + (ar * sr - ai * si);
      outIm[c] = outIm[c]! + (ar * si + ai * sr);
      const vr = vRe[c]!;
      const vi = vIm[c]!;
      const t = sr * vr - si * vi;
      si = sr * vi + si * vr;
      sr = t;
    }
    g++;
    if (g === terms) break;
    const row = 1 + (31 - Math.clz32(g & -g));
    const d = -delta[row]!;
    delta[row] = d;
    const twoD = 2 * d;
    const off = row * stride;
    for (let c = 0; c < K; c++) {
      vRe[c] = vRe[c]! + twoD * bRe[off + c]!;
      vIm[c] = vIm[c]! + twoD * bIm[off + c]!;
    }
    sign = -sign;
  }
  const scale = 1 / terms;
  for (let c = 0; c < K; c++) {
    outRe[c] = outRe[c]! * scale;
    outIm[c] = outIm[c]! * scale;
  }
}

/**
 * Convenience form: all R + 1 leave-one-column-out permanents of an R×(R+1) CMatrix.
 *
 * @example
 * const { re, im } = allLeaveOneOutPermanents(B); // re[c] + i·im[c] = Per(B without column c)
 */
export function allLeaveOneOutPermanents(B: CMatrix): { re: Float64Array; im: Float64Array } {
  if (B.cols !== B.rows + 1) {
    throw new RangeError(`allLeaveOneOutPermanents: B must be R×(R+1), got ${B.rows}×${B.cols}`);
  }
  const re = new Float64Array(B.cols);
  const im = new Float64Array(B.cols);
  leaveOneOutPermanents(B.rows, B.re, B.im, B.cols, re, im, createLeaveOneOutWorkspace(B.rows));
  return { re, im };
}
