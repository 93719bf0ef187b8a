/**
 * The project's one random-number generator: counter-based, seeded, splittable.
 *
 * Stream: word w of a generator with key K is half (w mod 2) of Threefry2x32-20(K, ⌊w/2⌋), so the
 * whole state is (key, position) and jumping, saving and restoring are exact. A child stream from
 * `fork(label)` gets a key that depends only on the parent's key (k0, k1) and the label, never on how much
 * the parent has drawn, so `gen.fork('feature').fork(step)` is the same wherever and whenever it is
 * computed. Exactly (t = String(label), its UTF-16 code units u_1 … u_L):
 *   FNV_s(t) = FNV-1a-32 with offset basis 0x811c9dc5 ⊕ s: h ← (h ⊕ u_i)·16777619 mod 2^32 for each u_i
 *   child key = Threefry2x32-20(key (k0, k1 ⊕ FORK_TWEAK), counter (FNV_0(t), FNV_0x9e3779b9(t))),
 *   FORK_TWEAK = 0x6a09e667. A seed s gives (k0, k1) = (s mod 2^32, ⌊s / 2^32⌋).
 * `split()` is the stateful variant: call c (from 0) returns fork('\u0000split:c:i') for i = 0 … n−1.
 * test/tensor/random-fork.test.ts recomputes this formula independently.
 *
 * Conversions (documented because results must be re-derivable):
 *  - uniform(): 53 bits from two words, ((a >>> 5)·2^26 + (b >>> 6)) / 2^53 ∈ [0, 1).
 *  - normal(): Box–Muller on u1 = 1 − uniform() ∈ (0, 1], u2 = uniform(); arrays use both outputs.
 *  - integers(lo, hi): rejection sampling on 32-bit words (53-bit for ranges above 2^32): unbiased.
 *  - categorical: inverse CDF by binary search over float64 cumulative sums in index order.
 * No `Math.random` anywhere in the project.
 */
import { hashLabel, threefry2x32 } from './threefry.js';

export const GENERATOR_ALGORITHM = 'threefry2x32-20/v1';
const FORK_TWEAK = 0x6a09e667;
const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;

/** Serialisable generator state (part of every checkpoint). */
export interface GeneratorState {
  algorithm: string;
  key: [number, number];
  /** Number of 32-bit words consumed from this stream. */
  position: number;
  /** Number of `split()` calls made so far. */
  splits: number;
}

function checkSeed(seed: number): void {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new RangeError(`Generator: seed must be a non-negative safe integer, got ${String(seed)}`);
  }
}

export class Generator {
  private k0: number;
  private k1: number;
  private position = 0;
  private splits = 0;
  private readonly block = new Uint32Array(2);
  private blockIndex = -1;

  /** `new Generator(seed)`: seed is a non-negative safe integer (key = its low and high 32 bits). */
  constructor(seed: number) {
    checkSeed(seed);
    this.k0 = seed % TWO_POW_32 >>> 0;
    this.k1 = Math.floor(seed / TWO_POW_32) >>> 0;
  }

  static fromState(state: GeneratorState): Generator {
    const g = new Generator(0);
    g.setState(state);
    return g;
  }

  getState(): GeneratorState {
    return { algorithm: GENERATOR_ALGORITHM, key: [this.k0, this.k1], position: this.position, splits: this.splits };
  }

  setState(state: GeneratorState): void {
    if (state.algorithm !== GENERATOR_ALGORITHM) {
      throw new Error(`Generator.setState: expected algorithm '${GENERATOR_ALGORITHM}', got '${state.algorithm}'`);
    }
    const [k0, k1] = state.key;
    for (const [name, v] of [['key[0]', k0], ['key[1]', k1]] as const) {
      if (!Number.isInteger(v) || v < 0 || v >= TWO_POW_32) {
        throw new RangeError(`Generator.setState: ${name} must be a uint32, got ${String(v)}`);
      }
    }
    if (!Number.isSafeInteger(state.position) || state.position < 0) {
      throw new RangeError(`Generator.setState: position must be a non-negative integer, got ${state.position}`);
    }
    if (!Number.isSafeInteger(state.splits) || state.splits < 0) {
      throw new RangeError(`Generator.setState: splits must be a non-negative integer, got ${state.splits}`);
    }
    this.k0 = k0;
    this.k1 = k1;
    this.position = state.position;
    this.splits = state.splits;
    this.blockIndex = -1;
  }

  /** A copy with the same key and position (the copy and the original then draw the same words). */
  clone(): Generator {
    return Generator.fromState(this.getState());
  }

  /** An independent child stream named by `label`; pure in (key, label). */
  fork(label: string | number): Generator {
    const text = String(label);
    const out = new Uint32Array(2);
    threefry2x32(this.k0, (this.k1 ^ FORK_TWEAK) >>> 0, hashLabel(text, 0), hashLabel(text, 0x9e3779b9), out);
    const child = new Generator(0);
    child.k0 = out[0]!;
    child.k1 = out[1]!;
    return child;
  }

  /** `n` new independent streams; each call gives different ones (the parent counts its splits). */
  split(n = 2): Generator[] {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`Generator.split: n must be a positive integer, got ${n}`);
    const base = this.splits;
    this.splits += 1;
    return Array.from({ length: n }, (_, i) => this.fork(`\u0000split:${base}:${i}`));
  }

  /** Next 32-bit word of the stream, as an unsigned integer. */
  nextUint32(): number {
    const w = this.position++;
    const blockIndex = Math.floor(w / 2);
    if (blockIndex !== this.blockIndex) {
      threefry2x32(this.k0, this.k1, blockIndex % TWO_POW_32 >>> 0, Math.floor(blockIndex / TWO_POW_32) >>> 0, this.block);
      this.blockIndex = blockIndex;
    }
    return this.block[w & 1]!;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / TWO_POW_53;
  }

  /** Fills `out` (or a new Float64Array of length n) with uniforms in [low, high). */
  uniformArray<T extends Float32Array | Float64Array = Float64Array>(n: number, low = 0, high = 1, out?: T): T {
    const arr = (out ?? new Float64Array(n)) as T;
    const span = high - low;
    for (let i = 0; i < n; i++) arr[i] = low + span * this.uniform();
    return arr;
  }

  /** One standard-normal draw (Box–Muller, cosine branch), scaled. */
  normal(mean = 0, std = 1): number {
    const u1 = 1 - this.uniform();
    const u2 = this.uniform();
    return mean + std * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Fills `out` (or a new Float64Array) with N(mean, std²) draws; pairs use both Box–Muller outputs. */
  normalArray<T extends Float32Array | Float64Array = Float64Array>(n: number, mean = 0, std = 1, out?: T): T {
    const arr = (out ?? new Float64Array(n)) as T;
    for (let i = 0; i < n; i += 2) {
      const u1 = 1 - this.uniform();
      const u2 = this.uniform();
      const r = Math.sqrt(-2 * Math.log(u1));
      arr[i] = mean + std * r * Math.cos(2 * Math.PI * u2);
      if (i + 1 < n) arr[i + 1] = mean + std * r * Math.sin(2 * Math.PI * u2);
    }
    return arr;
  }

  /** Uniform integer in [low, high) (like `torch.randint` / numpy `integers`), unbiased. */
  integers(low: number, high: number): number {
    if (!Number.isSafeInteger(low) || !Number.isSafeInteger(high) || high <= low) {
      throw new RangeError(`Generator.integers: need safe integers low < high, got [${low}, ${high})`);
    }
    const range = high - low;
    if (range <= TWO_POW_32) {
      const limit = TWO_POW_32 - (TWO_POW_32 % range);
      for (;;) {
        const x = this.nextUint32();
        if (x < limit) return low + (x % range);
      }
    }
    const limit = TWO_POW_53 - (TWO_POW_53 % range);
    for (;;) {
      const x = (this.nextUint32() >>> 5) * 67108864 + (this.nextUint32() >>> 6);
      if (x < limit) return low + (x % range);
    }
  }

  /** True with probability p. */
  bernoulli(p: number): boolean {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`Generator.bernoulli: p must be in [0, 1], got ${p}`);
    return this.uniform() < p;
  }

  /** Number of successes in n Bernoulli(p) trials; exact, O(n) (direct summation). */
  binomial(n: number, p: number): number {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`Generator.binomial: n must be a non-negative integer, got ${n}`);
    if (!(p >= 0 && p <= 1)) throw new RangeError(`Generator.binomial: p must be in [0, 1], got ${p}`);
    let k = 0;
    for (let i = 0; i < n; i++) if (this.uniform() < p) k++;
    return k;
  }

  /** A uniformly random permutation of 0..n−1 (Fisher–Yates, from the last index down). */
  permutation(n: number): Int32Array {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`Generator.permutation: n must be a non-negative integer, got ${n}`);
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    this.shuffle(p);
    return p;
  }

  /** Shuffles an array in place (Fisher–Yates) and returns it. */
  shuffle<T extends { length: number; [i: number]: unknown }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.integers(0, i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  /**
   * `n` independent category indices drawn with the given (unnormalised, non-negative) weights,
   * by inverse CDF; the same uniforms give the same indices for nearby weights (common random numbers).
   */
  categorical(weights: ArrayLike<number>, n: number): Int32Array {
    const cdf = cumulativeWeights(weights, 'Generator.categorical');
    const total = cdf[cdf.length - 1]!;
    const out = new Int32Array(n);
    for (let s = 0; s < n; s++) out[s] = searchCdf(cdf, this.uniform() * total);
    return out;
  }

  /** Counts over categories of `n` draws with the given weights (a multinomial count vector). */
  multinomial(n: number, weights: ArrayLike<number>): Int32Array {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`Generator.multinomial: n must be a non-negative integer, got ${n}`);
    const counts = new Int32Array(weights.length);
    const idx = this.categorical(weights, n);
    for (let s = 0; s < n; s++) counts[idx[s]!]! += 1;
    return counts;
  }
}

/** Running float64 sums of non-negative weights, validated; throws naming `op`. */
export function cumulativeWeights(weights: ArrayLike<number>, op: string): Float64Array {
  if (weights.length === 0) throw new RangeError(`${op}: weights must be non-empty`);
  const cdf = new Float64Array(weights.length);
  let acc = 0;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i]!;
    if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`${op}: weight[${i}] must be finite and >= 0, got ${w}`);
    acc += w;
    cdf[i] = acc;
  }
  if (!(acc > 0)) throw new RangeError(`${op}: weights must have a positive sum`);
  return cdf;
}

/** First index i with cdf[i] > u (u in [0, total)); zero-width categories are never returned. */
export function searchCdf(cdf: Float64Array, u: number): number {
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cdf[mid]! > u) hi = mid;
    else lo = mid + 1;
  }
  // u can round up to the total; never land on a zero-width category at the end.
  while (lo > 0 && cdf[lo] === cdf[lo - 1]) lo--;
  return lo;
}
