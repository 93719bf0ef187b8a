/**
 * The feature stream of the student's training steps (docs/method.md §5):
 *   φ̂_t = a fresh S-shot feature drawn from the substream (runSeed, "feature", t),
 *   φ̄_t = β·φ̄_{t−1} + (1 − β)·φ̂_t with φ̄_0 = φ̂_0 (no bias correction), when EMA is on.
 * Redraw policy: 'step' draws every step, 'epoch' at the first step of each epoch, 'never' once.
 * The EMA is not reset when SPSA moves θ. The stream value at the end of training is the frozen
 * export feature. State (step, EMA, last draw) is serialisable for exact resume.
 */
import { Ema, type EmaState } from './ema.js';
import { Generator } from '../tensor/random.js';
import type { FeatureSource } from './sources/feature-source.js';

export interface FeatureStreamOptions {
  ema: { enabled: boolean; beta: number };
  redraw: 'step' | 'epoch' | 'never';
}

export interface FeatureStreamState {
  lastDraw: number[] | null;
  ema: EmaState | null;
  draws: number;
}

export class FeatureStream {
  private ema: Ema | null;
  private lastDraw: Float64Array | null = null;
  private draws = 0;

  constructor(
    readonly source: FeatureSource,
    private readonly runGenerator: Generator,
    readonly options: FeatureStreamOptions,
  ) {
    this.ema = options.ema.enabled ? new Ema(options.ema.beta) : null;
  }

  /** The feature for global training step `step` (the first step of an epoch is `epochStart`). */
  next(params: Float64Array, step: number, epochStart: boolean): Float64Array {
    const redraw = this.options.redraw;
    const needDraw = this.lastDraw === null || redraw === 'step' || (redraw === 'epoch' && epochStart);
    if (needDraw) {
      this.lastDraw = this.source.sample(params, this.runGenerator.fork('feature').fork(step));
      this.draws++;
      if (this.ema) return Float64Array.from(this.ema.update(this.lastDraw));
      return Float64Array.from(this.lastDraw);
    }
    return Float64Array.from(this.current()!);
  }

  /** The current stream value (φ̄ with EMA, else the last draw), or null before the first step. */
  current(): Float64Array | null {
    if (this.ema && this.ema.value) return this.ema.value;
    return this.lastDraw;
  }

  getState(): FeatureStreamState {
    return {
      lastDraw: this.lastDraw ? Array.from(this.lastDraw) : null,
      ema: this.ema ? this.ema.getState() : null,
      draws: this.draws,
    };
  }

  setState(state: FeatureStreamState): void {
    this.lastDraw = state.lastDraw ? Float64Array.from(state.lastDraw) : null;
    this.draws = state.draws;
    if (this.ema && state.ema) this.ema.setState(state.ema);
  }
}
