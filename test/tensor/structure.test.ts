/**
 * Joining, padding and indexing ops against their definitions written as multi-index loops:
 * concat, stack, pad (constant), indexSelect, gather, scatterAdd, indexAdd, oneHot. Random shapes,
 * dims, dtypes (concat promotes) and non-contiguous operands; errors name the op and the problem.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concat, pad, stack } from '../../src/tensor/ops/structure.js';
import { gather, indexAdd, indexSelect, oneHot, scatterAdd } from '../../src/tensor/ops/indexing.js';
import { Generator, tensor, zeros, type Tensor } from '../../src/tensor/index.js';
import { promoteTypes, type DType } from '../../src/tensor/dtype.js';
import { numelOf, ravel, unravel } from '../reference/broadcast.js';
import { expectSameArray, scrambledLayout, shapeArb } from './arbitraries.js';

function randomTensor(gen: Generator, shape: readonly number[], dtype: DType = 'float64'): Tensor {
  const values = Float64Array.from({ length: numelOf(shape) }, () => (dtype === 'float64' || dtype === 'float32' ? gen.uniform() * 4 - 2 : gen.integers(0, 2)));
  return tensor(values, { dtype, shape });
}

function indexTensor(gen: Generator, shape: readonly number[], size: number): Tensor {
  return tensor(Int32Array.from({ length: numelOf(shape) }, () => gen.integers(0, size)), { shape });
}

const maybeScramble = (t: Tensor, s: boolean): Tensor => (s ? scrambledLayout(t) : t);

describe('concat and stack', () => {
  it('concat places each input at its offset along dim (with dtype promotion)', () => {
    fc.assert(
      fc.property(
        shapeArb({ minRank: 1, maxRank: 3, maxDim: 3 }), fc.array(fc.tuple(fc.nat({ max: 3 }), fc.constantFrom<DType>('bool', 'int32', 'float32', 'float64')), { minLength: 1, maxLength: 4 }),
        fc.nat(), fc.nat(), fc.boolean(),
        (shape, parts, pick, seed, scramble) => {
          const gen = new Generator(seed);
          const dim = pick % shape.length;
          const xs = parts.map(([len, dtype]) => randomTensor(gen, shape.map((s, d) => (d === dim ? len : s)), dtype));
          const y = concat(xs.map((x) => maybeScramble(x, scramble)), dim - (pick % 2) * shape.length);
          const total = parts.reduce((acc, [len]) => acc + len, 0);
          const outShape = shape.map((s, d) => (d === dim ? total : s));
          expect(y.shape).toEqual(outShape);
          expect(y.dtype).toBe(parts.map(([, d]) => d).reduce(promoteTypes));
          const expected = Array.from({ length: numelOf(outShape) }, (_, f) => {
            const idx = unravel(f, outShape);
            let j = 0;
            let at = idx[dim]!;
            while (at >= xs[j]!.shape[dim]!) at -= xs[j++]!.shape[dim]!;
            idx[dim] = at;
            return xs[j]!.toTypedArray()[ravel(idx, xs[j]!.shape)]!;
          });
          expectSameArray(y.toTypedArray(), expected, 'concat');
        },
      ),
      { numRuns: 200 },
    );
  });

  it('stack inserts a new dim: out[..., j, ...] = t_j[...]', () => {
    fc.assert(
      fc.property(shapeArb({ maxRank: 3, maxDim: 3 }), fc.integer({ min: 1, max: 3 }), fc.nat(), fc.nat(), fc.boolean(), (shape, count, pick, seed, scramble) => {
        const gen = new Generator(seed);
        const dim = pick % (shape.length + 1);
        const xs = Array.from({ length: count }, () => randomTensor(gen, shape));
        const y = stack(xs.map((x) => maybeScramble(x, scramble)), dim);
        const outShape = [...shape.slice(0, dim), count, ...shape.slice(dim)];
        expect(y.shape).toEqual(outShape);
        const expected = Array.from({ length: numelOf(outShape) }, (_, f) => {
          const idx = unravel(f, outShape);
          const [j] = idx.splice(dim, 1);
          return xs[j!]!.toTypedArray()[ravel(idx, shape)]!;
        });
        expectSameArray(y.toTypedArray(), expected, 'stack');
      }),
      { numRuns: 200 },
    );
  });

  it('errors name the op, the offending tensor and the shapes', () => {
    expect(() => concat([zeros([2, 3]), zeros([2, 4])], 0)).toThrow(/^concat: tensors\[1\] has shape \[2,4\], expected \[2,3\] except in dim 0/);
    expect(() => concat([])).toThrow(/^concat: expected a non-empty list of tensors/);
    expect(() => concat([zeros([2]), 3 as never])).toThrow(/^concat: tensors\[1\] must be a Tensor/);
    expect(() => concat([tensor(1), tensor(2)])).toThrow(/^concat: zero-dimensional tensors cannot be concatenated/);
    expect(() => concat([zeros([2])], 1)).toThrow(/^concat: dim 1 is out of range/);
    expect(() => stack([zeros([2]), zeros([3])])).toThrow(/^stack: tensors\[1\] has shape \[3\], expected \[2\]/);
    expect(stack([tensor(1), tensor(2)]).toArray()).toEqual([1, 2]);
  });
});

describe('pad', () => {
  it('puts x inside a constant frame, pairs counted from the last dim', () => {
    fc.assert(
      fc.property(shapeArb({ minRank: 1, maxRank: 3, maxDim: 3 }), fc.array(fc.nat({ max: 2 }), { maxLength: 6 }), fc.constantFrom(0, -1.5), fc.nat(), fc.boolean(), (shape, raw, value, seed, scramble) => {
        const padding = raw.slice(0, 2 * Math.min(shape.length, Math.floor(raw.length / 2)));
        const x = randomTensor(new Generator(seed), shape);
        const y = pad(maybeScramble(x, scramble), padding, { value });
        const before = shape.map((_, d) => padding[2 * (shape.length - 1 - d)] ?? 0);
        const after = shape.map((_, d) => padding[2 * (shape.length - 1 - d) + 1] ?? 0);
        const outShape = shape.map((s, d) => s + before[d]! + after[d]!);
        expect(y.shape).toEqual(outShape);
        const expected = Array.from({ length: numelOf(outShape) }, (_, f) => {
          const idx = unravel(f, outShape).map((i, d) => i - before[d]!);
          return idx.every((i, d) => i >= 0 && i < shape[d]!) ? x.toTypedArray()[ravel(idx, shape)]! : value;
        });
        expectSameArray(y.toTypedArray(), expected, 'pad');
      }),
      { numRuns: 200 },
    );
  });

  it('rejects bad padding naming the op', () => {
    expect(() => pad(zeros([2]), [1])).toThrow(/^pad: padding must have an even length of at most 2·ndim = 2, got \[1\]/);
    expect(() => pad(zeros([2]), [1, 1, 1, 1])).toThrow(/^pad: padding must have an even length/);
    expect(() => pad(zeros([2]), [1, -1])).toThrow(/^pad: padding\[1\] must be a non-negative integer, got -1/);
    expect(() => pad(zeros([2]), [1, 1], { mode: 'reflect' as never })).toThrow(/^pad: mode must be 'constant', got "reflect"/);
  });
});

describe('indexing', () => {
  const caseArb = shapeArb({ minRank: 1, maxRank: 3, maxDim: 4 }).chain((shape) =>
    fc.record({ shape: fc.constant(shape), dim: fc.nat({ max: shape.length - 1 }), seed: fc.nat(), scramble: fc.boolean(), count: fc.nat({ max: 5 }) }),
  );

  it('indexSelect: out[…, j, …] = x[…, index[j], …]', () => {
    fc.assert(
      fc.property(caseArb, ({ shape, dim, seed, scramble, count }) => {
        const gen = new Generator(seed);
        const x = randomTensor(gen, shape);
        const index = indexTensor(gen, [count], shape[dim]!);
        const y = indexSelect(maybeScramble(x, scramble), dim, maybeScramble(index, scramble));
        const outShape = shape.map((s, d) => (d === dim ? count : s));
        expect(y.shape).toEqual(outShape);
        const idxData = index.toTypedArray();
        const expected = Array.from({ length: numelOf(outShape) }, (_, f) => {
          const idx = unravel(f, outShape);
          idx[dim] = idxData[idx[dim]!]!;
          return x.toTypedArray()[ravel(idx, shape)]!;
        });
        expectSameArray(y.toTypedArray(), expected, 'indexSelect');
      }),
      { numRuns: 200 },
    );
  });

  it('gather: out[i] = x[i with i_dim = index[i]]; scatterAdd adds src back at the same places', () => {
    fc.assert(
      fc.property(caseArb, fc.array(fc.nat({ max: 4 }), { minLength: 3, maxLength: 3 }), ({ shape, dim, seed, scramble }, sizes) => {
        const gen = new Generator(seed);
        const x = randomTensor(gen, shape);
        const ishape = shape.map((s, d) => (d === dim ? sizes[d]! : Math.min(s, sizes[d]!)));
        const index = indexTensor(gen, ishape, shape[dim]!);
        const y = gather(maybeScramble(x, scramble), dim, maybeScramble(index, scramble));
        expect(y.shape).toEqual(ishape);
        const idxData = index.toTypedArray();
        const xData = x.toTypedArray();
        const expected = Array.from({ length: numelOf(ishape) }, (_, f) => {
          const idx = unravel(f, ishape);
          idx[dim] = idxData[f]!;
          return xData[ravel(idx, shape)]!;
        });
        expectSameArray(y.toTypedArray(), expected, 'gather');

        const base = randomTensor(gen, shape);
        const baseBefore = Array.from(base.toTypedArray());
        const src = randomTensor(gen, ishape);
        const z = scatterAdd(maybeScramble(base, scramble), dim, index, maybeScramble(src, scramble));
        const want = Float64Array.from(base.toTypedArray());
        const srcData = src.toTypedArray();
        for (let f = 0; f < numelOf(ishape); f++) {
          const idx = unravel(f, ishape);
          idx[dim] = idxData[f]!;
          const at = ravel(idx, shape);
          want[at] = want[at]! + srcData[f]!;
        }
        expectSameArray(z.toTypedArray(), want, 'scatterAdd');
        expect(Array.from(base.toTypedArray())).toEqual(baseBefore);
      }),
      { numRuns: 200 },
    );
  });

  it('indexAdd: out[…, index[j], …] += src[…, j, …], repeated indices accumulate in order', () => {
    fc.assert(
      fc.property(caseArb, ({ shape, dim, seed, scramble, count }) => {
        const gen = new Generator(seed);
        const base = randomTensor(gen, shape);
        const index = indexTensor(gen, [count], shape[dim]!);
        const srcShape = shape.map((s, d) => (d === dim ? count : s));
        const src = randomTensor(gen, srcShape);
        const y = indexAdd(maybeScramble(base, scramble), dim, index, maybeScramble(src, scramble));
        const want = Float64Array.from(base.toTypedArray());
        const idxData = index.toTypedArray();
        const srcData = src.toTypedArray();
        for (let f = 0; f < numelOf(srcShape); f++) {
          const idx = unravel(f, srcShape);
          idx[dim] = idxData[idx[dim]!]!;
          const at = ravel(idx, shape);
          want[at] = want[at]! + srcData[f]!;
        }
        expectSameArray(y.toTypedArray(), want, 'indexAdd');
      }),
      { numRuns: 200 },
    );
  });

  it('oneHot: out[…, c] = (labels[…] == c)', () => {
    fc.assert(
      fc.property(shapeArb({ maxRank: 3 }), fc.integer({ min: 1, max: 5 }), fc.nat(), fc.boolean(), (shape, classes, seed, scramble) => {
        const labels = indexTensor(new Generator(seed), shape, classes);
        const y = oneHot(maybeScramble(labels, scramble), classes);
        expect(y.shape).toEqual([...shape, classes]);
        expect(y.dtype).toBe('float32');
        const l = labels.toTypedArray();
        expectSameArray(y.toTypedArray(), Array.from({ length: l.length * classes }, (_, f) => +(l[Math.floor(f / classes)] === f % classes)), 'oneHot');
      }),
      { numRuns: 100 },
    );
    expect(oneHot(tensor(new Int32Array([1])), 2, { dtype: 'int32' }).dtype).toBe('int32');
  });

  it('bounds-checks indices and validates arguments, naming the op', () => {
    const x = zeros([2, 3]);
    const idx = (v: number[], shape = [v.length]): Tensor => tensor(Int32Array.from(v), { shape });
    expect(() => indexSelect(x, 1, idx([0, 3]))).toThrow(/^indexSelect: index 3 is out of bounds for dimension of size 3/);
    expect(() => indexSelect(x, 1, tensor([0]))).toThrow(/^indexSelect: index must have dtype int32, got float32/);
    expect(() => indexSelect(x, 1, idx([0, 1], [1, 2]))).toThrow(/^indexSelect: index must be 0-D or 1-D, got shape \[1,2\]/);
    expect(() => gather(x, 0, idx([5], [1, 1]))).toThrow(/^gather: index 5 is out of bounds for dimension of size 2/);
    expect(() => gather(x, 0, idx([0]))).toThrow(/^gather: index must have the same number of dims as input, got \[1\] for \[2,3\]/);
    expect(() => gather(x, 0, idx([0, 0, 0, 0], [1, 4]))).toThrow(/^gather: index shape \[1,4\] exceeds input shape \[2,3\] in dim 1/);
    expect(() => scatterAdd(x, 0, idx([0], [1, 1]), zeros([1]))).toThrow(/^scatterAdd: src shape \[1\] must cover index shape \[1,1\]/);
    expect(() => indexAdd(x, 0, idx([0]), zeros([2, 3]))).toThrow(/^indexAdd: source shape \[2,3\] must be \[1,3\]/);
    expect(() => oneHot(idx([0, 3]), 3)).toThrow(/^oneHot: label 3 at position 1 is outside \[0, 3\)/);
    expect(() => oneHot(idx([0]), 0)).toThrow(/^oneHot: numClasses must be a positive integer, got 0/);
    expect(() => oneHot(tensor([0]), 2)).toThrow(/^oneHot: index must have dtype int32, got float32/);
  });
});
