/**
 * The JavaScript batch-norm kernels (kernels/batch-norm.ts) called directly on a channel range
 * [ch0, ch1) (a thread's share): mean, variance, Σg and Σg·x̂ equal the header's eight-lane order
 * written out here bit for bit (S = 1, S < 8, S = 8 and longer rows); y and dx are close to the
 * header's formulas; only the range's channels are written (sentinels elsewhere survive); arrays
 * longer than [N, C, S] (the kernels check no length) keep their tail; any backward output may be null.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { batchNormBackward, batchNormForward, batchNormStats } from '../../../src/tensor/kernels/batch-norm.js';
import { DTYPES, Generator, expectAllClose, expectExactlyEqual, makeArray, type FloatDTypeName } from './helpers.js';

const SENTINEL = -4321.25;
const FAR = 1e6;

/** The header's order: term at position j of each row to float64 a[j mod 8], rows n ascending, pairwise combine. */
function laneSum(n: number, s: number, term: (i: number, j: number) => number): number {
  const a = new Float64Array(8);
  for (let i = 0; i < n; i++) for (let j = 0; j < s; j++) a[j % 8] = a[j % 8]! + term(i, j);
  return ((a[0]! + a[1]!) + (a[2]! + a[3]!)) + ((a[4]! + a[5]!) + (a[6]! + a[7]!));
}

function padded(dtype: FloatDTypeName, values: ArrayLike<number>, extra: number, tail: number) {
  const a = makeArray(dtype, values.length + extra).fill(tail);
  a.set(values);
  return a;
}

interface Case {
  dtype: FloatDTypeName; n: number; c: number; s: number; ch0: number; ch1: number; extra: number;
  affine: boolean; training: boolean; outputs: [boolean, boolean, boolean]; seed: number;
}

const caseArb: fc.Arbitrary<Case> = fc.record({
  dtype: fc.constantFrom(...DTYPES), n: fc.integer({ min: 1, max: 4 }), c: fc.integer({ min: 1, max: 4 }),
  s: fc.oneof(fc.constantFrom(1, 2, 3, 7, 8, 9, 16, 17), fc.integer({ min: 1, max: 30 })),
  u: fc.nat(), v: fc.nat(), extra: fc.integer({ min: 1, max: 20 }), affine: fc.boolean(), training: fc.boolean(),
  outputs: fc.tuple(fc.boolean(), fc.boolean(), fc.boolean()), seed: fc.nat(),
}).map(({ u, v, ...r }) => {
  const ch0 = u % r.c;
  return { ...r, ch0, ch1: ch0 + 1 + (v % (r.c - ch0)) };
});

describe('batch-norm JS kernels on a channel range, arrays longer than [N, C, S]', () => {
  it('statistics, forward and backward match the header on [ch0, ch1) and write nothing else (fast-check)', () => {
    fc.assert(fc.property(caseArb, (t) => {
      const { dtype, n, c, s, ch0, ch1, extra } = t;
      const m = n * s, size = n * c * s;
      const gen = new Generator(t.seed);
      const xv = gen.uniformArray(size, 2, 4), gv = gen.uniformArray(size, -1, 1);
      const x = padded(dtype, xv, extra, FAR), g = padded(dtype, gv, extra, FAR);
      const weight = t.affine ? padded(dtype, gen.uniformArray(c, 0.5, 2), extra, FAR) : null;
      const bias = t.affine ? padded(dtype, gen.uniformArray(c, -1, 1), extra, FAR) : null;
      const at = (i: number, ch: number, j: number): number => (i * c + ch) * s + j;
      const inRange = (ch: number): boolean => ch >= ch0 && ch < ch1;
      const what = JSON.stringify({ ...t, seed: undefined });

      // Statistics (float64 outputs, one entry per channel).
      const mean = new Float64Array(c + extra).fill(SENTINEL), variance = new Float64Array(c + extra).fill(SENTINEL);
      batchNormStats(x, n, c, s, mean, variance, ch0, ch1);
      const mu = new Float64Array(c + extra).fill(SENTINEL), sigma2 = new Float64Array(c + extra).fill(SENTINEL);
      for (let ch = ch0; ch < ch1; ch++) {
        mu[ch] = laneSum(n, s, (i, j) => x[at(i, ch, j)]!) / m;
        sigma2[ch] = laneSum(n, s, (i, j) => (x[at(i, ch, j)]! - mu[ch]!) ** 2) / m;
      }
      expectExactlyEqual(mean, mu, `mean ${what}`);
      expectExactlyEqual(variance, sigma2, `variance ${what}`);

      // Forward: y = (x − μ)·r·γ + β on the range's channels, the sentinel elsewhere and in the tail.
      const invstd = Float64Array.from(mu, (_, ch) => (inRange(ch) ? 1 / Math.sqrt(sigma2[ch]! + 1e-5) : FAR));
      const gamma = (ch: number): number => (weight ? weight[ch]! : 1), beta = (ch: number): number => (bias ? bias[ch]! : 0);
      const y = makeArray(dtype, size + extra).fill(SENTINEL);
      batchNormForward(x, n, c, s, mu, invstd, weight, bias, y, ch0, ch1);
      const yRef = new Float64Array(size + extra).fill(SENTINEL), yMag = new Float64Array(size + extra);
      for (let ch = ch0; ch < ch1; ch++) {
        const k = invstd[ch]! * gamma(ch);
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < s; j++) {
            const v = x[at(i, ch, j)]!;
            yRef[at(i, ch, j)] = (v - mu[ch]!) * invstd[ch]! * gamma(ch) + beta(ch);
            yMag[at(i, ch, j)] = (Math.abs(v) + Math.abs(mu[ch]!)) * Math.abs(k) + Math.abs(beta(ch));
          }
        }
      }
      expectAllClose(y, yRef, dtype, { magnitude: yMag, what: `y ${what}` });

      // Backward, each output present or null.
      const [withDx, withDw, withDb] = t.outputs;
      const dx = withDx ? makeArray(dtype, size + extra).fill(SENTINEL) : null;
      const dw = withDw ? makeArray(dtype, c + extra).fill(SENTINEL) : null;
      const db = withDb ? makeArray(dtype, c + extra).fill(SENTINEL) : null;
      batchNormBackward(x, g, n, c, s, mu, invstd, weight, t.training, dx, dw, db, ch0, ch1);
      const dwRef = new Float64Array(c + extra).fill(SENTINEL), dbRef = new Float64Array(c + extra).fill(SENTINEL);
      const dxRef = new Float64Array(size + extra).fill(SENTINEL), dxMag = new Float64Array(size + extra);
      for (let ch = ch0; ch < ch1; ch++) {
        const r = invstd[ch]!, xhat = (i: number, j: number): number => (x[at(i, ch, j)]! - mu[ch]!) * r;
        dbRef[ch] = laneSum(n, s, (i, j) => g[at(i, ch, j)]!);
        dwRef[ch] = laneSum(n, s, (i, j) => g[at(i, ch, j)]! * (x[at(i, ch, j)]! - mu[ch]!) * r);
        const meanG = t.training ? dbRef[ch]! / m : 0, meanGX = t.training ? dwRef[ch]! / m : 0;
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < s; j++) {
            const gij = g[at(i, ch, j)]!;
            dxRef[at(i, ch, j)] = gamma(ch) * r * (gij - meanG - xhat(i, j) * meanGX);
            dxMag[at(i, ch, j)] = Math.abs(gamma(ch) * r) * (Math.abs(gij) + Math.abs(meanG) + Math.abs(xhat(i, j) * meanGX));
          }
        }
      }
      const round = (a: Float64Array) => (dtype === 'float32' ? Float32Array.from(a) : a);
      if (dw) expectExactlyEqual(dw, round(dwRef), `dγ ${what}`);
      if (db) expectExactlyEqual(db, round(dbRef), `dβ ${what}`);
      if (dx) expectAllClose(dx, dxRef, dtype, { magnitude: dxMag, what: `dx ${what}` });
    }), { numRuns: 400, seed: 1709 });
  });
});
