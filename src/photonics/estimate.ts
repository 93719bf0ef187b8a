/**
 * Cost estimator for the exact backends (docs/photonics.md §14): state counts, memory and a time
 * prediction, so that a configuration that cannot fit fails before any allocation, with a message that
 * says why and what would fit.
 *
 * Models (constants measured on this code, Node 20, one thread; see bench/photonics-exact.bench.ts):
 *  - 'slos': layer k has L_k states (C(m+k−1, k), fewer under a mask). Memory = maps Σ_{k<n} L_k·m·4 B
 *    + per-state click masks and factorial weights Σ_k L_k·12 B (+ sorted ranks Σ_k L_k·8 B when masked)
 *    + two interleaved complex layers 2·max L·16 B + the output L_n·8 B + small tables. Time = m·Σ_{k<n} L_k complex
 *    MACs at SLOS_NS_PER_MAC; plan building Σ_k L_k·(m + k) steps at PLAN_NS_PER_STEP.
 *  - 'permanent': one Glynn permanent, n·2^{n−1} complex MACs at GLYNN_NS_PER_MAC; O(n) memory.
 *  - 'zero-set': the exact group histogram, 2^g permanents of n×n per group of g modes.
 *  - 'clifford': one Clifford & Clifford sample, ≈ Σ_k k·2^{k−1} + m·n² operations.
 */
import { binomial } from './fock.js';

export type ExactBackend = 'slos' | 'permanent' | 'zero-set' | 'clifford';

export interface EstimateOptions {
  modes: number;
  photons: number;
  backend: ExactBackend;
  /** SLOS only: per-mode photon caps (1 = unbunched), as in `slosPlan`. */
  mask?: { maxPerMode?: number | ArrayLike<number> };
  /** 'zero-set' only: sizes of the mode groups (default two groups of ⌈modes/2⌉, ⌊modes/2⌋). */
  groupSizes?: ArrayLike<number>;
  /** Memory budget in bytes (default 2 GiB). */
  maxBytes?: number;
}

export interface Estimate {
  backend: ExactBackend;
  modes: number;
  photons: number;
  /** Output states (SLOS final layer), or permanents evaluated ('zero-set'), or 1. */
  states: number;
  /** Peak memory in bytes. */
  bytes: number;
  /** Predicted time of one evaluation (one U) in ms. */
  predictedMs: number;
  /** Predicted one-off setup time (SLOS plan) in ms. */
  setupMs: number;
  /** bytes ≤ maxBytes. */
  fits: boolean;
  /** Human-readable summary; says what would fit when `fits` is false. */
  message: string;
}

/**
 * Time constants measured with bench/photonics-exact.bench.ts (Node 20, one thread, shared 2-core VM):
 * SLOS 2.2–3.1 ns per complex MAC (12/6, 16/8); Glynn 4.0–4.4 ns per n·2^{n−1} step (n = 16, 20);
 * plan building ≈ 6 ns per (state × (m + k)) step unmasked, ≈ 60–80 ns masked (sort + binary search).
 */
export const SLOS_NS_PER_MAC = 3;
export const PLAN_NS_PER_STEP = 6;
export const MASKED_PLAN_NS_PER_STEP = 70;
export const GLYNN_NS_PER_MAC = 4.5;
export const DEFAULT_MAX_BYTES = 2 * 1024 ** 3;

function caps(modes: number, mask: EstimateOptions['mask'], op: string): Int32Array | null {
  const c = mask?.maxPerMode;
  if (c === undefined) return null;
  const out = new Int32Array(modes);
  if (typeof c === 'number') {
    if (!Number.isInteger(c) || c < 0) throw new RangeError(`${op}: mask.maxPerMode must be a non-negative integer, got ${c}`);
    out.fill(c);
  } else {
    if (c.length !== modes) throw new RangeError(`${op}: mask.maxPerMode must have ${modes} entries, got ${c.length}`);
    for (let i = 0; i < modes; i++) {
      const v = c[i]!;
      if (!Number.isInteger(v) || v < 0) throw new RangeError(`${op}: mask.maxPerMode[${i}] must be a non-negative integer, got ${v}`);
      out[i] = v;
    }
  }
  return out;
}

/**
 * Number of states per layer k = 0 … n: C(m+k−1, k), or with per-mode caps the coefficient of x^k in
 * Π_i (1 + x + … + x^{cap_i}) (dynamic programming, O(m·n·cap)).
 * @example slosLayerSizes(16, 8)[8] // 490314
 */
export function slosLayerSizes(modes: number, photons: number, maxPerMode?: number | ArrayLike<number>): Float64Array {
  const c = caps(modes, maxPerMode === undefined ? undefined : { maxPerMode }, 'slosLayerSizes');
  const out = new Float64Array(photons + 1);
  if (c === null) {
    for (let k = 0; k <= photons; k++) out[k] = binomial(modes + k - 1, k);
    return out;
  }
  out[0] = 1;
  for (let i = 0; i < modes; i++) {
    for (let k = photons; k >= 1; k--) {
      let s = 0;
      for (let a = 1; a <= Math.min(c[i]!, k); a++) s += out[k - a]!;
      out[k]! += s;
    }
  }
  return out;
}

function slosCost(modes: number, photons: number, mask: EstimateOptions['mask']): { states: number; bytes: number; ms: number; setupMs: number } {
  const sizes = slosLayerSizes(modes, photons, mask?.maxPerMode);
  const masked = mask?.maxPerMode !== undefined;
  let mapEntries = 0;
  let all = 0;
  let maxL = 0;
  let buildSteps = 0;
  let tempMax = 0;
  for (let k = 0; k <= photons; k++) {
    const l = sizes[k]!;
    all += l;
    maxL = Math.max(maxL, l);
    buildSteps += l * (modes + k);
    if (k < photons) {
      mapEntries += l * modes;
      tempMax = Math.max(tempMax, l * modes);
    }
  }
  const final = sizes[photons]!;
  // masked plans hold one layer of float64 successor ranks while building
  const tables = (modes + photons + 1) * (photons + 2) * 8 + 16 * modes; // binomials + one U column
  const bytes = mapEntries * 4 + all * (12 + (masked ? 8 : 0)) + 2 * maxL * 16 + final * 8 + tables + (masked ? tempMax * 8 : 0);
  return { states: final, bytes, ms: (mapEntries * SLOS_NS_PER_MAC) / 1e6, setupMs: (buildSteps * (masked ? MASKED_PLAN_NS_PER_STEP : PLAN_NS_PER_STEP)) / 1e6 };
}

function glynnMs(n: number): number {
  return n === 0 ? 0 : (n * 2 ** (n - 1) * GLYNN_NS_PER_MAC) / 1e6;
}

function gib(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

/**
 * Predicts states, peak memory and time of one exact evaluation (see the file comment for the models).
 * Never throws for large sizes: check `fits`, or call `requireFits`.
 * @example estimate({ modes: 16, photons: 8, backend: 'slos' }).states // 490314
 */
export function estimate(options: EstimateOptions): Estimate {
  return estimateCore(options, true);
}

function estimateCore(options: EstimateOptions, withAdvice = false): Estimate {
  const { modes, photons, backend } = options;
  if (!Number.isInteger(modes) || modes < 1) throw new RangeError(`estimate: modes must be a positive integer, got ${modes}`);
  if (!Number.isInteger(photons) || photons < 0) throw new RangeError(`estimate: photons must be a non-negative integer, got ${photons}`);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (!(maxBytes > 0)) throw new RangeError(`estimate: maxBytes must be positive, got ${maxBytes}`);
  let states = 1;
  let bytes = 0;
  let ms = 0;
  let setupMs = 0;
  let what = '';
  switch (backend) {
    case 'slos': {
      const c = slosCost(modes, photons, options.mask);
      ({ states, bytes, ms, setupMs } = c);
      what = `SLOS at ${modes} modes/${photons} photons: ${states} output states`;
      break;
    }
    case 'permanent':
      bytes = 48 * photons + 64;
      ms = glynnMs(photons);
      what = `one ${photons}×${photons} Glynn permanent`;
      break;
    case 'zero-set': {
      const g = options.groupSizes ?? [Math.ceil(modes / 2), Math.floor(modes / 2)];
      states = 0;
      for (let k = 0; k < g.length; k++) states += 2 ** g[k]!;
      bytes = states * 8 + 64 * photons * photons;
      ms = states * glynnMs(photons);
      what = `exact group histogram: ${states} permanents of ${photons}×${photons}`;
      break;
    }
    case 'clifford': {
      let ops = modes * photons * photons;
      for (let k = 1; k <= photons; k++) ops += k * 2 ** Math.max(0, k - 1);
      bytes = 16 * modes * photons + 64 * photons;
      ms = (ops * GLYNN_NS_PER_MAC) / 1e6;
      what = `one Clifford & Clifford sample at ${modes} modes/${photons} photons`;
      break;
    }
    default:
      throw new RangeError(`estimate: backend must be one of slos, permanent, zero-set, clifford, got ${String(backend)}`);
  }
  const fits = bytes <= maxBytes;
  let message = `${what}; ${gib(bytes)}, ≈ ${ms.toPrecision(3)} ms per evaluation${setupMs > 0 ? ` (+ ≈ ${setupMs.toPrecision(3)} ms plan)` : ''}`;
  if (!fits && withAdvice) {
    // Largest photon number at these modes, and largest mode count at this photon number, that fit.
    const mask = typeof options.mask?.maxPerMode === 'number' ? options.mask : undefined;
    const bytesFor = (m: number, n: number): number =>
      estimateCore({ ...options, modes: m, photons: n, mask: m === modes ? options.mask : mask, groupSizes: m === modes ? options.groupSizes : undefined }).bytes;
    let nFit = photons - 1;
    while (nFit >= 0 && bytesFor(modes, nFit) > maxBytes) nFit--;
    let mFit = modes - 1;
    while (mFit >= 1 && bytesFor(mFit, photons) > maxBytes) mFit--;
    message =
      `${what} needs ${gib(bytes)}, over the ${gib(maxBytes)} budget; ` +
      `at ${modes} modes at most ${Math.max(nFit, 0)} photons fit, and ${photons} photons fit up to ${Math.max(mFit, 0)} modes`;
  }
  return { backend, modes, photons, states, bytes, predictedMs: ms, setupMs, fits, message };
}

/**
 * `estimate(options)`, throwing a RangeError with the estimate's message (what is needed, what fits)
 * when the memory budget is exceeded. Called by `slosPlan` before it allocates anything.
 * @example requireFits({ modes: 24, photons: 12, backend: 'slos' }) // throws: "... needs 20.x GiB ..."
 */
export function requireFits(options: EstimateOptions, op = 'estimate'): Estimate {
  const e = estimate(options);
  if (!e.fits) throw new RangeError(`${op}: ${e.message}`);
  return e;
}
