/**
 * Classical control feature sources (docs/method.md §11, claim 7), all implementing `FeatureSource`:
 *  (a/b) `fixedRandomFeatureSource`: each group's histogram drawn once from Dirichlet(1, …, 1),
 *        optionally plus Gaussian noise of a given per-dimension variance (matched noise);
 *  (c)   `distinguishableSource`: the same circuit U(θ) with distinguishable photons;
 *  (d)   `bernoulliClickSource`: modes click independently at given (θ-dependent) rates;
 *        `shuffledMarginalsSource`: clicks from any sampler with each mode's column shuffled across
 *        shots, keeping every mode's empirical click count and destroying the correlations.
 * Exact click laws. Independent modes with rates r_j: P(bin) = Π_b r^{c_b}(1 − r)^{1 − c_b}.
 * Distinguishable photons with W = |U[:, photons]|², efficiency η_j, dark counts d_j (§10):
 *   Q(Z) = P(no click in Z) = Π_k (1 − Σ_{j∈Z} η_j W_jk) · Π_{j∈Z} (1 − d_j),
 *   P(clicked set within group G = C) = Σ_{T⊆C} (−1)^{|C∖T|} Q(G∖T)  (subset Möbius transform, g·2^g).
 */
import type { Generator } from '../../tensor/random.js';
import type { CMatrix } from '../../photonics/complex-matrix.js';
import { Detector, type DetectionConfig } from '../../photonics/detectors.js';
import { DistinguishableSampler } from '../../photonics/distinguishable.js';
import { groupHistogram, type GroupLayout, type Groups } from '../../photonics/features.js';
import { checkColumns, checkShots, checkSquare, photonModes, sampleClickMasks, type InputState } from '../../photonics/sampling.js';
import { dirichletOnes } from '../../photonics/sampling-variates.js';
import { asLayout, defineSource, prepareOut as prepare, type FeatureSource, type ParamSpec } from './feature-source.js';

/** Options common to the controls: layout, shots per draw, what is optimised, the label. */
export interface ControlOptions {
  /** Mode groups (or their layout) that fix the histogram layout; default modes 0–7 and 8–15. */
  readonly groups?: Groups | GroupLayout;
  /** Shots S per draw (default 1 for the fixed sources, required by the sampled ones). */
  readonly shots?: number;
  /** What SPSA optimises (default: nothing; θ is still passed to θ-dependent rates). */
  readonly params?: ParamSpec;
  readonly name?: string;
}

/** Options of `fixedRandomFeatureSource`. */
export interface FixedRandomFeatureOptions extends ControlOptions {
  /** Stream the vector is drawn from, once, at construction. */
  readonly gen: Generator;
  /** Matched noise: per-dimension variance measured at `shots`; at S shots it scales by shots/S. */
  readonly noise?: { readonly variance: Float64Array; readonly shots: number };
}

/**
 * Control (a), or (b) with `noise`: a fixed feature, each group's block ~ Dirichlet(1, …, 1).
 *
 * @example
 * const src = fixedRandomFeatureSource({ gen: new Generator(7).fork('control-a') });
 * src.sample(theta, gen); // the same 512 values every call
 */
export function fixedRandomFeatureSource(options: FixedRandomFeatureOptions): FeatureSource {
  const layout = asLayout(options.groups);
  const vector = new Float64Array(layout.dim);
  for (let g = 0; g < layout.groups.length; g++) {
    const off = layout.offsets[g]!;
    dirichletOnes(layout.bins[g]!, options.gen, vector.subarray(off, off + layout.bins[g]!));
  }
  const noise = options.noise;
  if (noise !== undefined) {
    if (noise.variance.length !== layout.dim) {
      throw new RangeError(`fixedRandomFeatureSource: noise.variance must have length ${layout.dim}, got ${noise.variance.length}`);
    }
    checkShots(noise.shots, 'fixedRandomFeatureSource (noise.shots)');
  }
  const shots = options.shots ?? noise?.shots ?? 1;
  checkShots(shots, 'fixedRandomFeatureSource (shots)');
  return defineSource({
    name: options.name ?? (noise === undefined ? 'fixed-random' : 'fixed-random+noise'),
    layout, shots, ...(options.params ? { params: options.params } : {}),
    sample(_theta, gen, out) {
      const res = prepare(out, layout.dim, 'fixedRandomFeatureSource.sample');
      res.set(vector);
      if (noise !== undefined) {
        const scale = noise.shots / shots;
        for (let k = 0; k < res.length; k++) res[k] = res[k]! + Math.sqrt(noise.variance[k]! * scale) * gen.normal();
      }
      return res;
    },
    exact(_theta, out) {
      const res = prepare(out, layout.dim, 'fixedRandomFeatureSource.exact');
      res.set(vector);
      return res;
    },
  });
}

/** Exact group histograms of independent per-mode clicks with rates r. */
function independentClickHistogram(rates: ArrayLike<number>, layout: GroupLayout, out: Float64Array): Float64Array {
  for (let g = 0; g < layout.groups.length; g++) {
    const modes = layout.groups[g]!;
    const off = layout.offsets[g]!;
    for (let bin = 0; bin < layout.bins[g]!; bin++) {
      let p = 1;
      for (let b = 0; b < modes.length; b++) {
        const r = rates[modes[b]!] ?? 0;
        p *= (bin >> b) & 1 ? r : 1 - r;
      }
      out[off + bin] = p;
    }
  }
  return out;
}

function checkRates(rates: ArrayLike<number>, modes: number, op: string): void {
  if (rates.length !== modes) throw new RangeError(`${op}: rates must have one entry per mode (${modes}), got ${rates.length}`);
  for (let j = 0; j < modes; j++) {
    const r = rates[j]!;
    if (!(r >= 0 && r <= 1)) throw new RangeError(`${op}: rates[${j}] must be in [0, 1], got ${r}`);
  }
}

function checkModes(m: number, op: string): void {
  if (!Number.isInteger(m) || m < 1 || m > 32) throw new RangeError(`${op}: modes must be an integer in [1, 32], got ${m}`);
}

/** Options of `bernoulliClickSource`. */
export interface BernoulliClickOptions extends ControlOptions {
  readonly modes: number;
  readonly shots: number;
  /** Per-mode click probabilities, fixed or a function of θ (e.g. the exact photonic rates). */
  readonly rates: ArrayLike<number> | ((theta: Float64Array) => ArrayLike<number>);
  /** Whether `exact` returns the independent product law (default true). */
  readonly exactFeature?: boolean;
}

/**
 * Control (d): every mode clicks independently with its rate; one uniform per mode per shot, modes
 * ascending within a shot.
 *
 * @example
 * const src = bernoulliClickSource({ modes: 16, shots: 200, rates: (th) => exactClickRates(th) });
 */
export function bernoulliClickSource(options: BernoulliClickOptions): FeatureSource {
  const m = options.modes;
  checkModes(m, 'bernoulliClickSource');
  const layout = asLayout(options.groups);
  const shots = options.shots;
  const ratesAt = (theta: Float64Array): ArrayLike<number> => {
    const r = typeof options.rates === 'function' ? options.rates(theta) : options.rates;
    checkRates(r, m, 'bernoulliClickSource');
    return r;
  };
  let masks = new Uint32Array(0);
  return defineSource({
    name: options.name ?? 'bernoulli-clicks', layout, shots, ...(options.params ? { params: options.params } : {}),
    sample(theta, gen, out) {
      const r = ratesAt(theta);
      if (masks.length !== shots) masks = new Uint32Array(shots);
      for (let s = 0; s < shots; s++) {
        let mask = 0;
        for (let j = 0; j < m; j++) if (gen.uniform() < r[j]!) mask |= 1 << j;
        masks[s] = mask >>> 0;
      }
      return groupHistogram(masks, layout, out);
    },
    ...(options.exactFeature === false
      ? {}
      : { exact: (theta: Float64Array, out?: Float64Array) => independentClickHistogram(ratesAt(theta), layout, prepare(out, layout.dim, 'bernoulliClickSource.exact')) }),
  });
}

/** Options of `shuffledMarginalsSource`. */
export interface ShuffledMarginalsOptions extends ControlOptions {
  readonly modes: number;
  readonly shots: number;
  /** The correlated click sampler whose per-mode columns are shuffled. */
  readonly clicks: (theta: Float64Array, shots: number, gen: Generator, out: Uint32Array) => Uint32Array;
  /** Exact per-mode click rates at θ, for `exact` (optional). */
  readonly exactRates?: (theta: Float64Array) => ArrayLike<number>;
}

/**
 * Shuffled marginals: S masks from `clicks`, then for each mode (ascending) a Fisher–Yates shuffle
 * of its column across the shots, from the same `gen` after the sampler's draws.
 *
 * @example
 * const src = shuffledMarginalsSource({ modes: 16, shots: 200, clicks: photonicClicks });
 */
export function shuffledMarginalsSource(options: ShuffledMarginalsOptions): FeatureSource {
  const m = options.modes;
  checkModes(m, 'shuffledMarginalsSource');
  const layout = asLayout(options.groups);
  const shots = options.shots;
  let masks = new Uint32Array(0);
  let column = new Uint8Array(0);
  const rates = options.exactRates;
  return defineSource({
    name: options.name ?? 'shuffled-marginals', layout, shots, ...(options.params ? { params: options.params } : {}),
    sample(theta, gen, out) {
      if (masks.length !== shots) {
        masks = new Uint32Array(shots);
        column = new Uint8Array(shots);
      }
      options.clicks(theta, shots, gen, masks);
      for (let j = 0; j < m; j++) {
        for (let s = 0; s < shots; s++) column[s] = (masks[s]! >>> j) & 1;
        gen.shuffle(column);
        const bit = 1 << j;
        for (let s = 0; s < shots; s++) masks[s] = ((masks[s]! & ~bit) | (column[s]! << j)) >>> 0;
      }
      return groupHistogram(masks, layout, out);
    },
    ...(rates === undefined
      ? {}
      : {
          exact: (theta: Float64Array, out?: Float64Array) => {
            const r = rates(theta);
            checkRates(r, m, 'shuffledMarginalsSource');
            return independentClickHistogram(r, layout, prepare(out, layout.dim, 'shuffledMarginalsSource.exact'));
          },
        }),
  });
}

/** Options of `distinguishableSource`. */
export interface DistinguishableSourceOptions extends ControlOptions {
  readonly shots: number;
  /** The circuit at θ (e.g. the TBI unitary), U[out, in]. */
  readonly unitaryFn: (theta: Float64Array) => CMatrix;
  /** Input state, e.g. |1,0,1,0,…⟩. */
  readonly input: InputState;
  /** Detector model (efficiency and dark counts enter `exact` too); default ideal threshold. */
  readonly detection?: DetectionConfig;
  /** Uniform loss per input photon (default 0). */
  readonly loss?: number;
  /** Whether `exact` returns the exact distinguishable-photon feature (default true). */
  readonly exactFeature?: boolean;
}

/**
 * Control (c): the same circuit with distinguishable photons, sampled and exact.
 *
 * @example
 * const src = distinguishableSource({ shots: 200, unitaryFn: (th) => tbiUnitary(th), input: [1, 0, 1, 0] });
 */
export function distinguishableSource(options: DistinguishableSourceOptions): FeatureSource {
  const layout = asLayout(options.groups);
  const shots = options.shots;
  let sampler: DistinguishableSampler | null = null;
  const samplerAt = (theta: Float64Array): DistinguishableSampler => {
    const U = options.unitaryFn(theta);
    if (sampler === null) sampler = new DistinguishableSampler(U, options.input, { loss: options.loss ?? 0 });
    else sampler.setUnitary(U);
    return sampler;
  };
  let masks = new Uint32Array(0);
  const opts = options.detection === undefined ? {} : { detection: options.detection };
  return defineSource({
    name: options.name ?? 'distinguishable', layout, shots, ...(options.params ? { params: options.params } : {}),
    sample(theta, gen, out) {
      if (masks.length !== shots) masks = new Uint32Array(shots);
      return groupHistogram(sampleClickMasks(samplerAt(theta), shots, gen, opts, masks), layout, out);
    },
    ...(options.exactFeature === false
      ? {}
      : {
          exact(theta: Float64Array, out?: Float64Array) {
            const U = options.unitaryFn(theta);
            const res = prepare(out, layout.dim, 'distinguishableSource.exact');
            return distinguishableGroupHistogram(U, options.input, layout, options.detection, options.loss ?? 0, res);
          },
        }),
  });
}

/** Exact group histograms of distinguishable photons under threshold-style click detection. */
function distinguishableGroupHistogram(
  U: CMatrix,
  input: InputState,
  layout: GroupLayout,
  detection: DetectionConfig | undefined,
  loss: number,
  out: Float64Array,
): Float64Array {
  const m = checkSquare(U, 'distinguishableSource.exact');
  const photons = photonModes(input, m, 'distinguishableSource.exact');
  checkColumns(U, photons, 'distinguishableSource.exact', false);
  const det = new Detector(detection ?? { resolution: 'threshold' }, m);
  for (let g = 0; g < layout.groups.length; g++) {
    const modes = layout.groups[g]!;
    for (const j of modes) if (j >= m) throw new RangeError(`distinguishableSource: group ${g} names mode ${j} but the circuit has ${m} modes`);
    const off = layout.offsets[g]!;
    const bins = layout.bins[g]!;
    const q = out.subarray(off, off + bins);
    for (let allowed = 0; allowed < bins; allowed++) {
      // Q(G∖T) with T = allowed
      let value = 1;
      for (let b = 0; b < modes.length; b++) if (!((allowed >> b) & 1)) value *= 1 - det.darkCount[modes[b]!]!;
      for (const p of photons) {
        let reach = 0;
        for (let b = 0; b < modes.length; b++) {
          if ((allowed >> b) & 1) continue;
          const j = modes[b]!;
          const re = U.re[j * m + p]!;
          const im = U.im[j * m + p]!;
          reach += det.efficiency[j]! * (1 - loss) * (re * re + im * im);
        }
        value *= 1 - reach;
      }
      q[allowed] = value;
    }
    // Möbius: P(C) = Σ_{T⊆C} (−1)^{|C∖T|} Q_T
    for (let b = 0; b < modes.length; b++) {
      const bit = 1 << b;
      for (let mask = 0; mask < bins; mask++) if (mask & bit) q[mask] = q[mask]! - q[mask ^ bit]!;
    }
  }
  return out;
}
