/**
 * Shape arithmetic: validation, contiguous strides, dim normalisation and NumPy broadcasting.
 * Every function that can fail takes the calling op's name so that errors read
 * `add: cannot broadcast [3,4] with [5]`.
 */

export type Shape = readonly number[];

export function shapeToString(shape: Shape): string {
  return `[${shape.join(',')}]`;
}

/** Validates a shape (non-negative safe integers) and returns a fresh copy. */
export function checkShape(shape: unknown, op: string, arg = 'shape'): number[] {
  if (!Array.isArray(shape)) throw new TypeError(`${op}: ${arg} must be an array of sizes, got ${describe(shape)}`);
  const out: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    const s: unknown = shape[i];
    if (typeof s !== 'number' || !Number.isSafeInteger(s) || s < 0) {
      throw new RangeError(`${op}: ${arg}[${i}] must be a non-negative integer, got ${describe(s)} in ${describe(shape)}`);
    }
    out.push(s);
  }
  return out;
}

export function describe(x: unknown): string {
  if (Array.isArray(x)) return `[${x.map(describe).join(',')}]`;
  if (typeof x === 'number') return String(x);
  if (typeof x === 'string') return JSON.stringify(x);
  if (x === null || x === undefined) return String(x);
  if (ArrayBuffer.isView(x)) return `${x.constructor.name}(${(x as unknown as { length: number }).length})`;
  return typeof x === 'object' ? (x.constructor?.name ?? 'object') : typeof x;
}

export function numelOf(shape: Shape): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

/** Row-major (C-order) strides of a shape. */
export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = acc;
    acc *= shape[i]!;
  }
  return strides;
}

/** Maps a possibly negative dim into [0, ndim). */
export function normalizeDim(dim: number, ndim: number, op: string, arg = 'dim'): number {
  if (!Number.isInteger(dim)) throw new TypeError(`${op}: ${arg} must be an integer, got ${describe(dim)}`);
  const lo = -Math.max(ndim, 1);
  const hi = Math.max(ndim, 1) - 1;
  if (dim < lo || dim > hi) {
    throw new RangeError(`${op}: ${arg} ${dim} is out of range for a ${ndim}-D tensor (expected ${lo}..${hi})`);
  }
  return dim < 0 ? dim + Math.max(ndim, 1) : dim;
}

/** Normalises a list of dims (or undefined = all dims), sorted ascending, rejecting duplicates. */
export function normalizeDims(dims: number | readonly number[] | undefined, ndim: number, op: string): number[] {
  if (dims === undefined) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof dims === 'number' ? [dims] : dims;
  const out = list.map((d) => normalizeDim(d, ndim, op));
  const sorted = [...out].sort((a, b) => a - b);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i] === sorted[i - 1]) throw new RangeError(`${op}: dim ${sorted[i]} appears more than once in ${describe(list)}`);
  }
  return sorted;
}

/** NumPy broadcasting of two shapes. */
export function broadcastShapes(a: Shape, b: Shape, op: string): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new RangeError(`${op}: cannot broadcast ${shapeToString(a)} with ${shapeToString(b)}`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Strides that read a tensor of `shape`/`strides` as if broadcast to `target` (0 on broadcast dims). */
export function broadcastStrides(shape: Shape, strides: Shape, target: Shape, op: string): number[] {
  const n = target.length;
  const off = n - shape.length;
  if (off < 0) throw new RangeError(`${op}: cannot broadcast ${shapeToString(shape)} to ${shapeToString(target)}`);
  const out = new Array<number>(n).fill(0);
  for (let i = 0; i < shape.length; i++) {
    const s = shape[i]!;
    const t = target[off + i]!;
    if (s === t) out[off + i] = strides[i]!;
    else if (s === 1) out[off + i] = 0;
    else throw new RangeError(`${op}: cannot broadcast ${shapeToString(shape)} to ${shapeToString(target)}`);
  }
  return out;
}

export function sameShape(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * `Array.isArray` as a type guard that keeps the element type: on a `readonly T[]` argument the
 * built-in narrows to `any[]`, which hides every later mistake from the type checker.
 * @example isArray([1, 2]) // true
 */
export function isArray(value: unknown): value is readonly unknown[] {
  return Array.isArray(value);
}
