/**
 * Data types and the promotion rule.
 *
 * | dtype     | storage        | notes                                             |
 * |-----------|----------------|---------------------------------------------------|
 * | float32   | Float32Array   | the default for tensors, modules and training     |
 * | float64   | Float64Array   | gradcheck, golden fixtures, photonics             |
 * | int32     | Int32Array     | indices, labels, counts                           |
 * | bool      | Uint8Array     | 0/1 masks from comparisons                        |
 *
 * Promotion (binary ops, `where`, `concat`): the result is the higher of the two in the order
 * bool < int32 < float32 < float64, as in PyTorch for these four types. A plain JS number operand
 * takes the tensor's dtype, except that a non-integer number with an int32/bool tensor gives float32
 * (PyTorch's default float dtype).
 * Arithmetic in every kernel runs in float64 locals and rounds once on store.
 */

export type DType = 'float32' | 'float64' | 'int32' | 'bool';
export type FloatDType = 'float32' | 'float64';
export const DEFAULT_DTYPE: DType = 'float32';
export const DTYPES: readonly DType[] = ['bool', 'int32', 'float32', 'float64'];

export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;
export type FloatArray = Float32Array | Float64Array;

/**
 * True when the array's memory is a SharedArrayBuffer (worker threads see it without a copy).
 *
 * @example
 * isSharedArray(new Float32Array(new SharedArrayBuffer(16))); // true
 */
export function isSharedArray(a: TypedArray): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && a.buffer instanceof SharedArrayBuffer;
}

export interface DTypeToArray {
  float32: Float32Array;
  float64: Float64Array;
  int32: Int32Array;
  bool: Uint8Array;
}

const RANK: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };

export function isDType(x: unknown): x is DType {
  return x === 'float32' || x === 'float64' || x === 'int32' || x === 'bool';
}

export function checkDType(x: unknown, op: string, arg = 'dtype'): DType {
  if (!isDType(x)) throw new TypeError(`${op}: ${arg} must be one of ${DTYPES.join(', ')}, got ${JSON.stringify(x)}`);
  return x;
}

export function isFloatDType(d: DType): d is FloatDType {
  return d === 'float32' || d === 'float64';
}

/** The promoted dtype of two tensor operands. */
export function promoteTypes(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

/** The dtype a tensor of dtype `d` takes when combined with the JS number `x`. */
export function promoteWithScalar(d: DType, x: number): DType {
  if (isFloatDType(d)) return d;
  return Number.isInteger(x) ? (d === 'bool' ? 'int32' : d) : 'float32';
}

/** The dtype of the elements of a typed array. */
export function dtypeOfArray(a: TypedArray): DType {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Int32Array) return 'int32';
  if (a instanceof Uint8Array) return 'bool';
  throw new TypeError(`dtypeOfArray: unsupported typed array ${(a as object).constructor?.name}`);
}

export function bytesPerElement(d: DType): number {
  return d === 'float64' ? 8 : d === 'bool' ? 1 : 4;
}
