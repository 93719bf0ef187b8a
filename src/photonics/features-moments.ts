/**
 * Photon-count observables of a set of occupation vectors, ptseries-style
 * (docs/photonics.md §11): means, covariances and correlations of the per-mode counts.
 *
 * Input: rows of m counts (shots×m Int32Array). Without weights every row has weight 1/S (the
 * S-shot estimate); with `weights` (one per row, normalised by their sum) the same code gives the
 * exact observables of a distribution, e.g. SLOS states and their probabilities. Same layout either way.
 *   mean_i = Σ_s w_s·n_{s,i}
 *   cov_ij = Σ_s w_s·n_{s,i}·n_{s,j} − mean_i·mean_j, for j < i, packed at i(i−1)/2 + j
 *   corr_ij = cov_ij / (σ_i σ_j), and 0 when σ_i or σ_j is 0 (σ_i² = Σ_s w_s n_{s,i}² − mean_i², taken
 *   as 0 when below 1e-12·Σ_s w_s n_{s,i}², i.e. at rounding level)
 * Cost O(S·m²) for the second moments. Sums run in row order.
 */
import { checkedTotal } from './features.js';

/** Options of the photon-count observables. */
export interface MomentOptions {
  /** One non-negative weight per row (normalised by their sum); default 1/S each. */
  readonly weights?: ArrayLike<number>;
}

function rowWeights(occupations: Int32Array, modes: number, options: MomentOptions, op: string): { rows: number; w: (s: number) => number } {
  if (!Number.isInteger(modes) || modes < 1) throw new RangeError(`${op}: modes must be a positive integer, got ${modes}`);
  if (occupations.length === 0 || occupations.length % modes !== 0) {
    throw new RangeError(`${op}: occupations must hold a positive multiple of modes (${modes}) counts, got ${occupations.length}`);
  }
  const rows = occupations.length / modes;
  const weights = options.weights;
  if (weights === undefined) return { rows, w: () => 1 / rows };
  if (weights.length !== rows) throw new RangeError(`${op}: weights must have one entry per row (${rows}), got ${weights.length}`);
  const inv = 1 / checkedTotal(weights, op);
  return { rows, w: (s) => weights[s]! * inv };
}

function output(out: Float64Array | undefined, n: number, op: string): Float64Array {
  const res = out ?? new Float64Array(n);
  if (res.length !== n) throw new RangeError(`${op}: out must have length ${n}, got ${res.length}`);
  res.fill(0);
  return res;
}

/**
 * Mean photon number per mode.
 *
 * @example
 * photonMeans(Int32Array.from([1, 0, 0, 2]), 2); // [0.5, 1]
 */
export function photonMeans(occupations: Int32Array, modes: number, options: MomentOptions = {}, out?: Float64Array): Float64Array {
  const { rows, w } = rowWeights(occupations, modes, options, 'photonMeans');
  const res = output(out, modes, 'photonMeans');
  for (let s = 0; s < rows; s++) {
    const ws = w(s);
    const off = s * modes;
    for (let i = 0; i < modes; i++) res[i] = res[i]! + ws * occupations[off + i]!;
  }
  return res;
}

/**
 * Index of the pair (i, j), j < i, in the packed lower triangle: i(i−1)/2 + j.
 *
 * @example
 * packedPairIndex(3, 1); // 4
 */
export function packedPairIndex(i: number, j: number): number {
  if (!(j < i)) throw new RangeError(`packedPairIndex: need j < i, got i = ${i}, j = ${j}`);
  return (i * (i - 1)) / 2 + j;
}

interface SecondMoments {
  mean: Float64Array;
  variance: Float64Array;
  cov: Float64Array;
}

function secondMoments(occupations: Int32Array, modes: number, options: MomentOptions, op: string, covOut?: Float64Array): SecondMoments {
  const { rows, w } = rowWeights(occupations, modes, options, op);
  const mean = new Float64Array(modes);
  const square = new Float64Array(modes);
  const cov = output(covOut, (modes * (modes - 1)) / 2, op);
  for (let s = 0; s < rows; s++) {
    const ws = w(s);
    const off = s * modes;
    for (let i = 0; i < modes; i++) {
      const ni = occupations[off + i]!;
      if (ni === 0) continue;
      mean[i] = mean[i]! + ws * ni;
      square[i] = square[i]! + ws * ni * ni;
      const base = (i * (i - 1)) / 2;
      for (let j = 0; j < i; j++) {
        const nj = occupations[off + j]!;
        if (nj !== 0) cov[base + j] = cov[base + j]! + ws * ni * nj;
      }
    }
  }
  const variance = new Float64Array(modes);
  for (let i = 0; i < modes; i++) {
    // σ² below rounding level (1e-12 of E[n²]) counts as 0, so constant modes get correlation 0
    const v = square[i]! - mean[i]! * mean[i]!;
    variance[i] = v > 1e-12 * square[i]! ? v : 0;
    const base = (i * (i - 1)) / 2;
    for (let j = 0; j < i; j++) cov[base + j] = cov[base + j]! - mean[i]! * mean[j]!;
  }
  return { mean, variance, cov };
}

/**
 * Covariances E[n_i n_j] − E[n_i]E[n_j] for j < i, packed at i(i−1)/2 + j (length m(m−1)/2).
 *
 * @example
 * photonCovariances(Int32Array.from([1, 0, 0, 1]), 2); // [-0.25]
 */
export function photonCovariances(
  occupations: Int32Array,
  modes: number,
  options: MomentOptions = {},
  out?: Float64Array,
): Float64Array {
  return secondMoments(occupations, modes, options, 'photonCovariances', out).cov;
}

/**
 * Correlations cov_ij/(σ_i σ_j) for j < i in the same packing; 0 where a σ is 0.
 *
 * @example
 * photonCorrelations(Int32Array.from([1, 0, 0, 1]), 2); // [-1]
 */
export function photonCorrelations(
  occupations: Int32Array,
  modes: number,
  options: MomentOptions = {},
  out?: Float64Array,
): Float64Array {
  const { variance, cov } = secondMoments(occupations, modes, options, 'photonCorrelations', out);
  for (let i = 0; i < modes; i++) {
    const base = (i * (i - 1)) / 2;
    for (let j = 0; j < i; j++) {
      const denom = Math.sqrt(variance[i]! * variance[j]!);
      cov[base + j] = denom > 0 ? cov[base + j]! / denom : 0;
    }
  }
  return cov;
}
