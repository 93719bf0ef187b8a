import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchNorm } from '../../../src/tensor/kernel-dispatch.js';
import { batchNormBackward, batchNormForward, batchNormStats } from '../../../src/tensor/kernels/batch-norm.js';
import { shutdownThreads, threadPoolStats, warmUpThreads } from '../../../src/tensor/parallel/pool.js';
import { createSharedArray } from '../../../src/tensor/parallel/share.js';
import { defaultNumThreads, setNumThreads } from '../../../src/tensor/parallel/threads.js';
import { batchNormModuleBuilder } from '../../../src/tensor/wasm/batchnorm-simd-module.js';
import { webAssemblyApi } from '../../../src/tensor/wasm/runtime.js';
import { BN_BLOCK, batchNormBackwardSimd, batchNormForwardSimd, batchNormStatsSimd } from '../../../src/tensor/wasm/batchnorm-simd.js';
import { setKernelsMode, wasmSimdSupported } from '../../../src/tensor/wasm/support.js';
import { expectExactlyEqual } from '../kernels/helpers.js';

interface Case { n: number; c: number; s: number; x: Float32Array; g: Float32Array; weight: Float32Array | null; bias: Float32Array | null; training: boolean }
interface Result { mean: Float64Array; variance: Float64Array; y: Float32Array; dx: Float32Array; dw: Float64Array; db: Float64Array }

/**
 * Deterministic values: an offset (so the mean matters) plus a spread, with −0 and, every third value,
 * a tiny one (2⁻⁴⁰..2⁻⁴) so that float64 sums round and a different summation order shows in the bits.
 */
function values(count: number, seed: number, offset: number): Float32Array {
  let v = seed >>> 0;
  return Float32Array.from({ length: count }, (_, i) => {
    v = (Math.imul(v, 1664525) + 1013904223) >>> 0;
    const u = v / 2 ** 32 - 0.5;
    if (i % 23 === 5) return -0;
    return i % 3 === 0 ? u * 2 ** (-40 + (i % 37)) : offset + u * 4;
  });
}

function makeCase(n: number, c: number, s: number, seed: number, affine: boolean, training: boolean): Case {
  return {
    n, c, s, x: values(n * c * s, seed, 3), g: values(n * c * s, seed + 1, 0), training,
    weight: affine ? values(c, seed + 2, 1) : null, bias: affine ? values(c, seed + 3, 0) : null,
  };
}

type Kernels = { stats: typeof batchNormStats; forward: typeof batchNormForward; backward: typeof batchNormBackward };
const JS: Kernels = { stats: batchNormStats, forward: batchNormForward, backward: batchNormBackward };
const SIMD = { stats: batchNormStatsSimd, forward: batchNormForwardSimd, backward: batchNormBackwardSimd } as unknown as Kernels;

/** Statistics, forward and backward (all outputs) with one set of kernels, outputs pre-filled with sentinels. */
function run(k: Kernels, t: Case): Result {
  const { n, c, s } = t;
  const r: Result = {
    mean: new Float64Array(c).fill(7), variance: new Float64Array(c).fill(7), y: new Float32Array(n * c * s).fill(7),
    dx: new Float32Array(n * c * s).fill(7), dw: new Float64Array(c).fill(7), db: new Float64Array(c).fill(7),
  };
  k.stats(t.x, n, c, s, r.mean, r.variance);
  const invstd = r.variance.map((v) => 1 / Math.sqrt(v + 1e-5));
  k.forward(t.x, n, c, s, r.mean, invstd, t.weight, t.bias, r.y);
  k.backward(t.x, t.g, n, c, s, r.mean, invstd, t.weight, t.training, r.dx, r.dw, r.db);
  return r;
}

/** The same quantities by the textbook formulas: sequential float64 sums, no shared code with the kernels. */
function naive(t: Case): Result {
  const { n, c, s } = t, m = n * s;
  const at = (i: number, ch: number, j: number): number => (i * c + ch) * s + j;
  const r: Result = {
    mean: new Float64Array(c), variance: new Float64Array(c), y: new Float32Array(n * c * s),
    dx: new Float32Array(n * c * s), dw: new Float64Array(c), db: new Float64Array(c),
  };
  for (let ch = 0; ch < c; ch++) {
    let sum = 0, sq = 0, sg = 0, sgx = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < s; j++) sum += t.x[at(i, ch, j)]!;
    const mu = sum / m;
    for (let i = 0; i < n; i++) for (let j = 0; j < s; j++) sq += (t.x[at(i, ch, j)]! - mu) ** 2;
    const varc = sq / m, rs = 1 / Math.sqrt(varc + 1e-5), w = t.weight ? t.weight[ch]! : 1, b = t.bias ? t.bias[ch]! : 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < s; j++) {
        const xh = (t.x[at(i, ch, j)]! - mu) * rs;
        r.y[at(i, ch, j)] = xh * w + b;
        sg += t.g[at(i, ch, j)]!;
        sgx += t.g[at(i, ch, j)]! * xh;
      }
    }
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < s; j++) {
        const xh = (t.x[at(i, ch, j)]! - mu) * rs, gv = t.g[at(i, ch, j)]!;
        r.dx[at(i, ch, j)] = t.training ? w * rs * (gv - sg / m - xh * sgx / m) : w * rs * gv;
      }
    }
    [r.mean[ch], r.variance[ch], r.dw[ch], r.db[ch]] = [mu, varc, sgx, sg];
  }
  return r;
}

function expectSame(a: Result, b: Result, what: string): void {
  for (const key of ['mean', 'variance', 'y', 'dx', 'dw', 'db'] as const) expectExactlyEqual(a[key], b[key], `${what} ${key}`);
}

function expectClose(a: Result, ref: Result, m: number, what: string): void {
  for (const key of ['mean', 'variance', 'y', 'dx', 'dw', 'db'] as const) {
    const scale = key === 'dw' || key === 'db' ? m : 1;
    ref[key].forEach((v, i) => {
      if (Math.abs(a[key][i]! - v) > 1e-4 * scale * (1 + Math.abs(v))) throw new Error(`${what} ${key}[${i}] = ${a[key][i]}, reference ${v}`);
    });
  }
}

const sizeArb = fc.record({
  n: fc.integer({ min: 1, max: 5 }), c: fc.integer({ min: 1, max: 4 }),
  s: fc.oneof(fc.constantFrom(1, 2, 3, 4, 7, 8, 9, 15, 16, 17), fc.integer({ min: 1, max: 70 })),
  seed: fc.nat(), affine: fc.boolean(), training: fc.boolean(),
});

describe.runIf(wasmSimdSupported())('batch norm on WebAssembly SIMD', () => {
  it('builds a valid module with an ordinary and with a shared memory', () => {
    for (const shared of [false, true]) expect(webAssemblyApi()!.validate(batchNormModuleBuilder(shared).encode())).toBe(true);
  });

  it('equals the JS kernels bit for bit and the naive float64 formulas closely (S = 1, S mod 8 ≠ 0, odd sizes)', () => {
    fc.assert(fc.property(sizeArb, ({ n, c, s, seed, affine, training }) => {
      const t = makeCase(n, c, s, seed, affine, training);
      const simd = run(SIMD, t);
      expectSame(simd, run(JS, t), `[${n}, ${c}, ${s}]`);
      expectClose(simd, naive(t), n * s, `[${n}, ${c}, ${s}] vs naive`);
    }), { numRuns: 200, seed: 2121 });
  });

  it('is exact when a channel spans several blocks or a row is longer than a block', () => {
    for (const [n, c, s] of [[3, 2, BN_BLOCK / 2 + 5], [1, 1, BN_BLOCK + 13], [2, 2, 2 * BN_BLOCK + 8]] as const) {
      const t = makeCase(n, c, s, n + c + s, true, true);
      const simd = run(SIMD, t);
      expectSame(simd, run(JS, t), `[${n}, ${c}, ${s}]`);
      expectClose(simd, naive(t), n * s, `[${n}, ${c}, ${s}] vs naive`);
    }
  });

  it('gives the same ±0, ∞ and NaN results as the JS kernels, and writes nothing when M = 0', () => {
    const t = makeCase(2, 3, 11, 5, true, true);
    t.x.fill(-0, 0, 11); // channel 0 of image 0 is all −0
    t.x[30] = Infinity;
    t.g[40] = NaN;
    expectSame(run(SIMD, t), run(JS, t), 'specials');
    const empty = makeCase(0, 2, 5, 1, false, true);
    expectSame(run(SIMD, empty), run(JS, empty), 'N = 0');
  });

  it('the JS kernel follows the documented eight-lane order (a[s mod 8], rows in turn, pairwise combine)', () => {
    const n = 4, c = 2, s = 29, x = values(n * c * s, 9, 1); // tiny values among O(1) ones: the order shows in the low bits
    const mean = new Float64Array(c), variance = new Float64Array(c);
    batchNormStats(x, n, c, s, mean, variance);
    for (let ch = 0; ch < c; ch++) {
      const lanes = (term: (v: number) => number): number => {
        const a = new Float64Array(8);
        for (let i = 0; i < n; i++) for (let j = 0; j < s; j++) a[j % 8] = a[j % 8]! + term(x[(i * c + ch) * s + j]!);
        return ((a[0]! + a[1]!) + (a[2]! + a[3]!)) + ((a[4]! + a[5]!) + (a[6]! + a[7]!));
      };
      const mu = lanes((v) => v) / (n * s);
      expect(mean[ch]).toBe(mu);
      expect(variance[ch]).toBe(lanes((v) => (v - mu) * (v - mu)) / (n * s));
    }
  });

  it('throws, naming the op and the shapes, on a wrong array length', () => {
    expect(() => batchNormStatsSimd(new Float32Array(5), 2, 1, 3, new Float64Array(1), new Float64Array(1)))
      .toThrow(/batchNormStats: x has 5 elements, the \[2, 1, 3\] input needs 6/);
  });
});

describe.runIf(wasmSimdSupported())('batch norm dispatch: SIMD and JS paths, 1 and 2 threads', () => {
  beforeAll(async () => {
    setNumThreads(2);
    await warmUpThreads();
  });
  afterAll(async () => {
    setKernelsMode(null);
    setNumThreads(defaultNumThreads());
    await shutdownThreads();
  });

  /** All outputs through `batchNorm()` on shared arrays (so threads apply above 2¹⁷ elements). */
  function viaDispatch(t: Case): Result {
    const { n, c, s } = t;
    const share = (a: Float32Array): Float32Array => { const b = createSharedArray('float32', a.length); b.set(a); return b; };
    const [x, g, y, dx] = [share(t.x), share(t.g), createSharedArray('float32', n * c * s), createSharedArray('float32', n * c * s)];
    const mean = new Float64Array(c), variance = new Float64Array(c), dw = new Float64Array(c), db = new Float64Array(c);
    batchNorm({ kind: 'batchNormStats', x, n, c, s, mean, variance });
    const invstd = variance.map((v) => 1 / Math.sqrt(v + 1e-5));
    batchNorm({ kind: 'batchNormForward', x, n, c, s, mean, invstd, weight: t.weight, bias: t.bias, out: y });
    batchNorm({ kind: 'batchNormBackward', x, g, n, c, s, mean, invstd, weight: t.weight, training: t.training, gradInput: dx, gradWeight: dw, gradBias: db });
    return { mean, variance, y: Float32Array.from(y), dx: Float32Array.from(dx), dw, db };
  }

  it('gives identical bits for JS/SIMD × 1/2 threads (S = 1, 9, 196) and really uses the workers', () => {
    for (const [n, c, s] of [[1 << 15, 5, 1], [400, 37, 9], [20, 36, 196]] as const) {
      const t = makeCase(n, c, s, s, true, true);
      setKernelsMode('js');
      setNumThreads(1);
      const reference = viaDispatch(t);
      for (const mode of ['js', 'simd'] as const) {
        for (const threads of [1, 2]) {
          setKernelsMode(mode);
          setNumThreads(threads);
          const before = threadPoolStats().dispatched;
          expectSame(viaDispatch(t), reference, `[${n}, ${c}, ${s}] ${mode}, ${threads} threads`);
          if (threads === 2) expect(threadPoolStats().dispatched - before, `[${n}, ${c}, ${s}] ${mode} dispatched`).toBeGreaterThanOrEqual(3);
        }
      }
    }
  });
});
