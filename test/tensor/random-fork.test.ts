/**
 * An independent check of `Generator.fork`'s key derivation (the formula in the header of
 * src/tensor/random.ts):
 *
 *   h0 = FNV-1a-32 of the label's UTF-16 code units, offset basis 0x811c9dc5 ⊕ 0
 *   h1 = the same with offset basis 0x811c9dc5 ⊕ 0x9e3779b9
 *   child key (c0, c1) = Threefry2x32-20(key = (k0, k1 ⊕ 0x6a09e667), counter = (h0, h1))
 *   child word w = half (w mod 2) of Threefry2x32-20((c0, c1), counter = (⌊w/2⌋ mod 2^32, ⌊w/2⌋ / 2^32))
 *
 * computed here a second time, deliberately plainly: BigInt arithmetic modulo 2^64/2^32, the Threefry
 * rounds spelled out from the Salmon et al. (SC'11) description and checked against Random123's
 * known-answer vectors first, FNV-1a from its published definition (prime 16777619). Nothing is
 * imported from src/tensor/threefry.ts. Then stream-independence checks: distinct labels and steps
 * give distinct keys and uncorrelated streams.
 */
import { describe, expect, it } from 'vitest';
import { Generator } from '../../src/tensor/random.js';

const MASK32 = 0xffffffffn;
const add32 = (a: bigint, b: bigint): bigint => (a + b) & MASK32;
const rotl32 = (x: bigint, r: bigint): bigint => ((x << r) | (x >> (32n - r))) & MASK32;

/** Threefry2x32 with 20 rounds, written from the paper's description (test-only). */
function plainThreefry(key: [bigint, bigint], counter: [bigint, bigint]): [bigint, bigint] {
  const rotations = [13n, 15n, 26n, 6n, 17n, 29n, 16n, 24n];
  const schedule = [key[0], key[1], key[0] ^ key[1] ^ 0x1bd11bdan];
  let x0 = add32(counter[0], schedule[0]!);
  let x1 = add32(counter[1], schedule[1]!);
  for (let round = 0; round < 20; round++) {
    x0 = add32(x0, x1);
    x1 = rotl32(x1, rotations[round % 8]!);
    x1 ^= x0;
    if (round % 4 === 3) {
      const injection = BigInt((round + 1) / 4);
      x0 = add32(x0, schedule[Number(injection % 3n)]!);
      x1 = add32(add32(x1, schedule[Number((injection + 1n) % 3n)]!), injection);
    }
  }
  return [x0, x1];
}

/** FNV-1a, 32-bit, over UTF-16 code units, with the offset basis xor-ed with `seed` (test-only). */
function plainFnv1a(text: string, seed: bigint): bigint {
  let h = 2166136261n ^ seed;
  for (const unit of Array.from({ length: text.length }, (_, i) => BigInt(text.charCodeAt(i)))) {
    h ^= unit;
    h = (h * 16777619n) % 4294967296n;
  }
  return h;
}

function plainForkKey(parent: [bigint, bigint], label: string | number): [bigint, bigint] {
  const text = String(label);
  return plainThreefry([parent[0], parent[1] ^ 0x6a09e667n], [plainFnv1a(text, 0n), plainFnv1a(text, 0x9e3779b9n)]);
}

function plainWords(key: [bigint, bigint], count: number): number[] {
  const words: number[] = [];
  for (let w = 0; w < count; w++) {
    const block = BigInt(Math.floor(w / 2));
    words.push(Number(plainThreefry(key, [block & MASK32, block >> 32n])[w % 2]));
  }
  return words;
}

function seedKey(seed: number): [bigint, bigint] {
  const s = BigInt(seed);
  return [s & MASK32, s >> 32n];
}

const keyOf = (g: Generator): [bigint, bigint] => [BigInt(g.getState().key[0]), BigInt(g.getState().key[1])];

describe('the plain reference itself', () => {
  it('reproduces Random123 kat_vectors for Threefry2x32-20 and the published FNV-1a-32 test values', () => {
    expect(plainThreefry([0n, 0n], [0n, 0n])).toEqual([0x6b200159n, 0x99ba4efen]);
    expect(plainThreefry([MASK32, MASK32], [MASK32, MASK32])).toEqual([0x1cb996fcn, 0xbb002be7n]);
    expect(plainThreefry([0x13198a2en, 0x03707344n], [0x243f6a88n, 0x85a308d3n])).toEqual([0xc4923a9cn, 0x483df7a0n]);
    // FNV-1a-32 (Fowler/Noll/Vo reference test vectors): "" → 0x811c9dc5, "a" → 0xe40c292c, "foobar" → 0xbf9cf968.
    expect(plainFnv1a('', 0n)).toBe(0x811c9dc5n);
    expect(plainFnv1a('a', 0n)).toBe(0xe40c292cn);
    expect(plainFnv1a('foobar', 0n)).toBe(0xbf9cf968n);
  });
});

describe('Generator.fork follows the documented formula', () => {
  const labels: (string | number)[] = ['', 'a', 'feature', 'layer/1', 0, 1, 17, 123456789, 'ünïcødé', '\u0000split:0:1', 'x'.repeat(300)];

  it('child keys and child words equal the plain computation, for several seeds, labels and nested forks', () => {
    for (const seed of [0, 1, 7, 2 ** 32 + 5, Number.MAX_SAFE_INTEGER]) {
      const parent = new Generator(seed);
      expect(keyOf(parent)).toEqual(seedKey(seed));
      for (const label of labels) {
        const child = parent.fork(label);
        const expectedKey = plainForkKey(seedKey(seed), label);
        expect(keyOf(child), `seed ${seed}, label ${JSON.stringify(label)}`).toEqual(expectedKey);
        expect(Array.from({ length: 5 }, () => child.nextUint32())).toEqual(plainWords(expectedKey, 5));
        // Nested: fork(label).fork(step) applies the formula twice.
        expect(keyOf(parent.fork(label).fork(3))).toEqual(plainForkKey(expectedKey, 3));
      }
    }
  });

  it('split() is fork of the documented "\\u0000split:<call>:<i>" labels', () => {
    const g = new Generator(99);
    g.split(2);
    const [a, b] = g.split(2);
    expect(keyOf(a!)).toEqual(plainForkKey(seedKey(99), '\u0000split:1:0'));
    expect(keyOf(b!)).toEqual(plainForkKey(seedKey(99), '\u0000split:1:1'));
  });
});

describe('stream independence of forks', () => {
  function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
    const n = x.length;
    let mx = 0, my = 0;
    for (let i = 0; i < n; i++) { mx += x[i]!; my += y[i]!; }
    mx /= n; my /= n;
    let sxy = 0, sxx = 0, syy = 0;
    for (let i = 0; i < n; i++) {
      sxy += (x[i]! - mx) * (y[i]! - my); sxx += (x[i]! - mx) ** 2; syy += (y[i]! - my) ** 2;
    }
    return sxy / Math.sqrt(sxx * syy);
  }

  it('20 000 distinct steps and labels give 20 000 distinct keys (no collision)', () => {
    const root = new Generator(2026).fork('feature');
    const keys = new Set<string>();
    for (let step = 0; step < 10_000; step++) keys.add(root.fork(step).getState().key.join(','));
    for (let i = 0; i < 10_000; i++) keys.add(root.fork(`label-${i}`).getState().key.join(','));
    expect(keys.size).toBe(20_000);
  });

  it('consecutive steps, and labels differing in one character, give uncorrelated streams; the bits of their first words are balanced', () => {
    // Under independence the sample correlation of n uniforms is ≈ N(0, 1/n); a fixed seed and the bound
    // 5/√n (two-sided p ≈ 6e-7 per pair) make a false failure practically impossible.
    const n = 4096, bound = 5 / Math.sqrt(n);
    const root = new Generator(31).fork('train');
    const streams = [0, 1, 2, 3, 'a', 'b', 'ab', 'ba'].map((l) => root.fork(l).uniformArray(n));
    for (let i = 0; i < streams.length; i++) {
      for (let j = i + 1; j < streams.length; j++) {
        expect(Math.abs(pearson(streams[i]!, streams[j]!)), `streams ${i}, ${j}`).toBeLessThan(bound);
      }
    }
    // Avalanche: over 4096 consecutive steps, each of the 64 key bits of fork(step) is set about half of the
    // time (binomial sd = 32, bound 5 sd), and the first words of fork(step) and fork(step + 1) agree in
    // about half of their bits (sum of 4096·32 fair coins; bound 5 sd).
    const ones = new Array<number>(64).fill(0);
    let agreeing = 0;
    let previous = -1;
    for (let step = 0; step < 4096; step++) {
      const [k0, k1] = root.fork(step).getState().key;
      for (let bit = 0; bit < 32; bit++) { ones[bit] = ones[bit]! + ((k0 >>> bit) & 1); ones[32 + bit] = ones[32 + bit]! + ((k1 >>> bit) & 1); }
      const word = root.fork(step).nextUint32();
      if (previous >= 0) for (let bit = 0; bit < 32; bit++) agreeing += ((word ^ previous) >>> bit) & 1 ? 0 : 1;
      previous = word;
    }
    for (const count of ones) expect(Math.abs(count - 2048)).toBeLessThan(5 * 32);
    const pairs = 4095 * 32;
    expect(Math.abs(agreeing - pairs / 2)).toBeLessThan(5 * Math.sqrt(pairs / 4));
  });
});
