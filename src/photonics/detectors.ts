/**
 * Detector models applied per mode to sampled occupations (docs/photonics.md §9).
 *
 * One `DetectionConfig` describes every mode's detector. A detector maps the n photons reaching it
 * to a reported count k in three stages, in this order:
 *  1. efficiency η: n′ ~ Binomial(n, η) photons are registered;
 *  2. dark count d: with probability d one spurious count is added, n″ = n′ + 1;
 *  3. resolution: 'pnr' reports k = n″; 'threshold' reports k = min(n″, 1) (click or no click);
 *     'pseudo-pnr' splits the light over w equal wires, each a threshold detector, and reports the
 *     number of wires that fired: P(k | n″) = C(w, k)·k!·S₂(n″, k)/w^n″ (S₂: Stirling, 2nd kind).
 * For threshold detectors this gives P(no click | n) = (1 − d)·(1 − η)^n, the §9 formula.
 * `detectorMatrix` returns the same law as a column-stochastic matrix C[k | n] for exact push-forwards.
 */
import type { Generator } from '../tensor/random.js';
import { binomialVariate } from './sampling-variates.js';

/** How a detector resolves photon number. */
export type DetectorResolution = 'pnr' | 'threshold' | 'pseudo-pnr';

/** Detector model for every mode; numbers apply to all modes, arrays give one value per mode. */
export interface DetectionConfig {
  /** 'pnr' (photon-number resolving), 'threshold' (click / no click) or 'pseudo-pnr' (w wires). */
  readonly resolution: DetectorResolution;
  /** Detection efficiency η ∈ [0, 1]; default 1. */
  readonly efficiency?: number | ArrayLike<number>;
  /** Dark-count probability d ∈ [0, 1] per detector per shot; default 0. */
  readonly darkCount?: number | ArrayLike<number>;
  /** Number of wires w (1 … 32) of a pseudo-PNR detector; required for 'pseudo-pnr' only. */
  readonly wires?: number;
}

function perMode(value: number | ArrayLike<number> | undefined, fallback: number, modes: number, name: string): Float64Array {
  const out = new Float64Array(modes);
  if (value === undefined || typeof value === 'number') {
    const v = value ?? fallback;
    if (!(v >= 0 && v <= 1)) throw new RangeError(`detection: ${name} must be in [0, 1], got ${v}`);
    out.fill(v);
    return out;
  }
  if (value.length !== modes) {
    throw new RangeError(`detection: ${name} must be a number or have one entry per mode (${modes}), got ${value.length} entries`);
  }
  for (let j = 0; j < modes; j++) {
    const v = value[j]!;
    if (!(v >= 0 && v <= 1)) throw new RangeError(`detection: ${name}[${j}] must be in [0, 1], got ${v}`);
    out[j] = v;
  }
  return out;
}

function checkResolution(config: DetectionConfig): number {
  const r = config.resolution;
  if (r !== 'pnr' && r !== 'threshold' && r !== 'pseudo-pnr') {
    throw new RangeError(`detection: resolution must be 'pnr', 'threshold' or 'pseudo-pnr', got ${String(r)}`);
  }
  if (r !== 'pseudo-pnr') {
    if (config.wires !== undefined) throw new RangeError(`detection: wires applies only to resolution 'pseudo-pnr', got resolution '${r}'`);
    return 0;
  }
  const w = config.wires;
  if (w === undefined || !Number.isInteger(w) || w < 1 || w > 32) {
    throw new RangeError(`detection: 'pseudo-pnr' needs an integer wires in [1, 32], got ${String(w)}`);
  }
  return w;
}

/**
 * A validated detection config for m modes that applies itself to one shot at a time, in place.
 * Draw order per shot: modes ascending; per mode the efficiency binomial (if η < 1 and n > 0), the
 * dark-count uniform (if d > 0), then one wire index per count (pseudo-PNR with ≥ 2 counts).
 *
 * @example
 * const det = new Detector({ resolution: 'threshold', efficiency: 0.9 }, 16);
 * det.applyShot(occupation, 0, gen);
 */
export class Detector {
  readonly modes: number;
  readonly resolution: DetectorResolution;
  readonly wires: number;
  /** Efficiency η of each mode's detector. */
  readonly efficiency: Float64Array;
  /** Dark-count probability d of each mode's detector. */
  readonly darkCount: Float64Array;

  constructor(config: DetectionConfig, modes: number) {
    if (!Number.isInteger(modes) || modes < 1) throw new RangeError(`Detector: modes must be a positive integer, got ${modes}`);
    this.wires = checkResolution(config);
    this.resolution = config.resolution;
    this.modes = modes;
    this.efficiency = perMode(config.efficiency, 1, modes, 'efficiency');
    this.darkCount = perMode(config.darkCount, 0, modes, 'darkCount');
  }

  /** Replaces `occ[offset … offset + m)` (true photon numbers) by the reported counts. */
  applyShot(occ: Int32Array, offset: number, gen: Generator): void {
    const m = this.modes;
    const w = this.wires;
    for (let j = 0; j < m; j++) {
      let n = occ[offset + j]!;
      const eta = this.efficiency[j]!;
      if (eta < 1 && n > 0) n = binomialVariate(n, eta, gen);
      const d = this.darkCount[j]!;
      if (d > 0 && gen.uniform() < d) n += 1;
      if (this.resolution === 'threshold') n = n > 0 ? 1 : 0;
      else if (this.resolution === 'pseudo-pnr' && n > 1) {
        let fired = 0;
        for (let c = 0; c < n; c++) fired |= 1 << gen.integers(0, w);
        n = popcount(fired);
      }
      occ[offset + j] = n;
    }
  }
}

function popcount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/**
 * Applies a detection config to every shot of a shots×m occupation block (in place when
 * `out === occupations`). Returns the reported counts.
 *
 * @example
 * const counts = applyDetection(occ, 16, { resolution: 'threshold', darkCount: 1e-3 }, gen);
 */
export function applyDetection(
  occupations: Int32Array,
  modes: number,
  config: DetectionConfig,
  gen: Generator,
  out?: Int32Array,
): Int32Array {
  const det = new Detector(config, modes);
  if (occupations.length % modes !== 0) {
    throw new RangeError(`applyDetection: occupations length ${occupations.length} is not a multiple of modes ${modes}`);
  }
  const res = out ?? new Int32Array(occupations.length);
  if (res.length !== occupations.length) {
    throw new RangeError(`applyDetection: out must have length ${occupations.length}, got ${res.length}`);
  }
  if (res !== occupations) res.set(occupations);
  for (let off = 0; off < res.length; off += modes) det.applyShot(res, off, gen);
  return res;
}

/**
 * The detector law of one mode as a column-stochastic matrix C[k | n], n = 0 … maxPhotons photons in,
 * k = 0 … maxPhotons + 1 counts out (the extra row holds a dark count on top of n photons), stored
 * row-major: C[k·(maxPhotons + 1) + n]. Cost O(maxPhotons³).
 *
 * @example
 * const C = detectorMatrix({ resolution: 'threshold', efficiency: 0.8 }, 4); // C[0·5 + 2] = 0.04
 */
export function detectorMatrix(config: DetectionConfig, maxPhotons: number, mode = 0): Float64Array {
  if (!Number.isInteger(maxPhotons) || maxPhotons < 0) {
    throw new RangeError(`detectorMatrix: maxPhotons must be a non-negative integer, got ${maxPhotons}`);
  }
  if (!Number.isInteger(mode) || mode < 0) throw new RangeError(`detectorMatrix: mode must be a non-negative integer, got ${mode}`);
  const lengths = [config.efficiency, config.darkCount].filter((v) => v !== undefined && typeof v !== 'number');
  const modes = lengths.length > 0 ? (lengths[0] as ArrayLike<number>).length : mode + 1;
  if (mode >= modes) throw new RangeError(`detectorMatrix: mode ${mode} is out of range for ${modes} per-mode values`);
  const det = new Detector(config, modes);
  const eta = det.efficiency[mode]!;
  const d = det.darkCount[mode]!;
  const N = maxPhotons + 1; // columns n
  const K = maxPhotons + 2; // rows k
  const out = new Float64Array(K * N);
  const resolve = resolutionLaw(det.resolution, det.wires, K);
  for (let n = 0; n < N; n++) {
    for (let r = 0; r <= n; r++) {
      const pr = binomialPmf(n, r, eta);
      for (const [extra, pd] of [[0, 1 - d], [1, d]] as const) {
        if (pd === 0 || pr === 0) continue;
        const n2 = r + extra;
        for (let k = 0; k < K; k++) out[k * N + n] = out[k * N + n]! + pr * pd * resolve[k * K + n2]!;
      }
    }
  }
  return out;
}

/** R[k | n″] for n″, k in 0 … K−1, row-major [k·K + n″]. */
function resolutionLaw(resolution: DetectorResolution, w: number, K: number): Float64Array {
  const R = new Float64Array(K * K);
  for (let n = 0; n < K; n++) {
    if (resolution === 'pnr') R[n * K + n] = 1;
    else if (resolution === 'threshold') R[Math.min(n, 1) * K + n] = 1;
    else {
      // C(w, k)·k!·S₂(n, k)/w^n = (w)_k·S₂(n, k)/w^n, falling factorial (w)_k.
      const s2 = stirlingSecondRow(n);
      let falling = 1;
      for (let k = 0; k <= Math.min(n, w); k++) {
        if (k > 0) falling *= w - k + 1;
        R[k * K + n] = (falling * s2[k]!) / Math.pow(w, n);
      }
    }
  }
  return R;
}

/** S₂(n, k) for k = 0 … n by the recurrence S₂(n, k) = k·S₂(n−1, k) + S₂(n−1, k−1). */
function stirlingSecondRow(n: number): Float64Array {
  let row = new Float64Array([1]);
  for (let i = 1; i <= n; i++) {
    const next = new Float64Array(i + 1);
    for (let k = 1; k <= i; k++) next[k] = k * (k < i ? row[k]! : 0) + row[k - 1]!;
    row = next;
  }
  return row;
}

function binomialPmf(n: number, k: number, p: number): number {
  let c = 1;
  for (let i = 0; i < k; i++) c = (c * (n - i)) / (i + 1);
  return c * Math.pow(p, k) * Math.pow(1 - p, n - k);
}
