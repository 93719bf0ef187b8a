/**
 * Feature sources for PQKD behind one interface (docs/method.md §4, §11): the photonic time-bin
 * circuit, its exact (S = ∞) version, and the classical attribution controls. Each source owns the
 * parameter vector SPSA optimises (the 29 beam-splitter angles for the circuit-based sources, the
 * 512 values themselves for the learned vector, 29 mapped values for its count-matched variant,
 * nothing for the fixed ones).
 *
 *  - photonic:        exact Clifford & Clifford shots at U(θ) (+ loss, threshold detectors) → group
 *                     histograms; SPSA evaluations draw shots from the exact click distribution by
 *                     inverse CDF so the ± evaluations share their uniforms (common random numbers).
 *  - exact:           the S = ∞ group histogram at θ (SLOS) for training and SPSA.
 *  - fixed-random:    each group histogram drawn once from Dirichlet(1,…,1); no noise, no SPSA.
 *  - matched-noise:   fixed-random plus per-step Gaussian noise with the photonic stream's
 *                     per-dimension variance at S shots, measured at θ₀.
 *  - distinguishable: the same circuit and SPSA without interference (classically easy).
 *  - bernoulli:       every mode clicks independently with its exact photonic click probability at θ.
 *  - learned:         a free vector initialised to φ(θ₀), trained by the same SPSA schedule.
 *  - learned-count-matched: (e′) as many free values as θ has angles, mapped to the feature by a fixed
 *                     random matrix and starting at φ(θ₀), under the same SPSA schedule.
 *  - learned-adam:    (e″) the free vector trained by the student's Adam through P (an upper bound;
 *                     the Distiller owns it as a parameter, see `trainedBy`).
 */
import { CliffordSampler } from '../photonics/clifford.js';
import type { DetectionConfig } from '../photonics/detectors.js';
import { DistinguishableSampler } from '../photonics/distinguishable.js';
import { featureVariance, type FeatureSource } from '../photonics/features-source.js';
import { clickRatesFromWeights, groupHistogram, groupHistogramFromWeights, groupLayout, type GroupLayout } from '../photonics/features.js';
import { sampleClickMasks } from '../photonics/sampling.js';
import { dirichletOnes } from '../photonics/sampling-variates.js';
import { clickFeature } from '../photonics/shots.js';
import { slosPlan, type SlosPlan } from '../photonics/slos-plan.js';
import { clickDistribution, slosDistribution } from '../photonics/slos.js';
import { tbi, type Tbi } from '../photonics/tbi.js';
import { Generator } from '../tensor/random.js';
import { angleCount, inputOccupation, type PhotonicConfig } from './config.js';

export interface PqkdFeatureSource {
  readonly name: string;
  readonly dim: number;
  /** Bins per group (for g(φ) centring). */
  readonly bins: readonly number[];
  /** Length of the SPSA parameter vector (0: nothing to optimise). */
  readonly paramCount: number;
  /** Whether SPSA wraps the parameters to (−π, π] (angles). */
  readonly periodic: boolean;
  /**
   * Who trains the parameters: SPSA (default), or 'adam' for the (e″) control, whose parameters are
   * the feature itself, trained with the student by its optimiser through P (no SPSA, no shots).
   */
  readonly trainedBy?: 'spsa' | 'adam';
  initialParams(gen: Generator): Float64Array;
  /** A fresh S-shot feature for a training step. */
  sample(params: Float64Array, gen: Generator, out?: Float64Array): Float64Array;
  /** The feature used inside the SPSA objective (common random numbers through `gen`). */
  spsaSample(params: Float64Array, gen: Generator, out?: Float64Array): Float64Array;
  /** The S = ∞ feature, when defined. */
  exact(params: Float64Array, out?: Float64Array): Float64Array | null;
}

/** The circuit shared by the circuit-based sources: TBI unitary, SLOS plan, cached exact distribution. */
class CircuitModel {
  readonly tbi: Tbi;
  readonly input: Int32Array;
  private plan: SlosPlan | null = null;
  private cacheKey: Float64Array | null = null;
  private cacheClicks: Float64Array | null = null;

  constructor(readonly config: PhotonicConfig) {
    this.tbi = tbi({ modes: config.modes, loopLengths: config.loopLengths });
    this.input = Int32Array.from(inputOccupation(config));
  }

  unitary(theta: Float64Array) {
    return this.tbi.unitary(theta);
  }

  detection(): DetectionConfig {
    return { resolution: 'threshold', efficiency: this.config.detectorEfficiency, darkCount: this.config.darkCount };
  }

  noiseless(): boolean {
    return this.config.loss === 0 && this.config.detectorEfficiency === 1 && this.config.darkCount === 0;
  }

  /** Exact click distribution over 2^m masks at θ (cached for the last θ). */
  clickProbabilities(theta: Float64Array): Float64Array {
    if (this.cacheKey && this.cacheClicks && this.cacheKey.every((v, i) => v === theta[i])) return this.cacheClicks;
    if (!this.noiseless()) {
      throw new RangeError('feature source: exact click distributions are implemented for the noiseless circuit only (photonic.loss = 0, detectorEfficiency = 1, darkCount = 0)');
    }
    this.plan ??= slosPlan(this.config.modes, this.input);
    const probs = slosDistribution(this.plan, this.unitary(theta));
    const clicks = clickDistribution(this.plan, probs);
    this.cacheClicks = clicks;
    this.cacheKey = Float64Array.from(theta);
    return clicks;
  }
}

function wrapUniformAngles(n: number, gen: Generator, domain: PhotonicConfig['angleDomain']): Float64Array {
  const hi = domain === 'half' ? Math.PI / 2 : Math.PI;
  const lo = domain === 'half' ? 0 : -Math.PI;
  return gen.uniformArray(n, lo, hi);
}

/** Creates the configured source; `seed` fixes the controls' one-off random draws. */
export function createFeatureSource(config: PhotonicConfig, seed: number): PqkdFeatureSource {
  const layout: GroupLayout = groupLayout(config.groups);
  const bins = layout.bins as unknown as number[];
  const circuit = new CircuitModel(config);
  const shots = config.shots;
  const nAngles = angleCount(config);
  const base = { dim: layout.dim, bins: Array.from(bins), periodic: true, paramCount: nAngles };
  const initialParams = (gen: Generator): Float64Array => wrapUniformAngles(nAngles, gen, config.angleDomain);
  const exact = (theta: Float64Array, out?: Float64Array): Float64Array =>
    groupHistogramFromWeights(circuit.clickProbabilities(theta), layout, out);
  const distributionShots = (theta: Float64Array, gen: Generator, out?: Float64Array): Float64Array =>
    clickFeature(circuit.clickProbabilities(theta), shots, gen, { shotModel: 'sampler', groups: layout }, out);
  const masks = new Uint32Array(shots);

  switch (config.featureSource) {
    case 'photonic':
      return {
        ...base, name: 'photonic', initialParams, exact: (t, o) => (circuit.noiseless() ? exact(t, o) : null),
        sample: (theta, gen, out) => {
          const sampler = new CliffordSampler(circuit.unitary(theta), circuit.input, { loss: config.loss });
          const detection = circuit.noiseless() ? undefined : circuit.detection();
          sampleClickMasks(sampler, shots, gen, detection ? { detection } : {}, masks);
          return groupHistogram(masks, layout, out);
        },
        spsaSample: distributionShots,
      };
    case 'exact':
      return { ...base, name: 'exact', initialParams, exact, sample: (t, _g, o) => exact(t, o), spsaSample: (t, _g, o) => exact(t, o) };
    case 'distinguishable': {
      const sample = (theta: Float64Array, gen: Generator, out?: Float64Array): Float64Array => {
        const sampler = new DistinguishableSampler(circuit.unitary(theta), circuit.input, { loss: config.loss });
        sampleClickMasks(sampler, shots, gen, circuit.noiseless() ? {} : { detection: circuit.detection() }, masks);
        return groupHistogram(masks, layout, out);
      };
      return { ...base, name: 'distinguishable', initialParams, exact: () => null, sample, spsaSample: sample };
    }
    case 'bernoulli': {
      // Per-mode click probabilities at θ, recomputed only when θ changes.
      let ratesFor: Float64Array | null = null;
      let cachedRates: Float64Array = new Float64Array(config.modes);
      const rates = (theta: Float64Array): Float64Array => {
        if (ratesFor === null || !ratesFor.every((v, i) => v === theta[i])) {
          cachedRates = clickRatesFromWeights(circuit.clickProbabilities(theta), config.modes);
          ratesFor = Float64Array.from(theta);
        }
        return cachedRates;
      };
      const sample = (theta: Float64Array, gen: Generator, out?: Float64Array): Float64Array => {
        const r = rates(theta);
        for (let s = 0; s < shots; s++) {
          let mask = 0;
          for (let j = 0; j < config.modes; j++) if (gen.uniform() < r[j]!) mask |= 1 << j;
          masks[s] = mask >>> 0;
        }
        return groupHistogram(masks, layout, out);
      };
      return { ...base, name: 'bernoulli', initialParams, exact: () => null, sample, spsaSample: sample };
    }
    case 'fixed-random':
    case 'matched-noise': {
      const fixed = new Float64Array(layout.dim);
      const draw = new Generator(seed).fork('fixed-random-feature');
      for (let g = 0; g < layout.groups.length; g++) {
        dirichletOnes(layout.bins[g]!, draw, fixed.subarray(layout.offsets[g]!, layout.offsets[g]! + layout.bins[g]!));
      }
      let std: Float64Array | null = null;
      if (config.featureSource === 'matched-noise') {
        // Per-dimension photonic shot-noise variance at θ₀ (the run's initial angles), 256 draws.
        const photonic = createFeatureSource({ ...config, featureSource: 'photonic' }, seed);
        const theta0 = photonic.initialParams(new Generator(seed).fork('theta0'));
        const asSource: FeatureSource = { name: 'photonic', dim: layout.dim, sample: (t, _s, g, o) => photonic.sample(t, g, o) };
        std = featureVariance(asSource, theta0, shots, 256, new Generator(seed).fork('matched-noise-variance')).map(Math.sqrt);
      }
      const sample = (_p: Float64Array, gen: Generator, out = new Float64Array(layout.dim)): Float64Array => {
        out.set(fixed);
        if (std) for (let i = 0; i < out.length; i++) out[i]! += std[i]! * gen.normal();
        return out;
      };
      return {
        ...base, name: config.featureSource, paramCount: 0, periodic: false,
        initialParams: () => new Float64Array(0), sample, spsaSample: sample, exact: () => Float64Array.from(fixed),
      };
    }
    case 'learned-count-matched': {
      // (e′): as many free values as the circuit has angles, through a fixed random dim×K map A:
      // φ(v) = φ₀ + A·v, v₀ = 0, where φ₀ = φ(θ₀) is the run's starting feature (the Distiller draws θ₀
      // from Generator(seed).fork('theta0'), as here). A's entries ~ N(0, ‖φ₀‖²/dim), so a unit step
      // in one value moves φ by about its own norm (SPSA's perturbations are angle-sized).
      const phi0 = exact(initialParams(new Generator(seed).fork('theta0')));
      let norm2 = 0;
      for (const v of phi0) norm2 += v * v;
      const map = new Generator(seed).fork('learned-count-matched-map').normalArray(layout.dim * nAngles, 0, Math.sqrt(norm2 / layout.dim));
      const sample = (v: Float64Array, _g?: Generator, out: Float64Array = new Float64Array(layout.dim)): Float64Array => {
        for (let i = 0; i < layout.dim; i++) {
          let acc = phi0[i]!;
          for (let j = 0; j < nAngles; j++) acc += map[i * nAngles + j]! * v[j]!;
          out[i] = acc;
        }
        return out;
      };
      return {
        ...base, name: 'learned-count-matched', paramCount: nAngles, periodic: false,
        initialParams: () => new Float64Array(nAngles), sample, spsaSample: sample, exact: (v, o) => sample(v, undefined, o),
      };
    }
    case 'learned':
    case 'learned-adam': {
      const sample = (params: Float64Array, _g: Generator, out = new Float64Array(layout.dim)): Float64Array => {
        out.set(params);
        return out;
      };
      const adam = config.featureSource === 'learned-adam';
      return {
        ...base, name: config.featureSource, paramCount: layout.dim, periodic: false, trainedBy: adam ? 'adam' : 'spsa',
        initialParams: (gen) => exact(initialParams(gen)), sample, spsaSample: sample,
        exact: (p) => (adam ? null : Float64Array.from(p)),
      };
    }
  }
}
