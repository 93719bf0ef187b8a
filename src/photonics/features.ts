/**
 * Click-pattern features (docs/method.md §4): click bitmasks, group histograms and per-mode click
 * rates, each from S shots or exactly from a distribution over click patterns, in one layout.
 *
 * Group histogram: modes form groups (default G_A = modes 0–7, G_B = modes 8–15). A shot's bin in
 * group g = (g₀, g₁, …) is b = Σ_b c_{g_b}·2^b, c_j = [mode j clicked]: the group's first mode is the
 * least significant bit. Each group's 2^|g| bins are normalised to sum to 1 and the groups are
 * concatenated: with the default groups, [hist_A (256), hist_B (256)] ∈ R^512.
 * Bin lookup: for each group four 256-entry tables map one byte of the mask to that byte's bin bits,
 * so any grouping (contiguous or not) costs four table reads per group per mask.
 */
import { isArray } from '../tensor/shape.js';

/** The PQKD default grouping: modes 0–7 and modes 8–15. */
export const DEFAULT_GROUPS: readonly (readonly number[])[] = [
  [0, 1, 2, 3, 4, 5, 6, 7],
  [8, 9, 10, 11, 12, 13, 14, 15],
];

/** Largest group size accepted (2^16 bins). */
export const MAX_GROUP_SIZE = 16;

/** A validated grouping with its bin-lookup tables; build once with `groupLayout` and reuse. */
export interface GroupLayout {
  readonly groups: readonly Int32Array[];
  /** Start of each group's bins in the feature vector. */
  readonly offsets: Int32Array;
  /** Number of bins of each group (2^size). */
  readonly bins: Int32Array;
  /** Total feature length Σ 2^|g|. */
  readonly dim: number;
  /** tables[g][byte·256 + v]: bin bits contributed by value v of mask byte `byte` to group g. */
  readonly tables: readonly Uint32Array[];
}

/** Groups as nested arrays of mode indices, or an already built layout. */
export type Groups = readonly (readonly number[])[] | GroupLayout;

function isLayout(groups: Groups): groups is GroupLayout {
  return !isArray(groups) && groups.tables !== undefined;
}

/**
 * Validates a grouping (modes are integers in [0, 32), no repeats inside a group, 1 ≤ |g| ≤ 16) and
 * builds its lookup tables. Groups may overlap.
 *
 * @example
 * const layout = groupLayout([[0, 1], [2, 3]]); // layout.dim === 8
 */
export function groupLayout(groups: Groups = DEFAULT_GROUPS): GroupLayout {
  if (isLayout(groups)) return groups;
  if (!isArray(groups) || groups.length === 0) {
    throw new RangeError(`groupLayout: groups must be a non-empty array of mode lists, got ${String(groups)}`);
  }
  const list: Int32Array[] = [];
  const tables: Uint32Array[] = [];
  const offsets = new Int32Array(groups.length);
  const bins = new Int32Array(groups.length);
  let dim = 0;
  groups.forEach((g, gi) => {
    if (g.length < 1 || g.length > MAX_GROUP_SIZE) {
      throw new RangeError(`groupLayout: group ${gi} must have 1 … ${MAX_GROUP_SIZE} modes, got ${g.length}`);
    }
    const modes = Int32Array.from(g);
    const seen = new Set<number>();
    modes.forEach((mode, b) => {
      const given = g[b]!;
      if (!Number.isInteger(given) || given < 0 || given > 31) {
        throw new RangeError(`groupLayout: groups[${gi}][${b}] must be an integer mode in [0, 32), got ${given}`);
      }
      if (seen.has(mode)) throw new RangeError(`groupLayout: group ${gi} lists mode ${mode} twice`);
      seen.add(mode);
    });
    const table = new Uint32Array(4 * 256);
    for (let byte = 0; byte < 4; byte++) {
      for (let v = 0; v < 256; v++) {
        let bits = 0;
        modes.forEach((mode, b) => {
          if (mode >> 3 === byte && (v >> (mode & 7)) & 1) bits |= 1 << b;
        });
        table[byte * 256 + v] = bits;
      }
    }
    list.push(modes);
    tables.push(table);
    offsets[gi] = dim;
    bins[gi] = 1 << modes.length;
    dim += 1 << modes.length;
  });
  return { groups: list, offsets, bins, dim, tables };
}

/**
 * Feature length of a grouping, Σ_g 2^|g| (512 for the default).
 *
 * @example
 * featureDim([[0, 1, 2], [3, 4, 5]]); // 16
 */
export function featureDim(groups: Groups = DEFAULT_GROUPS): number {
  return groupLayout(groups).dim;
}

function binOf(table: Uint32Array, mask: number): number {
  return (
    table[mask & 255]! | table[256 + ((mask >>> 8) & 255)]! | table[512 + ((mask >>> 16) & 255)]! | table[768 + (mask >>> 24)]!
  );
}

function prepareOut(out: Float64Array | undefined, dim: number, op: string): Float64Array {
  const res = out ?? new Float64Array(dim);
  if (res.length !== dim) throw new RangeError(`${op}: out must have length ${dim} (the grouping's feature length), got ${res.length}`);
  res.fill(0);
  return res;
}

/**
 * Click bitmasks of a shots×m occupation block: bit j of mask s is set when occ[s·m + j] > 0 (m ≤ 32).
 *
 * @example
 * clickMasks(Int32Array.from([1, 0, 2, 0, 0, 1]), 3); // Uint32Array [0b101, 0b100]
 */
export function clickMasks(occupations: Int32Array, modes: number, out?: Uint32Array): Uint32Array {
  if (!Number.isInteger(modes) || modes < 1 || modes > 32) {
    throw new RangeError(`clickMasks: modes must be an integer in [1, 32], got ${modes}`);
  }
  if (occupations.length % modes !== 0) {
    throw new RangeError(`clickMasks: occupations length ${occupations.length} is not a multiple of modes ${modes}`);
  }
  const shots = occupations.length / modes;
  const masks = out ?? new Uint32Array(shots);
  if (masks.length !== shots) throw new RangeError(`clickMasks: out must have length ${shots}, got ${masks.length}`);
  for (let s = 0; s < shots; s++) {
    let mask = 0;
    const off = s * modes;
    for (let j = 0; j < modes; j++) if (occupations[off + j]! > 0) mask |= 1 << j;
    masks[s] = mask >>> 0;
  }
  return masks;
}

/**
 * The group-histogram feature of S shots' click masks: each group's bins counted and divided by S.
 * Cost O(S·groups).
 *
 * @example
 * const phi = groupHistogram(masks); // 512 values, each half sums to 1
 */
export function groupHistogram(clickMasks: Uint32Array, groups: Groups = DEFAULT_GROUPS, out?: Float64Array): Float64Array {
  const layout = groupLayout(groups);
  const S = clickMasks.length;
  if (S === 0) throw new RangeError('groupHistogram: clickMasks must hold at least one shot, got 0');
  const res = prepareOut(out, layout.dim, 'groupHistogram');
  const inc = 1 / S;
  for (let g = 0; g < layout.tables.length; g++) {
    const table = layout.tables[g]!;
    const off = layout.offsets[g]!;
    for (let s = 0; s < S; s++) {
      const i = off + binOf(table, clickMasks[s]!);
      res[i] = res[i]! + inc;
    }
  }
  return res;
}

/**
 * The same feature from weights over all click patterns (weights[mask], e.g. an exact click
 * distribution over 2^m patterns, or multinomial counts), normalised by the total weight. With exact
 * probabilities this is the S = ∞ feature. Cost O(2^m·groups).
 *
 * @example
 * const phiExact = groupHistogramFromWeights(clickProbs); // clickProbs.length === 65536
 */
export function groupHistogramFromWeights(
  weights: ArrayLike<number>,
  groups: Groups = DEFAULT_GROUPS,
  out?: Float64Array,
): Float64Array {
  const layout = groupLayout(groups);
  const total = checkedTotal(weights, 'groupHistogramFromWeights');
  const res = prepareOut(out, layout.dim, 'groupHistogramFromWeights');
  // w / total, not w·(1/total): 1/total overflows to ∞ for a total below 2^−1024 (subnormal weights)
  for (let g = 0; g < layout.tables.length; g++) {
    const table = layout.tables[g]!;
    const off = layout.offsets[g]!;
    for (let mask = 0; mask < weights.length; mask++) {
      const w = weights[mask]!;
      if (w === 0) continue;
      const i = off + binOf(table, mask);
      res[i] = res[i]! + w / total;
    }
  }
  return res;
}

/**
 * Σ weights after checking they are finite, non-negative and not all zero; names `op` on error.
 *
 * @example
 * checkedTotal([0.25, 0.75], 'demo'); // 1
 */
export function checkedTotal(weights: ArrayLike<number>, op: string): number {
  if (weights.length === 0) throw new RangeError(`${op}: weights must be non-empty`);
  let total = 0;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i]!;
    if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`${op}: weights[${i}] must be finite and >= 0, got ${w}`);
    total += w;
  }
  if (!(total > 0)) throw new RangeError(`${op}: weights must have a positive sum, got ${total}`);
  return total;
}

/**
 * Per-mode click rates of S shots: rate_j = (1/S)·#{s : bit j of mask s}.
 *
 * @example
 * clickRates(Uint32Array.from([1, 3]), 2); // Float64Array [1, 0.5]
 */
export function clickRates(clickMasks: Uint32Array, modes: number, out?: Float64Array): Float64Array {
  checkModes(modes, 'clickRates');
  const S = clickMasks.length;
  if (S === 0) throw new RangeError('clickRates: clickMasks must hold at least one shot, got 0');
  const res = prepareOut(out, modes, 'clickRates');
  for (let s = 0; s < S; s++) {
    const mask = clickMasks[s]!;
    for (let j = 0; j < modes; j++) if ((mask >>> j) & 1) res[j] = res[j]! + 1;
  }
  for (let j = 0; j < modes; j++) res[j] = res[j]! / S;
  return res;
}

/**
 * Exact per-mode click rates from weights over all click patterns (normalised by their total).
 *
 * @example
 * clickRatesFromWeights(Float64Array.from([0.5, 0, 0, 0.5]), 2); // [0.5, 0.5]
 */
export function clickRatesFromWeights(weights: ArrayLike<number>, modes: number, out?: Float64Array): Float64Array {
  checkModes(modes, 'clickRatesFromWeights');
  const total = checkedTotal(weights, 'clickRatesFromWeights');
  const res = prepareOut(out, modes, 'clickRatesFromWeights');
  for (let mask = 0; mask < weights.length; mask++) {
    const w = weights[mask]!;
    if (w === 0) continue;
    for (let j = 0; j < modes; j++) if ((mask >>> j) & 1) res[j] = res[j]! + w;
  }
  for (let j = 0; j < modes; j++) res[j] = res[j]! / total;
  return res;
}

function checkModes(modes: number, op: string): void {
  if (!Number.isInteger(modes) || modes < 1 || modes > 32) throw new RangeError(`${op}: modes must be an integer in [1, 32], got ${modes}`);
}
