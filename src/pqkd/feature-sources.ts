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
import { clickRatesFromWeights, groupHistogramFromWeights, groupLayout, type GroupLayout } from '../photonics/features.js';
import { sampleClickMasks } from '../photonics/sampling.js';
import { clickFeature } from '../photonics/shots.js';
import { slosPlan, type SlosPlan } from '../photonics/slos-plan.js';
import { clickDistribution, slosDistribution } from '../photonics/slos.js';
import { tbi, type Tbi } from '../photonics/tbi.js';
import { Generator } from '../tensor/random.js';
import { angleCount, inputOccupation, type PhotonicConfig } from './config.js';
import { bernoulliClickSource, distinguishableSource, fixedRandomFeatureSource } from './sources/controls.js';
import { clickSamplerSource, defineSource, featureVariance, type FeatureSource, type ParamSpec } from './sources/feature-source.js';

export type { FeatureSource, ParamScale, ParamSpec } from './sources/feature-source.js';

/** @deprecated The old name of `FeatureSource` (there is one interface now). */
export type PqkdFeatureSource = FeatureSource;

/** The first SPSA step of circuit angles (and of the count-matched map's coefficients), in radians. */
export const ANGLE_STEP = 0.15;
/** The first SPSA step of a free feature, as a fraction of the mean absolute starting value. */
export const HISTOGRAM_STEP_FRACTION = 0.1;

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
      throw new RangeError(
        'feature source: exact click distributions are implemented for the noiseless circuit only (photonic.loss = 0, detectorEfficiency = 1, darkCount = 0)',
      );
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

/**
 * Creates the configured source; `seed` fixes the controls' one-off random draws. `withShots(S)` is
 * the same source (same seed, same one-off draws) at S shots per feature.
 */
export function createFeatureSource(config: PhotonicConfig, seed: number): FeatureSource {
  return { ...buildFeatureSource(config, seed), withShots: (shots: number) => createFeatureSource({ ...config, shots }, seed) };
}

function buildFeatureSource(config: PhotonicConfig, seed: number): FeatureSource {
  const layout: GroupLayout = groupLayout(config.groups);
  const circuit = new CircuitModel(config);
  const shots = config.shots;
  const nAngles = angleCount(config);
  const angles: ParamSpec = {
    count: nAngles,
    periodic: true,
    scale: { unit: 'rad', step: ANGLE_STEP },
    initial: (gen) => wrapUniformAngles(nAngles, gen, config.angleDomain),
  };
  const exact = (theta: Float64Array, out?: Float64Array): Float64Array => groupHistogramFromWeights(circuit.clickProbabilities(theta), layout, out);
  const distributionShots = (theta: Float64Array, gen: Generator, out?: Float64Array): Float64Array =>
    clickFeature(circuit.clickProbabilities(theta), shots, gen, { shotModel: 'sampler', groups: layout }, out);
  const detection = circuit.noiseless() ? undefined : circuit.detection();
  /** φ(θ₀): the exact feature at the θ₀ the Distiller draws from Generator(seed).fork('theta0'). */
  const startingFeature = (): Float64Array => exact(angles.initial(new Generator(seed).fork('theta0')));

  switch (config.featureSource) {
    case 'photonic':
      return clickSamplerSource({
        name: 'photonic',
        shots,
        groups: layout,
        params: angles,
        clicks: (theta, S, gen, masks) =>
          sampleClickMasks(new CliffordSampler(circuit.unitary(theta), circuit.input, { loss: config.loss }), S, gen, detection ? { detection } : {}, masks),
        // SPSA: shots from the exact click distribution by inverse CDF, so ± share their uniforms.
        spsaSample: distributionShots,
        ...(circuit.noiseless() ? { clickProbabilities: (theta: Float64Array) => circuit.clickProbabilities(theta) } : {}),
      });
    case 'exact':
      return defineSource({ name: 'exact', layout, shots, params: angles, exact, sample: (t, _g, o) => exact(t, o) });
    case 'distinguishable':
      return distinguishableSource({
        shots,
        groups: layout,
        params: angles,
        input: circuit.input,
        unitaryFn: (theta) => circuit.unitary(theta),
        loss: config.loss,
        ...(detection ? { detection } : {}),
      });
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
      return bernoulliClickSource({ name: 'bernoulli', modes: config.modes, shots, groups: layout, params: angles, rates });
    }
    case 'fixed-random':
    case 'matched-noise': {
      const gen = new Generator(seed).fork('fixed-random-feature');
      if (config.featureSource === 'fixed-random') return fixedRandomFeatureSource({ name: 'fixed-random', gen, groups: layout, shots });
      // Per-dimension photonic shot-noise variance at θ₀ (the run's initial angles), 256 draws.
      const photonic = createFeatureSource({ ...config, featureSource: 'photonic' }, seed);
      const theta0 = photonic.initialParams(new Generator(seed).fork('theta0'));
      const variance = featureVariance(photonic, theta0, 256, new Generator(seed).fork('matched-noise-variance'));
      return fixedRandomFeatureSource({ name: 'matched-noise', gen, groups: layout, shots, noise: { variance, shots } });
    }
    case 'learned-count-matched': {
      // (e′): as many free values as the circuit has angles, through a fixed random dim×K map A:
      // φ(v) = φ₀ + A·v, v₀ = 0, where φ₀ = φ(θ₀) is the run's starting feature. A's entries
      // ~ N(0, ‖φ₀‖²/dim), so a unit step in one value moves φ by about its own norm (the values are
      // angle-sized, and SPSA's gains for them are the angles').
      const phi0 = startingFeature();
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
      return defineSource({
        name: 'learned-count-matched',
        layout,
        shots,
        params: { count: nAngles, periodic: false, scale: { unit: 'coefficient', step: ANGLE_STEP }, initial: () => new Float64Array(nAngles) },
        sample,
        exact: (v, o) => sample(v, undefined, o),
      });
    }
    case 'learned':
    case 'learned-adam': {
      const sample = (params: Float64Array, _g: Generator, out = new Float64Array(layout.dim)): Float64Array => {
        out.set(params);
        return out;
      };
      const adam = config.featureSource === 'learned-adam';
      // Feature values are histogram entries (about 1/bins each): the step is a fraction of their mean size.
      let meanAbs = 0;
      for (const v of startingFeature()) meanAbs += Math.abs(v) / layout.dim;
      return defineSource({
        name: config.featureSource,
        layout,
        shots,
        trainedBy: adam ? 'adam' : 'spsa',
        params: {
          count: layout.dim,
          periodic: false,
          scale: { unit: 'histogram', step: HISTOGRAM_STEP_FRACTION * meanAbs },
          initial: (gen) => exact(angles.initial(gen)),
        },
        sample,
        exact: (p) => (adam ? null : Float64Array.from(p)),
      });
    }
  }
}
