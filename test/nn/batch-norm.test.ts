import { describe, expect, it } from 'vitest';
import { gradcheck } from '../../src/autograd/gradcheck.js';
import { tensor, zeros } from '../../src/tensor/create.js';
import { Generator } from '../../src/tensor/random.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { BatchNorm1d, BatchNorm2d } from '../../src/nn/index.js';
import { expectAllClose } from '../tensor/kernels/helpers.js';

const EPS = 1e-5;

/** Per-channel mean and biased variance of x [N, C, S] (S = spatial size), two passes in float64. */
function channelStats(x: ArrayLike<number>, n: number, c: number, s: number): { mean: number[]; variance: number[] } {
  const mean: number[] = [];
  const variance: number[] = [];
  for (let ch = 0; ch < c; ch++) {
    let acc = 0;
    for (let i = 0; i < n; i++) for (let k = 0; k < s; k++) acc += x[(i * c + ch) * s + k]!;
    const mu = acc / (n * s);
    let sq = 0;
    for (let i = 0; i < n; i++) for (let k = 0; k < s; k++) sq += (x[(i * c + ch) * s + k]! - mu) ** 2;
    mean.push(mu);
    variance.push(sq / (n * s));
  }
  return { mean, variance };
}

/** y = γ·(x − μ)/√(σ² + ε) + β per channel. */
function normalized(x: ArrayLike<number>, n: number, c: number, s: number, mu: number[], v: number[], gamma: ArrayLike<number>, beta: ArrayLike<number>): Float64Array {
  const y = new Float64Array(n * c * s);
  for (let i = 0; i < n; i++) for (let ch = 0; ch < c; ch++) for (let k = 0; k < s; k++) {
    const at = (i * c + ch) * s + k;
    y[at] = (gamma[ch]! * (x[at]! - mu[ch]!)) / Math.sqrt(v[ch]! + EPS) + beta[ch]!;
  }
  return y;
}

function randomInput(gen: Generator, shape: number[]): Tensor {
  return tensor(gen.normalArray(shape.reduce((a, b) => a * b, 1), 0.5, 2), { shape, dtype: 'float64' });
}

const tol = (n: number): { atol: Float64Array } => ({ atol: new Float64Array(n).fill(1e-12) });

describe('BatchNorm2d', () => {
  it('training: normalises with batch statistics and updates the running ones (momentum 0.1, unbiased variance)', () => {
    const gen = new Generator(11);
    const bn = new BatchNorm2d(3, { dtype: 'float64' });
    bn.weight!.data.set(gen.normalArray(3));
    bn.bias!.data.set(gen.normalArray(3));
    const [N, C, S] = [4, 3, 6];
    const x = randomInput(gen, [N, C, 2, 3]);
    const y = bn.forward(x);
    const { mean, variance } = channelStats(x.data, N, C, S);
    expectAllClose(y.data, normalized(x.data, N, C, S, mean, variance, bn.weight!.data, bn.bias!.data), 'float64', { ...tol(y.numel()), what: 'train output' });
    const m = N * S;
    expectAllClose(bn.runningMean!.data, mean.map((mu) => 0.1 * mu), 'float64', tol(3));
    expectAllClose(bn.runningVar!.data, variance.map((v) => 0.9 + 0.1 * v * (m / (m - 1))), 'float64', tol(3));
    expect(bn.numBatchesTracked!.item()).toBe(1);
  });

  it('eval: normalises with the running statistics and leaves them alone', () => {
    const gen = new Generator(12);
    const bn = new BatchNorm2d(2, { dtype: 'float64' });
    bn.forward(randomInput(gen, [3, 2, 2, 2]));
    bn.forward(randomInput(gen, [3, 2, 2, 2]));
    const rm = Array.from(bn.runningMean!.data);
    const rv = Array.from(bn.runningVar!.data);
    bn.eval();
    const x = randomInput(gen, [2, 2, 3, 3]);
    const y = bn.forward(x);
    expectAllClose(y.data, normalized(x.data, 2, 2, 9, rm, rv, bn.weight!.data, bn.bias!.data), 'float64', tol(y.numel()));
    expect(Array.from(bn.runningMean!.data)).toEqual(rm);
    expect(bn.numBatchesTracked!.item()).toBe(2);
  });

  it('momentum null keeps the cumulative average of the batch means', () => {
    const gen = new Generator(13);
    const bn = new BatchNorm2d(2, { momentum: null, dtype: 'float64' });
    const means: number[][] = [];
    for (let b = 0; b < 3; b++) {
      const x = randomInput(gen, [2, 2, 2, 2]);
      means.push(channelStats(x.data, 2, 2, 4).mean);
      bn.forward(x);
    }
    expectAllClose(bn.runningMean!.data, [0, 1].map((c) => (means[0]![c]! + means[1]![c]! + means[2]![c]!) / 3), 'float64', tol(2));
  });

  it('without running statistics it uses batch statistics in eval mode too', () => {
    const gen = new Generator(14);
    const bn = new BatchNorm2d(2, { trackRunningStats: false, affine: false, dtype: 'float64' }).eval();
    const x = randomInput(gen, [3, 2, 2, 2]);
    const { mean, variance } = channelStats(x.data, 3, 2, 4);
    expectAllClose(bn.forward(x).data, normalized(x.data, 3, 2, 4, mean, variance, [1, 1], [0, 0]), 'float64', tol(24));
    expect(bn.runningMean).toBeNull();
    expect(bn.numBatchesTracked).toBeNull();
  });

  it('passes gradcheck in training mode (input gradient through the batch statistics)', () => {
    const gen = new Generator(15);
    const bn = new BatchNorm2d(2, { dtype: 'float64' });
    bn.weight!.data.set([1.5, -0.7]);
    const x = randomInput(gen, [2, 2, 2, 2]);
    x.requiresGrad = true;
    expect(gradcheck((input) => bn.forward(input), [x]).ok).toBe(true);
  });

  it('validates options and input', () => {
    expect(() => new BatchNorm2d(0)).toThrow(/BatchNorm2d: numFeatures must be a positive integer, got 0/);
    expect(() => new BatchNorm2d(2, { momentum: 2 })).toThrow(/BatchNorm2d: options.momentum must be in \[0, 1\] or null, got 2/);
    expect(() => new BatchNorm2d(2, { eps: 0 })).toThrow(/BatchNorm2d: options.eps must be positive/);
    expect(() => new BatchNorm2d(2).forward(zeros([2, 3, 4, 4]))).toThrow(/BatchNorm2d.forward: input must be \[N, C, H, W\] with C = 2, got \[2,3,4,4\]/);
    expect(() => new BatchNorm2d(2).forward(zeros([2, 2]))).toThrow(/BatchNorm2d.forward/);
  });
});

describe('BatchNorm1d', () => {
  it('normalises [N, C] over N and [N, C, L] over N and L', () => {
    const gen = new Generator(16);
    const bn = new BatchNorm1d(3, { dtype: 'float64' });
    bn.weight!.data.set(gen.normalArray(3));
    const x2 = randomInput(gen, [5, 3]);
    const s2 = channelStats(x2.data, 5, 3, 1);
    expectAllClose(bn.forward(x2).data, normalized(x2.data, 5, 3, 1, s2.mean, s2.variance, bn.weight!.data, bn.bias!.data), 'float64', tol(15));
    const x3 = randomInput(gen, [2, 3, 4]);
    const y3 = bn.forward(x3);
    expect(y3.shape).toEqual([2, 3, 4]);
    const s3 = channelStats(x3.data, 2, 3, 4);
    expectAllClose(y3.data, normalized(x3.data, 2, 3, 4, s3.mean, s3.variance, bn.weight!.data, bn.bias!.data), 'float64', tol(24));
    expect(bn.numBatchesTracked!.item()).toBe(2);
    expect(() => bn.forward(zeros([2, 3, 4, 5]))).toThrow(/BatchNorm1d.forward: input must be \[N, C\] or \[N, C, L\] with C = 3/);
  });
});
