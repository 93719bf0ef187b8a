/**
 * Tensor creation: `tensor()` from scalars, booleans, nested arrays, typed arrays and tensors (dtype
 * inference, copying, ragged/bad-shape errors naming the op), constant fills, ranges, eye, *Like, and
 * the seeded random creators.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  arange, eye, fromTypedArray, full, fullLike, Generator, linspace, ones, onesLike, rand, randint, randn, randperm,
  tensor, zeros, zerosLike, type NestedArray,
} from '../../src/tensor/index.js';

describe('tensor()', () => {
  it('makes 0-d tensors from numbers and booleans', () => {
    const a = tensor(2.5);
    expect([a.shape, a.dtype, a.item()]).toEqual([[], 'float32', 2.5]);
    const b = tensor(true);
    expect([b.shape, b.dtype, b.item()]).toEqual([[], 'bool', 1]);
    expect(tensor(3, { dtype: 'int32' }).dtype).toBe('int32');
    expect(tensor(false, { dtype: 'float64' }).item()).toBe(0);
  });

  it('infers the shape of nested arrays and round-trips them through toArray', () => {
    const nested = [[[1, 2, 3]], [[4, 5, 6]]];
    const t = tensor(nested);
    expect(t.shape).toEqual([2, 1, 3]);
    expect(t.strides).toEqual([3, 3, 1]);
    expect(t.dtype).toBe('float32');
    expect(t.toArray()).toEqual(nested);
    expect(tensor([[true, false]]).dtype).toBe('bool');
    expect(tensor([[true, false]]).toArray()).toEqual([[true, false]]);
    expect(tensor([]).shape).toEqual([0]);
    expect(tensor([[], []]).shape).toEqual([2, 0]);
  });

  it('round-trips random nested arrays for every dtype (float32 rounds once)', () => {
    const nestedArb = fc
      .array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 })
      .chain((shape) => fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: shape.reduce((a, b) => a * b, 1), maxLength: shape.reduce((a, b) => a * b, 1) }).map((flat) => ({ shape, flat })));
    fc.assert(
      fc.property(nestedArb, fc.constantFrom('float32', 'float64', 'int32'), ({ shape, flat }, dtype) => {
        const build = (dim: number, start: number): NestedArray => {
          if (dim === shape.length) return flat[start]!;
          const inner = shape.slice(dim + 1).reduce((a, b) => a * b, 1);
          return Array.from({ length: shape[dim]! }, (_, i) => build(dim + 1, start + i * inner));
        };
        const t = tensor(build(0, 0), { dtype });
        expect(t.shape).toEqual(shape);
        const round = dtype === 'float32' ? Math.fround : dtype === 'int32' ? (v: number) => v | 0 : (v: number) => v;
        expect(Array.from(t.toTypedArray())).toEqual(flat.map(round));
      }),
      { numRuns: 200 },
    );
  });

  it('keeps Float64Array/Int32Array dtypes, makes other typed arrays float32, and copies', () => {
    const f64 = new Float64Array([1, 2, 3, 4]);
    const t = tensor(f64, { shape: [2, 2] });
    expect([t.dtype, t.shape]).toEqual(['float64', [2, 2]]);
    f64[0] = 99;
    expect(t.toArray()).toEqual([[1, 2], [3, 4]]);
    expect(tensor(new Int32Array([1, 2])).dtype).toBe('int32');
    expect(tensor(new Uint8Array([1, 255])).dtype).toBe('float32');
    expect(tensor(new Uint8Array([1, 255])).toArray()).toEqual([1, 255]);
    expect(tensor(new Float32Array([0.5]), { dtype: 'float64' }).dtype).toBe('float64');
  });

  it('copies tensors (with a dtype change when asked)', () => {
    const a = tensor([[1.5, 2.5]]);
    const b = tensor(a, { dtype: 'int32' });
    expect(b.toArray()).toEqual([[1, 2]]);
    expect(b.storage).not.toBe(a.storage);
  });

  it('treats mixed booleans and numbers as numbers, not as lossy bools', () => {
    const t = tensor([true, 2]);
    expect(t.dtype).toBe('float32');
    expect(t.toArray()).toEqual([1, 2]);
  });

  it('rejects ragged arrays, non-numbers and bad shapes, naming the op and the place', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(/^tensor: ragged nested array: data\[1\] should be a list of length 2, got \[3\]/);
    expect(() => tensor([[1, 2], 3] as NestedArray)).toThrow(/tensor: ragged.*data\[1\]/);
    expect(() => tensor([1, [2]] as NestedArray)).toThrow(/tensor: expected a number at data\[1\]/);
    expect(() => tensor([1, 'a'] as unknown as NestedArray)).toThrow(/tensor: expected a number at data\[1\], got "a"/);
    expect(() => tensor('abc' as unknown as NestedArray)).toThrow(/tensor/);
    expect(() => tensor([1, 2, 3], { shape: [2, 2] })).toThrow(/tensor: options\.shape \[2,2\] needs 4 elements, data has 3/);
    expect(() => tensor(new Float32Array(4), { shape: [2, -2] })).toThrow(/tensor: options\.shape\[1\] must be a non-negative integer, got -2/);
    expect(() => tensor(1, { dtype: 'int64' as never })).toThrow(/tensor: options\.dtype must be one of bool, int32, float32, float64, got "int64"/);
  });
});

describe('constant fills, ranges and identity', () => {
  it('zeros/ones/full accept a shape array or sizes, and validate them', () => {
    expect(zeros(2, 3).shape).toEqual([2, 3]);
    expect(zeros([2, 3]).toArray()).toEqual([[0, 0, 0], [0, 0, 0]]);
    expect(ones([2], { dtype: 'int32' }).toArray()).toEqual([1, 1]);
    expect(full([2], 7, { dtype: 'float64' }).toArray()).toEqual([7, 7]);
    expect(full([2], 3, { dtype: 'bool' }).toArray()).toEqual([true, true]);
    expect(zeros([]).shape).toEqual([]);
    expect(zeros([0, 3]).numel()).toBe(0);
    for (const bad of [-1, 2.5, NaN, Infinity]) {
      expect(() => zeros([2, bad])).toThrow(new RegExp(`^zeros: shape\\[1\\] must be a non-negative integer, got ${bad}`));
    }
    expect(() => ones(-3)).toThrow(/^ones: shape\[0\] must be a non-negative integer/);
    expect(() => full('x' as never, 1)).toThrow(/full: shape must be an array/);
  });

  it('*Like copies shape and dtype', () => {
    const t = zeros([2, 3], { dtype: 'float64' });
    expect([onesLike(t).shape, onesLike(t).dtype]).toEqual([[2, 3], 'float64']);
    expect(zerosLike(t, { dtype: 'int32' }).dtype).toBe('int32');
    expect(fullLike(t, 4).toTypedArray()).toEqual(new Float64Array(6).fill(4));
  });

  it('arange follows torch.arange (int32 for integer arguments)', () => {
    expect(arange(5).toArray()).toEqual([0, 1, 2, 3, 4]);
    expect(arange(5).dtype).toBe('int32');
    expect(arange(1, 2, 0.25).toArray()).toEqual([1, 1.25, 1.5, 1.75]);
    expect(arange(1, 2, 0.25).dtype).toBe('float32');
    expect(arange(5, 0, -2).toArray()).toEqual([5, 3, 1]);
    expect(arange(3, 3).numel()).toBe(0);
    expect(() => arange(0, 1, 0)).toThrow(/arange: step must be non-zero/);
    expect(() => arange(0, Infinity)).toThrow(/arange: end must be finite, got Infinity/);
  });

  it('linspace includes both ends; eye is the identity', () => {
    expect(linspace(0, 1, 5).toArray()).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(linspace(2, 3, 1).toArray()).toEqual([2]);
    expect(() => linspace(0, 1, -1)).toThrow(/linspace: steps must be a non-negative integer, got -1/);
    expect(eye(2, 3).toArray()).toEqual([[1, 0, 0], [0, 1, 0]]);
    expect(() => eye(-1)).toThrow(/eye: shape\[0\] must be a non-negative integer/);
  });

  it('fromTypedArray wraps without copying (dtype from the array)', () => {
    const data = new Int32Array([1, 2, 3, 4, 5, 6]);
    const t = fromTypedArray(data, [2, 3]);
    expect(t.data).toBe(data);
    expect(t.dtype).toBe('int32');
    expect(fromTypedArray(new Uint8Array(2), [2]).dtype).toBe('bool');
    expect(() => fromTypedArray(data, [4])).toThrow(/data has 6 elements but shape \[4\] needs 4/);
  });
});

describe('random creation needs an explicit generator and is reproducible', () => {
  it('rand/randn/randint/randperm draw the generator stream', () => {
    const shape = [3, 4];
    const a = rand(shape, { generator: new Generator(7) });
    const g = new Generator(7);
    expect(Array.from(a.toTypedArray())).toEqual(Array.from({ length: 12 }, () => Math.fround(g.uniform())));
    expect(Array.from(randn(shape, { generator: new Generator(3), dtype: 'float64' }).toTypedArray())).toEqual(Array.from(new Generator(3).normalArray(12)));
    const r = randint(-2, 5, [100], { generator: new Generator(1) });
    expect(r.dtype).toBe('int32');
    expect(Array.from(r.toTypedArray()).every((v) => v >= -2 && v < 5)).toBe(true);
    const p = randperm(10, { generator: new Generator(2) });
    expect([...p.toTypedArray()].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('refuses to run without a generator or with a non-float randn dtype', () => {
    expect(() => rand([2], {} as never)).toThrow(/rand: options\.generator is required/);
    expect(() => randn([2], undefined as never)).toThrow(/randn: options\.generator is required/);
    expect(() => randn([2], { generator: new Generator(0), dtype: 'int32' })).toThrow(/randn: dtype must be float32 or float64, got int32/);
  });
});
