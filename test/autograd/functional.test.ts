/**
 * Composites built from the primitives, against naive formulas written out here (float64) and
 * against gradcheck: softmax, crossEntropy (with label smoothing, and its closed-form gradient),
 * nllLoss, klDiv 'batchmean' (0·log 0 = 0), mseLoss, distillationLoss (vs a hand computation; α = 0 is
 * plain CE), batchNorm train/eval with running statistics, seeded dropout, linear.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  batchNorm, crossEntropy, distillationLoss, dropout, Generator, gradcheck, klDiv, linear, logSoftmax, mseLoss, nllLoss,
  reshape, softmax, tensor, type Tensor,
} from '../../src/index.js';
import { FLOAT64_RTOL, TRANSCENDENTAL_RTOL } from '../tolerances.js';

/**
 * Closeness of a float64 composite and its naive formula evaluated in another order: each of the
 * ~10 chained float64 operations adds at most TRANSCENDENTAL_RTOL relative error, and cancellation in
 * differences such as p − q (values of order 1 giving results of order 1e-2) amplifies it by up to
 * ~100, relative to max(1, |expected|).
 */
const RTOL = 10 * 100 * TRANSCENDENTAL_RTOL;

function expectClose(got: number, want: number, what: string): void {
  expect(Math.abs(got - want), `${what}: ${got} vs ${want}`).toBeLessThanOrEqual(RTOL * Math.max(1, Math.abs(want)));
}

function randomMatrix(gen: Generator, rows: number, cols: number, scale = 2): number[][] {
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => (gen.uniform() * 2 - 1) * scale));
}

function leaf(values: number[][] | number[], requiresGrad = true): Tensor {
  const t = tensor(values, { dtype: 'float64' });
  t.requiresGrad = requiresGrad;
  return t;
}

function labels(values: number[]): Tensor {
  return tensor(Int32Array.from(values));
}

/** Naive softmax of one row: exp(z − max) / Σ exp(z − max). */
function softmaxRow(z: number[]): number[] {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

const problemArb = fc.record({ n: fc.integer({ min: 1, max: 4 }), c: fc.integer({ min: 2, max: 5 }), seed: fc.nat() }).map(({ n, c, seed }) => {
  const gen = new Generator(seed);
  return { n, c, z: randomMatrix(gen, n, c), t: randomMatrix(gen, n, c), y: Array.from({ length: n }, () => gen.integers(0, c)), seed };
});

describe('softmax and cross-entropy', () => {
  it('softmax equals the naive formula along any dim and sums to 1', () => {
    fc.assert(
      fc.property(problemArb, ({ z }) => {
        const s = softmax(leaf(z, false), 1).toArray() as number[][];
        z.forEach((row, i) => softmaxRow(row).forEach((p, j) => expectClose(s[i]![j]!, p, 'softmax')));
        const sT = softmax(leaf(z, false), 0).toArray() as number[][];
        const cols = z[0]!.map((_, j) => softmaxRow(z.map((r) => r[j]!)));
        cols.forEach((col, j) => col.forEach((p, i) => expectClose(sT[i]![j]!, p, 'softmax dim 0')));
        gradcheck((x) => softmax(x, 1), [leaf(z)]);
        gradcheck((x) => softmax(x, 0), [leaf(z)]);
      }),
      { numRuns: 50 },
    );
    // Stable for large logits (no exp overflow).
    (softmax(tensor([1000, 1000], { dtype: 'float64' })).toArray() as number[]).forEach((v) => expectClose(v, 0.5, 'softmax large'));
  });

  it('crossEntropy = mean_n [(1−ε)(−log p_{n,y}) + ε·mean_c(−log p_{n,c})], with gradient (p − q)/N', () => {
    fc.assert(
      fc.property(problemArb, fc.constantFrom(0, 0.1, 0.3), ({ n, c, z, y }, eps) => {
        const x = leaf(z);
        const loss = crossEntropy(x, labels(y), { labelSmoothing: eps });
        let want = 0;
        z.forEach((row, i) => {
          const p = softmaxRow(row);
          want += (1 - eps) * -Math.log(p[y[i]!]!) + (eps * p.reduce((a, v) => a - Math.log(v), 0)) / c;
        });
        expectClose(loss.item(), want / n, 'crossEntropy');
        loss.backward();
        const g = x.grad!.toArray() as number[][];
        z.forEach((row, i) => softmaxRow(row).forEach((p, j) => {
          const q = (1 - eps) * (j === y[i] ? 1 : 0) + eps / c;
          expectClose(g[i]![j]!, (p - q) / n, 'crossEntropy gradient');
        }));
        gradcheck((a) => crossEntropy(a, labels(y), { labelSmoothing: eps }), [leaf(z)]);
      }),
      { numRuns: 40 },
    );
  });

  it('crossEntropy reductions and errors', () => {
    const z = [[1, 2, 3], [0, 0, 5]];
    const none = crossEntropy(leaf(z, false), labels([2, 0]), { reduction: 'none' });
    const per = [-Math.log(softmaxRow(z[0]!)[2]!), -Math.log(softmaxRow(z[1]!)[0]!)];
    expect(none.shape).toEqual([2]);
    (none.toArray() as number[]).forEach((v, i) => expectClose(v, per[i]!, 'none'));
    expectClose(crossEntropy(leaf(z, false), labels([2, 0]), { reduction: 'sum' }).item(), per[0]! + per[1]!, 'sum');
    expect(() => crossEntropy(leaf(z), labels([2, 3]))).toThrow(/^crossEntropy: target\[1\] = 3 is outside \[0, 3\)/);
    expect(() => crossEntropy(leaf(z), tensor([2, 0]))).toThrow(/^crossEntropy: target must be int32 of shape \[2\], got float32 \[2\]/);
    expect(() => crossEntropy(leaf([1, 2]), labels([0]))).toThrow(/^crossEntropy: target must be int32 of shape \[\], got int32 \[1\]/);
    expect(() => crossEntropy(leaf(z), labels([0, 0]), { labelSmoothing: 1 })).toThrow(/^crossEntropy: labelSmoothing must be in \[0, 1\), got 1/);
    expect(() => crossEntropy(leaf(z), labels([0, 0]), { reduction: 'avg' as never })).toThrow(/^crossEntropy: reduction must be 'mean', 'sum' or 'none', got "avg"/);
  });

  it('nllLoss = −mean_n logp[n, y_n] and passes gradcheck; crossEntropy = nllLoss ∘ logSoftmax', () => {
    fc.assert(
      fc.property(problemArb, ({ n, z, y }) => {
        const loss = nllLoss(leaf(z, false), labels(y));
        expectClose(loss.item(), -y.reduce((a, yi, i) => a + z[i]![yi]!, 0) / n, 'nllLoss');
        expectClose(nllLoss(logSoftmax(leaf(z, false), 1), labels(y)).item(), crossEntropy(leaf(z, false), labels(y)).item(), 'nll∘logSoftmax');
        gradcheck((a) => nllLoss(a, labels(y)), [leaf(z)]);
      }),
      { numRuns: 30 },
    );
  });
});

describe('klDiv, mseLoss, distillationLoss', () => {
  it("klDiv 'batchmean' = Σ p(log p − log q) / N with 0·log 0 = 0; gradient −p/N", () => {
    fc.assert(
      fc.property(problemArb, fc.boolean(), ({ n, z, t }, zeroSome) => {
        const p = t.map((row) => softmaxRow(row));
        if (zeroSome) p.forEach((row) => { row[0] = 0; const s = row.reduce((a, b) => a + b, 0); row.forEach((_, j) => (row[j] = row[j]! / s)); });
        const logq = leaf(z.map((row) => softmaxRow(row).map(Math.log)));
        const loss = klDiv(logq, tensor(p, { dtype: 'float64' }), { reduction: 'batchmean' });
        let want = 0;
        p.forEach((row, i) => row.forEach((pv, j) => { if (pv > 0) want += pv * (Math.log(pv) - (logq.toArray() as number[][])[i]![j]!); }));
        expect(Number.isFinite(loss.item())).toBe(true);
        expectClose(loss.item(), want / n, 'klDiv');
        loss.backward();
        (logq.grad!.toArray() as number[][]).forEach((row, i) => row.forEach((g, j) => expectClose(g, -p[i]![j]! / n, 'klDiv grad')));
        const logTarget = klDiv(logq, tensor(p.map((r) => r.map(Math.log)), { dtype: 'float64' }), { reduction: 'batchmean', logTarget: true });
        expectClose(logTarget.item(), want / n, 'klDiv logTarget');
      }),
      { numRuns: 40 },
    );
    // 'sum' and 'mean' (over all elements, as torch).
    const q = leaf([[Math.log(0.5), Math.log(0.5)]]);
    const p = tensor([[1, 0]], { dtype: 'float64' });
    expectClose(klDiv(q, p, { reduction: 'sum' }).item(), Math.log(2), 'sum');
    expectClose(klDiv(q, p).item(), Math.log(2) / 2, 'mean');
  });

  it('mseLoss = mean (a − b)² with gradient 2(a − b)/n for both arguments', () => {
    const a = leaf([1, 2, 3]);
    const b = leaf([0.5, 2.5, 4]);
    const loss = mseLoss(a, b);
    expectClose(loss.item(), (0.25 + 0.25 + 1) / 3, 'mse');
    loss.backward();
    const d = [0.5, -0.5, -1];
    Array.from(a.grad!.toTypedArray()).forEach((g, i) => expectClose(g, (2 * d[i]!) / 3, 'mse grad a'));
    Array.from(b.grad!.toTypedArray()).forEach((g, i) => expectClose(g, (-2 * d[i]!) / 3, 'mse grad b'));
    expectClose(mseLoss(a, b, { reduction: 'sum' }).item(), 1.5, 'mse sum');
    gradcheck((x, y) => mseLoss(x, y), [leaf([[0.1, -0.4], [2, 3]]), leaf([1, 2])]);
  });

  it('distillationLoss = (1−α)·CE + α·T²·KL(softmax(t/T) ‖ softmax(s/T)) by hand; α = 0 is CE; teacher gets no gradient', () => {
    fc.assert(
      fc.property(problemArb, fc.constantFrom(0, 0.3, 0.7, 1), fc.constantFrom(0.5, 1, 4), ({ n, z, t, y }, alpha, T) => {
        const s = leaf(z);
        const teacher = leaf(t);
        const loss = distillationLoss(s, teacher, labels(y), { temperature: T, alpha });
        let ce = 0;
        let kl = 0;
        z.forEach((row, i) => {
          ce -= Math.log(softmaxRow(row)[y[i]!]!);
          const pt = softmaxRow(t[i]!.map((v) => v / T));
          const ps = softmaxRow(row.map((v) => v / T));
          pt.forEach((p, j) => (kl += p * (Math.log(p) - Math.log(ps[j]!))));
        });
        const want = (1 - alpha) * (ce / n) + alpha * T * T * (kl / n);
        expectClose(loss.item(), want, `distillation α=${alpha} T=${T}`);
        if (alpha === 0) expect(loss.item()).toBe(crossEntropy(leaf(z, false), labels(y)).item());
        loss.backward();
        expect(teacher.grad).toBeNull();
        gradcheck((a) => distillationLoss(a, tensor(t, { dtype: 'float64' }), labels(y), { temperature: T, alpha }), [leaf(z)]);
      }),
      { numRuns: 40 },
    );
    const z = leaf([[1, 2]]);
    expect(() => distillationLoss(z, z, labels([0]), { temperature: 0, alpha: 0.5 })).toThrow(/^distillationLoss: temperature must be a positive number, got 0/);
    expect(() => distillationLoss(z, z, labels([0]), { temperature: 1, alpha: 2 })).toThrow(/^distillationLoss: alpha must be in \[0, 1\], got 2/);
    expect(() => distillationLoss(z, leaf([[1, 2, 3]]), labels([0]), { temperature: 1, alpha: 0.5 })).toThrow(/^distillationLoss: student logits \[1,2\] and teacher logits \[1,3\] must both be \[N, C\]/);
  });
});

describe('batchNorm', () => {
  /** Per-channel statistics over (N, H, W) of an [N, C, HW] nested array. */
  function channelStats(x: number[][][], c: number): { mean: number; biased: number; count: number } {
    const vals = x.flatMap((sample) => sample[c]!);
    const mean = vals.reduce((a, b) => a + b, 0) / vals.length;
    return { mean, biased: vals.reduce((a, v) => a + (v - mean) ** 2, 0) / vals.length, count: vals.length };
  }

  it('train: (x − μ)/√(σ² + ε)·γ + β with biased σ²; running stats ← (1−m)·running + m·(μ, unbiased σ²)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 }), fc.nat(), fc.boolean(), (n, c, h, w, seed, affine) => {
        fc.pre(n * h * w > 1);
        const gen = new Generator(seed);
        const data = Array.from({ length: n }, () => Array.from({ length: c }, () => Array.from({ length: h * w }, () => gen.uniform() * 4 - 2)));
        const x = tensor(data, { dtype: 'float64' });
        const x4 = tensor(x, { shape: [n, c, h, w] });
        const gamma = tensor(Array.from({ length: c }, () => 0.5 + gen.uniform()), { dtype: 'float64' });
        const beta = tensor(Array.from({ length: c }, () => gen.uniform() - 0.5), { dtype: 'float64' });
        const runningMean = tensor(Array.from({ length: c }, () => gen.uniform()), { dtype: 'float64' });
        const runningVar = tensor(Array.from({ length: c }, () => 1 + gen.uniform()), { dtype: 'float64' });
        const rm0 = Array.from(runningMean.toTypedArray());
        const rv0 = Array.from(runningVar.toTypedArray());
        const eps = 1e-5;
        const momentum = 0.2;
        const y = batchNorm(x4, runningMean, runningVar, affine ? gamma : null, affine ? beta : null, { training: true, momentum, eps });
        const yv = y.toTypedArray();
        for (let ch = 0; ch < c; ch++) {
          const { mean, biased, count } = channelStats(data, ch);
          const g = affine ? gamma.toTypedArray()[ch]! : 1;
          const b = affine ? beta.toTypedArray()[ch]! : 0;
          for (let i = 0; i < n; i++) for (let k = 0; k < h * w; k++) {
            expectClose(yv[(i * c + ch) * h * w + k]!, ((data[i]![ch]![k]! - mean) / Math.sqrt(biased + eps)) * g + b, 'batchNorm y');
          }
          expectClose(runningMean.toTypedArray()[ch]!, (1 - momentum) * rm0[ch]! + momentum * mean, 'running mean');
          expectClose(runningVar.toTypedArray()[ch]!, (1 - momentum) * rv0[ch]! + momentum * (biased * count) / (count - 1), 'running var');
        }
        // eval: the running statistics replace the batch statistics.
        const e = batchNorm(x4, runningMean, runningVar, null, null, { training: false, eps }).toTypedArray();
        for (let ch = 0; ch < c; ch++) for (let i = 0; i < n; i++) for (let k = 0; k < h * w; k++) {
          const at = (i * c + ch) * h * w + k;
          expectClose(e[at]!, (data[i]![ch]![k]! - runningMean.toTypedArray()[ch]!) / Math.sqrt(runningVar.toTypedArray()[ch]! + eps), 'batchNorm eval');
        }
      }),
      { numRuns: 40 },
    );
  });

  it('passes gradcheck in train mode (x, γ, β; NC and NCHW) and eval mode', () => {
    const gen = new Generator(3);
    const x4 = leaf(Array.from({ length: 2 * 2 * 3 }, () => gen.uniform() * 2 - 1));
    const shape4 = [2, 2, 1, 3];
    gradcheck((x, g, b) => batchNorm(reshape(x, shape4), null, null, g, b, { training: true }), [x4, leaf([0.7, 1.3]), leaf([0.1, -0.2])]);
    gradcheck((x) => batchNorm(reshape(x, [3, 4]), null, null, null, null, { training: true }), [x4]);
    const rm = tensor([0.1, -0.1], { dtype: 'float64' });
    const rv = tensor([1.5, 0.5], { dtype: 'float64' });
    gradcheck((x, g) => batchNorm(reshape(x, shape4), rm, rv, g, null, { training: false }), [x4, leaf([0.7, 1.3])]);
  });

  it('rejects bad shapes, a single value per channel in training, and eval without statistics', () => {
    expect(() => batchNorm(leaf([1, 2]), null, null, null, null, { training: true })).toThrow(/^batchNorm: input must be \[N, C\] or \[N, C, H, W\], got \[2\]/);
    expect(() => batchNorm(leaf([[1, 2]]), null, null, null, null, { training: true })).toThrow(/^batchNorm: expected more than 1 value per channel when training, got input \[1,2\]/);
    expect(() => batchNorm(leaf([[1, 2]]), null, null, null, null, { training: false })).toThrow(/^batchNorm: running statistics are required in eval mode/);
  });
});

describe('dropout and linear', () => {
  it('the same generator state gives the same mask; kept values are scaled by 1/(1−p); identity in eval', () => {
    const x = tensor(new Float64Array(4000).fill(2), { shape: [40, 100] });
    const p = 0.3;
    const g = new Generator(77);
    const twin = g.clone();
    const a = dropout(x, { p, training: true, generator: g });
    const b = dropout(x, { p, training: true, generator: twin });
    expect(Array.from(a.toTypedArray())).toEqual(Array.from(b.toTypedArray()));
    const c = dropout(x, { p, training: true, generator: g });
    expect(Array.from(c.toTypedArray())).not.toEqual(Array.from(a.toTypedArray()));
    const values = Array.from(a.toTypedArray());
    expect(values.every((v) => v === 0 || v === 2 / (1 - p))).toBe(true);
    const dropped = values.filter((v) => v === 0).length;
    // Binomial(4000, p): within 5 standard deviations of its mean.
    expect(Math.abs(dropped - 4000 * p)).toBeLessThanOrEqual(5 * Math.sqrt(4000 * p * (1 - p)));
    expect(dropout(x, { p, training: false, generator: g })).toBe(x);
    expect(dropout(x, { p: 0, training: true, generator: g })).toBe(x);
    expect(Array.from(dropout(x, { p: 1, training: true, generator: g }).toTypedArray()).every((v) => v === 0)).toBe(true);
    expect(() => dropout(x, { p: 1.5, training: true, generator: g })).toThrow(/^dropout: p must be in \[0, 1\], got 1\.5/);
  });

  it('dropout gradient is the mask (scaled), and float32 stays float32', () => {
    const x = leaf([1, 2, 3, 4, 5, 6]);
    const y = dropout(x, { p: 0.5, training: true, generator: new Generator(1) });
    y.backward(tensor(new Float64Array(6).fill(1)));
    expect(Array.from(x.grad!.toTypedArray())).toEqual(Array.from(y.toTypedArray(), (v, i) => v / (i + 1)));
    expect(dropout(tensor([1, 2]), { p: 0.5, training: true, generator: new Generator(1) }).dtype).toBe('float32');
  });

  it('linear = x·Wᵀ + b against the naive sum, and passes gradcheck with and without bias', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 }), fc.nat(), (n, inF, outF, seed) => {
        const gen = new Generator(seed);
        const x = randomMatrix(gen, n, inF);
        const w = randomMatrix(gen, outF, inF);
        const b = randomMatrix(gen, 1, outF)[0]!;
        const y = linear(leaf(x), leaf(w), leaf(b)).toArray() as number[][];
        x.forEach((row, i) => w.forEach((wr, o) => {
          const want = row.reduce((acc, v, k) => acc + v * wr[k]!, 0) + b[o]!;
          expect(Math.abs(y[i]![o]! - want)).toBeLessThanOrEqual(FLOAT64_RTOL * (1 + row.reduce((acc, v, k) => acc + Math.abs(v * wr[k]!), 0)));
        }));
        gradcheck((a, ww, bb) => linear(a, ww, bb), [leaf(x), leaf(w), leaf(b)]);
        gradcheck((a, ww) => linear(a, ww), [leaf(x), leaf(w)]);
      }),
      { numRuns: 30 },
    );
  });
});
