/**
 * The seeded generator (src/tensor/random.ts): Threefry2x32-20 known-answer vectors, determinism per
 * seed, exact save/restore, fork purity and independence, split, and distribution checks.
 *
 * Every statistical bound is derived from the sample size, never tuned: a moment estimate from n
 * draws must lie within Z = 5 standard errors of its exact value (standard errors from the exact
 * fourth moments quoted at each test), and a chi-square statistic with d degrees of freedom must stay
 * below its upper quantile at z = 5 by the Wilson–Hilferty approximation,
 *   χ²_d ≤ d·(1 − 2/(9d) + z·√(2/(9d)))³          (Wilson & Hilferty 1931),
 * a false-alarm probability around 3·10⁻⁷ per check. The seeds are fixed, so the tests are
 * deterministic; the bounds only say the seeds are not special.
 */
import { describe, expect, it } from 'vitest';
import { Generator, GENERATOR_ALGORITHM } from '../../src/tensor/random.js';
import { threefry2x32 } from '../../src/tensor/threefry.js';

const Z = 5;

function chiSquareBound(df: number, z = Z): number {
  const a = 2 / (9 * df);
  return df * (1 - a + z * Math.sqrt(a)) ** 3;
}

/** Pearson's χ² of observed counts against expected counts (cells with expectation 0 must be empty). */
function chiSquare(observed: ArrayLike<number>, expected: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < expected.length; i++) {
    if (expected[i] === 0) {
      expect(observed[i]).toBe(0);
      continue;
    }
    s += (observed[i]! - expected[i]!) ** 2 / expected[i]!;
  }
  return s;
}

function expectChiSquareOk(observed: ArrayLike<number>, probabilities: readonly number[], draws: number, what: string): void {
  const expected = probabilities.map((p) => p * draws);
  const df = probabilities.filter((p) => p > 0).length - 1;
  const stat = chiSquare(observed, expected);
  expect(stat, `${what}: χ²=${stat.toFixed(2)} with ${df} dof exceeds ${chiSquareBound(df).toFixed(2)}`).toBeLessThan(chiSquareBound(df));
}

function expectWithin(value: number, exact: number, stdError: number, what: string): void {
  expect(Math.abs(value - exact), `${what}: ${value} vs ${exact} (±${Z}·${stdError.toExponential(2)})`).toBeLessThanOrEqual(Z * stdError);
}

function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

function draws(g: Generator, n: number): number[] {
  return Array.from({ length: n }, () => g.nextUint32());
}

describe('Threefry2x32-20', () => {
  it('reproduces the Random123 known-answer vectors', () => {
    const out = new Uint32Array(2);
    const kat: [number, number, number, number, number, number][] = [
      // key0, key1, ctr0, ctr1 -> out0, out1 (Random123 kat_vectors, threefry2x32 20 rounds)
      [0, 0, 0, 0, 0x6b200159, 0x99ba4efe],
      [0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0x1cb996fc, 0xbb002be7],
      [0x13198a2e, 0x03707344, 0x243f6a88, 0x85a308d3, 0xc4923a9c, 0x483df7a0],
    ];
    for (const [k0, k1, c0, c1, o0, o1] of kat) {
      threefry2x32(k0, k1, c0, c1, out);
      expect([out[0], out[1]]).toEqual([o0, o1]);
    }
  });

  it('is the stream of the generator: word w is half w mod 2 of Threefry(key, ⌊w/2⌋)', () => {
    expect(draws(new Generator(0), 2)).toEqual([0x6b200159, 0x99ba4efe]);
    const g = Generator.fromState({ algorithm: GENERATOR_ALGORITHM, key: [0xffffffff, 0xffffffff], position: 0, splits: 0 });
    const out = new Uint32Array(2);
    const seq = draws(g, 6);
    for (let b = 0; b < 3; b++) {
      threefry2x32(0xffffffff, 0xffffffff, b, 0, out);
      expect(seq.slice(2 * b, 2 * b + 2)).toEqual([out[0], out[1]]);
    }
    // A seed above 2^32 fills the second key word.
    const big = new Generator(2 ** 32 + 5);
    expect(big.getState().key).toEqual([5, 1]);
  });
});

describe('determinism, state, fork and split', () => {
  it('the same seed gives the same draws for every method; different seeds differ', () => {
    const run = (seed: number): unknown[] => {
      const g = new Generator(seed);
      return [g.uniform(), g.normal(), g.integers(0, 1000), g.bernoulli(0.5), g.binomial(10, 0.3), Array.from(g.permutation(6)),
        Array.from(g.categorical([1, 2, 3], 4)), Array.from(g.multinomial(10, [1, 1])), Array.from(g.uniformArray(3)), Array.from(g.normalArray(3))];
    };
    expect(run(42)).toEqual(run(42));
    expect(run(42)).not.toEqual(run(43));
  });

  it('getState/setState/clone/fromState resume exactly, also through JSON', () => {
    const g = new Generator(123);
    draws(g, 7);
    g.normal();
    const state = JSON.parse(JSON.stringify(g.getState()));
    const copy = g.clone();
    const expected = [g.uniform(), g.integers(0, 10 ** 12), ...g.normalArray(5)];
    expect([copy.uniform(), copy.integers(0, 10 ** 12), ...copy.normalArray(5)]).toEqual(expected);
    const restored = Generator.fromState(state);
    expect([restored.uniform(), restored.integers(0, 10 ** 12), ...restored.normalArray(5)]).toEqual(expected);
    const h = new Generator(0);
    h.setState(state);
    expect(h.uniform()).toBe(expected[0]);
    // An odd position (mid-block) resumes on the right half.
    const odd = new Generator(9);
    odd.nextUint32();
    const next = odd.clone().nextUint32();
    expect(Generator.fromState(odd.getState()).nextUint32()).toBe(next);
  });

  it('fork(label) is pure: independent of the parent position and of other forks', () => {
    const fresh = new Generator(7).fork('feature');
    const parent = new Generator(7);
    draws(parent, 1001);
    parent.fork('other');
    parent.split();
    expect(draws(parent.fork('feature'), 10)).toEqual(draws(fresh, 10));
    expect(draws(new Generator(7).fork('a').fork(3), 5)).toEqual(draws(new Generator(7).fork('a').fork('3'), 5));
    expect(draws(new Generator(7).fork('feature'), 5)).not.toEqual(draws(new Generator(8).fork('feature'), 5));
  });

  it('different labels give uncorrelated streams (|r| ≤ 5/√n), also against the parent', () => {
    const n = 20000;
    const bound = Z / Math.sqrt(n); // under independence r ≈ N(0, 1/n)
    const root = new Generator(2024);
    const labels: (string | number)[] = ['a', 'b', 'layer1', 'layer2', 0, 1, 'ab', 'ba'];
    const streams = labels.map((l) => root.fork(l).uniformArray(n));
    streams.push(new Generator(2024).uniformArray(n));
    for (let i = 0; i < streams.length; i++) {
      for (let j = i + 1; j < streams.length; j++) {
        expect(Math.abs(pearson(streams[i]!, streams[j]!)), `streams ${i} and ${j}`).toBeLessThan(bound);
      }
      // And no lag-1 correlation within a stream.
      expect(Math.abs(pearson(streams[i]!.subarray(0, n - 1), streams[i]!.subarray(1)))).toBeLessThan(bound);
    }
  });

  it('split() gives distinct reproducible streams, different on each call; clone keeps the split count', () => {
    const g = new Generator(5);
    const twin = g.clone();
    const [a, b] = g.split();
    const [c, d, e] = g.split(3);
    const first = [a, b, c, d, e].map((s) => draws(s!, 4).join());
    expect(new Set(first).size).toBe(5);
    const [a2] = twin.split();
    expect(draws(a2!, 4).join()).toBe(first[0]);
    const later = g.clone();
    expect(draws(later.split(1)[0]!, 4)).toEqual(draws(g.split(1)[0]!, 4));
    expect(g.getState().splits).toBe(3);
  });
});

describe('distributions', () => {
  it('uniform: [0, 1) on a 2^-53 grid, mean 1/2 and variance 1/12', () => {
    const n = 200000;
    const g = new Generator(11);
    const u = g.uniformArray(n);
    let mean = 0;
    for (const v of u) {
      expect(v >= 0 && v < 1 && Number.isInteger(v * 2 ** 53)).toBe(true);
      mean += v;
    }
    mean /= n;
    let variance = 0;
    for (const v of u) variance += (v - 0.5) ** 2;
    variance /= n;
    expectWithin(mean, 0.5, Math.sqrt(1 / 12 / n), 'uniform mean');
    // Var[(U − ½)²] = E(U − ½)⁴ − (1/12)² = 1/80 − 1/144 = 1/180.
    expectWithin(variance, 1 / 12, Math.sqrt(1 / 180 / n), 'uniform variance');
    const scaled = new Generator(3).uniformArray(1000, -2, 3, new Float32Array(1000));
    expect(scaled.every((v) => v >= -2 && v <= 3)).toBe(true);
    // Ten equal bins.
    const bins = new Array<number>(10).fill(0);
    for (const v of u) bins[Math.floor(v * 10)]!++;
    expectChiSquareOk(bins, new Array<number>(10).fill(0.1), n, 'uniform bins');
  });

  it('normal: mean 0, variance 1, skewness 0, excess kurtosis 0 (arrays and single draws)', () => {
    const n = 200000;
    const check = (x: ArrayLike<number>, what: string): void => {
      let m = 0;
      for (let i = 0; i < n; i++) m += x[i]!;
      m /= n;
      let m2 = 0;
      let m3 = 0;
      let m4 = 0;
      for (let i = 0; i < n; i++) {
        const d = x[i]!;
        m2 += d * d;
        m3 += d * d * d;
        m4 += d * d * d * d;
      }
      // Raw moments about the exact mean 0; standard errors: √(1/n), √(2/n), √(15/n), √(96/n)
      // (Var X = 1, Var X² = 2, Var X³ = 15, Var X⁴ = 105 − 9 = 96 for a standard normal).
      expectWithin(m, 0, Math.sqrt(1 / n), `${what} mean`);
      expectWithin(m2 / n, 1, Math.sqrt(2 / n), `${what} variance`);
      expectWithin(m3 / n, 0, Math.sqrt(15 / n), `${what} skewness`);
      expectWithin(m4 / n, 3, Math.sqrt(96 / n), `${what} kurtosis`);
    };
    check(new Generator(21).normalArray(n), 'normalArray');
    const g = new Generator(22);
    check(Float64Array.from({ length: n }, () => g.normal()), 'normal()');
    const h = new Generator(23);
    const shifted = Float64Array.from({ length: n }, () => (h.normal(3, 2) - 3) / 2);
    check(shifted, 'normal(3, 2)');
  });

  it('integers: uniform over small, non-power-of-two and > 2^32 ranges (rejection is unbiased)', () => {
    const n = 100000;
    const cases: [number, number, number, (x: number) => number][] = [
      [-3, 7, 10, (x) => x + 3],
      // 2^32 mod 3·2^30 = 2^30: a plain modulo would make the lowest third twice as likely.
      [0, 3 * 2 ** 30, 12, (x) => Math.floor(x / 2 ** 28)],
      [0, 2 ** 40 * 5, 10, (x) => Math.floor(x / (2 ** 39))],
    ];
    cases.forEach(([lo, hi, bins, bin], i) => {
      const g = new Generator(100 + i);
      const counts = new Array<number>(bins).fill(0);
      for (let s = 0; s < n; s++) {
        const x = g.integers(lo, hi);
        expect(Number.isInteger(x) && x >= lo && x < hi).toBe(true);
        counts[bin(x)]!++;
      }
      expectChiSquareOk(counts, new Array<number>(bins).fill(1 / bins), n, `integers(${lo}, ${hi})`);
    });
  });

  it('categorical follows the weights and never returns zero-weight categories', () => {
    const weights = [1, 2, 0, 3, 4, 0];
    const total = 10;
    const n = 100000;
    const idx = new Generator(31).categorical(weights, n);
    const counts = new Array<number>(weights.length).fill(0);
    for (const k of idx) counts[k]!++;
    expectChiSquareOk(counts, weights.map((w) => w / total), n, 'categorical');
    const last = new Generator(1).categorical([1, 0, 0], 1000);
    expect(last.every((k) => k === 0)).toBe(true);
  });

  it('multinomial counts sum to n, with mean n·p per category and χ² on the totals', () => {
    const weights = [0.5, 1.5, 3, 0, 5];
    const p = weights.map((w) => w / 10);
    const reps = 2000;
    const m = 50;
    const g = new Generator(41);
    const totals = new Array<number>(weights.length).fill(0);
    for (let r = 0; r < reps; r++) {
      const c = g.multinomial(m, weights);
      expect(c.reduce((a, b) => a + b, 0)).toBe(m);
      c.forEach((v, i) => (totals[i]! += v));
    }
    p.forEach((pi, i) => expectWithin(totals[i]! / reps, m * pi, Math.sqrt((m * pi * (1 - pi)) / reps), `multinomial mean[${i}]`));
    expectChiSquareOk(totals, p, reps * m, 'multinomial totals');
    expect(Array.from(g.multinomial(0, [1, 2]))).toEqual([0, 0]);
  });

  it('permutation: every element once, each position uniform, all 120 orders of 5 equally likely', () => {
    const reps = 60000;
    const n = 5;
    const g = new Generator(51);
    const position = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    const orders = new Map<string, number>();
    for (let r = 0; r < reps; r++) {
      const p = g.permutation(n);
      expect([...p].sort()).toEqual([0, 1, 2, 3, 4]);
      p.forEach((v, i) => position[i]![v]!++);
      orders.set(p.join(), (orders.get(p.join()) ?? 0) + 1);
    }
    position.forEach((row, i) => expectChiSquareOk(row, new Array<number>(n).fill(1 / n), reps, `position ${i}`));
    expect(orders.size).toBe(120);
    expectChiSquareOk([...orders.values()], new Array<number>(120).fill(1 / 120), reps, 'orders');
    expect(g.permutation(0).length).toBe(0);
    const arr = ['a', 'b', 'c'];
    expect(g.shuffle(arr)).toBe(arr);
    expect([...arr].sort()).toEqual(['a', 'b', 'c']);
  });

  it('bernoulli and binomial have mean p and n·p (and binomial variance n·p·(1−p))', () => {
    const n = 100000;
    const g = new Generator(61);
    let hits = 0;
    for (let i = 0; i < n; i++) if (g.bernoulli(0.3)) hits++;
    expectWithin(hits / n, 0.3, Math.sqrt((0.3 * 0.7) / n), 'bernoulli mean');
    const reps = 20000;
    const [trials, p] = [20, 0.35];
    const xs = Array.from({ length: reps }, () => g.binomial(trials, p));
    const mean = xs.reduce((a, b) => a + b, 0) / reps;
    const v = trials * p * (1 - p);
    expectWithin(mean, trials * p, Math.sqrt(v / reps), 'binomial mean');
    const m2 = xs.reduce((a, x) => a + (x - trials * p) ** 2, 0) / reps;
    // Var[(X − μ)²] = μ4 − σ⁴ with μ4 = σ²(1 + 3(n − 2)pq) for the binomial (q = 1 − p).
    const mu4 = v * (1 + 3 * (trials - 2) * p * (1 - p));
    expectWithin(m2, v, Math.sqrt((mu4 - v * v) / reps), 'binomial variance');
    expect(g.binomial(5, 0)).toBe(0);
    expect(g.binomial(5, 1)).toBe(5);
    expect(g.bernoulli(0)).toBe(false);
    expect(g.bernoulli(1)).toBe(true);
  });
});

describe('bad inputs are rejected with the method and the value', () => {
  it('seeds, ranges, probabilities, sizes, weights and states', () => {
    for (const seed of [-1, 1.5, NaN, 2 ** 53, Infinity]) {
      expect(() => new Generator(seed)).toThrow(/^Generator: seed must be a non-negative safe integer/);
    }
    const g = new Generator(0);
    expect(() => g.integers(5, 5)).toThrow(/^Generator\.integers: need safe integers low < high, got \[5, 5\)/);
    expect(() => g.integers(0, 1.5)).toThrow(/^Generator\.integers/);
    expect(() => g.bernoulli(1.5)).toThrow(/^Generator\.bernoulli: p must be in \[0, 1\], got 1\.5/);
    expect(() => g.bernoulli(NaN)).toThrow(/^Generator\.bernoulli/);
    expect(() => g.binomial(-1, 0.5)).toThrow(/^Generator\.binomial: n must be a non-negative integer, got -1/);
    expect(() => g.binomial(3, 2)).toThrow(/^Generator\.binomial: p must be in \[0, 1\], got 2/);
    expect(() => g.permutation(-1)).toThrow(/^Generator\.permutation: n must be a non-negative integer, got -1/);
    expect(() => g.split(0)).toThrow(/^Generator\.split: n must be a positive integer, got 0/);
    expect(() => g.categorical([], 1)).toThrow(/^Generator\.categorical: weights must be non-empty/);
    expect(() => g.categorical([1, -1], 1)).toThrow(/^Generator\.categorical: weight\[1\] must be finite and >= 0, got -1/);
    expect(() => g.categorical([1, NaN], 1)).toThrow(/weight\[1\] must be finite and >= 0, got NaN/);
    expect(() => g.categorical([1, Infinity], 1)).toThrow(/weight\[1\] must be finite/);
    expect(() => g.categorical([0, 0], 1)).toThrow(/^Generator\.categorical: weights must have a positive sum/);
    expect(() => g.multinomial(-1, [1])).toThrow(/^Generator\.multinomial: n must be a non-negative integer, got -1/);
    const state = g.getState();
    expect(() => g.setState({ ...state, algorithm: 'mt19937' })).toThrow(/^Generator\.setState: expected algorithm 'threefry2x32-20\/v1', got 'mt19937'/);
    expect(() => g.setState({ ...state, key: [2 ** 32, 0] })).toThrow(/^Generator\.setState: key\[0\] must be a uint32, got 4294967296/);
    expect(() => g.setState({ ...state, position: -1 })).toThrow(/^Generator\.setState: position must be a non-negative integer, got -1/);
    expect(() => g.setState({ ...state, splits: -1 })).toThrow(/^Generator\.setState: splits must be a non-negative integer, got -1/);
  });
});
