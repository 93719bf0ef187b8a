/**
 * The one feature-source interface of PQKD (docs/method.md §4, §11). The photonic
 * circuit, its exact version and every classical attribution control implement it; the simulator's
 * samplers are wrapped by it (`clickSamplerSource`, `clickDistributionSource`), and the trainer,
 * the feature stream and SPSA use nothing else.
 *
 * Contract: `sample(params, gen)` returns a fresh S-shot feature (S = `shots`) of length `dim`,
 * drawing only from `gen`; `spsaSample` is the feature inside the SPSA objective (the same law, but
 * built so that the ± evaluations of one estimate share their randomness through `gen`); `exact`
 * returns the S = ∞ feature in the same layout, or null when the source cannot compute it.
 * `params` is the vector SPSA (or Adam, for `trainedBy: 'adam'`) optimises: `paramCount` values in
 * the units `scale` declares (radians for circuit angles, histogram units for a free feature, map
 * coefficients for the count-matched control).
 */
import type { Generator } from '../../tensor/random.js';
import { DEFAULT_GROUPS, groupHistogram, groupHistogramFromWeights, groupLayout, type GroupLayout, type Groups } from '../../photonics/features.js';
import { clickFeature, type ShotModel } from '../../photonics/shots.js';
import { checkShots } from '../../photonics/sampling.js';

/** The units of a source's parameters, so that SPSA's gains can live in them. */
export interface ParamScale {
  /** 'rad' (circuit angles), 'histogram' (feature values), 'coefficient' (map coefficients), 'none'. */
  readonly unit: 'rad' | 'histogram' | 'coefficient' | 'none';
  /**
   * A sensible first SPSA step in these units: the distance one early update should move a parameter
   * (0.15 rad for angles; for feature values a fraction of their typical size).
   */
  readonly step: number;
}

/** What a source optimises: how many values, whether they wrap, their units and their start. */
export interface ParamSpec {
  readonly count: number;
  /** Whether the values are angles wrapped to (−π, π]. */
  readonly periodic: boolean;
  readonly scale: ParamScale;
  initial(gen: Generator): Float64Array;
}

/** No parameters (fixed features): nothing for SPSA to do. */
export const NO_PARAMS: ParamSpec = { count: 0, periodic: false, scale: { unit: 'none', step: 0 }, initial: () => new Float64Array(0) };

/** A source of feature vectors parameterised by `params` (ignored by the fixed sources). */
export interface FeatureSource {
  /** Short label for reports, e.g. 'photonic', 'fixed-random'. */
  readonly name: string;
  /** Feature length (512 for the default grouping). */
  readonly dim: number;
  /** Bins per group (for the per-group centring g(φ)). */
  readonly bins: readonly number[];
  /** Shots S per draw (1 for sources without shot noise). */
  readonly shots: number;
  /** Length of the parameter vector (0: nothing to optimise). */
  readonly paramCount: number;
  /** Whether SPSA wraps the parameters to (−π, π] (angles). */
  readonly periodic: boolean;
  /** The parameters' units and a sensible first step in them. */
  readonly scale: ParamScale;
  /**
   * Who trains the parameters: SPSA (default), or 'adam' for the (e″) control, whose parameters are
   * the feature itself, trained with the student by its optimiser through P (no SPSA, no shots).
   */
  readonly trainedBy?: 'spsa' | 'adam';
  initialParams(gen: Generator): Float64Array;
  /** A fresh S-shot feature at `params` drawn from `gen`, into `out` (length dim) when given. */
  sample(params: Float64Array, gen: Generator, out?: Float64Array): Float64Array;
  /** The feature used inside the SPSA objective (common random numbers through `gen`). */
  spsaSample(params: Float64Array, gen: Generator, out?: Float64Array): Float64Array;
  /** The S = ∞ feature, or null when the source does not define one. */
  exact(params: Float64Array, out?: Float64Array): Float64Array | null;
  /** The same source drawing `shots` shots per feature (for the SPSA objective's own shot count), when it can. */
  withShots?(shots: number): FeatureSource;
}

/** The parts a source is built from; `defineSource` fills the rest. */
export interface SourceParts {
  readonly name: string;
  readonly layout: GroupLayout;
  readonly shots: number;
  readonly params?: ParamSpec;
  readonly trainedBy?: 'spsa' | 'adam';
  sample(params: Float64Array, gen: Generator, out?: Float64Array): Float64Array;
  /** Default: `sample`. */
  spsaSample?(params: Float64Array, gen: Generator, out?: Float64Array): Float64Array;
  /** Default: no exact feature. */
  exact?(params: Float64Array, out?: Float64Array): Float64Array | null;
}

/** A FeatureSource from its parts (parameters default to none, spsaSample to sample, exact to null). */
export function defineSource(parts: SourceParts): FeatureSource {
  checkShots(parts.shots, `${parts.name} source`);
  const p = parts.params ?? NO_PARAMS;
  return {
    name: parts.name,
    dim: parts.layout.dim,
    bins: Array.from(parts.layout.bins),
    shots: parts.shots,
    paramCount: p.count,
    periodic: p.periodic,
    scale: p.scale,
    ...(parts.trainedBy ? { trainedBy: parts.trainedBy } : {}),
    initialParams: (gen) => p.initial(gen),
    /* eslint-disable @typescript-eslint/unbound-method -- parts are plain objects of functions (no `this`) */
    sample: parts.sample,
    spsaSample: parts.spsaSample ?? parts.sample,
    exact: parts.exact ?? (() => null),
    /* eslint-enable @typescript-eslint/unbound-method */
  };
}

/** Checks (or allocates) an output buffer of length `dim`. */
export function prepareOut(out: Float64Array | undefined, dim: number, op: string): Float64Array {
  const res = out ?? new Float64Array(dim);
  if (res.length !== dim) throw new RangeError(`${op}: out must have length ${dim}, got ${res.length}`);
  return res;
}

/** Draws `shots` click bitmasks at θ into `out` (length ≥ shots) and returns it. */
export type ClickSampler = (theta: Float64Array, shots: number, gen: Generator, out: Uint32Array) => Uint32Array;

/** Options of `clickSamplerSource`. */
export interface ClickSamplerSourceOptions {
  readonly name?: string;
  /** Shots S per feature. */
  readonly shots: number;
  /** Per-shot click-mask sampler (e.g. a Clifford & Clifford sampler at U(θ) plus detectors). */
  readonly clicks: ClickSampler;
  /** Exact click distribution over all 2^m masks at θ, for `exact` (optional). */
  readonly clickProbabilities?: (theta: Float64Array) => ArrayLike<number>;
  /** The SPSA objective's feature (default: `sample`). */
  readonly spsaSample?: (theta: Float64Array, gen: Generator, out?: Float64Array) => Float64Array;
  /** Mode groups of the histogram feature; default modes 0–7 and 8–15. */
  readonly groups?: Groups | GroupLayout;
  readonly params?: ParamSpec;
}

/**
 * A source whose S-shot feature is the group histogram of S sampled click masks.
 *
 * @example
 * const src = clickSamplerSource({ shots: 200, clicks: (th, S, g, out) => sampleClickMasks(samplerAt(th), S, g, {}, out) });
 * const phi = src.sample(theta, gen);
 */
export function clickSamplerSource(options: ClickSamplerSourceOptions): FeatureSource {
  const layout = asLayout(options.groups);
  const name = options.name ?? 'click-sampler';
  const shots = options.shots;
  let masks = new Uint32Array(0);
  const sample = (theta: Float64Array, gen: Generator, out?: Float64Array): Float64Array => {
    if (masks.length !== shots) masks = new Uint32Array(shots);
    return groupHistogram(options.clicks(theta, shots, gen, masks).subarray(0, shots), layout, out);
  };
  const probs = options.clickProbabilities;
  return defineSource({
    name, layout, shots, params: options.params, sample,
    ...(options.spsaSample ? { spsaSample: options.spsaSample } : {}),
    ...(probs ? { exact: (theta: Float64Array, out?: Float64Array) => groupHistogramFromWeights(probs(theta), layout, out) } : {}),
  });
}

/** Options of `clickDistributionSource`. */
export interface ClickDistributionSourceOptions {
  readonly name?: string;
  readonly shots: number;
  /** Exact click distribution over all 2^m masks at θ (e.g. SLOS through the plan's bitmasks). */
  readonly clickProbabilities: (theta: Float64Array) => ArrayLike<number>;
  /** Default 'sampler' (inverse CDF with common random numbers). */
  readonly shotModel?: ShotModel;
  /** Mode groups; default modes 0–7 and 8–15. */
  readonly groups?: Groups | GroupLayout;
  readonly params?: ParamSpec;
}

/**
 * A source that computes the exact click distribution at θ and forms the feature by `clickFeature`
 * under the chosen shot model; `exact` is the S = ∞ feature.
 *
 * @example
 * const src = clickDistributionSource({ shots: 200, clickProbabilities: (th) => clickDistribution(plan, unitary(th)) });
 */
export function clickDistributionSource(options: ClickDistributionSourceOptions): FeatureSource {
  const layout = asLayout(options.groups);
  const shotModel = options.shotModel ?? 'sampler';
  const shots = options.shots;
  return defineSource({
    name: options.name ?? 'click-distribution', layout, shots, params: options.params,
    sample: (theta, gen, out) => clickFeature(options.clickProbabilities(theta), shots, gen, { shotModel, groups: layout }, out),
    exact: (theta, out) => groupHistogramFromWeights(options.clickProbabilities(theta), layout, out),
  });
}

/** A layout from mode groups (or the layout itself); default modes 0–7 and 8–15. */
export function asLayout(groups: Groups | GroupLayout | undefined): GroupLayout {
  if (groups !== undefined && 'dim' in groups) return groups;
  return groupLayout(groups ?? DEFAULT_GROUPS);
}

/**
 * Per-dimension variance of a source's S-shot feature at `params`, from `draws` independent draws
 * (stream i = gen.fork(i)); the unbiased sample variance (divisor draws − 1). Used to build the
 * matched-noise control (b).
 *
 * @example
 * const v = featureVariance(photonic, theta0, 100, new Generator(1)); // length dim
 */
export function featureVariance(source: FeatureSource, params: Float64Array, draws: number, gen: Generator): Float64Array {
  if (!Number.isInteger(draws) || draws < 2) throw new RangeError(`featureVariance: draws must be an integer >= 2, got ${draws}`);
  const d = source.dim;
  const mean = new Float64Array(d);
  const m2 = new Float64Array(d);
  const x = new Float64Array(d);
  for (let i = 0; i < draws; i++) {
    source.sample(params, gen.fork(i), x);
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
