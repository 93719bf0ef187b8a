/**
 * Naive references for shapes, strided reads and NumPy broadcasting (test oracle; never exported from
 * src). Written from the definitions with explicit multi-indices, independently of src/tensor:
 *  - a row-major array of shape S stores element (i_0, …, i_{k−1}) at Σ_d i_d · Π_{e>d} S_e;
 *  - a strided view (data, shape, strides, offset) stores it at offset + Σ_d i_d · strides_d;
 *  - broadcasting aligns shapes at the right; a dim of size 1 (or a missing leading dim) repeats.
 * Everything is one element at a time, O(numel · ndim): slow and obviously right.
 */

/** A row-major array with its shape. */
export interface Dense {
  data: ArrayLike<number>;
  shape: readonly number[];
}

/** A strided view over a flat array. */
export interface StridedView extends Dense {
  strides: readonly number[];
  offset: number;
}

export function numelOf(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

/** The multi-index of flat position `flat` in a row-major array of `shape`. */
export function unravel(flat: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length).fill(0);
  let rem = flat;
  for (let d = shape.length - 1; d >= 0; d--) {
    const s = shape[d]!;
    idx[d] = rem % s;
    rem = Math.floor(rem / s);
  }
  return idx;
}

/** The row-major flat position of multi-index `idx` in `shape`. */
export function ravel(idx: readonly number[], shape: readonly number[]): number {
  let flat = 0;
  for (let d = 0; d < shape.length; d++) flat = flat * shape[d]! + idx[d]!;
  return flat;
}

/** Reads a strided view element by element into a row-major Float64Array. */
export function readStrided(view: StridedView): Float64Array {
  const n = numelOf(view.shape);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const idx = unravel(i, view.shape);
    let at = view.offset;
    for (let d = 0; d < idx.length; d++) at += idx[d]! * view.strides[d]!;
    out[i] = view.data[at]!;
  }
  return out;
}

/** The broadcast shape of `a` and `b`, or null when they are incompatible. */
export function broadcastShape(a: readonly number[], b: readonly number[]): number[] | null {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)]!;
    const db = i < n - b.length ? 1 : b[i - (n - b.length)]!;
    if (da !== db && da !== 1 && db !== 1) return null;
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** Element of `x` that broadcasting reads at output multi-index `outIdx`. */
export function broadcastRead(x: Dense, outIdx: readonly number[]): number {
  const lead = outIdx.length - x.shape.length;
  const idx = x.shape.map((s, d) => (s === 1 ? 0 : outIdx[lead + d]!));
  return x.data[ravel(idx, x.shape)]!;
}

/** out[i] = f(a[i], b[i]) with broadcasting, by explicit multi-index loops (float64 results). */
export function naiveBinary(f: (a: number, b: number) => number, a: Dense, b: Dense): { data: Float64Array; shape: number[] } {
  const shape = broadcastShape(a.shape, b.shape);
  if (shape === null) throw new Error(`naiveBinary: shapes [${a.shape}] and [${b.shape}] do not broadcast`);
  const n = numelOf(shape);
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const idx = unravel(i, shape);
    data[i] = f(broadcastRead(a, idx), broadcastRead(b, idx));
  }
  return { data, shape };
}

/** out[i] = f(c[i], a[i], b[i]) with three-way broadcasting. */
export function naiveTernary(
  f: (c: number, a: number, b: number) => number, c: Dense, a: Dense, b: Dense,
): { data: Float64Array; shape: number[] } {
  const ab = broadcastShape(a.shape, b.shape);
  const shape = ab === null ? null : broadcastShape(c.shape, ab);
  if (shape === null) throw new Error('naiveTernary: shapes do not broadcast');
  const n = numelOf(shape);
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const idx = unravel(i, shape);
    data[i] = f(broadcastRead(c, idx), broadcastRead(a, idx), broadcastRead(b, idx));
  }
  return { data, shape };
}
