/**
 * Exact distributions under partial distinguishability, uniform loss and dark counts, as sums of SLOS
 * runs through one plan (docs/photonics.md §6, §9).
 *
 * Each photon is independently lost (1 − η), detected and in the common internal state (η·p) or detected
 * in its own orthogonal state (η·(1 − p)). Grouping photons by input mode, a configuration is (g, b) with
 * g_i + b_i ≤ s_i, weight Π_i s_i!/(g_i! b_i! (s_i−g_i−b_i)!) (ηp)^{g_i} (η(1−p))^{b_i} (1−η)^{rest}.
 * For each, SLOS runs the good photons as amplitudes (layers 0 … |g|), converts to probabilities
 * |c|²·Π t!/Π g!, then adds the bad photons one by one as a probability scatter with weights |U_jp|²
 * (the SLOS maps do not depend on U or on photon order, so the same plan serves every configuration).
 * The result is accumulated over click masks (2^m) or, without loss, over the plan's final states.
 * Cost: (number of configurations) × one SLOS run; fine for small n (≈ 2^n runs with p < 1).
 */
import { checkCMatrix, cmatrix, type CMatrix } from './complex-matrix.js';
import { binomial } from './fock.js';
import { applyDarkCounts, resolveNoise, type ExactNoise } from './noise.js';
import type { SlosPlan } from './slos-plan.js';
import { goodPhotonProbabilities, slosBuffers, slosLayers, type SlosScale } from './slos.js';

/** Largest number of SLOS runs a noisy sum may take before it is refused (override with maxRuns). */
export const DEFAULT_MAX_NOISY_RUNS = 20000;

function modulusSquared(u: CMatrix): CMatrix {
  const w = cmatrix(u.rows, u.cols);
  for (let e = 0; e < w.re.length; e++) w.re[e] = u.re[e]! ** 2 + u.im[e]! ** 2;
  return w;
}

/** Calls visit(g, b, weight) for every (good, bad) configuration with non-zero weight. */
function forEachConfiguration(
  input: Int32Array, eta: number, p: number, op: string, maxRuns: number,
  visit: (good: Int32Array, bad: Int32Array, goodCount: number, badCount: number, weight: number) => void,
): void {
  const m = input.length;
  const pg = eta * p;
  const pb = eta * (1 - p);
  const pl = 1 - eta;
  let runs = 1;
  for (let i = 0; i < m; i++) {
    const s = input[i]!;
    const options = (pb > 0 ? (pl > 0 ? ((s + 1) * (s + 2)) / 2 : s + 1) : pl > 0 ? s + 1 : 1);
    runs *= options;
  }
  if (runs > maxRuns) {
    throw new RangeError(`${op}: the noise model needs ${runs} SLOS runs (one per good/bad/lost configuration), over maxRuns = ${maxRuns}; use fewer photons or exactGroupHistogram`);
  }
  const g = new Int32Array(m);
  const b = new Int32Array(m);
  const recurse = (i: number, weight: number, goodCount: number, badCount: number): void => {
    if (weight === 0) return;
    if (i === m) {
      visit(g, b, goodCount, badCount, weight);
      return;
    }
    const s = input[i]!;
    for (let gi = 0; gi <= s; gi++) {
      for (let bi = 0; gi + bi <= s; bi++) {
        const li = s - gi - bi;
        // Multinomial s!/(g! b! l!) as C(s, g)·C(s − g, b): finite for the hundreds of photons whose s! overflows.
        const w = binomial(s, gi) * binomial(s - gi, bi) * pg ** gi * pb ** bi * pl ** li;
        if (w === 0) continue;
        g[i] = gi;
        b[i] = bi;
        recurse(i + 1, weight * w, goodCount + gi, badCount + bi);
      }
    }
    g[i] = 0;
    b[i] = 0;
  };
  recurse(0, 1, 0, 0);
}

function modeList(occ: Int32Array, count: number): Int32Array {
  const out = new Int32Array(count);
  let k = 0;
  for (let i = 0; i < occ.length; i++) for (let c = 0; c < occ[i]!; c++) out[k++] = i;
  return out;
}

/**
 * Runs good photons as amplitudes then bad photons as probabilities; returns the buffer holding
 * probabilities of layer goodCount + badCount as interleaved (value, 0) pairs.
 */
function mixedRun(plan: SlosPlan, u: CMatrix, w2: CMatrix, good: Int32Array, bad: Int32Array, goodCount: number, badCount: number): Float64Array {
  const [a, b] = slosBuffers(plan);
  a[0] = 1;
  a[1] = 0;
  const scale: SlosScale = { exponent: 0 };
  const c = slosLayers(plan, u, modeList(good, goodCount), 0, a, b, scale);
  goodPhotonProbabilities(plan, c, goodCount, good, scale);
  const other = c === a ? b : a;
  return slosLayers(plan, w2, modeList(bad, badCount), goodCount, c, other);
}

function checkPlanU(plan: SlosPlan, u: CMatrix, op: string): void {
  checkCMatrix(u, op, 'U', true);
  if (u.rows !== plan.modes) throw new RangeError(`${op}: U must be ${plan.modes}×${plan.modes} for this plan, got ${u.rows}×${u.cols}`);
}

/**
 * The exact output distribution over the plan's final states with partial distinguishability p
 * (probability that a photon is in the common internal state; HOM visibility p²). p = 1 equals
 * `slosDistribution`; p = 0 is the distinguishable-photon distribution.
 * @example partialDistinguishabilityDistribution(slosPlan(2, [1, 1]), bs5050, 0.8) // P(1,1) = (1 − p²)/2
 */
export function partialDistinguishabilityDistribution(
  plan: SlosPlan, u: CMatrix, p: number, options: { out?: Float64Array; maxRuns?: number } = {},
): Float64Array {
  const op = 'partialDistinguishabilityDistribution';
  checkPlanU(plan, u, op);
  resolveNoise({ indistinguishableProbability: p }, op);
  const res = options.out ?? new Float64Array(plan.states);
  if (res.length < plan.states) throw new RangeError(`${op}: out must hold ${plan.states} values, got ${res.length}`);
  res.fill(0, 0, plan.states);
  const w2 = modulusSquared(u);
  forEachConfiguration(plan.input, 1, p, op, options.maxRuns ?? DEFAULT_MAX_NOISY_RUNS, (good, bad, gc, bc, weight) => {
    const probs = mixedRun(plan, u, w2, good, bad, gc, bc);
    for (let t = 0; t < plan.states; t++) res[t]! += weight * probs[2 * t]!;
  });
  return res;
}

/**
 * The exact distribution over the 2^m threshold click patterns (bit j = mode j clicked) with uniform
 * loss/efficiency, dark counts and partial distinguishability (`ExactNoise`); m ≤ 20.
 * @example groupHistogramFromClickDistribution(noisyClickDistribution(plan, U, { loss: 0.2 }), 16)
 */
export function noisyClickDistribution(
  plan: SlosPlan, u: CMatrix, noise: ExactNoise = {}, options: { out?: Float64Array; maxRuns?: number } = {},
): Float64Array {
  const op = 'noisyClickDistribution';
  checkPlanU(plan, u, op);
  if (plan.modes > 20) throw new RangeError(`${op}: modes must be ≤ 20 (2^m bins), got ${plan.modes}`);
  const { eta, dark, p } = resolveNoise(noise, op);
  const bins = 2 ** plan.modes;
  const res = options.out ?? new Float64Array(bins);
  if (res.length !== bins) throw new RangeError(`${op}: out must have 2^${plan.modes} = ${bins} entries, got ${res.length}`);
  res.fill(0);
  const w2 = modulusSquared(u);
  forEachConfiguration(plan.input, eta, p, op, options.maxRuns ?? DEFAULT_MAX_NOISY_RUNS, (good, bad, gc, bc, weight) => {
    const probs = mixedRun(plan, u, w2, good, bad, gc, bc);
    const layer = gc + bc;
    const masks = plan.clickMasks[layer]!;
    for (let t = 0; t < plan.layerSizes[layer]!; t++) res[masks[t]!]! += weight * probs[2 * t]!;
  });
  return applyDarkCounts(res, plan.modes, dark);
}
