/** The options, state and helper types of `Spsa` (spsa.ts). */
import type { Generator } from '../../tensor/random.js';
import { checkLadder, type SpsaNoiseCalibration } from './spsa-calibration.js';

/** What an objective evaluation receives besides θ. */
export interface SpsaContext {
  /** Global step index k (−1 during calibration). */
  readonly k: number;
  /** Index of the gradient estimate within the step (or of the calibration estimate). */
  readonly estimate: number;
  /** Which evaluation this is. */
  readonly role: 'plus' | 'minus' | 'block-new' | 'block-old' | 'noise' | 'center';
  /** Random stream for this evaluation; the + and − evaluations of one estimate get identical clones. */
  readonly gen: Generator;
  /**
   * Set only for calibration's noise repeats ('noise'): the stream of what must stay common across
   * the repeats (e.g. the minibatch), while `gen` differs per repeat (fresh measurement noise).
   * Objectives that draw a minibatch should draw it from `commonGen ?? gen`.
   */
  readonly commonGen?: Generator;
}

/** A scalar objective to minimise; must return a finite number. */
export type SpsaObjective = (theta: Float64Array, ctx: SpsaContext) => number;

/** Options of `Spsa` (defaults follow docs/method.md §6 and Spall 1998). */
export interface SpsaOptions {
  /** Step-size numerator a (default 0.05; replaced when `calibrate` is on). */
  readonly a?: number;
  /** Perturbation size c (default 0.1). */
  readonly c?: number;
  /** Stability constant A ≥ 0 (default 0; Spall suggests ≈ 10% of the planned steps). */
  readonly A?: number;
  /** Decay exponent α of a_k (default 0.602). */
  readonly alpha?: number;
  /** Decay exponent γ of c_k (default 0.101). */
  readonly gamma?: number;
  /** Number q of gradient estimates averaged per update (default 1). */
  readonly averaging?: number;
  /**
   * Calibrate at the first step (spsa-calibration.ts): with `noise`, choose c from the objective's
   * measured noise at θ₀; unless `gain` is false, choose a so that a_0·mean|ĝ| = targetStep, from
   * `estimates` estimates at θ₀ (default 4).
   */
  readonly calibrate?:
    | boolean
    | {
        readonly targetStep?: number;
        readonly estimates?: number;
        readonly gain?: boolean;
        /**
         * How a is chosen: 'step' (default) so the first update moves each coordinate by targetStep;
         * 'curvature' the Newton step along the perturbation, a_0 = 1/h̄ with h̄ the mean measured
         * curvature (f⁺ + f⁻ − 2f₀)/c² at θ₀, never larger than the 'step' gain (spsa-calibration.ts).
         */
        readonly gainRule?: 'step' | 'curvature';
        readonly noise?: SpsaNoiseCalibration;
      };
  /** Box constraints, one number for all coordinates or one per coordinate. */
  readonly lower?: number | ArrayLike<number>;
  readonly upper?: number | ArrayLike<number>;
  /** Periodic coordinates wrapped to (−π, π]: true for all, or one flag per coordinate. */
  readonly wrap?: boolean | ArrayLike<boolean>;
  /**
   * Reject an update that raises f (re-evaluated at the old and new θ with common random numbers) by
   * more than `tolerance`; 'noise' = the objective's standard deviation measured by the calibration
   * (0 when it measured none).
   */
  readonly blocking?: { readonly tolerance: number | 'noise' };
}

/** Serialisable optimiser state. */
export interface SpsaState {
  /** Number of updates done (the next step is k). */
  readonly k: number;
  readonly theta: number[];
  /** The step-size numerator in use (after calibration, if any). */
  readonly a: number;
  /** Whether calibration has already run. */
  readonly calibrated: boolean;
  /** The perturbation numerator c in use (absent in states from before c could be calibrated). */
  readonly c?: number;
  /** The objective's noise σ measured by the calibration (absent: none measured). */
  readonly noiseStd?: number;
}

/** What one update did. */
export interface SpsaStepResult {
  readonly k: number;
  readonly ak: number;
  readonly ck: number;
  /** The averaged gradient estimate (a copy). */
  readonly gradient: Float64Array;
  readonly fPlus: number[];
  readonly fMinus: number[];
  /** False when blocking rejected the update. */
  readonly accepted: boolean;
}

const TWO_PI = 2 * Math.PI;

/**
 * x wrapped into (−π, π].
 *
 * @example
 * wrapAngle(-Math.PI); // Math.PI
 */
export function wrapAngle(x: number): number {
  return x - TWO_PI * Math.ceil((x - Math.PI) / TWO_PI);
}

export function positive(value: number | undefined, fallback: number, name: string, allowZero = false): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v < 0 || (!allowZero && v === 0)) {
    throw new RangeError(`Spsa: options.${name} must be a finite number ${allowZero ? '>= 0' : '> 0'}, got ${String(v)}`);
  }
  return v;
}

export function perCoordinate(value: number | ArrayLike<number> | undefined, fill: number, d: number, name: string): Float64Array {
  const out = new Float64Array(d).fill(fill);
  if (value === undefined) return out;
  if (typeof value === 'number') return out.fill(value);
  if (value.length !== d) throw new RangeError(`Spsa: options.${name} must have ${d} entries (one per parameter), got ${value.length}`);
  for (let i = 0; i < d; i++) out[i] = value[i]!;
  return out;
}

/** The calibration options after defaults and checks. */
export interface CalibrationSpec {
  readonly targetStep: number;
  readonly estimates: number;
  readonly gain: boolean;
  readonly gainRule: 'step' | 'curvature';
  readonly noise: SpsaNoiseCalibration | null;
}

/** Checks `options.calibrate` and fills its defaults (null: no calibration). */
export function parseCalibration(cal: SpsaOptions['calibrate']): CalibrationSpec | null {
  if (cal === undefined || cal === false) return null;
  const spec = cal === true ? {} : cal;
  const estimates = spec.estimates ?? 4;
  if (!Number.isInteger(estimates) || estimates < 1) throw new RangeError(`Spsa: calibrate.estimates must be a positive integer, got ${estimates}`);
  if (spec.noise) checkLadder(spec.noise.ladder);
  const repeats = spec.noise?.repeats ?? 8;
  if (!Number.isInteger(repeats) || repeats < 2) throw new RangeError(`Spsa: calibrate.noise.repeats must be an integer >= 2, got ${repeats}`);
  const gainRule = spec.gainRule ?? 'step';
  if (gainRule !== 'step' && gainRule !== 'curvature') throw new RangeError(`Spsa: calibrate.gainRule must be 'step' or 'curvature', got ${String(gainRule)}`);
  return {
    targetStep: positive(spec.targetStep, 0.1, 'calibrate.targetStep'),
    estimates,
    gain: spec.gain ?? true,
    gainRule,
    noise: spec.noise ? { repeats, ladder: [...spec.noise.ladder], multiple: positive(spec.noise.multiple, 2, 'calibrate.noise.multiple') } : null,
  };
}
