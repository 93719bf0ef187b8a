/**
 * Reductions over random dim sets with and without keepDim against the naive reference
 * (test/reference/reduce.ts): sum, mean, prod, max, min, logsumexp, var (both corrections), argmax and
 * argmin; contiguous and non-contiguous inputs; NaN propagation; float32 sums accumulated in float64;
 * empty reductions; result dtypes; errors naming the op.
 *
 * Tolerance (test/tolerances.ts): |got − ref| ≤ rtol(dtype)·|ref| + SUM_ABS_RTOL·Σ|x| per output,
 * where ref is rounded to the result dtype; float64 summation in a different order stays far inside.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { argmax, argmin, logsumexp, max, mean, min, prod, reduce, sum, variance } from '../../src/tensor/ops/reduce.js';
import { Generator, tensor, zeros, type Tensor } from '../../src/tensor/index.js';
import type { DType } from '../../src/tensor/dtype.js';
import { naiveReduce, type NaiveReduceOp } from '../reference/reduce.js';
import { SUM_ABS_RTOL, rtolFor } from '../tolerances.js';
import { dimsArb, scrambledLayout, shapeArb } from './arbitraries.js';

function randomTensor(seed: number, shape: readonly number[], dtype: DType, nanRate = 0): Tensor {
  const gen = new Generator(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const values = Float64Array.from({ length: n }, () => {
    if (nanRate > 0 && gen.uniform() < nanRate) return NaN;
    return dtype === 'int32' ? gen.integers(-9, 10) : gen.uniform() * 8 - 4;
  });
  return tensor(values, { dtype, shape });
}

function expectClose(got: ArrayLike<number>, ref: { data: Float64Array; magnitude: Float64Array }, dtype: DType, what: string): void {
  expect(got.length).toBe(ref.data.length);
  for (let i = 0; i < ref.data.length; i++) {
    const e = dtype === 'float32' ? Math.fround(ref.data[i]!) : ref.data[i]!;
    const g = got[i]!;
    if (Object.is(g, e) || g === e || (Number.isNaN(g) && Number.isNaN(e))) continue;
    const rtol = dtype === 'float32' || dtype === 'float64' ? rtolFor(dtype) : 0;
    const tol = rtol * Math.abs(e) + SUM_ABS_RTOL * ref.magnitude[i]!;
    if (!(Math.abs(g - e) <= tol)) throw new Error(`${what}[${i}] = ${g}, expected ${e} (tol ${tol})`);
  }
}

const caseArb = shapeArb({ minRank: 0, maxRank: 4, maxDim: 4 }).chain((shape) =>
  fc.record({
    shape: fc.constant(shape),
    dims: dimsArb(shape.length),
    keepDim: fc.boolean(),
    dtype: fc.constantFrom<DType>('float32', 'float64'),
    seed: fc.nat(),
    scramble: fc.boolean(),
  }),
);

describe('reductions over dim sets vs the naive reference', () => {
  const ops: NaiveReduceOp[] = ['sum', 'mean', 'prod', 'max', 'min', 'logsumexp', 'var'];
  it.each(ops)('%s over random dims, with keepDim, contiguous or not', (op) => {
    fc.assert(
      fc.property(caseArb, fc.constantFrom(0, 1), ({ shape, dims, keepDim, dtype, seed, scramble }, correction) => {
        const x0 = randomTensor(seed, shape, dtype);
        const x = scramble ? scrambledLayout(x0) : x0;
        const y = reduce(op, x, dims, { keepDim, correction });
        const ref = naiveReduce(op, { data: x0.toTypedArray(), shape }, dims ?? shape.map((_, d) => d), keepDim, correction);
        expect(y.shape).toEqual(ref.shape);
        expect(y.dtype).toBe(dtype);
        expectClose(y.toTypedArray(), ref, dtype, `${op} ${JSON.stringify(shape)} dims=${JSON.stringify(dims)}`);
      }),
      { numRuns: 150 },
    );
  });

  it('int32 sum/max/min stay int32 and exact; mean/var/logsumexp of int32 give float32', () => {
    fc.assert(
      fc.property(caseArb, ({ shape, dims, keepDim, seed }) => {
        const x = randomTensor(seed, shape, 'int32');
        const all = dims ?? shape.map((_, d) => d);
        for (const op of ['sum', 'max', 'min', 'mean'] as const) {
          const groupSize = all.reduce((n, d) => n * shape[d < 0 ? d + shape.length : d]!, 1);
          if ((op === 'max' || op === 'min') && groupSize === 0) continue;
          const y = reduce(op, x, dims, { keepDim });
          expect(y.dtype).toBe(op === 'mean' ? 'float32' : 'int32');
          const ref = naiveReduce(op, { data: x.toTypedArray(), shape }, all, keepDim);
          expectClose(y.toTypedArray(), ref, y.dtype, op);
        }
      }),
      { numRuns: 100 },
    );
    expect(variance(tensor(new Int32Array([1, 2, 3]))).dtype).toBe('float32');
    expect(logsumexp(tensor(new Int32Array([1, 2]))).dtype).toBe('float32');
    expect(sum(tensor([true, true, false])).dtype).toBe('int32');
    expect(sum(tensor([true, true, false])).item()).toBe(2);
  });

  it('argmax/argmin along one dim (or flat) equal the reference, first index on ties', () => {
    fc.assert(
      fc.property(shapeArb({ minRank: 1, maxRank: 3 }), fc.nat(), fc.nat(), fc.boolean(), fc.boolean(), fc.boolean(), (shape, pick, seed, keepDim, flat, ties) => {
        const x0 = randomTensor(seed, shape, ties ? 'int32' : 'float64');
        const x = scrambledLayout(x0);
        const dim = (pick % (2 * shape.length)) - shape.length;
        for (const op of ['argmax', 'argmin'] as const) {
          const f = op === 'argmax' ? argmax : argmin;
          const y = flat ? f(x) : f(x, dim, { keepDim });
          expect(y.dtype).toBe('int32');
          const ref = flat
            ? naiveReduce(op, { data: x0.toTypedArray(), shape: [x0.numel()] }, [0], false)
            : naiveReduce(op, { data: x0.toTypedArray(), shape }, [dim], keepDim);
          expect(y.shape).toEqual(ref.shape);
          expect(Array.from(y.toTypedArray())).toEqual(Array.from(ref.data));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('flat argmax/argmin with keepDim keep every dim as size 1, as torch.argmax(x, keepdim=True)', () => {
    const x = tensor([[1, 3], [3, 0]]);
    expect(argmax(x, undefined, { keepDim: true }).shape).toEqual([1, 1]);
    expect(argmax(x, undefined, { keepDim: true }).toArray()).toEqual([[1]]);
    expect(argmin(x, undefined, { keepDim: true }).toArray()).toEqual([[3]]);
    expect(argmax(x).shape).toEqual([]);
    expect(argmax(tensor(5), undefined, { keepDim: true }).shape).toEqual([]);
  });
});

describe('special values and accumulation', () => {
  it('NaN propagates through sum/mean/max/min/logsumexp/var; argmax/argmin pick the first NaN', () => {
    fc.assert(
      fc.property(caseArb, ({ shape, dims, keepDim, dtype, seed }) => {
        const x = randomTensor(seed, shape, dtype, 0.2);
        for (const op of ['sum', 'mean', 'max', 'min', 'logsumexp', 'var'] as const) {
          const y = reduce(op, x, dims, { keepDim });
          const ref = naiveReduce(op, { data: x.toTypedArray(), shape }, dims ?? shape.map((_, d) => d), keepDim);
          expect(Array.from(y.toTypedArray(), Number.isNaN)).toEqual(Array.from(ref.data, Number.isNaN));
        }
      }),
      { numRuns: 100 },
    );
    expect(argmax(tensor([1, NaN, 3, NaN])).item()).toBe(1);
    expect(argmin(tensor([NaN, -1])).item()).toBe(0);
  });

  it('logsumexp is stable for large inputs and handles infinities like torch', () => {
    expect(logsumexp(tensor([1000, 1000], { dtype: 'float64' })).item()).toBeCloseTo(1000 + Math.LN2, 12);
    expect(logsumexp(tensor([-1000, -1000], { dtype: 'float64' })).item()).toBeCloseTo(-1000 + Math.LN2, 12);
    expect(logsumexp(tensor([-Infinity, -Infinity])).item()).toBe(-Infinity);
    expect(logsumexp(tensor([Infinity, 1])).item()).toBe(Infinity);
    expect(logsumexp(tensor([-Infinity, 0])).item()).toBe(0);
  });

  it('float32 sums accumulate in float64 and round once', () => {
    // In float32 arithmetic 2^24 + 1 + 1 = 2^24 (each +1 is lost); in float64 it is 2^24 + 2, exact in float32.
    const x = tensor(new Float32Array([16777216, 1, 1]));
    expect(sum(x).item()).toBe(16777218);
    expect(mean(x).item()).toBe(Math.fround(16777218 / 3));
    const many = tensor(new Float32Array(10000).fill(0.1));
    expect(sum(many).item()).toBe(Math.fround(10000 * Math.fround(0.1)));
  });

  it('empty reductions: sum 0, prod 1, mean NaN; max/argmax refuse with the op name', () => {
    expect(Array.from(sum(zeros([2, 0]), 1).toTypedArray())).toEqual([0, 0]);
    expect(prod(zeros([0])).item()).toBe(1);
    expect(mean(zeros([0])).item()).toBeNaN();
    expect(() => max(zeros([2, 0]), 1)).toThrow(/^max: cannot reduce an empty dimension \(input shape \[2,0\]\)/);
    expect(() => argmin(zeros([0]))).toThrow(/^argmin: cannot reduce an empty dimension/);
    expect(min(zeros([0, 3]), 1).shape).toEqual([0]);
  });

  it('var uses Bessel correction by default and accepts correction 0', () => {
    const x = tensor([1, 2, 3, 4], { dtype: 'float64' });
    expect(variance(x).item()).toBeCloseTo(5 / 3, 15);
    expect(variance(x, 0, { correction: 0 }).item()).toBeCloseTo(1.25, 15);
    expect(variance(tensor([5])).item()).toBeNaN();
  });

  it('reduces 0-d tensors to themselves and rejects bad dims naming the op', () => {
    expect(sum(tensor(3)).item()).toBe(3);
    expect(max(tensor(3), 0).item()).toBe(3);
    const x = zeros([2, 3]);
    expect(() => sum(x, [1, -1])).toThrow(/^sum: dim 1 appears more than once in \[1,-1\]/);
    expect(() => mean(x, 2)).toThrow(/^mean: dim 2 is out of range for a 2-D tensor \(expected -2\.\.1\)/);
    expect(() => argmax(x, 0.5)).toThrow(/^argmax: dim must be an integer, got 0\.5/);
    expect(() => sum([1, 2] as never)).toThrow(/^sum: input must be a Tensor/);
  });
});
