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
import { chooseGain, sampleStd, type SpsaCalibrationReport } from './spsa-calibration.js';
import {
  parseCalibration,
  perCoordinate,
  positive,
  wrapAngle,
  type CalibrationSpec,
  type SpsaContext,
  type SpsaObjective,
  type SpsaOptions,
  type SpsaState,
  type SpsaStepResult,
} from './spsa-types.js';

export type { SpsaCalibrationReport, SpsaNoiseCalibration } from './spsa-calibration.js';
export { wrapAngle, type SpsaContext, type SpsaObjective, type SpsaOptions, type SpsaState, type SpsaStepResult } from './spsa-types.js';

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
  private cValue: number;
  private readonly A: number;
  private readonly alpha: number;
  private readonly gamma: number;
  private readonly q: number;
  private readonly lower: Float64Array;
  private readonly upper: Float64Array;
  private readonly periodic: Uint8Array;
  private readonly calibration: CalibrationSpec | null;
  private report: SpsaCalibrationReport | null = null;
  private readonly blockTolerance: number | 'noise' | null;
  private noiseStd: number | null = null;
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
    this.cValue = positive(options.c, 0.1, 'c');
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
    this.calibration = parseCalibration(options.calibrate);
    const tol = options.blocking?.tolerance;
    this.blockTolerance = tol === undefined ? null : tol === 'noise' ? 'noise' : positive(tol, 0, 'blocking.tolerance', true);
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

  /** The perturbation numerator in use. */
  get c(): number {
    return this.cValue;
  }

  /** What the calibration measured and chose (null before it runs, or after a resume). */
  get calibrationReport(): SpsaCalibrationReport | null {
    return this.report;
  }

  /** a_k and c_k of step k. */
  gains(k: number): { ak: number; ck: number } {
    return { ak: this.aValue / Math.pow(k + 1 + this.A, this.alpha), ck: this.cValue / Math.pow(k + 1, this.gamma) };
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
      accepted = fNew <= fOld + (this.blockTolerance === 'noise' ? (this.noiseStd ?? 0) : this.blockTolerance);
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
    return {
      k: this.steps,
      theta: Array.from(this.x),
      a: this.aValue,
      calibrated: this.calibrated,
      c: this.cValue,
      ...(this.noiseStd === null ? {} : { noiseStd: this.noiseStd }),
    };
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
    if (state.c !== undefined && !(state.c > 0)) throw new RangeError(`Spsa.setState: c must be > 0, got ${state.c}`);
    this.aValue = state.a;
    if (state.c !== undefined) this.cValue = state.c;
    this.noiseStd = state.noiseStd ?? null;
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
    const d = this.x.length;
    const root = this.root.fork('calibrate');
    let noise: SpsaCalibrationReport['noise'] = null;
    const ladder: { c: number; meanAbsDifference: number }[] = [];
    let aboveNoise = true;
    let meanAbs = 0;
    let curvature: number | null = null;
    // f(θ₀) on each estimate's common random numbers (for the curvature), evaluated once.
    const centers: number[] = [];
    const center = (e: number): number => (centers[e] ??= this.evaluate(this.x, { k: -1, estimate: e, role: 'center', gen: root.fork(e).fork('eval:0') }));
    // Mean |ĝ_i| over `estimates` estimates at c (the same streams for every c: paired rungs).
    const measure = (c: number): number => {
      let sumAbs = 0;
      let sumDiff = 0;
      let sumCurvature = 0;
      for (let e = 0; e < cal.estimates; e++) {
        const fPlus: number[] = [];
        const fMinus: number[] = [];
        this.estimateGradient(root.fork(e), -1, c, 1, fPlus, fMinus);
        sumDiff += Math.abs(fPlus[0]! - fMinus[0]!);
        if (cal.gainRule === 'curvature') sumCurvature += (fPlus[0]! + fMinus[0]! - 2 * center(e)) / (c * c);
        for (let i = 0; i < d; i++) sumAbs += Math.abs(this.grad[i]!);
      }
      ladder.push({ c, meanAbsDifference: sumDiff / cal.estimates });
      if (cal.gainRule === 'curvature') curvature = sumCurvature / cal.estimates;
      return sumAbs / (cal.estimates * d);
    };
    if (cal.noise === null) meanAbs = measure(this.cValue);
    else {
      const common = root.fork('noise-common');
      const values: number[] = [];
      for (let r = 0; r < cal.noise.repeats!; r++) {
        values.push(this.evaluate(this.x, { k: -1, estimate: r, role: 'noise', gen: root.fork('noise').fork(r), commonGen: common.clone() }));
      }
      const std = sampleStd(values);
      noise = { values, std };
      this.noiseStd = std;
      const needed = cal.noise.multiple! * Math.SQRT2 * std;
      aboveNoise = false;
      for (const c of cal.noise.ladder) {
        meanAbs = measure(c);
        this.cValue = c;
        if (ladder[ladder.length - 1]!.meanAbsDifference >= needed && ladder[ladder.length - 1]!.meanAbsDifference > 0) {
          aboveNoise = true;
          break;
        }
      }
    }
    let gainFrom: 'newton' | 'step-cap' | 'step' | undefined;
    if (cal.gain) {
      if (!(meanAbs > 0)) throw new RangeError('Spsa: calibrate found a zero gradient estimate at theta0; pass options.a instead');
      const growth = Math.pow(1 + this.A, this.alpha);
      const chosen = chooseGain((cal.targetStep * growth) / meanAbs, curvature, growth);
      this.aValue = chosen.a;
      gainFrom = chosen.from;
    }
    this.calibrated = true;
    this.report = {
      noise,
      ladder,
      aboveNoise,
      c: this.cValue,
      a: this.aValue,
      meanAbsGradient: meanAbs,
      targetStep: cal.gain ? cal.targetStep : null,
      gainRule: cal.gainRule,
      ...(curvature === null ? {} : { curvature }),
      ...(gainFrom ? { gainFrom } : {}),
    };
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
