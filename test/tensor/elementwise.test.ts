/**
 * Element-wise ops of the tensor layer against explicit nested loops (test/reference/broadcast.ts):
 * unary math, binary arithmetic and comparisons with NumPy broadcasting over random shapes and all
 * dtype pairs (hundreds of cases), the promotion table, scalar semantics, where/clamp/cast, special
 * values, non-contiguous operands, and error messages.
 *
 * Expected values: the reference computes each element in float64 from the stored operand values and
 * rounds once to the result dtype (Math.fround for float32, ToInt32 for int32), which is exactly the
 * kernels' contract (dtype.ts: "float64 locals, one rounding on store"), so most checks are exact.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { binary, cast, clamp, unary, where } from '../../src/tensor/ops/elementwise.js';
import { promoteTypes, type DType } from '../../src/tensor/dtype.js';
import { Generator, tensor, Tensor, zeros } from '../../src/tensor/index.js';
import type { BinaryOp, UnaryOp } from '../../src/tensor/kernels/elementwise.js';
import { naiveBinary, naiveTernary, type Dense } from '../reference/broadcast.js';
import { TRANSCENDENTAL_RTOL } from '../tolerances.js';
import { broadcastShapesArb, expectSameArray, scrambledLayout, shapeArb } from './arbitraries.js';

const ALL_DTYPES: readonly DType[] = ['bool', 'int32', 'float32', 'float64'];

/** Rounds a float64 value the way a store into `dtype` does. */
function roundTo(dtype: DType, v: number): number {
  if (dtype === 'float32') return Math.fround(v);
  if (dtype === 'int32') return v | 0;
  if (dtype === 'bool') return v ? 1 : 0;
  return v;
}

/** Random values for `dtype`: floats include a few special values; ints are small. */
function randomValues(gen: Generator, n: number, dtype: DType, specials: boolean): number[] {
  const SPECIAL = [NaN, Infinity, -Infinity, 0, -0, 1];
  return Array.from({ length: n }, () => {
    if (dtype === 'bool') return gen.integers(0, 2);
    if (dtype === 'int32') return gen.integers(-5, 6);
    if (specials && gen.uniform() < 0.1) return SPECIAL[gen.integers(0, SPECIAL.length)]!;
    return gen.uniform() * 6 - 3;
  });
}

function randomTensor(gen: Generator, shape: readonly number[], dtype: DType, specials = false): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(Float64Array.from(randomValues(gen, n, dtype, specials)), { dtype, shape });
}

function dense(t: Tensor): Dense {
  return { data: t.toTypedArray(), shape: t.shape };
}

/** Reference scalar functions, written from the definitions (not taken from the kernels). */
const UNARY_REF: Partial<Record<UnaryOp, (x: number) => number>> = {
  neg: (x) => -x, abs: Math.abs, exp: Math.exp, log: Math.log, log1p: Math.log1p, sqrt: Math.sqrt,
  sin: Math.sin, cos: Math.cos, tanh: Math.tanh, relu: (x) => (Number.isNaN(x) ? NaN : Math.max(x, 0)),
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
};

const BINARY_REF: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b, sub: (a, b) => a - b, mul: (a, b) => a * b, div: (a, b) => a / b, pow: Math.pow,
  maximum: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b)),
  minimum: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b)),
  atan2: Math.atan2,
  reluGrad: (g, x) => (x <= 0 ? 0 : g),
  eq: (a, b) => +(a === b), ne: (a, b) => +(a !== b), lt: (a, b) => +(a < b), le: (a, b) => +(a <= b),
  gt: (a, b) => +(a > b), ge: (a, b) => +(a >= b),
};
const COMPARISONS: ReadonlySet<BinaryOp> = new Set<BinaryOp>(['eq', 'ne', 'lt', 'le', 'gt', 'ge']);

/** The promotion table written out (dtype.ts): binary arithmetic, true division, comparisons. */
function expectedDType(op: BinaryOp, a: DType, b: DType): DType {
  if (COMPARISONS.has(op)) return 'bool';
  const order: DType[] = ['bool', 'int32', 'float32', 'float64'];
  const p = order[Math.max(order.indexOf(a), order.indexOf(b))]!;
  if ((op === 'div' || op === 'atan2') && (p === 'bool' || p === 'int32')) return 'float32';
  return p === 'bool' ? 'int32' : p;
}

describe('unary ops', () => {
  it.each(Object.keys(UNARY_REF))('%s matches the scalar function on random shapes and layouts', (name) => {
    const op = name as UnaryOp;
    const ref = UNARY_REF[op]!;
    fc.assert(
      fc.property(shapeArb({ maxRank: 4 }), fc.constantFrom('float32', 'float64'), fc.nat(), fc.boolean(), (shape, dtype, seed, scramble) => {
        const x0 = randomTensor(new Generator(seed), shape, dtype, true);
        const x = scramble ? scrambledLayout(x0) : x0;
        const y = unary(op, x);
        expect(y.dtype).toBe(dtype);
        expect(y.shape).toEqual(shape);
        const xs = x0.toTypedArray();
        const expected = Array.from(xs, (v) => roundTo(dtype as DType, ref(v)));
        const got = y.toTypedArray();
        if (op === 'sigmoid') {
          // The kernel uses the overflow-free form e^x/(1+e^x) for x < 0: equal up to a few ulps.
          expected.forEach((e, i) => {
            const tol = dtype === 'float32' ? Math.abs(e) * 2 ** -23 : Math.abs(e) * TRANSCENDENTAL_RTOL;
            if (!(Math.abs(got[i]! - e) <= tol || (Number.isNaN(e) && Number.isNaN(got[i]!)))) throw new Error(`sigmoid[${i}] ${got[i]} vs ${e}`);
          });
        } else expectSameArray(got, expected, op);
      }),
      { numRuns: 60 },
    );
  });

  it('special values: relu keeps NaN and maps -0 to 0; sigmoid does not overflow', () => {
    expect(Array.from(unary('relu', tensor([NaN, -0, -Infinity, Infinity, 2])).toTypedArray())).toEqual([NaN, 0, 0, Infinity, 2]);
    expect(Array.from(unary('sigmoid', tensor([-1000, 1000, 0], { dtype: 'float64' })).toTypedArray())).toEqual([0, 1, 0.5]);
    expect(Array.from(unary('log', tensor([0, -1])).toTypedArray())).toEqual([-Infinity, NaN]);
  });

  it('integer and bool inputs: transcendental results are float32, others keep the dtype (bool -> int32)', () => {
    const i = tensor(new Int32Array([-2, 3]));
    expect(unary('exp', i).dtype).toBe('float32');
    expect(unary('sqrt', i).dtype).toBe('float32');
    expect(unary('abs', i).toArray()).toEqual([2, 3]);
    expect(unary('abs', i).dtype).toBe('int32');
    expect(unary('neg', tensor([true, false])).dtype).toBe('int32');
    expect(unary('neg', tensor([true, false])).toArray()).toEqual([-1, 0]);
    expect(unary('exp', tensor([true])).dtype).toBe('float32');
  });
});

describe('binary ops with broadcasting', () => {
  const ops = Object.keys(BINARY_REF) as BinaryOp[];
  it.each(ops)('%s equals the nested-loop reference for every dtype pair', (op) => {
    fc.assert(
      fc.property(
        broadcastShapesArb(2, { maxRank: 4, maxDim: 3 }), fc.constantFrom(...ALL_DTYPES), fc.constantFrom(...ALL_DTYPES), fc.nat(),
        fc.constantFrom('none', 'a', 'b', 'both'),
        ([sa, sb], da, db, seed, scramble) => {
          const gen = new Generator(seed);
          const a0 = randomTensor(gen, sa!, da, true);
          const b0 = randomTensor(gen, sb!, db, true);
          const a = scramble === 'a' || scramble === 'both' ? scrambledLayout(a0) : a0;
          const b = scramble === 'b' || scramble === 'both' ? scrambledLayout(b0) : b0;
          const y = binary(op, a, b);
          const dtype = expectedDType(op, da, db);
          const ref = naiveBinary(BINARY_REF[op], dense(a0), dense(b0));
          expect(y.dtype).toBe(dtype);
          expect(y.shape).toEqual(ref.shape);
          expectSameArray(y.toTypedArray(), Array.from(ref.data, (v) => roundTo(dtype, v)), `${op}(${da}${JSON.stringify(sa)}, ${db}${JSON.stringify(sb)})`);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('broadcasting zero-size dims gives an empty result of the broadcast shape', () => {
    expect(binary('add', zeros([0, 3]), zeros([1, 3])).shape).toEqual([0, 3]);
    expect(binary('mul', zeros([2, 1, 0]), zeros([4, 1])).shape).toEqual([2, 4, 0]);
  });

  it('error messages name the op and both shapes', () => {
    expect(() => binary('add', zeros([3, 4]), zeros([5]))).toThrow(/^add: cannot broadcast \[3,4\] with \[5\]$/);
    expect(() => binary('mul', zeros([2, 3]), zeros([3, 2]))).toThrow(/^mul: cannot broadcast \[2,3\] with \[3,2\]$/);
    expect(() => binary('add', 1, 2)).toThrow(/^add: at least one operand must be a Tensor, got two numbers/);
    expect(() => binary('sub', zeros([2]), 'x' as never)).toThrow(/^sub: other must be a Tensor, got "x"/);
    expect(() => unary('exp', [1, 2] as never)).toThrow(/^exp: input must be a Tensor, got \[1,2\]/);
  });
});

describe('dtype promotion and scalar semantics', () => {
  it('the promotion order is bool < int32 < float32 < float64', () => {
    for (const a of ALL_DTYPES) for (const b of ALL_DTYPES) {
      expect(promoteTypes(a, b)).toBe(ALL_DTYPES[Math.max(ALL_DTYPES.indexOf(a), ALL_DTYPES.indexOf(b))]);
    }
  });

  it('a number takes the tensor dtype (rounded to it), in either position', () => {
    const x = tensor([1, 2]);
    const y = binary('add', x, 0.1);
    expect(y.dtype).toBe('float32');
    expect(Array.from(y.toTypedArray())).toEqual([Math.fround(1 + Math.fround(0.1)), Math.fround(2 + Math.fround(0.1))]);
    const z = binary('sub', 0.1, tensor([1], { dtype: 'float64' }));
    expect([z.dtype, z.item()]).toEqual(['float64', 0.1 - 1]);
    expect(binary('mul', tensor(new Int32Array([3])), 2).dtype).toBe('int32');
    expect(binary('div', tensor(new Int32Array([3])), 2).dtype).toBe('float32');
    expect(binary('div', tensor(new Int32Array([3])), 2).item()).toBe(1.5);
  });

  it('a non-integer number with an int32/bool tensor gives float32; an integer with bool gives int32', () => {
    const i = tensor(new Int32Array([1, 2]));
    const y = binary('add', i, 0.5);
    expect([y.dtype, Array.from(y.toTypedArray())]).toEqual(['float32', [1.5, 2.5]]);
    expect(binary('mul', tensor([true, false]), 3).dtype).toBe('int32');
    expect(binary('mul', tensor([true, false]), 3).toArray()).toEqual([3, 0]);
    expect(binary('add', 0.25, tensor([true])).dtype).toBe('float32');
    expect(binary('gt', i, 1.5).toArray()).toEqual([false, true]);
  });

  it('int32 arithmetic wraps like C on store', () => {
    const big = tensor(new Int32Array([2147483647]));
    expect(binary('add', big, 1).item()).toBe(-2147483648);
  });
});

describe('comparisons, where, clamp, cast', () => {
  it('comparisons give bool; NaN compares false except ne', () => {
    const a = tensor([NaN, 1, 2]);
    const b = tensor([NaN, 1, 3]);
    expect(binary('eq', a, b).toArray()).toEqual([false, true, false]);
    expect(binary('ne', a, b).toArray()).toEqual([true, false, true]);
    expect(binary('lt', a, b).toArray()).toEqual([false, false, true]);
    expect(binary('ge', a, b).dtype).toBe('bool');
  });

  it('where broadcasts condition and both branches against the reference', () => {
    fc.assert(
      fc.property(broadcastShapesArb(3, { maxRank: 3, maxDim: 3 }), fc.constantFrom(...ALL_DTYPES), fc.constantFrom(...ALL_DTYPES), fc.nat(), fc.boolean(), ([sc, sa, sb], da, db, seed, scramble) => {
        const gen = new Generator(seed);
        const c = randomTensor(gen, sc!, 'bool');
        const a = randomTensor(gen, sa!, da, true);
        const b = randomTensor(gen, sb!, db, true);
        const y = where(scramble ? scrambledLayout(c) : c, scramble ? scrambledLayout(a) : a, b);
        const dtype = promoteTypes(da, db);
        const ref = naiveTernary((cv, av, bv) => (cv ? av : bv), dense(c), dense(a), dense(b));
        expect(y.dtype).toBe(dtype);
        expect(y.shape).toEqual(ref.shape);
        expectSameArray(y.toTypedArray(), Array.from(ref.data, (v) => roundTo(dtype, v)), 'where');
      }),
      { numRuns: 200 },
    );
  });

  it('where with number branches follows the scalar rule', () => {
    const c = tensor([true, false]);
    expect(where(c, tensor([1.5, 2.5]), 0).toArray()).toEqual([1.5, 0]);
    const mixed = where(c, 0.5, tensor(new Int32Array([7, 8])));
    expect([mixed.dtype, mixed.toArray()]).toEqual(['float32', [0.5, 8]]);
    expect(where(c, 1, 2).toArray()).toEqual([1, 2]);
    expect(where(tensor(new Int32Array([0, 3])), 1, 2).toArray()).toEqual([2, 1]);
  });

  it('clamp equals min(max(x, lo), hi) with NaN kept, one-sided bounds, and an error without bounds', () => {
    fc.assert(
      fc.property(shapeArb(), fc.nat(), fc.option(fc.double({ min: -2, max: 0, noNaN: true }), { nil: undefined }), fc.option(fc.double({ min: 0, max: 2, noNaN: true }), { nil: undefined }), (shape, seed, lo, hi) => {
        fc.pre(lo !== undefined || hi !== undefined);
        const x = randomTensor(new Generator(seed), shape, 'float64', true);
        const y = clamp(x, lo, hi);
        const expected = Array.from(x.toTypedArray(), (v) => (Number.isNaN(v) ? NaN : Math.min(Math.max(v, lo ?? -Infinity), hi ?? Infinity)));
        expectSameArray(y.toTypedArray(), expected, 'clamp');
      }),
      { numRuns: 200 },
    );
    expect(() => clamp(tensor([1]))).toThrow(/^clamp: at least one of min and max must be given/);
    expect(clamp(tensor(new Int32Array([-5, 5])), -1, 1).toArray()).toEqual([-1, 1]);
  });

  it('cast truncates toward zero for int32, maps non-zero to true for bool, and widens exactly', () => {
    expect(cast(tensor([-1.7, 2.5, -0.2, 3]), 'int32').toArray()).toEqual([-1, 2, 0, 3]);
    expect(cast(tensor([-1.7, 0, NaN]), 'bool').toArray()).toEqual([true, false, true]);
    const f = tensor([0.1]);
    expect(cast(f, 'float64').item()).toBe(Math.fround(0.1));
    expect(cast(tensor(0.1, { dtype: 'float64' }), 'float32').item()).toBe(Math.fround(0.1));
    const t = scrambledLayout(tensor([[1.5, 2.5], [3.5, 4.5]]));
    expect(cast(t, 'int32').toArray()).toEqual([[1, 2], [3, 4]]);
  });
});
