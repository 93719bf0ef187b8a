/**
 * SLOS plans: the U-independent index maps of the strong linear-optics simulator
 * (Heurtel, Mansfield, Senellart, Valiron, "Strong simulation of linear optical processes",
 * arXiv:2206.10549; docs/photonics.md §3).
 *
 * Layer k holds every k-photon occupation allowed by the mask, indexed in combinatorial-number-system
 * order: a state with sorted photon list q_0 ≤ … ≤ q_{k−1} has full rank Σ_r C(q_r + r, r + 1)
 * (colex order of the strictly increasing c_r = q_r + r). Unmasked layers use the full rank as index;
 * masked layers keep the sorted list of allowed full ranks and index by position in it.
 * maps[k][s·m + j] = index in layer k+1 of s + e_j (−1 if the mask forbids it). Inserting photon j at
 * sorted position pos gives rank′ = Σ_{r<pos} C(c_r, r+1) + C(j+pos, pos+1) + Σ_{r≥pos} C(c_r+1, r+2),
 * so one prefix and one suffix sum make every successor O(1): building costs Σ_k L_k·(m + k).
 * The maps depend only on (m, n, mask), never on U or the input modes: one plan serves every θ, and any
 * photon order (used by the partial-distinguishability and loss sums). Each layer also stores its click
 * bitmasks (bit j set when t_j > 0) and factorial weights Π_j t_j!.
 */
import { requireFits } from './estimate.js';
import { checkOccupation, factorialProduct, photonModeList } from './fock.js';

export interface SlosMask {
  /** Photon cap per mode (a number for all modes, or one per mode); 1 = unbunched, 0 = empty mode. */
  maxPerMode?: number | ArrayLike<number>;
}

export interface SlosPlanOptions {
  mask?: SlosMask;
  /** Memory budget in bytes checked before building (default 2 GiB, see `estimate`). */
  maxBytes?: number;
}

export interface SlosPlan {
  readonly modes: number;
  readonly photons: number;
  /** Input occupation (copied). */
  readonly input: Int32Array;
  /** Input mode of each photon, ascending (the SLOS layer order). */
  readonly inputModes: Int32Array;
  /** Π_i s_i! of the input. */
  readonly inputFactorial: number;
  /** States per layer k = 0 … photons. */
  readonly layerSizes: Int32Array;
  /** Number of final (photons-photon) states = layerSizes[photons]. */
  readonly states: number;
  /** maps[k][s·m + j]: index of s + e_j in layer k+1, or −1 (masked). */
  readonly maps: Int32Array[];
  /** clickMasks[k][s]: bit j set when mode j is occupied in state s of layer k. */
  readonly clickMasks: Uint32Array[];
  /** factorialWeights[k][s] = Π_j t_j! of state s of layer k. */
  readonly factorialWeights: Float64Array[];
  /** Masked plans: sorted full ranks of each layer's states; null when unmasked (index = rank). */
  readonly ranks: Float64Array[] | null;
  /** Per-mode caps, or null when unmasked. */
  readonly caps: Int32Array | null;
  /** binomials[c·(photons+2) + r] = C(c, r), c < modes + photons, r ≤ photons + 1. */
  readonly binomials: Float64Array;
  /** Scratch for evaluation: two interleaved complex layers (re, im pairs) of the largest layer. */
  readonly work: Float64Array;
  /** The two halves of `work` (views made once, so evaluation allocates nothing). */
  readonly halves: readonly [Float64Array, Float64Array];
  /** Scratch: one column of U, interleaved (2·modes). */
  readonly column: Float64Array;
}

function binomialTable(rows: number, cols: number): Float64Array {
  const t = new Float64Array(rows * cols);
  for (let c = 0; c < rows; c++) {
    t[c * cols] = 1;
    for (let r = 1; r < cols && r <= c; r++) t[c * cols + r] = t[(c - 1) * cols + r - 1]! + (r <= c - 1 ? t[(c - 1) * cols + r]! : 0);
  }
  return t;
}

/**
 * Decodes a full combinatorial rank of a k-photon state into its sorted photon list q (length ≥ k);
 * `binomials` is a plan's table with row width `width` = photons + 2. O(m + k).
 * @example decodeRank(0, 2, 4, plan.binomials, plan.photons + 2, q) // q = [0, 0]
 */
export function decodeRank(rank: number, k: number, modes: number, binomials: Float64Array, width: number, q: Int32Array): void {
  let rest = rank;
  let c = modes + k - 2;
  for (let r = k; r >= 1; r--) {
    while (binomials[c * width + r]! > rest) c--;
    q[r - 1] = c - (r - 1);
    rest -= binomials[c * width + r]!;
    c--;
  }
}

function searchSorted(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = sorted[mid]!;
    if (v === x) return mid;
    if (v < x) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

function normalizeCaps(modes: number, mask: SlosMask | undefined): Int32Array | null {
  const c = mask?.maxPerMode;
  if (c === undefined) return null;
  const out = new Int32Array(modes);
  if (typeof c === 'number') out.fill(c);
  else for (let i = 0; i < modes; i++) out[i] = c[i]!;
  return out;
}

/**
 * Builds the SLOS plan for `modes` modes and the input occupation (one count per mode). Checks the
 * memory budget first (`requireFits`), so impossible sizes fail early with advice.
 * @example const plan = slosPlan(4, Int32Array.of(1, 0, 1, 0)); plan.states // 10
 */
export function slosPlan(modes: number, input: ArrayLike<number>, options: SlosPlanOptions = {}): SlosPlan {
  if (!Number.isInteger(modes) || modes < 1 || modes > 32) {
    throw new RangeError(`slosPlan: modes must be an integer in [1, 32] (click masks are uint32), got ${modes}`);
  }
  const n = checkOccupation('slosPlan', 'input', input, modes);
  requireFits({ modes, photons: n, backend: 'slos', mask: options.mask, maxBytes: options.maxBytes }, 'slosPlan');
  const caps = normalizeCaps(modes, options.mask);
  if (caps !== null) {
    for (let i = 0; i < modes; i++) {
      if (input[i]! > caps[i]!) {
        throw new RangeError(`slosPlan: input[${i}] = ${input[i]} exceeds mask.maxPerMode = ${caps[i]}; the input itself is masked out`);
      }
    }
  }
  const width = n + 2;
  const binomials = binomialTable(modes + n + 1, width);
  const bin = (c: number, r: number): number => binomials[c * width + r]!;
  const layerSizes = new Int32Array(n + 1);
  const maps: Int32Array[] = [];
  const clickMasks: Uint32Array[] = [];
  const factorialWeights: Float64Array[] = [];
  const ranks: Float64Array[] | null = caps === null ? null : [Float64Array.of(0)];
  const q = new Int32Array(n + 1);
  const prefix = new Float64Array(n + 2);
  const suffix = new Float64Array(n + 2);
  let maxLayer = 1;
  for (let k = 0; k <= n; k++) {
    const size = ranks === null ? bin(modes + k - 1, k) : ranks[k]!.length;
    layerSizes[k] = size;
    maxLayer = Math.max(maxLayer, size);
    const masks = new Uint32Array(size);
    const weights = new Float64Array(size);
    const last = k === n;
    const map = last ? null : new Int32Array(size * modes);
    const successorRanks = !last && ranks !== null ? new Float64Array(size * modes) : null;
    for (let s = 0; s < size; s++) {
      decodeRank(ranks === null ? s : ranks[k]![s]!, k, modes, binomials, width, q);
      let mask = 0;
      let w = 1;
      let run = 0;
      for (let r = 0; r < k; r++) {
        mask |= 1 << q[r]!;
        run = r > 0 && q[r] === q[r - 1] ? run + 1 : 1;
        w *= run;
      }
      masks[s] = mask >>> 0;
      weights[s] = w;
      if (last) continue;
      prefix[0] = 0;
      for (let r = 0; r < k; r++) prefix[r + 1] = prefix[r]! + bin(q[r]! + r, r + 1);
      suffix[k] = 0;
      for (let r = k - 1; r >= 0; r--) suffix[r] = suffix[r + 1]! + bin(q[r]! + r + 1, r + 2);
      let le = 0; // photons with q ≤ j
      let lt = 0; // photons with q < j
      for (let j = 0; j < modes; j++) {
        while (le < k && q[le]! <= j) le++;
        while (lt < k && q[lt]! < j) lt++;
        const rank = prefix[le]! + bin(j + le, le + 1) + suffix[le]!;
        if (caps === null) map![s * modes + j] = rank;
        else successorRanks![s * modes + j] = le - lt + 1 <= caps[j]! ? rank : -1;
      }
    }
    clickMasks.push(masks);
    factorialWeights.push(weights);
    if (last) break;
    if (successorRanks !== null && ranks !== null) {
      const allowed = successorRanks.filter((r) => r >= 0).sort();
      let u = 0;
      for (let i = 0; i < allowed.length; i++) if (i === 0 || allowed[i] !== allowed[i - 1]) allowed[u++] = allowed[i]!;
      const next = allowed.slice(0, u);
      ranks.push(next);
      for (let e = 0; e < successorRanks.length; e++) {
        const r = successorRanks[e]!;
        map![e] = r < 0 ? -1 : searchSorted(next, r);
      }
    }
    maps.push(map!);
  }
  const inputCopy = Int32Array.from(input);
  const work = new Float64Array(4 * maxLayer);
  return {
    modes,
    photons: n,
    input: inputCopy,
    inputModes: photonModeList(inputCopy),
    inputFactorial: factorialProduct(inputCopy),
    layerSizes,
    states: layerSizes[n]!,
    maps,
    clickMasks,
    factorialWeights,
    ranks,
    caps,
    binomials,
    work,
    halves: [work.subarray(0, 2 * maxLayer), work.subarray(2 * maxLayer)],
    column: new Float64Array(2 * modes),
  };
}
