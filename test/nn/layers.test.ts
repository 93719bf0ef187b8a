import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mul } from '../../src/autograd/ops/mul.js';
import { sum } from '../../src/autograd/ops/sum.js';
import { tensor, zeros } from '../../src/tensor/create.js';
import { Generator } from '../../src/tensor/random.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import {
  AvgPool2d, Conv2d, Dropout, Flatten, GlobalAvgPool2d, Linear, MaxPool2d, ReLU, Sequential,
} from '../../src/nn/index.js';
import { naiveConv2d, naiveConv2dBackwardInput, naiveConv2dBackwardWeight } from '../reference/naive-conv2d.js';
import { naiveAvgPool2d, naiveMaxPool2d, type NaivePoolParams } from '../reference/naive-pool2d.js';
import { absOf, expectAllClose, expectExactlyEqual } from '../tensor/kernels/helpers.js';

const f64 = (gen: Generator, shape: number[]): Tensor => tensor(gen.normalArray(shape.reduce((a, b) => a * b, 1)), { shape, dtype: 'float64' });

/** Backward of Σ y ⊙ r (r random), so every gradient is a readable contraction with r. */
function backwardWith(y: Tensor, gen: Generator): Float64Array {
  const r = gen.normalArray(y.numel());
  sum(mul(y, tensor(r, { shape: [...y.shape], dtype: 'float64' }))).backward();
  return r;
}

describe('Linear', () => {
  it('y = x·Wᵀ + b and its gradients match the index formulas (float64)', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }), fc.boolean(), fc.nat(1000),
      (n, inF, outF, bias, seed) => {
        const gen = new Generator(seed);
        const lin = new Linear(inF, outF, { bias, generator: gen, dtype: 'float64' });
        const x = f64(gen, [n, inF]);
        x.requiresGrad = true;
        const y = lin.forward(x);
        expect(y.shape).toEqual([n, outF]);
        const W = lin.weight.data;
        const expected = new Float64Array(n * outF);
        for (let i = 0; i < n; i++) for (let o = 0; o < outF; o++) {
          let s = bias ? lin.bias!.data[o]! : 0;
          for (let k = 0; k < inF; k++) s += x.data[i * inF + k]! * W[o * inF + k]!;
          expected[i * outF + o] = s;
        }
        expectAllClose(y.data, expected, 'float64', { what: 'Linear forward', atol: new Float64Array(expected.length).fill(1e-14) });
        const r = backwardWith(y, gen);
        const gW = new Float64Array(outF * inF);
        const gx = new Float64Array(n * inF);
        for (let i = 0; i < n; i++) for (let o = 0; o < outF; o++) for (let k = 0; k < inF; k++) {
          gW[o * inF + k]! += r[i * outF + o]! * x.data[i * inF + k]!;
          gx[i * inF + k]! += r[i * outF + o]! * W[o * inF + k]!;
        }
        const tol = { atol: new Float64Array(Math.max(gW.length, gx.length)).fill(1e-13) };
        expectAllClose(lin.weight.grad!.data, gW, 'float64', { ...tol, what: 'dW' });
        expectAllClose(x.grad!.data, gx, 'float64', { ...tol, what: 'dx' });
        if (bias) {
          const gb = new Float64Array(outF);
          for (let i = 0; i < n; i++) for (let o = 0; o < outF; o++) gb[o]! += r[i * outF + o]!;
          expectAllClose(lin.bias!.grad!.data, gb, 'float64', { ...tol, what: 'db' });
        }
      }), { numRuns: 150 });
  });

  it('validates its arguments and input', () => {
    const generator = new Generator(0);
    expect(() => new Linear(3, 2, {} as never)).toThrow(/Linear: options.generator is required/);
    expect(() => new Linear(-1, 2, { generator })).toThrow(/Linear: inFeatures must be a non-negative integer, got -1/);
    expect(() => new Linear(3, 2, { generator, dtype: 'int32' as never })).toThrow(/Linear: options.dtype must be 'float32' or 'float64'/);
    expect(() => new Linear(3, 2, { generator }).forward(zeros([4, 5]))).toThrow(/Linear.forward: input must be \[..., 3\], got \[4,5\]/);
    expect(new Linear(3, 2, { generator }).weight.dtype).toBe('float32');
  });
});

describe('Conv2d', () => {
  const convCase = fc.record({
    n: fc.integer({ min: 1, max: 2 }), groups: fc.integer({ min: 1, max: 2 }), cinPer: fc.integer({ min: 1, max: 2 }), coutPer: fc.integer({ min: 1, max: 2 }),
    h: fc.integer({ min: 3, max: 7 }), w: fc.integer({ min: 3, max: 7 }), kh: fc.integer({ min: 1, max: 3 }), kw: fc.integer({ min: 1, max: 3 }),
    stride: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })), padding: fc.tuple(fc.nat(1), fc.nat(1)),
    dilation: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })), bias: fc.boolean(), seed: fc.nat(1000),
  }).filter((c) => c.h + 2 * c.padding[0] >= c.dilation[0] * (c.kh - 1) + 1 && c.w + 2 * c.padding[1] >= c.dilation[1] * (c.kw - 1) + 1);

  it('forward and gradients match the 7-loop reference (stride, padding, dilation, groups, bias)', () => {
    fc.assert(fc.property(convCase, (c) => {
      const gen = new Generator(c.seed);
      const cin = c.cinPer * c.groups;
      const cout = c.coutPer * c.groups;
      const conv = new Conv2d(cin, cout, [c.kh, c.kw], {
        stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups, bias: c.bias, generator: gen, dtype: 'float64',
      });
      expect(conv.weight.shape).toEqual([cout, c.cinPer, c.kh, c.kw]);
      const x = f64(gen, [c.n, cin, c.h, c.w]);
      x.requiresGrad = true;
      const y = conv.forward(x);
      const shapes = { x: [c.n, cin, c.h, c.w] as [number, number, number, number], w: [cout, c.cinPer, c.kh, c.kw] as [number, number, number, number] };
      const params = { stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups };
      const b = c.bias ? conv.bias!.data : null;
      const expected = naiveConv2d(x.data, conv.weight.data, b, shapes, params);
      const magnitude = naiveConv2d(absOf(x.data), absOf(conv.weight.data), b && absOf(b), shapes, params);
      expectAllClose(y.data, expected, 'float64', { magnitude, what: 'Conv2d forward' });
      const r = backwardWith(y, gen);
      expectAllClose(conv.weight.grad!.data, naiveConv2dBackwardWeight(x.data, r, shapes, params), 'float64', {
        magnitude: naiveConv2dBackwardWeight(absOf(x.data), absOf(r), shapes, params), what: 'dW',
      });
      expectAllClose(x.grad!.data, naiveConv2dBackwardInput(r, conv.weight.data, shapes, params), 'float64', {
        magnitude: naiveConv2dBackwardInput(absOf(r), absOf(conv.weight.data), shapes, params), what: 'dx',
      });
    }), { numRuns: 150 });
  });

  it('validates its arguments and input', () => {
    const generator = new Generator(0);
    expect(() => new Conv2d(1, 8, 3, {} as never)).toThrow(/Conv2d: options.generator is required/);
    expect(() => new Conv2d(3, 4, 3, { groups: 2, generator })).toThrow(/Conv2d: inChannels \(3\) and outChannels \(4\) must both be divisible by groups \(2\)/);
    expect(() => new Conv2d(1, 4, 0, { generator })).toThrow(/Conv2d: kernelSize must be an integer >= 1/);
    expect(() => new Conv2d(1, 4, 3, { stride: 0, generator })).toThrow(/Conv2d: options.stride must be an integer >= 1/);
    expect(() => new Conv2d(2, 4, 3, { generator }).forward(zeros([1, 3, 8, 8]))).toThrow(/Conv2d.forward: input must be \[N, 2, H, W\], got \[1,3,8,8\]/);
  });
});

describe('pooling layers', () => {
  const poolParams = (k: number, s: number, p: number): NaivePoolParams => ({
    kernel: [k, k], stride: [s, s], padding: [p, p], dilation: [1, 1], ceilMode: false, countIncludePad: true,
  });

  it('MaxPool2d and AvgPool2d match the naive window scans', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.nat(1), fc.integer({ min: 3, max: 8 }), fc.nat(1000),
      (k, s, p, hw, seed) => {
        fc.pre(p <= Math.floor(k / 2) && hw + 2 * p >= k);
        const gen = new Generator(seed);
        const x = f64(gen, [2, 3, hw, hw]);
        const shape: [number, number, number, number] = [2, 3, hw, hw];
        const maxOut = new MaxPool2d(k, { stride: s, padding: p }).forward(x);
        expectExactlyEqual(maxOut.data, naiveMaxPool2d(x.data, shape, poolParams(k, s, p)).y, 'MaxPool2d');
        const avgOut = new AvgPool2d(k, { stride: s, padding: p }).forward(x);
        expectAllClose(avgOut.data, naiveAvgPool2d(x.data, shape, poolParams(k, s, p)), 'float64', {
          magnitude: naiveAvgPool2d(absOf(x.data), shape, poolParams(k, s, p)), what: 'AvgPool2d',
        });
      }), { numRuns: 120 });
  });

  it('stride defaults to the kernel size', () => {
    expect(new MaxPool2d(2).forward(zeros([1, 8, 28, 28])).shape).toEqual([1, 8, 14, 14]);
    expect(new AvgPool2d([2, 4]).forward(zeros([1, 1, 8, 8])).shape).toEqual([1, 1, 4, 2]);
  });

  it('GlobalAvgPool2d is the per-(n, c) mean with shape [N, C, 1, 1], gradient 1/(H·W)', () => {
    const gen = new Generator(3);
    const x = f64(gen, [2, 3, 4, 5]);
    x.requiresGrad = true;
    const y = new GlobalAvgPool2d().forward(x);
    expect(y.shape).toEqual([2, 3, 1, 1]);
    for (let plane = 0; plane < 6; plane++) {
      let s = 0;
      for (let i = 0; i < 20; i++) s += x.data[plane * 20 + i]!;
      expect(y.data[plane]).toBeCloseTo(s / 20, 14);
    }
    sum(y).backward();
    expect(Array.from(x.grad!.data).every((g) => g === 1 / 20)).toBe(true);
  });

  it('reject inputs that are not NCHW', () => {
    expect(() => new MaxPool2d(2).forward(zeros([4, 4]))).toThrow(/MaxPool2d.forward: input must be \[N, C, H, W\], got \[4,4\]/);
    expect(() => new GlobalAvgPool2d().forward(zeros([4]))).toThrow(/GlobalAvgPool2d.forward/);
    expect(() => new MaxPool2d(0)).toThrow(/MaxPool2d: kernelSize/);
  });
});

describe('Dropout', () => {
  it('zeroes element i when the i-th uniform of its generator is < p and scales the rest by 1/(1 − p)', () => {
    const x = tensor(new Generator(1).normalArray(1000), { shape: [10, 100], dtype: 'float32' });
    const gen = new Generator(7);
    const twin = gen.clone();
    const y = new Dropout({ p: 0.3, generator: gen }).forward(x);
    let zeros = 0;
    for (let i = 0; i < 1000; i++) {
      const dropped = twin.uniform() < 0.3;
      const expected = Math.fround(x.data[i]! * (dropped ? 0 : Math.fround(1 / 0.7))); // x·0 keeps the sign of x
      expect(y.data[i]).toBe(expected);
      if (dropped) zeros++;
    }
    expect(zeros).toBeGreaterThan(240); // Binomial(1000, 0.3): mean 300, sd 14.5
    expect(zeros).toBeLessThan(360);
    expect(gen.getState()).toEqual(twin.getState());
  });

  it('is the identity in eval mode and draws nothing', () => {
    const gen = new Generator(7);
    const drop = new Dropout({ generator: gen }).eval();
    const x = tensor([1, 2, 3]);
    expect(drop.forward(x).data).toEqual(x.data);
    expect(gen.getState().position).toBe(0);
    expect(drop.p).toBe(0.5);
  });

  it('requires a generator and p in [0, 1]', () => {
    expect(() => new Dropout({} as never)).toThrow(/Dropout: options.generator is required/);
    expect(() => new Dropout({ p: 1.5, generator: new Generator(0) })).toThrow(/Dropout: options.p must be in \[0, 1\], got 1.5/);
  });
});

describe('ReLU, Flatten, Sequential', () => {
  it('ReLU is max(x, 0) with gradient 0 at 0', () => {
    const x = tensor([-2, 0, 3], { dtype: 'float64' });
    x.requiresGrad = true;
    const y = new ReLU().forward(x);
    expect(Array.from(y.data)).toEqual([0, 0, 3]);
    sum(y).backward();
    expect(Array.from(x.grad!.data)).toEqual([0, 0, 1]);
  });

  it('Flatten merges startDim..endDim (default 1..−1)', () => {
    expect(new Flatten().forward(zeros([2, 16, 7, 7])).shape).toEqual([2, 784]);
    expect(new Flatten({ startDim: 0, endDim: 1 }).forward(zeros([2, 3, 4])).shape).toEqual([6, 4]);
    expect(() => new Flatten({ startDim: 0.5 })).toThrow(/Flatten: options.startDim must be an integer/);
  });

  it('Sequential chains its modules and is indexable and iterable', () => {
    const g = new Generator(0);
    const a = new Linear(4, 3, { generator: g });
    const relu = new ReLU();
    const b = new Linear(3, 2, { generator: g });
    const seq = new Sequential(a, relu, b);
    expect(seq.length).toBe(3);
    expect(seq.at(0)).toBe(a);
    expect(seq.at(-1)).toBe(b);
    expect([...seq]).toEqual([a, relu, b]);
    expect(() => seq.at(3)).toThrow(/Sequential.at: index must be an integer in \[-3, 3\), got 3/);
    const x = tensor(g.normalArray(8), { shape: [2, 4] });
    expect(seq.forward(x).data).toEqual(b.forward(relu.forward(a.forward(x))).data);
    seq.append(new ReLU());
    expect(seq.namedChildren().map(([k]) => k)).toEqual(['0', '1', '2', '3']);
  });
});
