/**
 * Exact photon-number moments without the output distribution (docs/photonics.md §10).
 *
 * With s the input occupations and U[out, in]:
 *   ⟨n_i⟩ = Σ_k s_k |U_ik|²  (identical for distinguishable photons), and, with X_ij = Σ_k s_k conj(U_ik) U_jk,
 *   ⟨a_i† a_j† a_j a_i⟩ = ⟨n_i⟩⟨n_j⟩ − Σ_k s_k² |U_ik|²|U_jk|² + Σ_k s_k(s_k−1) |U_ik|²|U_jk|²
 *                         + p²·(|X_ij|² − Σ_k s_k² |U_ik|²|U_jk|²),
 * which is the pair sum (docs/photonics.md §10) Σ_k s_k(s_k−1)|U_ik U_jk|² + Σ_{k≠l} s_k s_l[|U_ik|²|U_jl|² +
 * Re(U_ik* U_jl* U_jk U_il)] regrouped; the last (exchange) term is bosonic interference, weighted by
 * p² under partial distinguishability (both photons of a pair must be in the common state; p = 1 by
 * default, p = 0 distinguishable). It is ⟨n_i n_j⟩ for i ≠ j and ⟨n_i(n_i − 1)⟩ for i = j, so
 * ⟨n_i²⟩ = that + ⟨n_i⟩. Cost O(m²·p) for p occupied input modes.
 * Uniform efficiency η scales ⟨n⟩ by η and the pair moments by η².
 */
import { checkCMatrix, type CMatrix } from './complex-matrix.js';
import { checkOccupation } from './fock.js';
import { resolveNoise, type ExactNoise } from './noise.js';

/**
 * ⟨n_i⟩ for every output mode (× η under loss/efficiency), into `out` or a new Float64Array(m).
 * @example meanCounts(cidentity(3), [1, 0, 2]) // [1, 0, 2]
 */
export function meanCounts(u: CMatrix, input: ArrayLike<number>, noise?: ExactNoise, out?: Float64Array): Float64Array {
  checkCMatrix(u, 'meanCounts', 'U', true);
  const m = u.rows;
  checkOccupation('meanCounts', 'input', input, m);
  const { eta } = resolveNoise(noise, 'meanCounts');
  const res = out ?? new Float64Array(m);
  if (res.length !== m) throw new RangeError(`meanCounts: out must have ${m} entries, got ${res.length}`);
  for (let i = 0; i < m; i++) {
    let acc = 0;
    for (let k = 0; k < m; k++) {
      const s = input[k]!;
      if (s === 0) continue;
      const re = u.re[i * m + k]!;
      const im = u.im[i * m + k]!;
      acc += s * (re * re + im * im);
    }
    res[i] = eta * acc;
  }
  return res;
}

/**
 * The m×m matrix of ⟨n_i n_j⟩ (row-major; diagonal ⟨n_i²⟩), exactly, for indistinguishable photons or
 * with partial distinguishability / uniform efficiency from `noise` (dark counts are ignored: they
 * affect clicks, not photon numbers).
 * @example secondMoments(beamSplitter(Math.PI / 4).matrix, [1, 1]) // ⟨n_0 n_1⟩ = 0 (HOM), ⟨n_0²⟩ = 2
 */
export function secondMoments(u: CMatrix, input: ArrayLike<number>, noise?: ExactNoise, out?: Float64Array): Float64Array {
  checkCMatrix(u, 'secondMoments', 'U', true);
  const m = u.rows;
  checkOccupation('secondMoments', 'input', input, m);
  const { eta, p } = resolveNoise(noise, 'secondMoments');
  const res = out ?? new Float64Array(m * m);
  if (res.length !== m * m) throw new RangeError(`secondMoments: out must have m² = ${m * m} entries, got ${res.length}`);
  const occ: number[] = [];
  for (let k = 0; k < m; k++) if (input[k]! > 0) occ.push(k);
  const mean = meanCounts(u, input);
  const p2 = p * p;
  for (let i = 0; i < m; i++) {
    for (let j = i; j < m; j++) {
      let xr = 0;
      let xi = 0;
      let same = 0; // Σ s_k² |U_ik|²|U_jk|²
      let pairs = 0; // Σ s_k(s_k−1) |U_ik|²|U_jk|²
      for (const k of occ) {
        const s = input[k]!;
        const ar = u.re[i * m + k]!, ai = u.im[i * m + k]!;
        const br = u.re[j * m + k]!, bi = u.im[j * m + k]!;
        // conj(a)·b
        xr += s * (ar * br + ai * bi);
        xi += s * (ar * bi - ai * br);
        const w = (ar * ar + ai * ai) * (br * br + bi * bi);
        same += s * s * w;
        pairs += s * (s - 1) * w;
      }
      const normal = mean[i]! * mean[j]! - same + pairs + p2 * (xr * xr + xi * xi - same);
      const v = eta * eta * normal + (i === j ? eta * mean[i]! : 0);
      res[i * m + j] = v;
      res[j * m + i] = v;
    }
  }
  return res;
}

/**
 * Count covariances Cov(n_i, n_j) = ⟨n_i n_j⟩ − ⟨n_i⟩⟨n_j⟩ (m×m row-major), exactly.
 * @example countCovariance(U, alternatingInput(16))
 */
export function countCovariance(u: CMatrix, input: ArrayLike<number>, noise?: ExactNoise, out?: Float64Array): Float64Array {
  const res = secondMoments(u, input, noise, out);
  const mean = meanCounts(u, input, noise);
  const m = u.rows;
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) res[i * m + j]! -= mean[i]! * mean[j]!;
  return res;
}
