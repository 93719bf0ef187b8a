/**
 * Simultaneous-perturbation stochastic approximation (Spall, "Implementation of the simultaneous
 * perturbation algorithm for stochastic optimization", IEEE TAES 34, 1998; docs/photonics.md §12).
 *
 * Step k (global, 0-based): a_k = a/(k + 1 + A)^α, c_k = c/(k + 1)^γ; for each of q estimates draw
 * Rademacher Δ ∈ {±1}^d, evaluate f⁺ = f(θ + c_kΔ) and f⁻ = f(θ − c_kΔ) and form
 * ĝ = (f⁺ − f⁻)/(2c_k)·Δ; then θ ← project(θ − a_k·mean ĝ). project clips to the box [lower, upper]
 * and wraps periodic coordinates to (−π, π]; perturbed points are projected the same way.
 *
 * Randomness is a pure function of (root generator, k): step k uses stream root.fork(k); Δ of
 * estimate i comes from .fork(`delta:${i}`); the ± evaluations of estimate i each receive a fresh
 * clone of .fork(`eval:${i}`) (common random numbers: same shots, same minibatch). So the state
 * (k, θ, a) is enough to resume bit for bit. The objective is synchronous: f(θ, ctx) → number.
 */
import type { Generator } from '../../tensor/random.js';

/** What an objective evaluation receives besides θ. */
export interface SpsaContext {
  /** Global step index k (−1 during calibration). */
  readonly k: number;
  /** Index of the gradient estimate within the step (or of the calibration estimate). */
  readonly estimate: number;
  /** Which evaluation this is. */
  readonly role: 'plus' | 'minus' | 'block-new' | 'block-old';
  /** Random stream for this evaluation; the + and − evaluations of one estimate get identical clones. */
  readonly gen: Generator;
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
  /** Choose a at the first step so that a_0·mean|ĝ| = targetStep, from `estimates` estimates at θ₀. */
  readonly calibrate?: boolean | { readonly targetStep?: number; readonly estimates?: number };
  /** Box constraints, one number for all coordinates or one per coordinate. */
  readonly lower?: number | ArrayLike<number>;
  readonly upper?: number | ArrayLike<number>;
  /** Periodic coordinates wrapped to (−π, π]: true for all, or one flag per coordinate. */
  readonly wrap?: boolean | ArrayLike<boolean>;
  /** Reject an update that raises f (re-evaluated with common random numbers) by more than tolerance. */
  readonly blocking?: { readonly tolerance: number };
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

function positive(value: number | undefined, fallback: number, name: string, allowZero = false): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v < 0 || (!allowZero && v === 0)) {
    throw new RangeError(`Spsa: options.${name} must be a finite number ${allowZero ? '>= 0' : '> 0'}, got ${String(v)}`);
  }
  return v;
}

function perCoordinate(value: number | ArrayLike<number> | undefined, fill: number, d: number, name: string): Float64Array {
  const out = new Float64Array(d).fill(fill);
  if (value === undefined) return out;
  if (typeof value === 'number') return out.fill(value);
  if (value.length !== d) throw new RangeError(`Spsa: options.${name} must have ${d} entries (one per parameter), got ${value.length}`);
  for (let i = 0; i < d; i++) out[i] = value[i]!;
  return out;
}

/**
 * Spall's SPSA over a Float64Array of parameters.
 *
 * @example
 * const opt = new Spsa((th, ctx) => (th[0]! - 1) ** 2 + 0.01 * ctx.gen.normal(), new Float64Array(1), new Generator(1).fork('spsa'));
 * for (let i = 0; i < 200; i++) opt.step(); // opt.theta[0] ≈ 1
 */
export class Spsa {
  private readonly objective: SpsaObjective;
  private readonly root: Generator;
  private readonly x: Float64Array;
  private readonly c: number;
  private readonly A: number;
  private readonly alpha: number;
  private readonly gamma: number;
  private readonly q: number;
  private readonly lower: Float64Array;
  private readonly upper: Float64Array;
  private readonly periodic: Uint8Array;
  private readonly calibration: { targetStep: number; estimates: number } | null;
  private readonly blockTolerance: number | null;
  private aValue: number;
  private calibrated = false;
  private steps = 0;
  // scratch
  private readonly delta: Float64Array;
  private readonly point: Float64Array;
  private readonly grad: Float64Array;

  constructor(objective: SpsaObjective, theta0: Float64Array, gen: Generator, options: SpsaOptions = {}) {
    if (typeof objective !== 'function') throw new TypeError('Spsa: objective must be a function (theta, ctx) => number');
    if (!(theta0 instanceof Float64Array) || theta0.length === 0) {
      throw new RangeError(`Spsa: theta0 must be a non-empty Float64Array, got length ${String((theta0 as { length?: number })?.length)}`);
    }
    const d = theta0.length;
    this.objective = objective;
    this.root = gen;
    this.aValue = positive(options.a, 0.05, 'a');
    this.c = positive(options.c, 0.1, 'c');
    this.A = positive(options.A, 0, 'A', true);
    this.alpha = positive(options.alpha, 0.602, 'alpha');
    this.gamma = positive(options.gamma, 0.101, 'gamma');
    this.q = options.averaging ?? 1;
    if (!Number.isInteger(this.q) || this.q < 1) throw new RangeError(`Spsa: options.averaging must be a positive integer, got ${this.q}`);
    this.lower = perCoordinate(options.lower, -Infinity, d, 'lower');
    this.upper = perCoordinate(options.upper, Infinity, d, 'upper');
    for (let i = 0; i < d; i++) {
      if (!(this.lower[i]! < this.upper[i]!)) throw new RangeError(`Spsa: need lower < upper, got [${this.lower[i]}, ${this.upper[i]}] at ${i}`);
    }
    this.periodic = new Uint8Array(d);
    const wrap = options.wrap ?? false;
    if (typeof wrap === 'boolean') this.periodic.fill(wrap ? 1 : 0);
    else {
      if (wrap.length !== d) throw new RangeError(`Spsa: options.wrap must have ${d} flags, got ${wrap.length}`);
      for (let i = 0; i < d; i++) this.periodic[i] = wrap[i] ? 1 : 0;
    }
    const cal = options.calibrate ?? false;
    if (cal === false) this.calibration = null;
    else {
      const spec = cal === true ? {} : cal;
      const estimates = spec.estimates ?? 4;
      if (!Number.isInteger(estimates) || estimates < 1) throw new RangeError(`Spsa: calibrate.estimates must be a positive integer, got ${estimates}`);
      this.calibration = { targetStep: positive(spec.targetStep, 0.1, 'calibrate.targetStep'), estimates };
    }
    this.blockTolerance = options.blocking === undefined ? null : positive(options.blocking.tolerance, 0, 'blocking.tolerance', true);
    for (let i = 0; i < d; i++) {
      if (!Number.isFinite(theta0[i]!)) throw new RangeError(`Spsa: theta0[${i}] must be finite, got ${theta0[i]}`);
    }
    this.x = Float64Array.from(theta0);
    this.project(this.x);
    this.delta = new Float64Array(d);
    this.point = new Float64Array(d);
    this.grad = new Float64Array(d);
  }

  /** Current parameters (the optimiser's own buffer; copy to keep). */
  get theta(): Float64Array {
    return this.x;
  }

  /** Number of updates done so far. */
  get k(): number {
    return this.steps;
  }

  /** The step-size numerator in use. */
  get a(): number {
    return this.aValue;
  }

  /** a_k and c_k of step k. */
  gains(k: number): { ak: number; ck: number } {
    return { ak: this.aValue / Math.pow(k + 1 + this.A, this.alpha), ck: this.c / Math.pow(k + 1, this.gamma) };
  }

  /** Performs update k (calibrating first if requested and not yet done). */
  step(): SpsaStepResult {
    if (this.calibration !== null && !this.calibrated) this.runCalibration();
    const k = this.steps;
    const { ak, ck } = this.gains(k);
    const stream = this.root.fork(k);
    const fPlus: number[] = [];
    const fMinus: number[] = [];
    this.estimateGradient(stream, k, ck, this.q, fPlus, fMinus);
    const candidate = Float64Array.from(this.x);
    for (let i = 0; i < candidate.length; i++) candidate[i] = candidate[i]! - ak * this.grad[i]!;
    this.project(candidate);
    let accepted = true;
    if (this.blockTolerance !== null) {
      const blockGen = stream.fork('block');
      const fNew = this.evaluate(candidate, { k, estimate: 0, role: 'block-new', gen: blockGen.clone() });
      const fOld = this.evaluate(this.x, { k, estimate: 0, role: 'block-old', gen: blockGen.clone() });
      accepted = fNew <= fOld + this.blockTolerance;
    }
    if (accepted) this.x.set(candidate);
    this.steps++;
    return { k, ak, ck, gradient: Float64Array.from(this.grad), fPlus, fMinus, accepted };
  }

  /** Performs `steps` updates; returns the last step's result. */
  run(steps: number): SpsaStepResult {
    if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`Spsa.run: steps must be a positive integer, got ${steps}`);
    let last = this.step();
    for (let i = 1; i < steps; i++) last = this.step();
    return last;
  }

  /** JSON-serialisable state: resuming from it continues bit for bit. */
  getState(): SpsaState {
    return { k: this.steps, theta: Array.from(this.x), a: this.aValue, calibrated: this.calibrated };
  }

  /** Restores a state from `getState` (same objective, generator and options). */
  setState(state: SpsaState): void {
    if (!Number.isInteger(state.k) || state.k < 0) throw new RangeError(`Spsa.setState: k must be a non-negative integer, got ${state.k}`);
    if (state.theta.length !== this.x.length) {
      throw new RangeError(`Spsa.setState: theta must have ${this.x.length} entries, got ${state.theta.length}`);
    }
    if (!(state.a > 0)) throw new RangeError(`Spsa.setState: a must be > 0, got ${state.a}`);
    this.steps = state.k;
    this.x.set(state.theta);
    this.aValue = state.a;
    this.calibrated = state.calibrated;
  }

  /** Averages `count` estimates into this.grad, drawing from `stream` (step k or calibration). */
  private estimateGradient(stream: Generator, k: number, ck: number, count: number, fPlus: number[], fMinus: number[]): void {
    const d = this.x.length;
    this.grad.fill(0);
    for (let e = 0; e < count; e++) {
      const deltaGen = stream.fork(`delta:${e}`);
      for (let i = 0; i < d; i++) this.delta[i] = deltaGen.uniform() < 0.5 ? -1 : 1;
      const evalGen = stream.fork(`eval:${e}`);
      const fp = this.evaluateAt(+1, ck, { k, estimate: e, role: 'plus', gen: evalGen.clone() });
      const fm = this.evaluateAt(-1, ck, { k, estimate: e, role: 'minus', gen: evalGen.clone() });
      fPlus.push(fp);
      fMinus.push(fm);
      const scale = (fp - fm) / (2 * ck * count);
      for (let i = 0; i < d; i++) this.grad[i] = this.grad[i]! + scale * this.delta[i]!;
    }
  }

  private evaluateAt(sign: number, ck: number, ctx: SpsaContext): number {
    const p = this.point;
    for (let i = 0; i < p.length; i++) p[i] = this.x[i]! + sign * ck * this.delta[i]!;
    this.project(p);
    return this.evaluate(p, ctx);
  }

  private evaluate(theta: Float64Array, ctx: SpsaContext): number {
    const f = this.objective(theta, ctx);
    if (typeof f !== 'number' || !Number.isFinite(f)) {
      throw new RangeError(`Spsa: objective returned ${String(f)} at step ${ctx.k} (${ctx.role}); it must return a finite number`);
    }
    return f;
  }

  private runCalibration(): void {
    const cal = this.calibration!;
    const fPlus: number[] = [];
    const fMinus: number[] = [];
    let sumAbs = 0;
    const d = this.x.length;
    for (let e = 0; e < cal.estimates; e++) {
      this.estimateGradient(this.root.fork('calibrate').fork(e), -1, this.c, 1, fPlus, fMinus);
      for (let i = 0; i < d; i++) sumAbs += Math.abs(this.grad[i]!);
    }
    const meanAbs = sumAbs / (cal.estimates * d);
    if (!(meanAbs > 0)) throw new RangeError('Spsa: calibrate found a zero gradient estimate at theta0; pass options.a instead');
    this.aValue = (cal.targetStep * Math.pow(1 + this.A, this.alpha)) / meanAbs;
    this.calibrated = true;
  }

  /** Clips to the box and wraps periodic coordinates, in place. */
  private project(p: Float64Array): void {
    for (let i = 0; i < p.length; i++) {
      let v = p[i]!;
      if (this.periodic[i]) v = wrapAngle(v);
      if (v < this.lower[i]!) v = this.lower[i]!;
      else if (v > this.upper[i]!) v = this.upper[i]!;
      p[i] = v;
    }
  }
}
