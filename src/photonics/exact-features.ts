/**
 * Exact (infinite-shot) group histograms: the PQKD photonic feature (docs/method.md §4) without shots.
 *
 * Modes form groups (default: the two halves, i.e. [0..7] and [8..15] at 16 modes). A group's bin index
 * is Σ_b c_{g_b}·2^b over its modes g_0, g_1, … (first mode = least significant bit), c = click. Each
 * group's histogram sums to 1; the histograms are concatenated (2 × 256 = 512 values by default).
 *
 * Zero-set route (docs/photonics.md §10): for a group G, Q(G \ T) = P(clicks ⊆ T) for every
 * T ⊆ G, then P(clicked set = C) = Σ_{T⊆C} (−1)^{|C|−|T|} Q(G \ T), an in-place subset Möbius transform
 * (g·2^g). Cost: Σ_G 2^{|G|} permanents of p×p (p = occupied input modes); ≈ 512 8×8 at PQKD scale.
 * SLOS routes: marginalise a full distribution (`slosDistribution`) or a click distribution.
 */
import { checkCMatrix, type CMatrix } from './complex-matrix.js';
import type { ExactNoise } from './noise.js';
import type { SlosPlan } from './slos-plan.js';
import { emptyZeroSetContext, noClickKernel, setZeroSetUnitary, type ZeroSetContext } from './zero-set.js';

/**
 * Validates mode groups (each a non-empty list of ≤ 20 distinct modes; groups may overlap), or builds
 * the default two halves [0 … ⌈m/2⌉−1], [⌈m/2⌉ … m−1].
 * @example modeGroups(16) // [[0..7], [8..15]]
 */
export function modeGroups(modes: number, groups?: ArrayLike<ArrayLike<number>>, op = 'modeGroups'): Int32Array[] {
  if (groups === undefined) {
    const half = Math.ceil(modes / 2);
    const a = Int32Array.from({ length: half }, (_, k) => k);
    const b = Int32Array.from({ length: modes - half }, (_, k) => half + k);
    return b.length > 0 ? [a, b] : [a];
  }
  if (groups.length < 1) throw new RangeError(`${op}: groups must list at least one mode group, got none`);
  const out: Int32Array[] = [];
  for (let gi = 0; gi < groups.length; gi++) {
    const g = groups[gi]!;
    if (g.length < 1 || g.length > 20) throw new RangeError(`${op}: groups[${gi}] must have 1 … 20 modes (2^g bins), got ${g.length}`);
    const seen = new Set<number>();
    for (let b = 0; b < g.length; b++) {
      const j = g[b]!;
      if (!Number.isInteger(j) || j < 0 || j >= modes || seen.has(j)) {
        throw new RangeError(`${op}: groups[${gi}] must be distinct modes in [0, ${modes}), got [${Array.from(g).join(', ')}]`);
      }
      seen.add(j);
    }
    out.push(Int32Array.from(g));
  }
  return out;
}

/** Total number of bins Σ_G 2^{|G|}. */
function binCount(groups: Int32Array[]): number {
  let total = 0;
  for (const g of groups) total += 2 ** g.length;
  return total;
}

function prepareOut(op: string, groups: Int32Array[], out?: Float64Array): Float64Array {
  const bins = binCount(groups);
  const res = out ?? new Float64Array(bins);
  if (res.length !== bins) throw new RangeError(`${op}: out must have Σ 2^|G| = ${bins} entries, got ${res.length}`);
  return res;
}

/**
 * In-place subset Möbius transform over g bits of f[offset … offset + 2^g):
 * f[C] ← Σ_{T⊆C} (−1)^{|C|−|T|} f[T]. Cost g·2^g.
 * @example subsetMobius(Float64Array.of(0.25, 0.5, 0.5, 1), 2) // [0.25, 0.25, 0.25, 0.25]
 */
export function subsetMobius(f: Float64Array, bits: number, offset = 0): Float64Array {
  const size = 2 ** bits;
  if (f.length < offset + size) throw new RangeError(`subsetMobius: f must have ${offset} + 2^${bits} entries, got ${f.length}`);
  for (let b = 0; b < bits; b++) {
    const bit = 1 << b;
    for (let mask = 0; mask < size; mask++) if (mask & bit) f[offset + mask]! -= f[offset + (mask ^ bit)]!;
  }
  return f;
}

/** Reusable state for repeated zero-set group histograms of one (modes, input, groups, noise). */
export interface GroupHistogramPlan {
  readonly modes: number;
  readonly groups: Int32Array[];
  /** Σ_G 2^{|G|} output values. */
  readonly bins: number;
  readonly context: ZeroSetContext;
  /** Scratch: the current zero set Z. */
  readonly zero: Int32Array;
}

/**
 * Prepares `exactGroupHistogramWithPlan` for `modes` modes, the input, groups (default halves) and noise.
 * @example const hp = groupHistogramPlan(16, alternatingInput(16))
 */
export function groupHistogramPlan(
  modes: number, input: ArrayLike<number>, groups?: ArrayLike<ArrayLike<number>>, noise?: ExactNoise,
): GroupHistogramPlan {
  if (!Number.isInteger(modes) || modes < 1) throw new RangeError(`groupHistogramPlan: modes must be a positive integer, got ${modes}`);
  const gs = modeGroups(modes, groups, 'groupHistogramPlan');
  const context = emptyZeroSetContext(modes, input, noise, 'groupHistogramPlan');
  return { modes, groups: gs, bins: binCount(gs), context, zero: new Int32Array(modes) };
}

/**
 * The exact group histogram for U through a prepared plan: allocation-free for unbunched inputs when
 * `out` is given (bunched inputs allocate inside the repeated-row permanent).
 * @example exactGroupHistogramWithPlan(hp, U, out)
 */
export function exactGroupHistogramWithPlan(plan: GroupHistogramPlan, u: CMatrix, out?: Float64Array): Float64Array {
  const res = prepareOut('exactGroupHistogramWithPlan', plan.groups, out);
  setZeroSetUnitary(plan.context, u, 'exactGroupHistogramWithPlan');
  const zero = plan.zero;
  let offset = 0;
  for (const g of plan.groups) {
    const size = 2 ** g.length;
    for (let t = 0; t < size; t++) {
      let count = 0;
      for (let b = 0; b < g.length; b++) if (!((t >>> b) & 1)) zero[count++] = g[b]!;
      res[offset + t] = noClickKernel(plan.context, zero, count);
    }
    subsetMobius(res, g.length, offset);
    offset += size;
  }
  return res;
}

/**
 * The exact group histogram by zero-set permanents (see the file comment): for each group, 2^|G| values
 * P(clicked set within the group = C), concatenated; noise as in `noClickProbability`.
 * @example exactGroupHistogram(U, alternatingInput(16)) // Float64Array(512), each half sums to 1
 */
export function exactGroupHistogram(
  u: CMatrix, input: ArrayLike<number>, groups?: ArrayLike<ArrayLike<number>>, noise?: ExactNoise, out?: Float64Array,
): Float64Array {
  checkCMatrix(u, 'exactGroupHistogram', 'U', true);
  const gs = modeGroups(u.rows, groups, 'exactGroupHistogram');
  prepareOut('exactGroupHistogram', gs, out);
  const plan = groupHistogramPlan(u.rows, input, gs, noise);
  return exactGroupHistogramWithPlan(plan, u, out);
}

/**
 * The exact group histogram from a full SLOS distribution of `plan` (per-state click masks).
 * @example exactGroupHistogramFromDistribution(plan, slosDistribution(plan, U))
 */
export function exactGroupHistogramFromDistribution(
  plan: SlosPlan, probs: Float64Array, groups?: ArrayLike<ArrayLike<number>>, out?: Float64Array,
): Float64Array {
  const gs = modeGroups(plan.modes, groups, 'exactGroupHistogramFromDistribution');
  const res = prepareOut('exactGroupHistogramFromDistribution', gs, out);
  if (probs.length < plan.states) throw new RangeError(`exactGroupHistogramFromDistribution: probs must hold ${plan.states} values, got ${probs.length}`);
  res.fill(0);
  const masks = plan.clickMasks[plan.photons]!;
  const count = gs.length;
  // Contiguous groups (the default) take a shift-and-mask path; others gather their bits.
  const shift = new Int32Array(count);
  const width = new Int32Array(count);
  const offsets = new Int32Array(count);
  let allContiguous = true;
  let offset = 0;
  for (let gi = 0; gi < count; gi++) {
    const g = gs[gi]!;
    shift[gi] = g[0]!;
    width[gi] = (1 << g.length) - 1;
    offsets[gi] = offset;
    offset += 2 ** g.length;
    if (!g.every((j, b) => j === g[0]! + b)) allContiguous = false;
  }
  if (allContiguous) {
    for (let t = 0; t < plan.states; t++) {
      const mask = masks[t]!;
      const pt = probs[t]!;
      for (let gi = 0; gi < count; gi++) res[offsets[gi]! + ((mask >>> shift[gi]!) & width[gi]!)]! += pt;
    }
    return res;
  }
  for (let t = 0; t < plan.states; t++) {
    const mask = masks[t]!;
    const pt = probs[t]!;
    for (let gi = 0; gi < count; gi++) {
      const g = gs[gi]!;
      let bin = 0;
      for (let b = 0; b < g.length; b++) bin |= ((mask >>> g[b]!) & 1) << b;
      res[offsets[gi]! + bin]! += pt;
    }
  }
  return res;
}

/**
 * The exact group histogram from a distribution over all 2^m click masks (e.g. `clickDistribution` or
 * `noisyClickDistribution`).
 * @example groupHistogramFromClickDistribution(clicks, 16)
 */
export function groupHistogramFromClickDistribution(
  clicks: Float64Array, modes: number, groups?: ArrayLike<ArrayLike<number>>, out?: Float64Array,
): Float64Array {
  if (clicks.length !== 2 ** modes) throw new RangeError(`groupHistogramFromClickDistribution: clicks must have 2^${modes} entries, got ${clicks.length}`);
  const gs = modeGroups(modes, groups, 'groupHistogramFromClickDistribution');
  const res = prepareOut('groupHistogramFromClickDistribution', gs, out);
  res.fill(0);
  for (let mask = 0; mask < clicks.length; mask++) {
    const pm = clicks[mask]!;
    if (pm === 0) continue;
    let offset = 0;
    for (const g of gs) {
      let bin = 0;
      for (let b = 0; b < g.length; b++) bin |= ((mask >>> g[b]!) & 1) << b;
      res[offset + bin]! += pm;
      offset += 2 ** g.length;
    }
  }
  return res;
}
