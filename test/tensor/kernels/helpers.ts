/** Shared helpers of the kernel tests: seeded random arrays and tolerance-aware comparison. */
import { Generator } from '../../../src/tensor/random.js';
import { kernelsMode } from '../../../src/tensor/wasm/support.js';
import { simdGemmTolerance } from '../../tolerances.js';
import type { FloatArray } from '../../../src/tensor/dtype.js';
import { SUM_ABS_RTOL, rtolFor } from '../../tolerances.js';

export type FloatDTypeName = 'float32' | 'float64';
export const DTYPES: readonly FloatDTypeName[] = ['float32', 'float64'];

/** n uniforms in [lo, hi) from a seeded generator, stored in the dtype's array (float32 rounds). */
export function randomArray(gen: Generator, dtype: FloatDTypeName, n: number, lo = -1, hi = 1): FloatArray {
  const values = gen.uniformArray(n, lo, hi);
  return dtype === 'float32' ? Float32Array.from(values) : values;
}

export function makeArray(dtype: FloatDTypeName, n: number): FloatArray {
  return dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
}

export function absOf(a: ArrayLike<number>): Float64Array {
  return Float64Array.from(a, Math.abs);
}

/**
 * Asserts |actual − expected| ≤ rtol·|expected| + SUM_ABS_RTOL·magnitude + atol elementwise
 * (magnitude = Σ|terms| of each element, atol = an explicit per-element absolute bound; both default
 * to 0), naming the first failing index. Equal infinities
 * and NaN-with-NaN count as equal.
 */
export function expectAllClose(
  actual: ArrayLike<number>, expected: ArrayLike<number>, dtype: FloatDTypeName,
  options: { magnitude?: ArrayLike<number>; atol?: ArrayLike<number>; rtol?: number; what?: string } = {},
): void {
  const rtol = options.rtol ?? rtolFor(dtype);
  if (actual.length < expected.length) throw new Error(`${options.what ?? 'result'}: length ${actual.length} < ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!, e = expected[i]!;
    if (Object.is(a, e) || a === e || (Number.isNaN(a) && Number.isNaN(e))) continue;
    const tol = rtol * Math.abs(e) + SUM_ABS_RTOL * (options.magnitude?.[i] ?? 0) + (options.atol?.[i] ?? 0);
    if (!(Math.abs(a - e) <= tol)) {
      throw new Error(`${options.what ?? 'result'}[${i}] = ${a}, expected ${e} (|diff| ${Math.abs(a - e)} > tol ${tol})`);
    }
  }
}

/** Asserts exact (bitwise for numbers, NaN = NaN) equality, naming the first differing index. */
export function expectExactlyEqual(actual: ArrayLike<number>, expected: ArrayLike<number>, what = 'result'): void {
  if (actual.length !== expected.length) throw new Error(`${what}: length ${actual.length} !== ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) throw new Error(`${what}[${i}] = ${actual[i]}, expected exactly ${expected[i]}`);
  }
}

/** float64 inner product Σ a_i·b_i in index order. */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Rounds a float64 reference to the dtype (what a single rounding on store gives). */
export function roundTo(dtype: FloatDTypeName, a: Float64Array): FloatArray {
  return dtype === 'float32' ? Float32Array.from(a) : a;
}

export { Generator };

/**
 * Extra per-element absolute tolerance of the float32 SIMD path (see test/tolerances.ts): null when
 * the JavaScript kernels (float64 accumulation) run, i.e. for float64 data or PQKD_KERNELS=js.
 * `k` is the length of the longest float32 sum the GEMMs form for one output element.
 */
export function simdAtol(dtype: FloatDTypeName, magnitude: ArrayLike<number>, k: number): Float64Array | undefined {
  if (dtype !== 'float32' || kernelsMode() !== 'simd') return undefined;
  return Float64Array.from(magnitude, (m) => simdGemmTolerance(k, m));
}

/** A float array of values.length + extra elements: the values, then `tail` (kernels accept longer buffers). */
export function padded(dtype: FloatDTypeName, values: ArrayLike<number>, extra: number, tail: number): FloatArray {
  const a = makeArray(dtype, values.length + extra).fill(tail);
  a.set(values);
  return a;
}

/** Throws unless a[from..] all equal `value` (Object.is: a buffer's tail that a kernel must not write). */
export function expectTail(a: ArrayLike<number>, from: number, value: number, what: string): void {
  for (let i = from; i < a.length; i++) if (!Object.is(a[i], value)) throw new Error(`${what}[${i}] = ${a[i]}, the tail must stay ${value}`);
}

/** `fn` must throw an instance of `type` whose message is exactly `message` (the ops tests' helper). */
export { expectError as expectThrowWith } from '../../autograd/ops/expect-error.js';
