/**
 * Exponential moving average of a feature stream (docs/method.md §5).
 *
 * Math: φ̄_t = β·φ̄_{t−1} + (1 − β)·φ̂_t with φ̄_0 = φ̂_0 (no bias correction, the default).
 * With `biasCorrection` the Adam form is used instead: m_t = β·m_{t−1} + (1 − β)·φ̂_t, m_{−1} = 0, and
 * φ̄_t = m_t / (1 − β^{t+1}) (so φ̄_0 = φ̂_0 as well). β = 0 passes the input through.
 * For i.i.d. inputs around a fixed mean, Var(φ̄)/Var(φ̂) → (1 − β)/(1 + β) (0.0526 at β = 0.9).
 * Cost O(dim) per update, no allocation after the first.
 */

/** Options of `Ema`. */
export interface EmaOptions {
  /** Divide by 1 − β^{t+1} (Adam-style) instead of starting from the first value; default false. */
  readonly biasCorrection?: boolean;
}

/** Serialisable EMA state (for checkpoints). `value` is null before the first update. */
export interface EmaState {
  readonly beta: number;
  readonly biasCorrection: boolean;
  /** Number of updates so far. */
  readonly steps: number;
  /** The running average m (raw, before bias correction), or null. */
  readonly value: number[] | null;
}

/**
 * Exponential moving average over Float64Array feature vectors.
 *
 * @example
 * const ema = new Ema(0.9);
 * const smoothed = ema.update(phiHat); // the first call returns a copy of phiHat
 */
export class Ema {
  readonly beta: number;
  readonly biasCorrection: boolean;
  private steps = 0;
  private raw: Float64Array | null = null;
  private corrected: Float64Array | null = null;

  constructor(beta: number, options: EmaOptions = {}) {
    if (typeof beta !== 'number' || !(beta >= 0 && beta < 1)) {
      throw new RangeError(`Ema: beta must be in [0, 1), got ${String(beta)}`);
    }
    this.beta = beta;
    this.biasCorrection = options.biasCorrection ?? false;
  }

  /** Number of updates so far. */
  get count(): number {
    return this.steps;
  }

  /** The current smoothed value (owned by the Ema; copy it to keep it), or null before any update. */
  get value(): Float64Array | null {
    return this.biasCorrection ? this.corrected : this.raw;
  }

  /**
   * Folds in one observation and returns the smoothed value. The returned array is the Ema's own
   * buffer, overwritten by the next update.
   */
  update(x: Float64Array): Float64Array {
    if (!(x instanceof Float64Array)) throw new TypeError('Ema.update: x must be a Float64Array');
    const beta = this.beta;
    if (this.raw === null) {
      this.raw = new Float64Array(x.length);
      if (this.biasCorrection) this.corrected = new Float64Array(x.length);
      if (!this.biasCorrection) this.raw.set(x);
      else for (let i = 0; i < x.length; i++) this.raw[i] = (1 - beta) * x[i]!;
    } else {
      if (x.length !== this.raw.length) {
        throw new RangeError(`Ema.update: x must have length ${this.raw.length} (the first update's), got ${x.length}`);
      }
      const raw = this.raw;
      for (let i = 0; i < x.length; i++) raw[i] = beta * raw[i]! + (1 - beta) * x[i]!;
    }
    this.steps++;
    if (!this.biasCorrection) return this.raw;
    const corrected = this.corrected!;
    const scale = 1 / (1 - Math.pow(beta, this.steps));
    for (let i = 0; i < x.length; i++) corrected[i] = this.raw[i]! * scale;
    return corrected;
  }

  /** Forgets all updates (the next update starts afresh). */
  reset(): void {
    this.steps = 0;
    this.raw = null;
    this.corrected = null;
  }

  /** A JSON-serialisable snapshot of the state. */
  getState(): EmaState {
    return {
      beta: this.beta,
      biasCorrection: this.biasCorrection,
      steps: this.steps,
      value: this.raw === null ? null : Array.from(this.raw),
    };
  }

  /** Restores a snapshot taken by `getState` from an Ema with the same β and bias correction. */
  setState(state: EmaState): void {
    if (state.beta !== this.beta || state.biasCorrection !== this.biasCorrection) {
      throw new RangeError(
        `Ema.setState: state has beta ${state.beta}, biasCorrection ${state.biasCorrection}; ` +
          `this Ema has beta ${this.beta}, biasCorrection ${this.biasCorrection}`,
      );
    }
    if (!Number.isInteger(state.steps) || state.steps < 0 || (state.value === null) !== (state.steps === 0)) {
      throw new RangeError(`Ema.setState: steps (${state.steps}) must be 0 exactly when value is null`);
    }
    if (state.value === null) {
      this.reset();
      return;
    }
    this.steps = state.steps;
    this.raw = Float64Array.from(state.value);
    if (this.biasCorrection) {
      const scale = 1 / (1 - Math.pow(this.beta, this.steps));
      this.corrected = this.raw.map((v) => v * scale);
    } else this.corrected = null;
  }
}
