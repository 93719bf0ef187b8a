/**
 * `matmul` (torch.matmul semantics) against a naive triple loop with explicit batch broadcasting:
 * 1-D·1-D, 1-D·2-D, 2-D·1-D, 2-D·2-D, batched with broadcast batch dims, 1-D against batched;
 * operands given as transposed views, gapped non-contiguous layouts and slices; float32, float64,
 * int32 and mixed dtypes; sizes small (plain loop) and large enough for the blocked GEMM.
 *
 * Exactness: the GEMM contract (src/tensor/kernels/matmul.ts) sums each element in a float64 local in
 * ascending p from +0 and rounds once on store, so the reference (same order, float64) rounded to the
 * result dtype must match BIT FOR BIT, whatever the layout of the operands.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kernelsMode } from '../../src/tensor/wasm/support.js';
import { simdGemmTolerance } from '../tolerances.js';
import { matmul } from '../../src/tensor/ops/matmul.js';
import { Generator, slice, tensor, transpose, zeros, type Tensor } from '../../src/tensor/index.js';
import { promoteTypes, type DType } from '../../src/tensor/dtype.js';
import { broadcastShape, numelOf, ravel, unravel } from '../reference/broadcast.js';
import { broadcastShapesArb, expectSameArray, scrambledLayout } from './arbitraries.js';

/** torch.matmul by definition: promote 1-D operands, broadcast batch dims, Σ_p in ascending order. */
function naiveMatmul(a: { data: ArrayLike<number>; shape: number[] }, b: { data: ArrayLike<number>; shape: number[] }): { data: Float64Array; shape: number[] } {
  const as = a.shape.length === 1 ? [1, a.shape[0]!] : a.shape;
  const bs = b.shape.length === 1 ? [b.shape[0]!, 1] : b.shape;
  const [m, k] = as.slice(-2) as [number, number];
  const n = bs[bs.length - 1]!;
  const batch = broadcastShape(as.slice(0, -2), bs.slice(0, -2))!;
  const out = new Float64Array(numelOf(batch) * m * n);
  const read = (data: ArrayLike<number>, shape: readonly number[], bIdx: number[], i: number, j: number): number => {
    const lead = batch.length - (shape.length - 2);
    const idx = shape.slice(0, -2).map((s, d) => (s === 1 ? 0 : bIdx[lead + d]!));
    return data[ravel([...idx, i, j], shape)]!;
  };
  for (let t = 0; t < numelOf(batch); t++) {
    const bIdx = unravel(t, batch);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let p = 0; p < k; p++) acc += read(a.data, as, bIdx, i, p) * read(b.data, bs, bIdx, p, j);
      out[(t * m + i) * n + j] = acc;
    }
  }
  const shape = [...batch];
  if (a.shape.length !== 1) shape.push(m);
  if (b.shape.length !== 1) shape.push(n);
  return { data: out, shape };
}

function roundTo(dtype: DType, v: number): number {
  return dtype === 'float32' ? Math.fround(v) : dtype === 'int32' ? v | 0 : v;
}

function randomTensor(gen: Generator, shape: readonly number[], dtype: DType): Tensor {
  const n = numelOf(shape);
  const values = Float64Array.from({ length: n }, () => (dtype === 'int32' ? gen.integers(-4, 5) : gen.uniform() * 2 - 1));
  return tensor(values, { dtype, shape });
}

type Layout = 'plain' | 'transposed' | 'gapped' | 'columnMajor';

/** The same values as `t` presented in `layout` (a transposed view of a transposed copy, etc.). */
function presented(t: Tensor, layout: Layout): Tensor {
  if (layout === 'plain' || (layout === 'transposed' && t.ndim < 2)) return t;
  if (layout === 'transposed') return transpose(tensor(transpose(t, -1, -2)), -1, -2);
  return scrambledLayout(t, layout);
}

const KINDS = ['1x1', '2x1', '1x2', '2x2', 'batched', '1xbatched', 'batchedx1'] as const;

function shapesFor(kind: (typeof KINDS)[number], m: number, k: number, n: number, ba: number[], bb: number[]): [number[], number[]] {
  switch (kind) {
    case '1x1': return [[k], [k]];
    case '2x1': return [[m, k], [k]];
    case '1x2': return [[k], [k, n]];
    case '2x2': return [[m, k], [k, n]];
    case 'batched': return [[...ba, m, k], [...bb, k, n]];
    case '1xbatched': return [[k], [...bb, k, n]];
    case 'batchedx1': return [[...ba, m, k], [k]];
  }
}

const layoutArb = fc.constantFrom<Layout>('plain', 'transposed', 'gapped', 'columnMajor');

describe('matmul vs the naive definition', () => {
  it('agrees bit for bit over shapes, batch broadcasting, layouts and dtypes', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...KINDS), fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 4 }),
        broadcastShapesArb(2, { maxRank: 3, maxDim: 3 }), layoutArb, layoutArb,
        fc.constantFrom<DType>('float32', 'float64', 'int32'), fc.constantFrom<DType>('float32', 'float64', 'int32'), fc.nat(),
        (kind, m, k, n, [ba, bb], la, lb, da, db, seed) => {
          const [sa, sb] = shapesFor(kind, m, k, n, ba!, bb!);
          const gen = new Generator(seed);
          const a = randomTensor(gen, sa, da);
          const b = randomTensor(gen, sb, db);
          const y = matmul(presented(a, la), presented(b, lb));
          const dtype = promoteTypes(da, db);
          const ref = naiveMatmul({ data: a.toTypedArray(), shape: sa }, { data: b.toTypedArray(), shape: sb });
          expect(y.dtype).toBe(dtype);
          expect(y.shape).toEqual(ref.shape);
          expectSameArray(y.toTypedArray(), Array.from(ref.data, (v) => roundTo(dtype, v)), `matmul ${kind} ${JSON.stringify(sa)}x${JSON.stringify(sb)}`);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('agrees bit for bit on sizes that take the blocked GEMM path, with transposed operands (within the SIMD bound for float32 when SIMD is on)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 17, max: 40 }), fc.integer({ min: 17, max: 40 }), fc.integer({ min: 17, max: 40 }), layoutArb, layoutArb, fc.constantFrom<DType>('float32', 'float64'), fc.nat(), (m, k, n, la, lb, dtype, seed) => {
        const gen = new Generator(seed);
        const a = randomTensor(gen, [2, m, k], dtype);
        const b = randomTensor(gen, [k, n], dtype);
        const y = matmul(presented(a, la), presented(b, lb));
        const ref = naiveMatmul({ data: a.toTypedArray(), shape: [2, m, k] }, { data: b.toTypedArray(), shape: [k, n] });
        if (dtype === 'float32' && kernelsMode() === 'simd') {
          // The SIMD sgemm accumulates in float32: within the bound of test/tolerances.ts.
          const abs = (t: ArrayLike<number>): Float64Array => Float64Array.from(t, Math.abs);
          const mag = naiveMatmul({ data: abs(a.toTypedArray()), shape: [2, m, k] }, { data: abs(b.toTypedArray()), shape: [k, n] });
          const got = y.toTypedArray();
          for (let i = 0; i < got.length; i++) expect(Math.abs(got[i]! - ref.data[i]!)).toBeLessThanOrEqual(simdGemmTolerance(k, mag.data[i]!));
          return;
        }
        expectSameArray(y.toTypedArray(), Array.from(ref.data, (v) => roundTo(dtype, v)), 'blocked matmul');
      }),
      { numRuns: 12 },
    );
  });

  it('reads sliced (strided, offset) operands directly', () => {
    const gen = new Generator(5);
    const a = randomTensor(gen, [6, 6], 'float64');
    const b = randomTensor(gen, [5, 7], 'float64');
    const as = slice(slice(a, 0, 1, 6, 2), 1, 1);
    const bs = slice(b, 1, 2, 7, 2);
    const ref = naiveMatmul({ data: as.toTypedArray(), shape: [...as.shape] }, { data: bs.toTypedArray(), shape: [...bs.shape] });
    expectSameArray(matmul(as, bs).toTypedArray(), ref.data, 'sliced matmul');
  });

  it('empty inner dim gives zeros, empty outer dims give empty results', () => {
    expect(Array.from(matmul(zeros([2, 0]), zeros([0, 3])).toTypedArray())).toEqual([0, 0, 0, 0, 0, 0]);
    expect(matmul(zeros([0, 2]), zeros([2, 3])).shape).toEqual([0, 3]);
    expect(matmul(zeros([3]), zeros([3])).shape).toEqual([]);
  });

  it('errors name the op and both shapes', () => {
    expect(() => matmul(zeros([2, 3]), zeros([4, 5]))).toThrow(/^matmul: shapes \[2,3\] and \[4,5\] cannot be multiplied \(2x3 and 4x5\)/);
    expect(() => matmul(zeros([3]), zeros([4]))).toThrow(/^matmul: shapes \[3\] and \[4\] cannot be multiplied/);
    expect(() => matmul(zeros([2, 2, 3]), zeros([3, 3, 1]))).toThrow(/^matmul: cannot broadcast \[2\] with \[3\]/);
    expect(() => matmul(tensor(1), zeros([2]))).toThrow(/^matmul: both arguments need at least 1 dim, got shapes \[\] and \[2\]/);
    expect(() => matmul(zeros([2]), [1, 2] as never)).toThrow(/^matmul: both operands must be Tensors/);
  });
});
