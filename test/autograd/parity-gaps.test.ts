/**
 * The PyTorch-parity additions beyond the fixtures (test/reference/torch-parity.test.ts holds the
 * torch values): float64 gradchecks of N-d crossEntropy/nllLoss (weights, ignoreIndex, label
 * smoothing; the class weights differentiated too), klDiv with a differentiable target, the
 * functional batchNorm with momentum null; the N-d losses against a plain per-element loop written
 * here; and the errors a user can cause.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  batchNorm, crossEntropy, Generator, gradcheck, klDiv, logSoftmax, maxPool2d, maxUnpool2d, nllLoss, randn, softmax, Tensor, tensor,
} from '../../src/index.js';

const f64 = (values: number[], shape: number[], requiresGrad = true): Tensor => {
  const t = Tensor.fromData(Float64Array.from(values), shape, 'float64');
  t.requiresGrad = requiresGrad;
  return t;
};
const int32 = (values: number[], shape: number[]): Tensor => Tensor.fromData(Int32Array.from(values), shape, 'int32');

/** Random N-d classification case: logits [N, C, d1, d2], targets with every third one ignored (−100). */
function classCase(seed: number, shape: [number, number, number, number]) {
  const gen = new Generator(seed);
  const [n, c, h, w] = shape;
  const logits = Array.from({ length: n * c * h * w }, () => 2 * gen.normal());
  const targets = Array.from({ length: n * h * w }, (_, i) => (i % 3 === 1 ? -100 : gen.integers(0, c)));
  const weight = Array.from({ length: c }, () => 0.2 + 2 * gen.uniform());
  return { logits, targets, weight };
}

describe('N-d crossEntropy and nllLoss', () => {
  it('equal a plain per-element loop (weights, ignoreIndex, label smoothing, every reduction)', () => {
    fc.assert(fc.property(fc.nat(), fc.constantFrom(0, 0.15), fc.constantFrom<'mean' | 'sum' | 'none'>('mean', 'sum', 'none'), (seed, eps, reduction) => {
      const shape: [number, number, number, number] = [2, 3, 2, 3];
      const [n, c, h, w] = shape;
      const { logits, targets, weight } = classCase(seed, shape);
      const got = crossEntropy(f64(logits, shape, false), int32(targets, [n, h, w]), { weight: f64(weight, [c], false), labelSmoothing: eps, reduction }).toTypedArray();
      // Plain loop: per element (b, i, j), logp over the class axis; torch's formula (see losses.ts).
      const per: number[] = [];
      let nllSum = 0, smoothSum = 0, weightSum = 0;
      for (let b = 0; b < n; b++) for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) {
        const z = Array.from({ length: c }, (_, k) => logits[((b * c + k) * h + i) * w + j]!);
        const m = Math.max(...z);
        const lse = m + Math.log(z.reduce((s, v) => s + Math.exp(v - m), 0));
        const y = targets[(b * h + i) * w + j]!;
        if (y === -100) { per.push(0); continue; }
        const nll = -weight[y]! * (z[y]! - lse);
        const smooth = -z.reduce((s, v, k) => s + weight[k]! * (v - lse), 0);
        per.push((1 - eps) * nll + (eps / c) * smooth);
        nllSum += nll; smoothSum += smooth; weightSum += weight[y]!;
      }
      const want = reduction === 'none' ? per : reduction === 'sum' ? [(1 - eps) * nllSum + (eps / c) * smoothSum]
        : [((1 - eps) * nllSum + (eps / c) * smoothSum) / weightSum];
      expect(got.length).toBe(want.length);
      want.forEach((v, k) => expect(Math.abs(got[k]! - v)).toBeLessThan(1e-12 * Math.max(1, Math.abs(v))));
    }), { numRuns: 30, seed: 1 });
  });

  it('pass gradcheck with respect to the logits and the class weights', () => {
    for (const [eps, reduction] of [[0, 'mean'], [0.2, 'mean'], [0.1, 'sum'], [0.3, 'none']] as const) {
      const shape: [number, number, number, number] = [2, 3, 2, 2];
      const { logits, targets, weight } = classCase(7, shape);
      const y = int32(targets, [2, 2, 2]);
      gradcheck((x, wt) => crossEntropy(x, y, { weight: wt, labelSmoothing: eps, reduction }), [f64(logits, shape), f64(weight, [3])]);
      gradcheck((x, wt) => nllLoss(logSoftmax(x, 1), y, { weight: wt, reduction }), [f64(logits, shape), f64(weight, [3])]);
    }
  });

  it('take [C] scores with a scalar target, and name the op and shapes on bad input', () => {
    const z = f64([0.5, -1, 2], [3], false);
    expect(crossEntropy(z, int32([2], [])).item()).toBeCloseTo(-(2 - Math.log(Math.exp(0.5) + Math.exp(-1) + Math.exp(2))), 12);
    expect(() => crossEntropy(randn([2, 3, 4], { generator: new Generator(1) }), int32([0, 1], [2]))).toThrow(
      'crossEntropy: target must be int32 of shape [2,4], got int32 [2] (the target is input [2,3,4] without its class dim 1)');
    expect(() => crossEntropy(tensor(1), int32([0], [1]))).toThrow(/^crossEntropy: input must be \[N, C, d1, …\] or \[C\], got \[\]/);
    expect(() => nllLoss(randn([2, 3], { generator: new Generator(1) }), int32([0, 3], [2]))).toThrow(/nllLoss: target\[1\] = 3 is outside \[0, 3\) and is not ignoreIndex -100/);
    expect(() => nllLoss(randn([2, 3], { generator: new Generator(1) }), int32([0, 1], [2]), { weight: f64([1, 2], [2]) })).toThrow(/nllLoss: weight must be a Tensor of shape \[3\]/);
    // All targets ignored: the mean is 0/0 = NaN, as in torch.
    expect(Number.isNaN(nllLoss(randn([2, 3], { generator: new Generator(1) }), int32([-100, -100], [2])).item())).toBe(true);
  });
});

describe('klDiv with a differentiable target', () => {
  it('passes gradcheck in both arguments (probabilities and log-probabilities)', () => {
    const gen = new Generator(3);
    for (const reduction of ['batchmean', 'mean', 'sum', 'none'] as const) {
      const q = logSoftmax(randn([3, 4], { generator: gen, dtype: 'float64' }), 1);
      const p = softmax(randn([3, 4], { generator: gen, dtype: 'float64' }), 1);
      const input = f64(Array.from(q.toTypedArray()), [3, 4]);
      gradcheck((x, t) => klDiv(x, t, { reduction, differentiableTarget: true }), [input, f64(Array.from(p.toTypedArray()), [3, 4])]);
      gradcheck((x, t) => klDiv(x, t, { reduction, logTarget: true, differentiableTarget: true }),
        [input, f64(Array.from(p.toTypedArray(), Math.log), [3, 4])]);
    }
  });

  it('refuses a target that requires a gradient unless the option is on; a constant target still gets none', () => {
    const x = f64([-1, -0.5], [1, 2]);
    const t = f64([0.3, 0.7], [1, 2]);
    expect(() => klDiv(x, t)).toThrow(/klDiv: target \[1,2\] requires a gradient, but the target is a constant unless options.differentiableTarget is true/);
    klDiv(x, f64([0.3, 0.7], [1, 2], false)).backward();
    expect(x.grad).not.toBeNull();
    klDiv(x, t, { differentiableTarget: true, reduction: 'sum' }).backward();
    // ∂/∂p_j Σ p(ln p − x) = ln p_j + 1 − x_j.
    const grad = t.grad!.toTypedArray();
    expect(Math.abs(grad[0]! - (Math.log(0.3) + 1 + 1))).toBeLessThan(1e-14);
    expect(Math.abs(grad[1]! - (Math.log(0.7) + 1 + 0.5))).toBeLessThan(1e-14);
  });
});

describe('functional batchNorm with momentum null (cumulative moving average)', () => {
  it('running statistics are the plain average of the batch statistics; the counter counts', () => {
    const gen = new Generator(5);
    const counter = Tensor.fromData(new Int32Array(1), [], 'int32');
    const rm = f64([0.3, -2], [2], false), rv = f64([1.5, 0.5], [2], false);
    const means = [0, 0], vars = [0, 0];
    for (let k = 1; k <= 4; k++) {
      const x = randn([6, 2], { generator: gen, dtype: 'float64' });
      batchNorm(x, rm, rv, null, null, { training: true, momentum: null, numBatchesTracked: counter });
      const v = x.toTypedArray();
      for (let c = 0; c < 2; c++) {
        const col = [0, 1, 2, 3, 4, 5].map((r) => v[r * 2 + c]!);
        const mu = col.reduce((a, b) => a + b, 0) / 6;
        means[c] = means[c]! + mu;
        vars[c] = vars[c]! + col.reduce((a, b) => a + (b - mu) ** 2, 0) / 5;
      }
    }
    expect(counter.item()).toBe(4);
    // Factor 1 on the first batch replaces the initial statistics entirely; then the running mean of 4 batches.
    for (let c = 0; c < 2; c++) {
      expect(Math.abs(rm.toTypedArray()[c]! - means[c]! / 4)).toBeLessThan(1e-14);
      expect(Math.abs(rv.toTypedArray()[c]! - vars[c]! / 4)).toBeLessThan(1e-14);
    }
  });

  it('passes gradcheck, and needs a counter', () => {
    const gen = new Generator(8);
    const x = f64(Array.from(randn([3, 2, 2, 2], { generator: gen, dtype: 'float64' }).toTypedArray()), [3, 2, 2, 2]);
    gradcheck((xi, w, b) => batchNorm(xi, null, null, w, b, { training: true, momentum: null }), [x, f64([0.5, 2], [2]), f64([0.1, -1], [2])]);
    expect(() => batchNorm(x, f64([0, 0], [2], false), f64([1, 1], [2], false), null, null, { training: true, momentum: null }))
      .toThrow('batchNorm: momentum null (cumulative moving average) needs options.numBatchesTracked, an int32 scalar tensor counting the batches');
  });
});

describe('maxPool2d returnIndices and maxUnpool2d', () => {
  it('unpooling the pooled values puts each maximum back where it was, zeros elsewhere', () => {
    const x = tensor([[[[1, 5, 2, 0], [3, 4, 9, 8], [7, 6, 0, 1], [2, 2, 3, 4]]]], { dtype: 'float64' });
    const [y, idx] = maxPool2d(x, { kernelSize: 2, returnIndices: true });
    expect(Array.from(idx.toTypedArray())).toEqual([1, 6, 8, 15]);
    expect(idx.dtype).toBe('int32');
    expect(Array.from(maxUnpool2d(y, idx, { kernelSize: 2 }).toTypedArray())).toEqual([0, 5, 0, 0, 0, 0, 9, 0, 7, 0, 0, 0, 0, 0, 0, 4]);
  });

  it('rejects bad indices and output sizes with a clear message', () => {
    const y = tensor([[[[1, 2]]]], { dtype: 'float64' });
    expect(() => maxUnpool2d(y, int32([0, 9], [1, 1, 1, 2]), { kernelSize: 2 })).toThrow('maxUnpool2d: indices[1] = 9 is outside the 2x4 output plane');
    expect(() => maxUnpool2d(y, int32([0, 1], [1, 1, 2, 1]), { kernelSize: 2 })).toThrow(/indices must be int32 of the input's shape \[1,1,1,2\]/);
    expect(() => maxUnpool2d(y, int32([0, 1], [1, 1, 1, 2]), { kernelSize: 2, outputSize: [4, 4] })).toThrow(/outputSize \[4, 4\] must lie strictly between \[0, 2\] and \[4, 6\]/);
  });
});
