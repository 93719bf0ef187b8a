/**
 * Tensor creation: from data, constant fills, ranges, identity, and random fills from an explicit
 * `Generator` (there is no global RNG).
 *
 * `tensor(data)` follows `torch.tensor` except for the default dtype: JS numbers become float32 (the
 * engine's default) unless `dtype` is given; booleans become bool; a Float64Array/Int32Array keeps
 * its dtype; other typed arrays (e.g. Uint8Array image bytes) become float32. Data is always copied.
 * `fromTypedArray(data, shape)` wraps without copying.
 */
import { checkDType, DEFAULT_DTYPE, dtypeOfArray, type DType, type TypedArray } from './dtype.js';
import { typed } from './dispatch.js';
import type { Generator } from './random.js';
import { checkShape, describe, numelOf, shapeToString } from './shape.js';
import { allocate } from './storage.js';
import { Tensor, type NestedArray } from './tensor.js';

export interface CreateOptions {
  dtype?: DType;
}
export interface TensorOptions extends CreateOptions {
  /** Shape for flat data (a typed array or a flat list); must match its length. */
  shape?: readonly number[];
}
export interface RandomOptions extends CreateOptions {
  generator: Generator;
}

function dtypeOption(opts: CreateOptions | undefined, fallback: DType, op: string): DType {
  return opts?.dtype === undefined ? fallback : checkDType(opts.dtype, op, 'options.dtype');
}

function inferNested(data: NestedArray, op: string): { shape: number[]; flat: number[]; allBool: boolean } {
  const shape: number[] = [];
  let probe: NestedArray = data;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    if (probe.length === 0) break;
    probe = probe[0]!;
  }
  const flat: number[] = [];
  let sawBool = false;
  let sawNumber = false;
  const walk = (x: NestedArray, dim: number, path: string): void => {
    if (dim === shape.length) {
      if (typeof x === 'boolean') {
        sawBool = true;
        flat.push(x ? 1 : 0);
      } else if (typeof x === 'number') {
        sawNumber = true;
        flat.push(x);
      } else throw new TypeError(`${op}: expected a number at ${path}, got ${describe(x)}`);
      return;
    }
    if (!Array.isArray(x) || x.length !== shape[dim]) {
      throw new RangeError(`${op}: ragged nested array: ${path} should be a list of length ${shape[dim]}, got ${describe(x)}`);
    }
    for (let i = 0; i < x.length; i++) walk(x[i]!, dim + 1, `${path}[${i}]`);
  };
  walk(data, 0, 'data');
  // Only all-boolean data is bool; booleans mixed with numbers read as 0/1 numbers (no lossy cast).
  return { shape, flat, allBool: sawBool && !sawNumber };
}

function fromFlat(values: ArrayLike<number>, shape: readonly number[], dtype: DType): Tensor {
  const out = allocate(dtype, values.length);
  if (dtype === 'bool') for (let i = 0; i < values.length; i++) out[i] = values[i] ? 1 : 0;
  else out.set(values);
  return Tensor.fromData(out, shape, dtype);
}

function reshapeFlat(t: Tensor, opts: TensorOptions | undefined, op: string): Tensor {
  if (opts?.shape === undefined) return t;
  const shape = checkShape(opts.shape, op, 'options.shape');
  if (numelOf(shape) !== t.numel()) {
    throw new RangeError(`${op}: options.shape ${shapeToString(shape)} needs ${numelOf(shape)} elements, data has ${t.numel()}`);
  }
  return Tensor.fromData(t.data, shape, t.dtype);
}

function tensorFromTyped(data: TypedArray | ArrayLike<number>, opts: TensorOptions | undefined, op: string): Tensor {
  const natural: DType =
    data instanceof Float32Array || data instanceof Float64Array || data instanceof Int32Array
      ? dtypeOfArray(data)
      : DEFAULT_DTYPE;
  const t = fromFlat(data, [data.length], dtypeOption(opts, natural, op));
  return reshapeFlat(t, opts, op);
}

function tensorFromNested(data: NestedArray, opts: TensorOptions | undefined): Tensor {
  const { shape, flat, allBool } = inferNested(data, 'tensor');
  const t = fromFlat(flat, shape, dtypeOption(opts, allBool ? 'bool' : DEFAULT_DTYPE, 'tensor'));
  return shape.length === 1 ? reshapeFlat(t, opts, 'tensor') : t;
}

function tensorFromTensor(data: Tensor, opts: TensorOptions | undefined): Tensor {
  const t = fromFlat(data.toTypedArray(), data.shape, dtypeOption(opts, data.dtype, 'tensor'));
  return reshapeFlat(t, opts, 'tensor');
}

type TensorFn = (data: NestedArray | TypedArray | Tensor, options?: TensorOptions) => Tensor;

/**
 * A new tensor holding a copy of `data` (a number, boolean, nested array, typed array or tensor).
 * @example tensor([[1, 2], [3, 4]]).shape // [2, 2], dtype float32
 */
export const tensor: TensorFn = typed('tensor', {
  number: (x: number) => fromFlat([x], [], DEFAULT_DTYPE),
  'number, Object': (x: number, o: TensorOptions) => fromFlat([x], [], dtypeOption(o, DEFAULT_DTYPE, 'tensor')),
  boolean: (x: boolean) => fromFlat([x ? 1 : 0], [], 'bool'),
  'boolean, Object': (x: boolean, o: TensorOptions) => fromFlat([x ? 1 : 0], [], dtypeOption(o, 'bool', 'tensor')),
  Array: (x: NestedArray) => tensorFromNested(x, undefined),
  'Array, Object': (x: NestedArray, o: TensorOptions) => tensorFromNested(x, o),
  TypedArray: (x: TypedArray) => tensorFromTyped(x, undefined, 'tensor'),
  'TypedArray, Object': (x: TypedArray, o: TensorOptions) => tensorFromTyped(x, o, 'tensor'),
  Tensor: (x: Tensor) => tensorFromTensor(x, undefined),
  'Tensor, Object': (x: Tensor, o: TensorOptions) => tensorFromTensor(x, o),
}) as TensorFn;

/**
 * Wraps a typed array without copying (its dtype follows the array: Uint8Array is bool).
 * @example fromTypedArray(new Float32Array(6), [2, 3]).shape // [2, 3]
 */
export function fromTypedArray(data: TypedArray, shape: readonly number[]): Tensor {
  return Tensor.fromData(data, checkShape(shape, 'fromTypedArray'), dtypeOfArray(data));
}

/**
 * A tensor filled with `value`.
 * @example full([2, 2], 7).toArray() // [[7, 7], [7, 7]]
 */
export function full(shape: readonly number[], value: number, options?: CreateOptions): Tensor {
  const s = checkShape(shape, 'full');
  const dtype = dtypeOption(options, DEFAULT_DTYPE, 'full');
  const data = allocate(dtype, numelOf(s));
  if (value !== 0) data.fill(dtype === 'bool' ? (value ? 1 : 0) : value);
  return Tensor.fromData(data, s, dtype);
}

type ShapeFactory = {
  (shape: readonly number[], options?: CreateOptions): Tensor;
  (...dims: number[]): Tensor;
};

function shapeFactory(name: string, value: number): ShapeFactory {
  return typed(name, {
    Array: (s: number[]) => full(checkShape(s, name), value),
    'Array, Object': (s: number[], o: CreateOptions) => full(checkShape(s, name), value, o),
    '...number': (dims: number[]) => full(checkShape(dims, name), value),
  }) as ShapeFactory;
}

/** @example zeros([2, 3]).shape // [2, 3]; zeros(2, 3) is the same */
export const zeros: ShapeFactory = shapeFactory('zeros', 0);
/** @example ones(3).toArray() // [1, 1, 1] */
export const ones: ShapeFactory = shapeFactory('ones', 1);

/** @example zerosLike(ones([2])).toArray() // [0, 0] */
export function zerosLike(t: Tensor, options?: CreateOptions): Tensor {
  return full(t.shape, 0, { dtype: options?.dtype ?? t.dtype });
}
/** @example onesLike(zeros([2])).toArray() // [1, 1] */
export function onesLike(t: Tensor, options?: CreateOptions): Tensor {
  return full(t.shape, 1, { dtype: options?.dtype ?? t.dtype });
}
/** @example fullLike(zeros([2]), 3).toArray() // [3, 3] */
export function fullLike(t: Tensor, value: number, options?: CreateOptions): Tensor {
  return full(t.shape, value, { dtype: options?.dtype ?? t.dtype });
}

/**
 * Values start, start+step, … below end (`torch.arange`); int32 when all arguments are integers.
 * @example arange(0, 5, 2).toArray() // [0, 2, 4]
 */
export function arange(start: number, end?: number, step = 1, options?: CreateOptions): Tensor {
  if (end === undefined) [start, end] = [0, start];
  for (const [k, v] of [['start', start], ['end', end], ['step', step]] as const) {
    if (!Number.isFinite(v)) throw new RangeError(`arange: ${k} must be finite, got ${v}`);
  }
  if (step === 0) throw new RangeError('arange: step must be non-zero');
  const n = Math.max(0, Math.ceil((end - start) / step));
  const ints = Number.isInteger(start) && Number.isInteger(end) && Number.isInteger(step);
  const dtype = dtypeOption(options, ints ? 'int32' : DEFAULT_DTYPE, 'arange');
  const data = allocate(dtype, n);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return Tensor.fromData(data, [n], dtype);
}

/**
 * `steps` evenly spaced values from start to end inclusive (`torch.linspace`).
 * @example linspace(0, 1, 3).toArray() // [0, 0.5, 1]
 */
export function linspace(start: number, end: number, steps: number, options?: CreateOptions): Tensor {
  if (!Number.isSafeInteger(steps) || steps < 0) throw new RangeError(`linspace: steps must be a non-negative integer, got ${steps}`);
  const dtype = dtypeOption(options, DEFAULT_DTYPE, 'linspace');
  const data = allocate(dtype, steps);
  const delta = steps > 1 ? (end - start) / (steps - 1) : 0;
  for (let i = 0; i < steps; i++) data[i] = i === steps - 1 && steps > 1 ? end : start + i * delta;
  return Tensor.fromData(data, [steps], dtype);
}

/**
 * The n×m identity (m defaults to n).
 * @example eye(2).toArray() // [[1, 0], [0, 1]]
 */
export function eye(n: number, m: number = n, options?: CreateOptions): Tensor {
  const t = full(checkShape([n, m] as unknown, 'eye'), 0, options);
  for (let i = 0; i < Math.min(n, m); i++) t.data[i * m + i] = 1;
  return t;
}

function requireGenerator(options: RandomOptions | undefined, op: string): Generator {
  const g = options?.generator;
  if (!g || typeof (g).uniform !== 'function') {
    throw new TypeError(`${op}: options.generator is required (pqkd has no global random state)`);
  }
  return g;
}

/**
 * Uniform [0, 1) values from the generator.
 * @example rand([2, 2], { generator: new Generator(0) }).shape // [2, 2]
 */
export function rand(shape: readonly number[], options: RandomOptions): Tensor {
  const g = requireGenerator(options, 'rand');
  const t = full(shape, 0, { dtype: dtypeOption(options, DEFAULT_DTYPE, 'rand') });
  for (let i = 0; i < t.data.length; i++) t.data[i] = g.uniform();
  return t;
}

/**
 * Standard-normal values from the generator.
 * @example randn([3], { generator: new Generator(0) }).shape // [3]
 */
export function randn(shape: readonly number[], options: RandomOptions): Tensor {
  const g = requireGenerator(options, 'randn');
  const t = full(shape, 0, { dtype: dtypeOption(options, DEFAULT_DTYPE, 'randn') });
  const d = t.data;
  if (d instanceof Float32Array || d instanceof Float64Array) g.normalArray(d.length, 0, 1, d);
  else throw new TypeError(`randn: dtype must be float32 or float64, got ${t.dtype}`);
  return t;
}

/**
 * Uniform integers in [low, high), int32 by default (`torch.randint`).
 * @example randint(0, 10, [4], { generator: new Generator(0) }).dtype // 'int32'
 */
export function randint(low: number, high: number, shape: readonly number[], options: RandomOptions): Tensor {
  const g = requireGenerator(options, 'randint');
  const t = full(shape, 0, { dtype: dtypeOption(options, 'int32', 'randint') });
  for (let i = 0; i < t.data.length; i++) t.data[i] = g.integers(low, high);
  return t;
}

/**
 * A random permutation of 0..n−1 (int32).
 * @example randperm(4, { generator: new Generator(0) }).shape // [4]
 */
export function randperm(n: number, options: RandomOptions): Tensor {
  const g = requireGenerator(options, 'randperm');
  const p = g.permutation(n);
  return Tensor.fromData(p, [n], 'int32');
}
