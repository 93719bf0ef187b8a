/**
 * The EMA's variance reduction, measured (docs/method.md §5): draw S-shot features φ̂_t i.i.d. at a
 * fixed θ, smooth them with the EMA φ̄_t = β·φ̄_{t−1} + (1−β)·φ̂_t (φ̄_0 = φ̂_0), discard `burnIn`
 * steps, record `steps` more, and compare the spread of φ̄ with that of φ̂. `windows` independent
 * windows (streams gen.fork(w)) give the measurement's own sampling error.
 *
 * Theory, for i.i.d. draws with per-dimension variance σ² around the exact mean φ:
 *  - stationary: Var(φ̄) = σ²·(1−β)/(1+β) (0.0526 at β = 0.9); after t steps from φ̄_0 = φ̂_0 the
 *    variance is σ²·[(1−β)/(1+β) + β^{2t}·2β/(1+β)] (the transient term).
 *  - finite window: φ̄ is an AR(1) series with autocorrelation ρ_k = β^k, so the sample variance
 *    about the window's own mean (divisor N−1) has expectation
 *    Var(φ̄)·[1 − 2/(N(N−1))·Σ_{k=1}^{N−1} (N−k)·β^k]  (N = steps),
 *    while φ̂'s sample variance is unbiased. Measured about the exact mean φ (when known) there is no
 *    window bias: the expectation is the mean over the recorded steps of the transient formula.
 * The ratio reported per window is pooled over dimensions, Σ_k v̄_k / Σ_k v̂_k (dimensions where φ̂
 * never varies contribute nothing); the paper's statistic, the median over dimensions of the
 * per-dimension ratios, is reported next to it. Across windows: mean and standard error (sd/√W).
 * Cost: windows·(burnIn + steps) draws plus O(dim) per step. Pure: no Node built-ins.
 */
import type { Generator } from '../tensor/random.js';
import { Ema } from './ema.js';

/** Options of `measureEmaVariance`. */
export interface EmaVarianceOptions {
  readonly beta: number;
  /** Recorded steps per window (N ≥ 2). */
  readonly steps: number;
  /** Independent windows (≥ 2, for the sampling error). */
  readonly windows: number;
  /** Steps discarded before recording (≥ 0). */
  readonly burnIn: number;
}

/** One statistic across windows. */
export interface WindowStatistic {
  /** Mean over windows. */
  readonly mean: number;
  /** Standard error of that mean (sample sd over windows / √windows). */
  readonly standardError: number;
  /** The per-window values. */
  readonly perWindow: number[];
}

/** What `measureEmaVariance` measured, next to the theory. */
export interface EmaVarianceMeasurement {
  readonly beta: number;
  readonly steps: number;
  readonly windows: number;
  readonly burnIn: number;
  /** Pooled Var(φ̄)/Var(φ̂), both about each window's own mean. */
  readonly ratio: WindowStatistic;
  /** Median over dimensions of the per-dimension ratio (the paper's statistic), about the window mean. */
  readonly medianRatio: WindowStatistic;
  /** Pooled mean-square deviation ratio about the exact mean (null without one). */
  readonly ratioAboutExact: WindowStatistic | null;
  /** (1−β)/(1+β). */
  readonly theory: number;
  /** The finite-window expectation of `ratio`: theory × windowFactor(β, steps). */
  readonly finiteWindow: number;
  /** The expectation of `ratioAboutExact` including the burn-in transient. */
  readonly aboutExactExpected: number;
}

/** (1−β)/(1+β): the stationary variance ratio of an EMA of i.i.d. draws. */
export function emaStationaryRatio(beta: number): number {
  checkBeta(beta, 'emaStationaryRatio');
  return (1 - beta) / (1 + beta);
}

/**
 * E[sample variance about the window mean]/Var for an AR(1) series with ρ_k = β^k over N steps:
 * 1 − 2/(N(N−1))·Σ_{k=1}^{N−1} (N−k)·β^k. Summed in k order, O(N).
 */
export function windowFactor(beta: number, steps: number): number {
  checkBeta(beta, 'windowFactor');
  if (!Number.isInteger(steps) || steps < 2) throw new RangeError(`windowFactor: steps must be an integer >= 2, got ${String(steps)}`);
  let sum = 0;
  let power = 1;
  for (let k = 1; k < steps; k++) {
    power *= beta;
    sum += (steps - k) * power;
  }
  return 1 - (2 * sum) / (steps * (steps - 1));
}

/** Mean over recorded steps t = burnIn … burnIn+N−1 of [(1−β)/(1+β) + β^{2t}·2β/(1+β)]. */
export function transientRatio(beta: number, burnIn: number, steps: number): number {
  const stationary = emaStationaryRatio(beta);
  let extra = 0;
  for (let t = burnIn; t < burnIn + steps; t++) extra += Math.pow(beta, 2 * t);
  return stationary + ((2 * beta) / (1 + beta)) * (extra / steps);
}

function checkBeta(beta: number, op: string): void {
  if (typeof beta !== 'number' || !(beta >= 0 && beta < 1)) throw new RangeError(`${op}: beta must be in [0, 1), got ${String(beta)}`);
}

function checkCount(op: string, name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) throw new RangeError(`${op}: ${name} must be an integer >= ${min}, got ${String(value)}`);
}

function statistic(values: number[]): WindowStatistic {
  const n = values.length;
  let mean = 0;
  for (const v of values) mean += v / n;
  let ss = 0;
  for (const v of values) ss += (v - mean) ** 2;
  return { mean, standardError: Math.sqrt(ss / (n - 1) / n), perWindow: values };
}

/**
 * Measures the EMA's variance ratio on draws from `draw(gen, out)` (a fresh S-shot feature from
 * `gen`, written into `out`), optionally about the exact mean `exact`.
 *
 * @example
 * const m = measureEmaVariance((g, out) => clickFeature(probs, 200, g, {}, out), exact, new Generator(1), { beta: 0.9, steps: 2000, windows: 8, burnIn: 50 });
 * // m.ratio.mean ≈ m.finiteWindow ≈ 0.052
 */
export function measureEmaVariance(
  draw: (gen: Generator, out: Float64Array) => Float64Array,
  dim: number,
  exact: Float64Array | null,
  gen: Generator,
  options: EmaVarianceOptions,
): EmaVarianceMeasurement {
  const op = 'measureEmaVariance';
  const { beta, steps, windows, burnIn } = options;
  checkBeta(beta, op);
  checkCount(op, 'steps', steps, 2);
  checkCount(op, 'windows', windows, 2);
  checkCount(op, 'burnIn', burnIn, 0);
  checkCount(op, 'dim', dim, 1);
  if (exact !== null && exact.length !== dim) throw new RangeError(`${op}: exact must have length ${dim}, got ${exact.length}`);
  const ratios: number[] = [];
  const medians: number[] = [];
  const exactRatios: number[] = [];
  const phi = new Float64Array(dim);
  // Per-dimension sums for the window: Σx, Σx² of φ̂ and φ̄; Σ(x−φ)² about the exact mean.
  const sums = Array.from({ length: 6 }, () => new Float64Array(dim));
  for (let w = 0; w < windows; w++) {
    const stream = gen.fork(w);
    const ema = new Ema(beta);
    for (const s of sums) s.fill(0);
    const [rawSum, rawSq, barSum, barSq, rawDev, barDev] = sums as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
    for (let t = 0; t < burnIn + steps; t++) {
      draw(stream.fork(t), phi);
      const bar = ema.update(phi);
      if (t < burnIn) continue;
      for (let k = 0; k < dim; k++) {
        const x = phi[k]!;
        const y = bar[k]!;
        rawSum[k] = rawSum[k]! + x;
        rawSq[k] = rawSq[k]! + x * x;
        barSum[k] = barSum[k]! + y;
        barSq[k] = barSq[k]! + y * y;
        if (exact) {
          rawDev[k] = rawDev[k]! + (x - exact[k]!) ** 2;
          barDev[k] = barDev[k]! + (y - exact[k]!) ** 2;
        }
      }
    }
    let rawTotal = 0;
    let barTotal = 0;
    let rawDevTotal = 0;
    let barDevTotal = 0;
    const perDim: number[] = [];
    for (let k = 0; k < dim; k++) {
      const vr = Math.max(0, (rawSq[k]! - (rawSum[k]! * rawSum[k]!) / steps) / (steps - 1));
      const vb = Math.max(0, (barSq[k]! - (barSum[k]! * barSum[k]!) / steps) / (steps - 1));
      rawTotal += vr;
      barTotal += vb;
      rawDevTotal += rawDev[k]!;
      barDevTotal += barDev[k]!;
      if (vr > 0) perDim.push(vb / vr);
    }
    if (!(rawTotal > 0)) throw new RangeError(`${op}: the draws never vary (window ${w}); nothing to measure`);
    ratios.push(barTotal / rawTotal);
    perDim.sort((a, b) => a - b);
    const mid = perDim.length >> 1;
    medians.push(perDim.length % 2 ? perDim[mid]! : (perDim[mid - 1]! + perDim[mid]!) / 2);
    if (exact) exactRatios.push(barDevTotal / rawDevTotal);
  }
  const theory = emaStationaryRatio(beta);
  return {
    beta,
    steps,
    windows,
    burnIn,
    ratio: statistic(ratios),
    medianRatio: statistic(medians),
    ratioAboutExact: exact ? statistic(exactRatios) : null,
    theory,
    finiteWindow: theory * windowFactor(beta, steps),
    aboutExactExpected: transientRatio(beta, burnIn, steps),
  };
}
