/**
 * Exact random variates the photonic samplers need beyond `Generator`'s own: a binomial that costs
 * O(log n) draws instead of O(n), gamma and beta (for that binomial), exponentials and symmetric
 * Dirichlet vectors. All of them draw only from the `Generator` passed in, in a documented order, so
 * a seed fixes every value bit for bit.
 *
 * References (facts, not code): inversion for small means and the order-statistic split are in
 * L. Devroye, "Non-Uniform Random Variate Generation" (1986), ch. X.4 and I.4; the gamma sampler is
 * G. Marsaglia and W. W. Tsang, "A simple method for generating gamma variables", ACM TOMS 26 (2000).
 */
import type { Generator } from '../tensor/random.js';

/** Below this mean n·p (with p ≤ ½) the binomial is drawn by inversion; above it the range is split. */
const INVERSION_MEAN_LIMIT = 16;

/**
 * One Binomial(n, p) draw, exact.
 *
 * Method: p > ½ uses n − Binomial(n, 1 − p). For n·p < 16 inversion walks the pmf from 0
 * (f₀ = (1−p)^n, f_{k+1} = f_k·(n−k)/(k+1)·p/(1−p)) with one uniform. Otherwise it draws the i-th
 * order statistic Y ~ Beta(i, n+1−i) of n uniforms (i = ⌊(n+1)/2⌋) and recurses on the i − 1 uniforms
 * below Y (probability p/Y) or the n − i above it (probability (p − Y)/(1 − Y)), so the cost is
 * O(log n) gamma draws plus one inversion.
 *
 * @example
 * const k = binomialVariate(1000, 0.3, new Generator(1)); // ≈ 300
 */
export function binomialVariate(n: number, p: number, gen: Generator): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`binomialVariate: n must be a non-negative integer, got ${n}`);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`binomialVariate: p must be in [0, 1], got ${p}`);
  return binomialUnchecked(n, p, gen);
}

function binomialUnchecked(n: number, p: number, gen: Generator): number {
  if (n === 0 || p === 0) return 0;
  if (p === 1) return n;
  if (p > 0.5) return n - binomialUnchecked(n, 1 - p, gen);
  if (n * p < INVERSION_MEAN_LIMIT) return binomialInversion(n, p, gen);
  const i = Math.floor((n + 1) / 2);
  const y = betaVariate(i, n + 1 - i, gen);
  if (p < y) return binomialUnchecked(i - 1, p / y, gen);
  return i + binomialUnchecked(n - i, Math.min(1, (p - y) / (1 - y)), gen);
}

/** Inversion from k = 0; p ≤ ½ and n·p < 16, so (1−p)^n ≥ e^(−23) never underflows. */
function binomialInversion(n: number, p: number, gen: Generator): number {
  const q = 1 - p;
  const ratio = p / q;
  const f0 = Math.pow(q, n);
  for (;;) {
    let u = gen.uniform();
    let f = f0;
    let k = 0;
    while (u >= f && k <= n) {
      u -= f;
      f *= (ratio * (n - k)) / (k + 1);
      k++;
    }
    // k > n only when rounding left ≈1e-16 of mass unassigned: draw again (bias below 1e-15).
    if (k <= n) return k;
  }
}

/**
 * One Gamma(shape, 1) draw (Marsaglia–Tsang; shape < 1 via Gamma(shape + 1)·U^(1/shape)).
 *
 * @example
 * const g = gammaVariate(2.5, new Generator(1)); // mean 2.5
 */
export function gammaVariate(shape: number, gen: Generator): number {
  if (!(shape > 0) || !Number.isFinite(shape)) throw new RangeError(`gammaVariate: shape must be finite and > 0, got ${shape}`);
  if (shape < 1) {
    const g = gammaVariate(shape + 1, gen);
    return g * Math.pow(1 - gen.uniform(), 1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = gen.normal();
    let v = 1 + c * x;
    if (v <= 0) continue;
    v = v * v * v;
    const u = 1 - gen.uniform(); // (0, 1]
    const x2 = x * x;
    if (u < 1 - 0.0331 * x2 * x2) return d * v;
    if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v;
  }
}

/**
 * One Beta(a, b) draw as G_a / (G_a + G_b).
 *
 * @example
 * const y = betaVariate(2, 3, new Generator(1)); // mean 0.4
 */
export function betaVariate(a: number, b: number, gen: Generator): number {
  const x = gammaVariate(a, gen);
  const y = gammaVariate(b, gen);
  return x / (x + y);
}

/**
 * One Exponential(1) draw, −log(1 − U) with U = `gen.uniform()` ∈ [0, 1).
 *
 * @example
 * const e = exponentialVariate(new Generator(1)); // mean 1
 */
export function exponentialVariate(gen: Generator): number {
  return -Math.log(1 - gen.uniform());
}

/**
 * A Dirichlet(1, …, 1) vector of length k (uniform on the simplex): k exponentials, normalised.
 * Writes into `out` (length k) when given.
 *
 * @example
 * const w = dirichletOnes(256, new Generator(7)); // w sums to 1
 */
export function dirichletOnes(k: number, gen: Generator, out?: Float64Array): Float64Array {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`dirichletOnes: k must be a positive integer, got ${k}`);
  const w = out ?? new Float64Array(k);
  if (w.length !== k) throw new RangeError(`dirichletOnes: out must have length ${k}, got ${w.length}`);
  let total = 0;
  for (let i = 0; i < k; i++) {
    const e = exponentialVariate(gen);
    w[i] = e;
    total += e;
  }
  for (let i = 0; i < k; i++) w[i] = w[i]! / total;
  return w;
}
