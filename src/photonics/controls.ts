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
import type { Generator } from '../tensor/random.js';
import type { CMatrix } from './complex-matrix.js';
import { Detector, type DetectionConfig } from './detectors.js';
import { DistinguishableSampler } from './distinguishable.js';
import { DEFAULT_GROUPS, groupHistogram, groupLayout, type GroupLayout, type Groups } from './features.js';
import type { FeatureSource } from './features-source.js';
import { checkColumns, checkShots, checkSquare, photonModes, sampleClickMasks, type InputState } from './sampling.js';
import { dirichletOnes } from './sampling-variates.js';

function prepare(out: Float64Array | undefined, dim: number, op: string): Float64Array {
  const res = out ?? new Float64Array(dim);
  if (res.length !== dim) throw new RangeError(`${op}: out must have length ${dim}, got ${res.length}`);
  return res;
}

/** Options of `fixedRandomFeatureSource`. */
export interface FixedRandomFeatureOptions {
  /** Stream the vector is drawn from, once, at construction. */
  readonly gen: Generator;
  /** Mode groups that fix the layout; default modes 0–7 and 8–15 (two 256-bin halves). */
  readonly groups?: Groups;
  /** Matched noise: per-dimension variance measured at `shots`; at S shots it scales by shots/S. */
  readonly noise?: { readonly variance: Float64Array; readonly shots: number };
}

/**
 * Control (a), or (b) with `noise`: a fixed feature, each group's block ~ Dirichlet(1, …, 1).
 *
 * @example
 * const src = fixedRandomFeatureSource({ gen: new Generator(7).fork('control-a') });
 * src.sample(theta, 200, gen); // the same 512 values every call
 */
export function fixedRandomFeatureSource(options: FixedRandomFeatureOptions): FeatureSource {
  const layout = groupLayout(options.groups ?? DEFAULT_GROUPS);
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
  return {
    name: noise === undefined ? 'fixed-random' : 'fixed-random+noise',
    dim: layout.dim,
    sample(_theta, shots, gen, out) {
      checkShots(shots, 'fixedRandomFeatureSource.sample');
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
  };
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

/** Options of `bernoulliClickSource`. */
export interface BernoulliClickOptions {
  readonly modes: number;
  /** Per-mode click probabilities, fixed or a function of θ (e.g. the exact photonic rates). */
  readonly rates: ArrayLike<number> | ((theta: Float64Array) => ArrayLike<number>);
  readonly groups?: Groups;
}

/**
 * Control (d): every mode clicks independently with its rate; one uniform per mode per shot, modes
 * ascending within a shot.
 *
 * @example
 * const src = bernoulliClickSource({ modes: 16, rates: (th) => exactClickRates(th) });
 */
export function bernoulliClickSource(options: BernoulliClickOptions): FeatureSource {
  const m = options.modes;
  if (!Number.isInteger(m) || m < 1 || m > 32) throw new RangeError(`bernoulliClickSource: modes must be an integer in [1, 32], got ${m}`);
  const layout = groupLayout(options.groups ?? DEFAULT_GROUPS);
  const ratesAt = (theta: Float64Array): ArrayLike<number> => {
    const r = typeof options.rates === 'function' ? options.rates(theta) : options.rates;
    checkRates(r, m, 'bernoulliClickSource');
    return r;
  };
  let masks = new Uint32Array(0);
  return {
    name: 'bernoulli-clicks',
    dim: layout.dim,
    sample(theta, shots, gen, out) {
      checkShots(shots, 'bernoulliClickSource.sample');
      const r = ratesAt(theta);
      if (masks.length !== shots) masks = new Uint32Array(shots);
      for (let s = 0; s < shots; s++) {
        let mask = 0;
        for (let j = 0; j < m; j++) if (gen.uniform() < r[j]!) mask |= 1 << j;
        masks[s] = mask >>> 0;
      }
      return groupHistogram(masks, layout, out);
    },
    exact: (theta, out) => independentClickHistogram(ratesAt(theta), layout, prepare(out, layout.dim, 'bernoulliClickSource.exact')),
  };
}

/** Options of `shuffledMarginalsSource`. */
export interface ShuffledMarginalsOptions {
  readonly modes: number;
  /** The correlated click sampler whose per-mode columns are shuffled. */
  readonly clicks: (theta: Float64Array, shots: number, gen: Generator, out: Uint32Array) => Uint32Array;
  /** Exact per-mode click rates at θ, for `exact` (optional). */
  readonly exactRates?: (theta: Float64Array) => ArrayLike<number>;
  readonly groups?: Groups;
}

/**
 * Shuffled marginals: S masks from `clicks`, then for each mode (ascending) a Fisher–Yates shuffle
 * of its column across the shots, from the same `gen` after the sampler's draws.
 *
 * @example
 * const src = shuffledMarginalsSource({ modes: 16, clicks: photonicClicks });
 */
export function shuffledMarginalsSource(options: ShuffledMarginalsOptions): FeatureSource {
  const m = options.modes;
  if (!Number.isInteger(m) || m < 1 || m > 32) throw new RangeError(`shuffledMarginalsSource: modes must be an integer in [1, 32], got ${m}`);
  const layout = groupLayout(options.groups ?? DEFAULT_GROUPS);
  let masks = new Uint32Array(0);
  let column = new Uint8Array(0);
  const source: FeatureSource = {
    name: 'shuffled-marginals',
    dim: layout.dim,
    sample(theta, shots, gen, out) {
      checkShots(shots, 'shuffledMarginalsSource.sample');
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
  };
  const rates = options.exactRates;
  if (rates === undefined) return source;
  return {
    ...source,
    exact: (theta, out) => {
      const r = rates(theta);
      checkRates(r, m, 'shuffledMarginalsSource');
      return independentClickHistogram(r, layout, prepare(out, layout.dim, 'shuffledMarginalsSource.exact'));
    },
  };
}

/** Options of `distinguishableSource`. */
export interface DistinguishableSourceOptions {
  /** The circuit at θ (e.g. the TBI unitary), U[out, in]. */
  readonly unitaryFn: (theta: Float64Array) => CMatrix;
  /** Input state, e.g. |1,0,1,0,…⟩. */
  readonly input: InputState;
  /** Detector model (efficiency and dark counts enter `exact` too); default ideal threshold. */
  readonly detection?: DetectionConfig;
  /** Uniform loss per input photon (default 0). */
  readonly loss?: number;
  readonly groups?: Groups;
}

/**
 * Control (c): the same circuit with distinguishable photons, sampled and exact.
 *
 * @example
 * const src = distinguishableSource({ unitaryFn: (th) => tbiUnitary(th), input: [1, 0, 1, 0] });
 */
export function distinguishableSource(options: DistinguishableSourceOptions): FeatureSource {
  const layout = groupLayout(options.groups ?? DEFAULT_GROUPS);
  let sampler: DistinguishableSampler | null = null;
  const samplerAt = (theta: Float64Array): DistinguishableSampler => {
    const U = options.unitaryFn(theta);
    if (sampler === null) sampler = new DistinguishableSampler(U, options.input, { loss: options.loss ?? 0 });
    else sampler.setUnitary(U);
    return sampler;
  };
  let masks = new Uint32Array(0);
  return {
    name: 'distinguishable',
    dim: layout.dim,
    sample(theta, shots, gen, out) {
      checkShots(shots, 'distinguishableSource.sample');
      if (masks.length !== shots) masks = new Uint32Array(shots);
      const opts = options.detection === undefined ? {} : { detection: options.detection };
      return groupHistogram(sampleClickMasks(samplerAt(theta), shots, gen, opts, masks), layout, out);
    },
    exact(theta, out) {
      const U = options.unitaryFn(theta);
      const res = prepare(out, layout.dim, 'distinguishableSource.exact');
      return distinguishableGroupHistogram(U, options.input, layout, options.detection, options.loss ?? 0, res);
    },
  };
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
