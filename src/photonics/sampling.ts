/**
 * Shared pieces of the photonic samplers: the input-state forms, the per-shot sampler interface,
 * batch drivers that turn a per-shot sampler into an S×m occupation block or S click bitmasks, and
 * the argument checks every sampler repeats.
 *
 * Layout: occupations are Int32Array rows of m counts (row-major shots × modes); click patterns are
 * uint32 bitmasks with bit j set when mode j registered at least one count (m ≤ 32).
 * Determinism: a batch draws its shots one after another from the one `Generator` it is given, so
 * `S₁` shots then `S₂` more from the same generator equal `S₁ + S₂` shots at once, bit for bit.
 */
import type { Generator } from '../tensor/random.js';
import type { CMatrix } from './complex-matrix.js';
import { Detector, type DetectionConfig } from './detectors.js';

/**
 * An input Fock state: either an occupation vector (s_0, s_1, …), length ≤ m and padded with empty
 * modes, or an explicit list of the photons' input modes, `{ modes: [0, 0, 2] }` for |2,0,1⟩.
 */
export type InputState = ArrayLike<number> | { readonly modes: ArrayLike<number> };

/** A sampler that writes one shot's m output counts into `out[offset … offset + m)`. */
export interface ShotSampler {
  /** Number of modes m. */
  readonly modes: number;
  /** Number of input photons n (before loss). */
  readonly photons: number;
  /** Overwrites `out[offset … offset + m)` with one shot's output occupation, drawing from `gen`. */
  sampleShot(gen: Generator, out: Int32Array, offset: number): void;
}

/**
 * The input photons' modes in ascending order, from either input form; checks every entry.
 *
 * @example
 * photonModes([1, 0, 2], 4, 'demo'); // Int32Array [0, 2, 2]
 */
export function photonModes(input: InputState, modes: number, op: string): Int32Array {
  if (isModeList(input)) {
    const list = input.modes;
    const out = new Int32Array(list.length);
    for (let k = 0; k < list.length; k++) {
      const p = list[k]!;
      if (!Number.isInteger(p) || p < 0 || p >= modes) {
        throw new RangeError(`${op}: input.modes[${k}] must be an integer mode in [0, ${modes}), got ${p}`);
      }
      out[k] = p;
    }
    return out.sort();
  }
  if (input.length > modes) {
    throw new RangeError(`${op}: input occupation has ${input.length} modes but the circuit has ${modes}`);
  }
  let n = 0;
  for (let i = 0; i < input.length; i++) {
    const s = input[i]!;
    if (!Number.isInteger(s) || s < 0) {
      throw new RangeError(`${op}: input occupation[${i}] must be a non-negative integer, got ${s}`);
    }
    n += s;
  }
  const out = new Int32Array(n);
  let k = 0;
  for (let i = 0; i < input.length; i++) for (let c = 0; c < input[i]!; c++) out[k++] = i;
  return out;
}

function isModeList(input: InputState): input is { readonly modes: ArrayLike<number> } {
  return typeof input === 'object' && input !== null && 'modes' in input && !('length' in input);
}

/**
 * Throws unless `shots` is a positive safe integer.
 *
 * @example
 * checkShots(0, 'cliffordSample'); // RangeError: cliffordSample: shots must be a positive integer, got 0
 */
export function checkShots(shots: number, op: string): void {
  if (!Number.isSafeInteger(shots) || shots < 1) {
    throw new RangeError(`${op}: shots must be a positive integer, got ${shots}`);
  }
}

/**
 * Throws unless `value` is a probability in [0, 1] (`name` is the argument's name).
 *
 * @example
 * checkProbability(1.5, 'options.loss', 'CliffordSampler'); // RangeError naming options.loss
 */
export function checkProbability(value: number, name: string, op: string): void {
  if (!(value >= 0 && value <= 1)) throw new RangeError(`${op}: ${name} must be in [0, 1], got ${value}`);
}

/**
 * Throws unless U is a square CMatrix with consistent buffers; returns m.
 *
 * @example
 * const m = checkSquare(U, 'CliffordSampler'); // U.rows
 */
export function checkSquare(U: CMatrix, op: string): number {
  const m = U.rows;
  if (!Number.isInteger(m) || m < 1 || U.cols !== m) {
    throw new RangeError(`${op}: U must be a square m×m matrix (m ≥ 1), got ${U.rows}×${U.cols}`);
  }
  if (U.re.length !== m * m || U.im.length !== m * m) {
    throw new RangeError(`${op}: U.re and U.im must have ${m * m} entries, got ${U.re.length} and ${U.im.length}`);
  }
  return m;
}

/** Tolerance on |(A†A − I)_{ab}| accepted for the used columns of a "unitary". */
export const UNITARY_TOLERANCE = 1e-9;

/**
 * Throws unless the distinct columns of U named in `columns` are orthonormal within
 * UNITARY_TOLERANCE (`orthogonal: false` checks only their norms, enough for distinguishable photons).
 * Cost O(m·c²) for c distinct columns.
 *
 * @example
 * checkColumns(U, Int32Array.of(0, 2), 'CliffordSampler'); // throws if columns 0, 2 are not orthonormal
 */
export function checkColumns(U: CMatrix, columns: Int32Array, op: string, orthogonal = true): void {
  const m = U.rows;
  const distinct = Array.from(new Set(columns));
  for (let x = 0; x < distinct.length; x++) {
    const a = distinct[x]!;
    const yEnd = orthogonal ? distinct.length : x + 1;
    for (let y = x; y < yEnd; y++) {
      const b = distinct[y]!;
      let re = 0;
      let im = 0;
      for (let j = 0; j < m; j++) {
        const ar = U.re[j * m + a]!;
        const ai = U.im[j * m + a]!;
        const br = U.re[j * m + b]!;
        const bi = U.im[j * m + b]!;
        re += ar * br + ai * bi; // conj(a)·b
        im += ar * bi - ai * br;
      }
      const target = a === b ? 1 : 0;
      const err = Math.hypot(re - target, im);
      if (!(err <= UNITARY_TOLERANCE)) {
        const what = a === b ? `column ${a} has squared norm ${re}` : `columns ${a} and ${b} have overlap ${Math.hypot(re, im)}`;
        throw new RangeError(`${op}: U must be unitary on the input columns (tolerance ${UNITARY_TOLERANCE}), but ${what}`);
      }
    }
  }
}

/**
 * Draws which photons survive a uniform loss: photon c is kept with probability 1 − loss, one
 * uniform per photon in index order. Writes the kept indices to `kept` and returns their number.
 * With loss = 0 nothing is drawn.
 *
 * @example
 * const kept = new Int32Array(8);
 * const count = thinPhotons(8, 0.3, gen, kept); // kept[0 … count) are the surviving photons
 */
export function thinPhotons(n: number, loss: number, gen: Generator, kept: Int32Array): number {
  let count = 0;
  if (loss === 0) {
    for (let c = 0; c < n; c++) kept[c] = c;
    return n;
  }
  for (let c = 0; c < n; c++) if (gen.uniform() >= loss) kept[count++] = c;
  return count;
}

/**
 * `shots` shots from a per-shot sampler, as a shots×m Int32Array (row s = shot s).
 *
 * @example
 * const occ = sampleOccupations(new CliffordSampler(U, [1, 1]), 1000, new Generator(1));
 */
export function sampleOccupations(sampler: ShotSampler, shots: number, gen: Generator, out?: Int32Array): Int32Array {
  checkShots(shots, 'sampleOccupations');
  const m = sampler.modes;
  const occ = out ?? new Int32Array(shots * m);
  if (occ.length < shots * m) {
    throw new RangeError(`sampleOccupations: out must hold shots×modes = ${shots * m} counts, got ${occ.length}`);
  }
  for (let s = 0; s < shots; s++) sampler.sampleShot(gen, occ, s * m);
  return occ;
}

/** Options of `sampleClickMasks`. */
export interface ClickSamplingOptions {
  /** Detector model applied to each shot before reading clicks; default ideal threshold detectors. */
  readonly detection?: DetectionConfig;
}

/**
 * `shots` click bitmasks (bit j set when mode j registers a count) from a per-shot sampler; needs
 * m ≤ 32. Each shot is sampled, passed through the detectors (drawing from `gen` right after the
 * shot) and reduced to its mask, so no shots×m block is stored.
 *
 * @example
 * const masks = sampleClickMasks(new CliffordSampler(U, [1, 0, 1, 0]), 200, gen);
 */
export function sampleClickMasks(
  sampler: ShotSampler,
  shots: number,
  gen: Generator,
  options: ClickSamplingOptions = {},
  out?: Uint32Array,
): Uint32Array {
  checkShots(shots, 'sampleClickMasks');
  const m = sampler.modes;
  if (m > 32) throw new RangeError(`sampleClickMasks: click bitmasks need at most 32 modes, got ${m}`);
  const masks = out ?? new Uint32Array(shots);
  if (masks.length < shots) throw new RangeError(`sampleClickMasks: out must hold ${shots} masks, got ${masks.length}`);
  const detector = options.detection === undefined ? null : new Detector(options.detection, m);
  const shot = new Int32Array(m);
  for (let s = 0; s < shots; s++) {
    sampler.sampleShot(gen, shot, 0);
    if (detector !== null) detector.applyShot(shot, 0, gen);
    let mask = 0;
    for (let j = 0; j < m; j++) if (shot[j]! > 0) mask |= 1 << j;
    masks[s] = mask >>> 0;
  }
  return masks;
}
