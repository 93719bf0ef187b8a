/**
 * Generators and helpers shared by the tensor-layer and autograd tests (they import only src/tensor,
 * so the tensor tests do not depend on the autograd layer): fast-check arbitraries for shapes,
 * mutually broadcastable shapes and reduction dims; seeded value draws away from kinks; a
 * non-contiguous copy of a tensor; an element-wise equality assertion.
 *
 * Value kinds (used by test/opdb.ts to stay away from kinks, far beyond gradcheck's eps = 1e-6):
 *  - 'any' uniform in [-2, 2); 'positive' in [0.5, 2); 'nonzero' |x| in [0.2, 2);
 *  - 'distinct': a shuffled grid with spacing 0.25 plus jitter < 0.05, so every gap is >= 0.2;
 *  - 'halfInteger' k + [0.2, 0.8] and 'nearInteger' k' + [-0.1, 0.1]: any two differ by >= 0.1;
 *  - 'clampSafe': at least 0.05 away from CLAMP_LO = -0.5 and CLAMP_HI = 0.5.
 */
import fc from 'fast-check';
import { fromTypedArray, Generator, Tensor, tensor } from '../../src/tensor/index.js';

export type FloatDType = 'float32' | 'float64';

/** Values away from kinks (see the file header). */
export type ValueKind = 'any' | 'positive' | 'nonzero' | 'distinct' | 'halfInteger' | 'nearInteger' | 'clampSafe';

export function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** n values of the given kind from the generator (float64). */
export function drawValues(gen: Generator, n: number, kind: ValueKind): Float64Array {
  const out = new Float64Array(n);
  if (kind === 'distinct') {
    // A shuffled grid with spacing 0.25 plus jitter in [0, 0.05): every gap is > 0.2.
    const perm = gen.permutation(n);
    for (let i = 0; i < n; i++) out[i] = (perm[i]! - n / 2) * 0.25 + gen.uniform() * 0.05;
    return out;
  }
  for (let i = 0; i < n; i++) {
    const u = gen.uniform();
    switch (kind) {
      case 'any': out[i] = 4 * u - 2; break;
      case 'positive': out[i] = 0.5 + 1.5 * u; break;
      case 'nonzero': out[i] = (gen.uniform() < 0.5 ? -1 : 1) * (0.2 + 1.8 * u); break;
      case 'halfInteger': out[i] = gen.integers(-2, 3) + 0.2 + 0.6 * u; break;
      case 'nearInteger': out[i] = gen.integers(-2, 3) + 0.2 * u - 0.1; break;
      // Values in [-1.5, -0.55] ∪ [-0.45, 0.45] ∪ [0.55, 1.5].
      case 'clampSafe': {
        const part = gen.integers(0, 3);
        out[i] = part === 0 ? -1.5 + 0.95 * u : part === 1 ? -0.45 + 0.9 * u : 0.55 + 0.95 * u;
        break;
      }
    }
  }
  return out;
}
export const CLAMP_LO = -0.5;
export const CLAMP_HI = 0.5;

/** A contiguous tensor of `dtype` holding `values` (rounded once for float32). */
export function tensorOf(values: Float64Array, shape: readonly number[], dtype: FloatDType): Tensor {
  return tensor(values, { dtype, shape });
}

/** Shapes of rank minRank..maxRank with sizes minDim..maxDim. */
export function shapeArb(options: { minRank?: number; maxRank?: number; minDim?: number; maxDim?: number } = {}): fc.Arbitrary<number[]> {
  const { minRank = 0, maxRank = 3, minDim = 1, maxDim = 4 } = options;
  return fc.array(fc.integer({ min: minDim, max: maxDim }), { minLength: minRank, maxLength: maxRank });
}

/**
 * `count` mutually broadcastable shapes: a common base shape, each operand dropping some leading
 * dims and setting some dims to 1.
 */
export function broadcastShapesArb(count: number, options: { maxRank?: number; maxDim?: number; minDim?: number } = {}): fc.Arbitrary<number[][]> {
  const { maxRank = 3, maxDim = 3, minDim = 1 } = options;
  const operand = fc.record({ drop: fc.nat({ max: maxRank }), ones: fc.array(fc.boolean(), { minLength: maxRank, maxLength: maxRank }) });
  return fc
    .record({ base: shapeArb({ maxRank, maxDim, minDim }), ops: fc.array(operand, { minLength: count, maxLength: count }) })
    .map(({ base, ops }) => ops.map((o) => base.slice(Math.min(o.drop, base.length)).map((d, i) => (o.ones[i] ? 1 : d))));
}

/** A subset of the dims of a rank-r tensor (each possibly given as a negative index), or undefined (all). */
export function dimsArb(rank: number): fc.Arbitrary<number[] | undefined> {
  const dims = Array.from({ length: rank }, (_, d) => d);
  return fc.option(
    fc.subarray(dims).chain((ds) => fc.tuple(...ds.map((d) => fc.constantFrom(d, d - rank))).map((xs) => [...xs] as number[])),
    { nil: undefined },
  );
}

export type Layout = 'gapped' | 'columnMajor';

/**
 * A copy of `t` with the same values in a non-contiguous layout: 'gapped' puts every element at
 * offset 1 + Σ i_d·stride_d with column-major strides that skip every other slot (the gaps hold NaN);
 * 'columnMajor' is the transpose-like layout with no gaps (for matmul's transposed-operand path).
 */
export function scrambledLayout(t: Tensor, layout: Layout = 'gapped'): Tensor {
  const shape = t.shape;
  const strides = new Array<number>(shape.length);
  let acc = layout === 'gapped' ? 2 : 1;
  for (let d = 0; d < shape.length; d++) {
    strides[d] = acc;
    acc *= layout === 'gapped' ? 2 * shape[d]! + 1 : shape[d]!;
  }
  const offset = layout === 'gapped' ? 1 : 0;
  const size = offset + 1 + shape.reduce((s, n, d) => s + Math.max(n - 1, 0) * strides[d]!, 0);
  const data = t.dtype === 'float64' ? new Float64Array(size) : t.dtype === 'float32' ? new Float32Array(size) : t.dtype === 'int32' ? new Int32Array(size) : new Uint8Array(size);
  if (layout === 'gapped' && (t.dtype === 'float32' || t.dtype === 'float64')) data.fill(NaN);
  const flat = t.toTypedArray();
  for (let i = 0; i < flat.length; i++) {
    let rem = i;
    let at = offset;
    for (let d = shape.length - 1; d >= 0; d--) {
      at += (rem % shape[d]!) * strides[d]!;
      rem = Math.floor(rem / shape[d]!);
    }
    data[at] = flat[i]!;
  }
  const out = new Tensor(fromTypedArray(data, [size]).storage, [...shape], strides, offset, t.dtype);
  out.requiresGrad = t.requiresGrad;
  return out;
}

/** Asserts two arrays are equal element by element (NaN equals NaN), naming the first difference. */
export function expectSameArray(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  if (actual.length !== expected.length) throw new Error(`${what}: length ${actual.length}, expected ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (!(a === e || (Number.isNaN(a) && Number.isNaN(e)))) throw new Error(`${what}[${i}] = ${a}, expected ${e}`);
  }
}
