/**
 * Distinguishable and partially distinguishable photons (docs/photonics.md §6).
 *
 * Distinguishable: photon k leaves in mode j with probability |U[j, p_k]|², independently of the
 * others. One cumulative table per photon; each photon costs one uniform and a binary search,
 * O(n log m) per shot. ⟨n_j⟩ equals the bosonic value; Hong–Ou–Mandel gives P(1,1) = ½.
 *
 * Partial distinguishability ("orthogonal bad bits"): each photon independently carries the common
 * internal state with probability p (HOM visibility V = p²), else an orthogonal one of its own. Per
 * shot the good subset is drawn, sampled exactly by Clifford & Clifford, the bad photons are placed
 * distinguishably, and the counts are added (Renema et al., PRL 120, 220502, 2018).
 */
import type { Generator } from '../tensor/random.js';
import type { CMatrix } from './complex-matrix.js';
import { CliffordSampler } from './clifford.js';
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

/** Options of the distinguishable-photon sampler. */
export interface DistinguishableOptions {
  /** Uniform loss: each input photon is lost independently with this probability (default 0). */
  readonly loss?: number;
}

/**
 * A reusable sampler of fully distinguishable photons.
 * Draw order per shot: loss uniforms (only when loss > 0), then one uniform per kept photon.
 *
 * @example
 * const sampler = new DistinguishableSampler(U, [1, 1]);
 * const occ = sampleOccupations(sampler, 1000, new Generator(3));
 */
export class DistinguishableSampler implements ShotSampler {
  readonly modes: number;
  readonly photons: number;
  readonly loss: number;
  /** Input mode of each photon (ascending). */
  readonly inputModes: Int32Array;
  // cdf[c·m + j] = Σ_{j′≤j} |U[j′, inputModes[c]]|²
  private readonly cdf: Float64Array;
  private readonly kept: Int32Array;

  constructor(U: CMatrix, input: InputState, options: DistinguishableOptions = {}) {
    const m = checkSquare(U, 'DistinguishableSampler');
    this.inputModes = photonModes(input, m, 'DistinguishableSampler');
    this.modes = m;
    this.photons = this.inputModes.length;
    this.loss = options.loss ?? 0;
    checkProbability(this.loss, 'options.loss', 'DistinguishableSampler');
    this.cdf = new Float64Array(this.photons * m);
    this.kept = new Int32Array(this.photons);
    this.setUnitary(U);
  }

  /** Replaces the circuit (same m); checks that the input columns have unit norm. */
  setUnitary(U: CMatrix): void {
    const m = checkSquare(U, 'DistinguishableSampler.setUnitary');
    if (m !== this.modes) throw new RangeError(`DistinguishableSampler.setUnitary: U must be ${this.modes}×${this.modes}, got ${m}×${m}`);
    checkColumns(U, this.inputModes, 'DistinguishableSampler', false);
    for (let c = 0; c < this.photons; c++) {
      const p = this.inputModes[c]!;
      let acc = 0;
      for (let j = 0; j < m; j++) {
        const re = U.re[j * m + p]!;
        const im = U.im[j * m + p]!;
        acc += re * re + im * im;
        this.cdf[c * m + j] = acc;
      }
    }
  }

  /** One shot (after uniform loss) into `out[offset … offset + m)`, overwriting it. */
  sampleShot(gen: Generator, out: Int32Array, offset: number): void {
    out.fill(0, offset, offset + this.modes);
    const count = thinPhotons(this.photons, this.loss, gen, this.kept);
    this.addShotFromPhotons(this.kept, count, gen, out, offset);
  }

  /** Places photons `photonIdx[0 … count)` independently and ADDS their counts into `out[offset …]`. */
  addShotFromPhotons(photonIdx: Int32Array, count: number, gen: Generator, out: Int32Array, offset: number): void {
    const m = this.modes;
    const cdf = this.cdf;
    for (let q = 0; q < count; q++) {
      const base = photonIdx[q]! * m;
      const u = gen.uniform() * cdf[base + m - 1]!;
      // first j with cdf > u, never a zero-width mode
      let lo = 0;
      let hi = m - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (cdf[base + mid]! > u) hi = mid;
        else lo = mid + 1;
      }
      while (lo > 0 && cdf[base + lo] === cdf[base + lo - 1]) lo--;
      out[offset + lo] = out[offset + lo]! + 1;
    }
  }
}

/** Options of the partial-distinguishability sampler. */
export interface PartialDistinguishabilityOptions {
  /** p: probability that a photon is in the common internal state (HOM visibility V = p²). */
  readonly goodPhotonProbability: number;
  /** Uniform loss: each input photon is lost independently with this probability (default 0). */
  readonly loss?: number;
}

/**
 * Photons that are each indistinguishable with probability p and otherwise fully distinguishable.
 * Draw order per shot: loss uniforms (when loss > 0), one "good" uniform per kept photon (when
 * 0 < p < 1), the Clifford & Clifford draws for the good subset, then one uniform per bad photon.
 *
 * @example
 * const s = new PartialDistinguishabilitySampler(U, [1, 1], { goodPhotonProbability: 0.9 });
 * const occ = sampleOccupations(s, 10000, new Generator(5)); // P(1,1) ≈ (1 − 0.81)/2
 */
export class PartialDistinguishabilitySampler implements ShotSampler {
  readonly modes: number;
  readonly photons: number;
  readonly loss: number;
  readonly goodPhotonProbability: number;
  private readonly bosonic: CliffordSampler;
  private readonly classical: DistinguishableSampler;
  private readonly kept: Int32Array;
  private readonly good: Int32Array;
  private readonly bad: Int32Array;

  constructor(U: CMatrix, input: InputState, options: PartialDistinguishabilityOptions) {
    const p = options?.goodPhotonProbability;
    checkProbability(p, 'options.goodPhotonProbability', 'PartialDistinguishabilitySampler');
    this.loss = options.loss ?? 0;
    checkProbability(this.loss, 'options.loss', 'PartialDistinguishabilitySampler');
    this.goodPhotonProbability = p;
    this.bosonic = new CliffordSampler(U, input);
    this.classical = new DistinguishableSampler(U, input);
    this.modes = this.bosonic.modes;
    this.photons = this.bosonic.photons;
    this.kept = new Int32Array(this.photons);
    this.good = new Int32Array(this.photons);
    this.bad = new Int32Array(this.photons);
  }

  /** Replaces the circuit (same m). */
  setUnitary(U: CMatrix): void {
    this.bosonic.setUnitary(U);
    this.classical.setUnitary(U);
  }

  /** One shot into `out[offset … offset + m)`, overwriting it. */
  sampleShot(gen: Generator, out: Int32Array, offset: number): void {
    out.fill(0, offset, offset + this.modes);
    const count = thinPhotons(this.photons, this.loss, gen, this.kept);
    const p = this.goodPhotonProbability;
    let nGood = 0;
    let nBad = 0;
    for (let q = 0; q < count; q++) {
      const c = this.kept[q]!;
      if (p === 1 || (p > 0 && gen.uniform() < p)) this.good[nGood++] = c;
      else this.bad[nBad++] = c;
    }
    this.bosonic.addShotFromPhotons(this.good, nGood, gen, out, offset);
    this.classical.addShotFromPhotons(this.bad, nBad, gen, out, offset);
  }
}

/**
 * `shots` samples of distinguishable photons as a shots×m Int32Array.
 *
 * @example
 * const occ = distinguishableSample(U, [1, 1], 1000, new Generator(1)); // HOM: P(1,1) ≈ ½
 */
export function distinguishableSample(
  U: CMatrix,
  input: InputState,
  shots: number,
  gen: Generator,
  options: DistinguishableOptions = {},
  out?: Int32Array,
): Int32Array {
  return sampleOccupations(new DistinguishableSampler(U, input, options), shots, gen, out);
}

/**
 * `shots` samples of partially distinguishable photons as a shots×m Int32Array.
 *
 * @example
 * const occ = partialDistinguishableSample(U, [1, 1], 1000, gen, { goodPhotonProbability: 0.8 });
 */
export function partialDistinguishableSample(
  U: CMatrix,
  input: InputState,
  shots: number,
  gen: Generator,
  options: PartialDistinguishabilityOptions,
  out?: Int32Array,
): Int32Array {
  return sampleOccupations(new PartialDistinguishabilitySampler(U, input, options), shots, gen, out);
}
