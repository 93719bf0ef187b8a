/**
 * Gain calibration of SPSA from measurements at θ₀, following Spall's implementation guidelines
 * (J. C. Spall, "Implementation of the simultaneous perturbation algorithm for stochastic
 * optimization", IEEE Trans. Aerospace and Electronic Systems 34(3), 817–823, 1998, §III):
 * α = 0.602, γ = 0.101, A ≈ 10% of the planned iterations, c ≈ the standard deviation of the
 * measurement noise (so the difference y(θ + cΔ) − y(θ − cΔ) is not drowned by it), and a chosen so
 * that the early iterations move θ by a desired amount.
 *
 * What we measure (all at θ₀, before the first update):
 *  1. noise: `repeats` evaluations of f(θ₀) on the same minibatch with fresh measurement noise
 *     (shots); σ = their sample standard deviation.
 *  2. perturbation: for each c on an increasing ladder, `estimates` Rademacher differences
 *     |f(θ₀ + cΔ) − f(θ₀ − cΔ)| (common random numbers within a pair); c is the first rung whose
 *     mean difference reaches `multiple`·√2·σ (the difference of two independent noisy values has
 *     standard deviation √2·σ), else the top rung.
 *  3. gain: with Rademacher Δ every coordinate of ĝ has magnitude |Δf|/(2c), so
 *     a = targetStep·(1 + A)^α / mean|ĝ| makes the first update move each coordinate by targetStep.
 *     With the 'curvature' rule, f(θ₀) is also evaluated on each estimate's common random numbers
 *     and h̄ = mean (f⁺ + f⁻ − 2f₀)/c² is the objective's curvature along the perturbations: the
 *     update moves θ along Δ by a_k·(Δf/2c), and the step that minimises a quadratic with slope s and
 *     curvature h along Δ is s/h, so a_0 = 1/h̄ (the scalar-Hessian form of Spall's second-order
 *     SPSA: Spall, "Adaptive stochastic approximation by the simultaneous perturbation method",
 *     IEEE TAC 45(10), 2000), capped by the 'step' gain; with h̄ ≤ 0 the 'step' gain is used.
 */

/** How c is chosen from the objective's noise at θ₀. */
export interface SpsaNoiseCalibration {
  /** Evaluations of f(θ₀) with fresh noise (default 8). */
  readonly repeats?: number;
  /** Candidate c values, increasing (in the parameters' units). */
  readonly ladder: readonly number[];
  /** Required mean |Δf| in units of √2·σ (default 2). */
  readonly multiple?: number;
}

/** What the calibration measured and chose (goes to metrics.jsonl). */
export interface SpsaCalibrationReport {
  /** The f(θ₀) repeats and their standard deviation σ (null: c was not calibrated). */
  readonly noise: { readonly values: number[]; readonly std: number } | null;
  /** Mean |f⁺ − f⁻| per tried c. */
  readonly ladder: { readonly c: number; readonly meanAbsDifference: number }[];
  /** Whether the chosen c's difference reached the required multiple of the noise. */
  readonly aboveNoise: boolean;
  readonly c: number;
  readonly a: number;
  /** Mean |ĝ_i| at the chosen c. */
  readonly meanAbsGradient: number;
  readonly targetStep: number | null;
  /** The gain rule and, for 'curvature', the measured h̄ and whether the Newton gain (or the step cap) was used. */
  readonly gainRule?: 'step' | 'curvature';
  readonly curvature?: number;
  readonly gainFrom?: 'newton' | 'step-cap' | 'step';
}

/**
 * The gain numerator a from the calibration's measurements: `stepGain` = targetStep·(1+A)^α/mean|ĝ|;
 * with curvature h̄ > 0 the Newton gain (1+A)^α/h̄ when it is smaller.
 */
export function chooseGain(stepGain: number, curvature: number | null, growth: number): { a: number; from: 'newton' | 'step-cap' | 'step' } {
  if (curvature === null) return { a: stepGain, from: 'step' };
  if (!(curvature > 0)) return { a: stepGain, from: 'step' };
  const newton = growth / curvature;
  return newton < stepGain ? { a: newton, from: 'newton' } : { a: stepGain, from: 'step-cap' };
}

/** Sample standard deviation (divisor n − 1) of at least two values. */
export function sampleStd(values: readonly number[]): number {
  const n = values.length;
  if (n < 2) return 0;
  let mean = 0;
  for (const v of values) mean += v / n;
  let ss = 0;
  for (const v of values) ss += (v - mean) ** 2;
  return Math.sqrt(ss / (n - 1));
}

/** Checks a ladder: non-empty, positive, strictly increasing. */
export function checkLadder(ladder: readonly number[]): void {
  if (!Array.isArray(ladder) || ladder.length === 0) throw new RangeError('Spsa: calibrate.noise.ladder must be a non-empty list of c values');
  ladder.forEach((c, i) => {
    if (!(Number.isFinite(c) && c > 0) || (i > 0 && !(c > ladder[i - 1]!))) {
      throw new RangeError(`Spsa: calibrate.noise.ladder must be positive and increasing, got [${ladder.join(', ')}]`);
    }
  });
}
