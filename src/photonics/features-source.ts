/**
 * The one interface every feature source implements (the photonic circuit and the classical
 * controls of docs/method.md §11), plus generic sources built from a click sampler or an exact click
 * distribution, and a helper that measures a source's per-dimension shot-noise variance.
 *
 * Contract: `sample(θ, S, gen)` returns an S-shot feature of length `dim`, drawing only from `gen`;
 * `exact(θ)` (when available) returns the S = ∞ feature in the same layout.
 */
import type { Generator } from '../tensor/random.js';
import { DEFAULT_GROUPS, groupHistogram, groupHistogramFromWeights, groupLayout, type Groups } from './features.js';
import { clickFeature, type ShotModel } from './shots.js';
import { checkShots } from './sampling.js';

/** A source of feature vectors parameterised by θ (ignored by sources that do not use it). */
export interface FeatureSource {
  /** Short label for reports, e.g. 'photonic', 'fixed-random'. */
  readonly name: string;
  /** Feature length (512 for the default grouping). */
  readonly dim: number;
  /** An S-shot feature at θ drawn from `gen`, into `out` (length dim) when given. */
  sample(theta: Float64Array, shots: number, gen: Generator, out?: Float64Array): Float64Array;
  /** The exact (S = ∞) feature at θ, when the source can compute it. */
  exact?(theta: Float64Array, out?: Float64Array): Float64Array;
}

/** Draws `shots` click bitmasks at θ into `out` (length ≥ shots) and returns it. */
export type ClickSampler = (theta: Float64Array, shots: number, gen: Generator, out: Uint32Array) => Uint32Array;

/** Options of `clickSamplerSource`. */
export interface ClickSamplerSourceOptions {
  readonly name?: string;
  /** Per-shot click-mask sampler (e.g. a Clifford & Clifford sampler at U(θ) plus detectors). */
  readonly clicks: ClickSampler;
  /** Exact click distribution over all 2^m masks at θ, for `exact` (optional). */
  readonly clickProbabilities?: (theta: Float64Array) => ArrayLike<number>;
  /** Mode groups of the histogram feature; default modes 0–7 and 8–15. */
  readonly groups?: Groups;
}

/**
 * A source whose S-shot feature is the group histogram of S sampled click masks.
 *
 * @example
 * const src = clickSamplerSource({ clicks: (th, S, g, out) => sampleClickMasks(samplerAt(th), S, g, {}, out) });
 * const phi = src.sample(theta, 200, gen);
 */
export function clickSamplerSource(options: ClickSamplerSourceOptions): FeatureSource {
  const layout = groupLayout(options.groups ?? DEFAULT_GROUPS);
  const name = options.name ?? 'click-sampler';
  let masks = new Uint32Array(0);
  const sample = (theta: Float64Array, shots: number, gen: Generator, out?: Float64Array): Float64Array => {
    checkShots(shots, `${name}.sample`);
    if (masks.length !== shots) masks = new Uint32Array(shots);
    return groupHistogram(options.clicks(theta, shots, gen, masks).subarray(0, shots), layout, out);
  };
  const probs = options.clickProbabilities;
  if (probs === undefined) return { name, dim: layout.dim, sample };
  return { name, dim: layout.dim, sample, exact: (theta, out) => groupHistogramFromWeights(probs(theta), layout, out) };
}

/** Options of `clickDistributionSource`. */
export interface ClickDistributionSourceOptions {
  readonly name?: string;
  /** Exact click distribution over all 2^m masks at θ (e.g. SLOS through the plan's bitmasks). */
  readonly clickProbabilities: (theta: Float64Array) => ArrayLike<number>;
  /** Default 'sampler' (inverse CDF with common random numbers). */
  readonly shotModel?: ShotModel;
  /** Mode groups; default modes 0–7 and 8–15. */
  readonly groups?: Groups;
}

/**
 * A source that computes the exact click distribution at θ and forms the feature by `clickFeature`
 * under the chosen shot model; `exact` is the S = ∞ feature.
 *
 * @example
 * const src = clickDistributionSource({ clickProbabilities: (th) => clickDistribution(plan, unitary(th)) });
 */
export function clickDistributionSource(options: ClickDistributionSourceOptions): FeatureSource {
  const layout = groupLayout(options.groups ?? DEFAULT_GROUPS);
  const shotModel = options.shotModel ?? 'sampler';
  return {
    name: options.name ?? 'click-distribution',
    dim: layout.dim,
    sample: (theta, shots, gen, out) => clickFeature(options.clickProbabilities(theta), shots, gen, { shotModel, groups: layout }, out),
    exact: (theta, out) => groupHistogramFromWeights(options.clickProbabilities(theta), layout, out),
  };
}

/**
 * Per-dimension variance of a source's S-shot feature at θ, from `draws` independent draws
 * (stream i = gen.fork(i)); the unbiased sample variance (divisor draws − 1). Used to build the
 * matched-noise control (docs/method.md §11 (b)).
 *
 * @example
 * const v = featureVariance(photonic, theta0, 200, 100, new Generator(1)); // length dim
 */
export function featureVariance(source: FeatureSource, theta: Float64Array, shots: number, draws: number, gen: Generator): Float64Array {
  checkShots(shots, 'featureVariance');
  if (!Number.isInteger(draws) || draws < 2) throw new RangeError(`featureVariance: draws must be an integer >= 2, got ${draws}`);
  const d = source.dim;
  const mean = new Float64Array(d);
  const m2 = new Float64Array(d);
  const x = new Float64Array(d);
  for (let i = 0; i < draws; i++) {
    source.sample(theta, shots, gen.fork(i), x);
    // Welford's update, in draw order
    for (let k = 0; k < d; k++) {
      const delta = x[k]! - mean[k]!;
      mean[k] = mean[k]! + delta / (i + 1);
      m2[k] = m2[k]! + delta * (x[k]! - mean[k]!);
    }
  }
  for (let k = 0; k < d; k++) m2[k] = m2[k]! / (draws - 1);
  return m2;
}
