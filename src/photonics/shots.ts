/**
 * Shots from an exact distribution (docs/photonics.md §11).
 *
 * - Inverse CDF over a fixed outcome order with one uniform per shot, in shot order: two
 *   distributions sampled from clones of one generator share their uniforms (common random numbers),
 *   so at nearby θ± most shots land on the same outcome. O(K) to build the CDF, O(log K) per shot.
 * - Counts only: the multinomial count vector by sequential conditional binomials, O(K) plus
 *   O(log S) per non-empty outcome.
 * - Gaussian emulator of a normalised histogram: N(p, (diag p − p·pᵀ)/S), drawn as
 *   y_k = p_k + (√p_k·z_k − p_k·Σ_j √p_j·z_j)/√S with z ~ N(0, I) (covariance checked in the tests).
 * - `clickFeature` switches between these for the group-histogram feature ('sampler' | 'multinomial'
 *   | 'gaussian' | 'exact'); all four return the same layout.
 * Weights are normalised by their sum; outcome k's weight is weights[k].
 */
import type { Generator } from '../tensor/random.js';
import { binomialVariate } from './sampling-variates.js';
import { checkShots } from './sampling.js';
import { DEFAULT_GROUPS, checkedTotal, groupHistogram, groupHistogramFromWeights, groupLayout, type Groups } from './features.js';

/**
 * A reusable inverse-CDF sampler over outcomes 0 … K−1; `setWeights` rebuilds the table in place
 * when K is unchanged, so a per-θ loop allocates nothing.
 *
 * @example
 * const s = new InverseCdfSampler(probs);
 * const outcomes = s.sample(200, gen.fork('spsa').fork(k).clone());
 */
export class InverseCdfSampler {
  private cdf: Float64Array;
  private total = 0;
  private lastPositive = 0;

  constructor(weights: ArrayLike<number>) {
    this.cdf = new Float64Array(weights.length);
    this.setWeights(weights);
  }

  /** Number of outcomes K. */
  get size(): number {
    return this.cdf.length;
  }

  /** Replaces the distribution (any K; the table is reallocated only when K changes). */
  setWeights(weights: ArrayLike<number>): void {
    checkedTotal(weights, 'InverseCdfSampler.setWeights');
    if (this.cdf.length !== weights.length) this.cdf = new Float64Array(weights.length);
    this.lastPositive = 0;
    let acc = 0;
    for (let k = 0; k < weights.length; k++) {
      const w = weights[k]!;
      acc += w;
      this.cdf[k] = acc;
      if (w > 0) this.lastPositive = k;
    }
    this.total = acc;
  }

  /** Outcome of one uniform u ∈ [0, 1): the first k with cdf[k] > u·total, never a zero-weight one. */
  outcome(u: number): number {
    const cdf = this.cdf;
    const x = u * this.total;
    let lo = 0;
    let hi = this.lastPositive;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** `shots` outcomes, one `gen.uniform()` per shot in order, into `out` (or a new Uint32Array). */
  sample(shots: number, gen: Generator, out?: Uint32Array): Uint32Array {
    checkShots(shots, 'InverseCdfSampler.sample');
    const res = out ?? new Uint32Array(shots);
    if (res.length < shots) throw new RangeError(`InverseCdfSampler.sample: out must hold ${shots} outcomes, got ${res.length}`);
    for (let s = 0; s < shots; s++) res[s] = this.outcome(gen.uniform());
    return res;
  }
}

/**
 * `shots` outcome indices drawn by inverse CDF with shared uniforms (common random numbers).
 *
 * @example
 * const masks = sampleFromDistribution(clickProbs, 200, gen); // click masks when indexed by mask
 */
export function sampleFromDistribution(probs: ArrayLike<number>, shots: number, gen: Generator, out?: Uint32Array): Uint32Array {
  checkShots(shots, 'sampleFromDistribution');
  return new InverseCdfSampler(probs).sample(shots, gen, out);
}

/**
 * Multinomial counts of `shots` draws over the outcomes, by sequential conditional binomials in
 * outcome order: c_k ~ Binomial(remaining, w_k / remaining weight); the last positive outcome takes the rest.
 *
 * @example
 * const counts = multinomialCounts(probs, 200, gen); // Σ counts === 200
 */
export function multinomialCounts(probs: ArrayLike<number>, shots: number, gen: Generator, out?: Int32Array): Int32Array {
  checkShots(shots, 'multinomialCounts');
  checkedTotal(probs, 'multinomialCounts');
  const K = probs.length;
  const counts = out ?? new Int32Array(K);
  if (counts.length !== K) throw new RangeError(`multinomialCounts: out must have length ${K}, got ${counts.length}`);
  counts.fill(0);
  let last = K - 1;
  while (probs[last] === 0) last--;
  // rest[k] = Σ_{k′ ≥ k} w_k′, summed from the end so tail ratios keep full precision
  const rest = new Float64Array(K + 1);
  for (let k = K - 1; k >= 0; k--) rest[k] = rest[k + 1]! + probs[k]!;
  let remaining = shots;
  for (let k = 0; k < last && remaining > 0; k++) {
    const w = probs[k]!;
    if (w === 0) continue;
    const c = binomialVariate(remaining, Math.min(1, w / rest[k]!), gen);
    counts[k] = c;
    remaining -= c;
  }
  counts[last] = counts[last]! + remaining;
  return counts;
}

/**
 * Gaussian emulation of an S-shot normalised histogram: one draw of N(p, (diag p − p·pᵀ)/S) where
 * p = weights / Σ weights. The result sums to 1 (up to rounding) and may have small negative bins.
 * `out` may be the weights array itself (updated in place).
 *
 * @example
 * const noisy = gaussianHistogram(hist, 200, gen);
 */
export function gaussianHistogram(weights: ArrayLike<number>, shots: number, gen: Generator, out?: Float64Array): Float64Array {
  checkShots(shots, 'gaussianHistogram');
  const total = checkedTotal(weights, 'gaussianHistogram');
  const K = weights.length;
  const res = out ?? new Float64Array(K);
  if (res.length !== K) throw new RangeError(`gaussianHistogram: out must have length ${K}, got ${res.length}`);
  const z = new Float64Array(K);
  let projection = 0; // Σ_j √p_j z_j
  for (let k = 0; k < K; k++) {
    const zk = gen.normal();
    z[k] = zk;
    projection += Math.sqrt(weights[k]! / total) * zk;
  }
  const scale = 1 / Math.sqrt(shots);
  for (let k = 0; k < K; k++) {
    const p = weights[k]! / total;
    res[k] = p + scale * (Math.sqrt(p) * z[k]! - p * projection);
  }
  return res;
}

/** How an S-shot feature is formed from an exact click distribution. */
export type ShotModel = 'sampler' | 'multinomial' | 'gaussian' | 'exact';

/** Options of `clickFeature`. */
export interface ClickFeatureOptions {
  /** Default 'sampler' (inverse CDF, common random numbers, keeps within-shot correlations). */
  readonly shotModel?: ShotModel;
  /** Mode groups; default modes 0–7 and 8–15. */
  readonly groups?: Groups;
}

/**
 * The group-histogram feature from an exact click distribution (`clickProbs[mask]`, length 2^m):
 * - 'sampler': S masks by inverse CDF (one uniform each), then `groupHistogram`;
 * - 'multinomial': multinomial counts over the masks, then their histograms (no CRN coupling);
 * - 'gaussian': exact histograms plus, per group, one N(0, (diag p − ppᵀ)/S) draw (groups independent);
 * - 'exact': the S = ∞ feature (`shots` is still validated, `gen` unused).
 *
 * @example
 * const phi = clickFeature(clickProbs, 200, gen, { shotModel: 'sampler' }); // 512 values
 */
export function clickFeature(
  clickProbs: ArrayLike<number>,
  shots: number,
  gen: Generator,
  options: ClickFeatureOptions = {},
  out?: Float64Array,
): Float64Array {
  checkShots(shots, 'clickFeature');
  const layout = groupLayout(options.groups ?? DEFAULT_GROUPS);
  const model = options.shotModel ?? 'sampler';
  switch (model) {
    case 'sampler':
      return groupHistogram(sampleFromDistribution(clickProbs, shots, gen), layout, out);
    case 'multinomial':
      return groupHistogramFromWeights(multinomialCounts(clickProbs, shots, gen), layout, out);
    case 'exact':
      return groupHistogramFromWeights(clickProbs, layout, out);
    case 'gaussian': {
      const res = groupHistogramFromWeights(clickProbs, layout, out);
      for (let g = 0; g < layout.groups.length; g++) {
        const half = res.subarray(layout.offsets[g], layout.offsets[g]! + layout.bins[g]!);
        gaussianHistogram(half, shots, gen, half);
      }
      return res;
    }
    default:
      throw new RangeError(`clickFeature: shotModel must be 'sampler', 'multinomial', 'gaussian' or 'exact', got ${String(model)}`);
  }
}
