/**
 * Exact boson sampling by Clifford & Clifford, algorithm B ("The classical complexity of boson
 * sampling", arXiv:1706.01260; docs/photonics.md §4).
 *
 * Math: with A = U[:, photon modes] (m×n) and its columns permuted uniformly at random, the output
 * modes r₁ … r_n are drawn one at a time: r₁ ∝ |A[j,0]|², and for k = 2 … n
 *   r_k = j with weight w_j = |Σ_{c<k} A[j,c]·Per(B∖c)|²,  B = A[r₁ … r_{k−1}; 0 … k−1],
 * the Laplace expansion of Per(A[r₁ … r_{k−1}, j; 0 … k−1]) along its last row. The multiset
 * {r₁ … r_n} is an exact sample of |Per(U_{t,s})|²/(Π s!·Π t!). All leave-one-out permanents of a
 * step come from one Glynn walk (clifford-permanents.ts). Weights use |x|², never x².
 *
 * Cost per shot O(n·2^n + m·n²); the shot loop allocates nothing.
 * Draw order per shot: loss uniforms (one per input photon, only when loss > 0), n − 1 integers of
 * the Fisher–Yates column shuffle (from the last index down), then n uniforms for r₁ … r_n.
 */
import type { Generator } from '../tensor/random.js';
import type { CMatrix } from './complex-matrix.js';
import { createLeaveOneOutWorkspace, leaveOneOutPermanents, type LeaveOneOutWorkspace } from './clifford-permanents.js';
import {
  checkColumns,
  checkProbability,
  checkSquare,
  photonModes,
  sampleOccupations,
  thinPhotons,
  type InputState,
  type ShotSampler,
} from './sampling.js';

/** Largest photon number the exact sampler accepts (2^29 Glynn terms per shot at the limit). */
export const CLIFFORD_MAX_PHOTONS = 30;

/** Options of the Clifford & Clifford sampler. */
export interface CliffordOptions {
  /** Uniform loss: each input photon is lost independently with this probability (default 0). */
  readonly loss?: number;
}

/**
 * A reusable exact boson sampler for one input state; `setUnitary` swaps the circuit without
 * reallocating, so an optimisation loop builds it once.
 *
 * @example
 * const sampler = new CliffordSampler(U, [1, 0, 1, 0]);
 * const occ = new Int32Array(4);
 * sampler.sampleShot(new Generator(1), occ, 0);
 */
export class CliffordSampler implements ShotSampler {
  readonly modes: number;
  readonly photons: number;
  readonly loss: number;
  /** Input mode of each photon (ascending). */
  readonly inputModes: Int32Array;
  // colRe/colIm[c·m + j] = U[j, inputModes[c]]: photon c's column, contiguous.
  private readonly colRe: Float64Array;
  private readonly colIm: Float64Array;
  private readonly kept: Int32Array;
  private readonly order: Int32Array;
  private readonly rows: Int32Array;
  private readonly bRe: Float64Array;
  private readonly bIm: Float64Array;
  private readonly pRe: Float64Array;
  private readonly pIm: Float64Array;
  private readonly sRe: Float64Array;
  private readonly sIm: Float64Array;
  private readonly weight: Float64Array;
  private readonly ws: LeaveOneOutWorkspace;

  constructor(U: CMatrix, input: InputState, options: CliffordOptions = {}) {
    const m = checkSquare(U, 'CliffordSampler');
    const inputModes = photonModes(input, m, 'CliffordSampler');
    const n = inputModes.length;
    if (n > CLIFFORD_MAX_PHOTONS) {
      throw new RangeError(`CliffordSampler: at most ${CLIFFORD_MAX_PHOTONS} photons are supported, got ${n}`);
    }
    const loss = options.loss ?? 0;
    checkProbability(loss, 'options.loss', 'CliffordSampler');
    this.modes = m;
    this.photons = n;
    this.loss = loss;
    this.inputModes = inputModes;
    this.colRe = new Float64Array(n * m);
    this.colIm = new Float64Array(n * m);
    this.kept = new Int32Array(n);
    this.order = new Int32Array(n);
    this.rows = new Int32Array(n);
    this.bRe = new Float64Array(n * n);
    this.bIm = new Float64Array(n * n);
    this.pRe = new Float64Array(n + 1);
    this.pIm = new Float64Array(n + 1);
    this.sRe = new Float64Array(m);
    this.sIm = new Float64Array(m);
    this.weight = new Float64Array(m);
    this.ws = createLeaveOneOutWorkspace(Math.max(0, n - 1));
    this.setUnitary(U);
  }

  /** Replaces the circuit (same m); checks that the input columns are orthonormal. */
  setUnitary(U: CMatrix): void {
    const m = checkSquare(U, 'CliffordSampler.setUnitary');
    if (m !== this.modes) throw new RangeError(`CliffordSampler.setUnitary: U must be ${this.modes}×${this.modes}, got ${m}×${m}`);
    checkColumns(U, this.inputModes, 'CliffordSampler');
    for (let c = 0; c < this.photons; c++) {
      const p = this.inputModes[c]!;
      for (let j = 0; j < m; j++) {
        this.colRe[c * m + j] = U.re[j * m + p]!;
        this.colIm[c * m + j] = U.im[j * m + p]!;
      }
    }
  }

  /** One shot (after uniform loss) into `out[offset … offset + m)`, overwriting it. */
  sampleShot(gen: Generator, out: Int32Array, offset: number): void {
    out.fill(0, offset, offset + this.modes);
    const count = thinPhotons(this.photons, this.loss, gen, this.kept);
    this.addShotFromPhotons(this.kept, count, gen, out, offset);
  }

  /**
   * Samples the indistinguishable photons `photonIdx[0 … count)` (indices into `inputModes`, no loss
   * applied) and ADDS their output counts into `out[offset …]`. Used by the partial-distinguishability
   * sampler for the "good" subset.
   */
  addShotFromPhotons(photonIdx: Int32Array, count: number, gen: Generator, out: Int32Array, offset: number): void {
    if (count === 0) return;
    const m = this.modes;
    const n = count;
    const { order, rows, colRe, colIm, bRe, bIm, pRe, pIm, sRe, sIm } = this;
    for (let c = 0; c < n; c++) order[c] = photonIdx[c]!;
    for (let i = n - 1; i > 0; i--) {
      const j = gen.integers(0, i + 1);
      const t = order[i]!;
      order[i] = order[j]!;
      order[j] = t;
    }
    // r₁ ∝ |A[j, 0]|²
    const base0 = order[0]! * m;
    for (let j = 0; j < m; j++) {
      const re = colRe[base0 + j]!;
      const im = colIm[base0 + j]!;
      sRe[j] = re;
      sIm[j] = im;
    }
    rows[0] = this.pickMode(gen);
    for (let k = 2; k <= n; k++) {
      const R = k - 1;
      // B[i, c] = A[r_i, c] for i < R, c < k (row stride n)
      for (let c = 0; c < k; c++) {
        const base = order[c]! * m;
        for (let i = 0; i < R; i++) {
          bRe[i * n + c] = colRe[base + rows[i]!]!;
          bIm[i * n + c] = colIm[base + rows[i]!]!;
        }
      }
      leaveOneOutPermanents(R, bRe, bIm, n, pRe, pIm, this.ws);
      // s_j = Σ_c A[j, c]·P_c
      sRe.fill(0);
      sIm.fill(0);
      for (let c = 0; c < k; c++) {
        const base = order[c]! * m;
        const qr = pRe[c]!;
        const qi = pIm[c]!;
        for (let j = 0; j < m; j++) {
          const ar = colRe[base + j]!;
          const ai = colIm[base + j]!;
          sRe[j] = sRe[j]! + (ar * qr - ai * qi);
          sIm[j] = sIm[j]! + (ar * qi + ai * qr);
        }
      }
      rows[k - 1] = this.pickMode(gen);
    }
    for (let i = 0; i < n; i++) out[offset + rows[i]!] = out[offset + rows[i]!]! + 1;
  }

  /** Draws j with weight |s_j|² by one uniform and a linear scan (never a zero-weight mode). */
  private pickMode(gen: Generator): number {
    const m = this.modes;
    const { sRe, sIm, weight } = this;
    let total = 0;
    let last = -1;
    for (let j = 0; j < m; j++) {
      const re = sRe[j]!;
      const im = sIm[j]!;
      const w = re * re + im * im;
      weight[j] = w;
      total += w;
      if (w > 0) last = j;
    }
    if (last < 0) throw new Error('CliffordSampler: all output weights vanished (is U unitary on the input columns?)');
    let u = gen.uniform() * total;
    for (let j = 0; j < last; j++) {
      u -= weight[j]!;
      if (u < 0) return j;
    }
    return last;
  }
}

/**
 * `shots` exact boson samples as a shots×m Int32Array of output occupations (row s = shot s).
 *
 * @example
 * const occ = cliffordSample(U, [1, 1], 1000, new Generator(42)); // HOM: never [1, 1] at 50:50
 */
export function cliffordSample(
  U: CMatrix,
  input: InputState,
  shots: number,
  gen: Generator,
  options: CliffordOptions = {},
  out?: Int32Array,
): Int32Array {
  return sampleOccupations(new CliffordSampler(U, input, options), shots, gen, out);
}
