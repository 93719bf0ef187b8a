import { describe, expect, it } from 'vitest';
import { zeros } from '../../src/tensor/create.js';
import { Generator } from '../../src/tensor/random.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { Conv2d, Linear, init } from '../../src/nn/index.js';

function moments(t: Tensor): { mean: number; std: number; maxAbs: number } {
  let s = 0;
  let sq = 0;
  let maxAbs = 0;
  for (const v of t.data) {
    s += v;
    sq += v * v;
    maxAbs = Math.max(maxAbs, Math.abs(v));
  }
  const mean = s / t.numel();
  return { mean, std: Math.sqrt(sq / t.numel() - mean * mean), maxAbs };
}

describe('fans and gains', () => {
  it('fan_in = size(1)·receptive field, fan_out = size(0)·receptive field', () => {
    expect(init.calculateFanInAndFanOut(zeros([16, 8, 3, 3]))).toEqual({ fanIn: 72, fanOut: 144 });
    expect(init.calculateFanInAndFanOut(zeros([5, 3]))).toEqual({ fanIn: 3, fanOut: 5 });
    expect(() => init.calculateFanInAndFanOut(zeros([5]))).toThrow(/at least 2 dims, got shape \[5\]/);
  });

  it('gains follow torch.nn.init.calculate_gain', () => {
    expect(init.calculateGain('linear')).toBe(1);
    expect(init.calculateGain('conv2d')).toBe(1);
    expect(init.calculateGain('sigmoid')).toBe(1);
    expect(init.calculateGain('tanh')).toBe(5 / 3);
    expect(init.calculateGain('relu')).toBe(Math.sqrt(2));
    expect(init.calculateGain('leaky_relu')).toBeCloseTo(Math.sqrt(2 / 1.0001), 15);
    expect(init.calculateGain('leaky_relu', Math.sqrt(5))).toBeCloseTo(Math.sqrt(1 / 3), 15);
    expect(init.calculateGain('selu')).toBe(0.75);
    expect(() => init.calculateGain('swish' as never)).toThrow(/unknown nonlinearity "swish"/);
  });
});

describe('initialisers', () => {
  it('kaimingUniform draws −b + 2b·u from the generator, b = gain·√(3/fan), in row-major order', () => {
    for (const mode of ['fan_in', 'fan_out'] as const) {
      const w = zeros([6, 4, 3, 3], { dtype: 'float64' });
      const gen = new Generator(3);
      const twin = gen.clone();
      init.kaimingUniform(w, { mode, nonlinearity: 'relu', generator: gen });
      const fan = mode === 'fan_in' ? 36 : 54;
      const b = Math.sqrt(2) * Math.sqrt(3 / fan);
      for (let i = 0; i < w.numel(); i++) expect(w.data[i]).toBeCloseTo(-b + 2 * b * twin.uniform(), 14);
      expect(moments(w).maxAbs).toBeLessThanOrEqual(b);
    }
  });

  it('the normal and Xavier initialisers have the documented spread (large samples)', () => {
    const gen = new Generator(4);
    const w = zeros([64, 64, 3, 3]); // fan_in = fan_out = 576, 36 864 draws: std estimates within ~1%
    const check = (expectedStd: number, uniformBound?: number): void => {
      const m = moments(w);
      expect(Math.abs(m.mean)).toBeLessThan(0.05 * expectedStd);
      expect(m.std / expectedStd).toBeGreaterThan(0.97);
      expect(m.std / expectedStd).toBeLessThan(1.03);
      if (uniformBound !== undefined) expect(m.maxAbs).toBeLessThanOrEqual(Math.fround(uniformBound));
    };
    init.kaimingNormal(w, { nonlinearity: 'relu', generator: gen });
    check(Math.sqrt(2 / 576));
    init.kaimingNormal(w, { mode: 'fan_out', generator: gen }); // leaky_relu, a = 0: gain √2
    check(Math.sqrt(2 / 576));
    init.xavierUniform(w, { gain: 2, generator: gen });
    check(2 * Math.sqrt(2 / 1152), 2 * Math.sqrt(6 / 1152));
    init.xavierNormal(w, { generator: gen });
    check(Math.sqrt(2 / 1152));
    init.normal(w, { mean: 3, std: 0.5, generator: gen });
    const m = moments(w);
    expect(m.mean).toBeCloseTo(3, 1);
    expect(m.std).toBeCloseTo(0.5, 1);
    init.uniform(w, { low: -2, high: 1, generator: gen });
    expect(moments(w).mean).toBeCloseTo(-0.5, 1);
    expect(Math.min(...w.data)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...w.data)).toBeLessThan(1);
  });

  it('constant, zeros and ones fill; every initialiser bumps the storage version', () => {
    const t = zeros([2, 2]);
    const v0 = t.storage.version;
    expect(Array.from(init.constant(t, 0.25).data)).toEqual([0.25, 0.25, 0.25, 0.25]);
    expect(Array.from(init.ones(t).data)).toEqual([1, 1, 1, 1]);
    expect(Array.from(init.zeros(t).data)).toEqual([0, 0, 0, 0]);
    expect(t.storage.version).toBe(v0 + 3);
  });

  it('rejects missing generators, non-float tensors and bad options', () => {
    const w = zeros([3, 3]);
    expect(() => init.kaimingUniform(w, {} as never)).toThrow(/init.kaimingUniform: options.generator is required/);
    expect(() => init.uniform(zeros([2], { dtype: 'int32' }), { generator: new Generator(0) })).toThrow(/init.uniform: tensor must be float32 or float64, got int32/);
    expect(() => init.kaimingNormal(w, { mode: 'fan_avg' as never, generator: new Generator(0) })).toThrow(/mode must be 'fan_in' or 'fan_out'/);
    expect(() => init.kaimingNormal(zeros([0, 3]), { mode: 'fan_out', generator: new Generator(0) })).toThrow(/zero fan_out/);
    expect(() => init.uniform(w, { low: 1, high: 0, generator: new Generator(0) })).toThrow(/need finite low <= high/);
    expect(() => init.normal(w, { std: -1, generator: new Generator(0) })).toThrow(/finite std >= 0/);
  });
});

describe('default layer initialisation (PyTorch reset_parameters)', () => {
  it('Linear: weight then bias, both U(−1/√fan_in, 1/√fan_in), drawn in that order from the generator', () => {
    const gen = new Generator(21);
    const twin = gen.clone();
    const lin = new Linear(10, 4, { generator: gen });
    const b = 1 / Math.sqrt(10);
    // kaimingUniform(a = √5): bound = √(2/6)·√(3/10) = 1/√10.
    for (let i = 0; i < 40; i++) expect(lin.weight.data[i]).toBeCloseTo(Math.fround(-b + 2 * b * twin.uniform()), 7);
    for (let i = 0; i < 4; i++) expect(lin.bias!.data[i]).toBe(Math.fround(-b + 2 * b * twin.uniform()));
    expect(gen.getState()).toEqual(twin.getState());
  });

  it('Conv2d: bound 1/√(inChannels/groups·kH·kW); same seed gives the same weights, another seed others', () => {
    const make = (seed: number): Conv2d => new Conv2d(4, 6, 3, { groups: 2, generator: new Generator(seed) });
    const a = make(5);
    const bound = 1 / Math.sqrt(2 * 9);
    expect(moments(a.weight).maxAbs).toBeLessThanOrEqual(Math.fround(bound));
    expect(moments(a.weight).maxAbs).toBeGreaterThan(0.8 * bound);
    expect(moments(a.bias!).maxAbs).toBeLessThanOrEqual(Math.fround(bound));
    expect(make(5).weight.data).toEqual(a.weight.data);
    expect(make(6).weight.data).not.toEqual(a.weight.data);
  });
});
