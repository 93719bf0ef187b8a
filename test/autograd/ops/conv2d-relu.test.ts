/**
 * src/autograd/ops/conv2d.ts `conv2dRelu`: relu(conv2d(x, w, b)) against the textbook oracle
 * (test/reference/naive-conv2d.ts) in every grad situation: grad mode off, no input requiring grad (the
 * fused kernel call), and each of x, weight, bias requiring grad (the two recorded ops, whose gradients
 * are the oracle's adjoints of the upstream gradient masked where y ≤ 0). Small integer values keep every
 * sum exact in float32 too, so values and gradients are compared exactly, on both kernel paths.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { conv2dRelu } from '../../../src/autograd/ops/conv2d.js';
import { mul } from '../../../src/autograd/ops/mul.js';
import { sum } from '../../../src/autograd/ops/sum.js';
import { noGrad } from '../../../src/autograd/grad-mode.js';
import { setKernelsMode } from '../../../src/tensor/wasm/support.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { naiveConv2d, naiveConv2dBackwardInput, naiveConv2dBackwardWeight, naiveConvOutShape, type NaiveConvParams, type NaiveConvShapes } from '../../reference/naive-conv2d.js';

const caseArb = fc.record({
  n: fc.integer({ min: 1, max: 2 }),
  c: fc.integer({ min: 1, max: 3 }),
  o: fc.integer({ min: 1, max: 3 }),
  h: fc.integer({ min: 1, max: 5 }),
  w: fc.integer({ min: 1, max: 5 }),
  k: fc.integer({ min: 1, max: 3 }),
  stride: fc.integer({ min: 1, max: 2 }),
  pad: fc.nat({ max: 1 }),
  withBias: fc.boolean(),
  f64: fc.boolean(),
  mode: fc.constantFrom<'simd' | 'js'>('simd', 'js'),
  grads: fc.constantFrom('gradOff', 'none', 'x', 'weight', 'bias', 'all'),
  values: fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 1, maxLength: 40 }),
});

const cycle = (values: number[], n: number, shift: number): number[] => Array.from({ length: n }, (_, i) => values[(i + shift) % values.length]!);
const make = (values: number[], shape: number[], f64: boolean, requiresGrad: boolean): Tensor => {
  const t = Tensor.fromData(f64 ? Float64Array.from(values) : Float32Array.from(values), shape, f64 ? 'float64' : 'float32');
  t.requiresGrad = requiresGrad;
  return t;
};
const plain = (a: ArrayLike<number>): number[] => Array.from(a, (v) => v + 0); // -0 and +0 alike

describe('conv2dRelu = relu(conv2d(x, w, b)), against the naive oracle', () => {
  afterEach(() => setKernelsMode(null));

  it('values in every grad situation, a graph exactly when one can be recorded, and its gradients', () => {
    let ran = 0;
    fc.assert(fc.property(caseArb, (c) => {
      if (c.k > c.h + 2 * c.pad || c.k > c.w + 2 * c.pad) return; // no output position
      ran++;
      setKernelsMode(c.mode);
      const s: NaiveConvShapes = { x: [c.n, c.c, c.h, c.w], w: [c.o, c.c, c.k, c.k] };
      const p: NaiveConvParams = { stride: [c.stride, c.stride], padding: [c.pad, c.pad], dilation: [1, 1], groups: 1 };
      const xv = cycle(c.values, c.n * c.c * c.h * c.w, 0);
      const wv = cycle(c.values, c.o * c.c * c.k * c.k, 7);
      const bv = cycle(c.values, c.o, 3);
      const wants = (name: string): boolean => c.grads === name || c.grads === 'all';
      const x = make(xv, s.x, c.f64, wants('x'));
      const w = make(wv, s.w, c.f64, wants('weight'));
      const b = c.withBias ? make(bv, [c.o], c.f64, wants('bias')) : null;
      const options = { stride: c.stride, padding: c.pad };
      const y = c.grads === 'gradOff' ? noGrad(() => conv2dRelu(x, w, b, options)) : conv2dRelu(x, w, b, options);

      const pre = naiveConv2d(xv, wv, c.withBias ? bv : null, s, p);
      expect(y.shape).toEqual(naiveConvOutShape(s, p));
      expect(y.dtype).toBe(c.f64 ? 'float64' : 'float32');
      expect(plain(y.toTypedArray())).toEqual(plain(pre.map((v) => (v > 0 ? v : 0))));
      const records = c.grads !== 'gradOff' && (c.grads !== 'bias' || c.withBias) && c.grads !== 'none';
      expect(y.requiresGrad).toBe(records);
      if (!records) return;

      const up = cycle(c.values, y.numel(), 5);
      sum(mul(y, make(up, y.shape as number[], c.f64, false))).backward();
      const masked = up.map((g, i) => (pre[i]! > 0 ? g : 0));
      if (x.requiresGrad) expect(plain(x.grad!.toTypedArray())).toEqual(plain(naiveConv2dBackwardInput(masked, wv, s, p)));
      if (w.requiresGrad) expect(plain(w.grad!.toTypedArray())).toEqual(plain(naiveConv2dBackwardWeight(xv, masked, s, p)));
      if (b?.requiresGrad) {
        const [, , oh, ow] = naiveConvOutShape(s, p);
        const db = Array.from({ length: c.o }, (_, o) => masked.reduce((acc, g, i) => acc + (Math.floor(i / (oh * ow)) % c.o === o ? g : 0), 0));
        expect(plain(b.grad!.toTypedArray())).toEqual(plain(db));
      }
    }), { numRuns: 200, seed: 1717 });
    expect(ran).toBeGreaterThan(100);
  });

  it('by hand: a 1×1 kernel of weight −1 with bias 1 over [0, 1, 2, −2]', () => {
    // y = relu(1 − x) = [1, 0, 0, 3]; with x requiring grad dy/dx = −1 where 1 − x > 0, else 0.
    const x = make([0, 1, 2, -2], [1, 1, 2, 2], true, true);
    const w = make([-1], [1, 1, 1, 1], true, false);
    const b = make([1], [1], true, false);
    expect(plain(noGrad(() => conv2dRelu(x, w, b)).toTypedArray())).toEqual([1, 0, 0, 3]);
    const y = conv2dRelu(x, w, b);
    expect(plain(y.toTypedArray())).toEqual([1, 0, 0, 3]);
    sum(y).backward();
    expect(plain(x.grad!.toTypedArray())).toEqual([-1, 0, 0, -1]);
  });
});
