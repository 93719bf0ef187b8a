/**
 * Element-wise tensor ops (no autograd): unary math, binary arithmetic with NumPy broadcasting and
 * dtype promotion (dtype.ts), comparisons (-> bool), `where`, `clamp`, and dtype casts.
 *
 * Result dtypes follow PyTorch for our four dtypes: transcendental functions of int32/bool give
 * float32; true division of integers gives float32; comparisons give bool; arithmetic on bool
 * operands gives int32. A JS number operand takes the tensor's dtype (rounded to it) unless it
 * forces a float (dtype.ts `promoteWithScalar`).
 */
import { isFloatDType, promoteTypes, promoteWithScalar, type DType } from '../dtype.js';
import { whereKernel, type BinaryOp, type UnaryOp } from '../kernels/elementwise.js';
import { broadcastShapes, broadcastStrides, describe, shapeToString } from '../shape.js';
import { allocate } from '../storage.js';
import { binaryElementwise, unaryElementwise } from '../kernel-dispatch.js';
import { Tensor } from '../tensor.js';

const FLOAT_RESULT: ReadonlySet<UnaryOp> = new Set<UnaryOp>([
  'exp', 'log', 'log1p', 'expm1', 'sqrt', 'rsqrt', 'sin', 'cos', 'tanh', 'sigmoid', 'reciprocal',
]);

function checkTensor(x: unknown, op: string, arg: string): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: ${arg} must be a Tensor, got ${describe(x)}`);
  return x;
}

/** A 0-d tensor holding `value` rounded to `dtype`. */
export function scalarTensor(value: number, dtype: DType): Tensor {
  const data = allocate(dtype, 1);
  data[0] = dtype === 'bool' ? (value ? 1 : 0) : value;
  return Tensor.fromData(data, [], dtype);
}

/** Applies a unary op; the result dtype is float32 for transcendental ops on integer inputs. */
export function unary(op: UnaryOp, x: Tensor): Tensor {
  checkTensor(x, op, 'input');
  let dtype: DType = x.dtype;
  if (op === 'logicalNot' || op === 'isnan') dtype = 'bool';
  else if (!isFloatDType(x.dtype)) dtype = FLOAT_RESULT.has(op) ? 'float32' : x.dtype === 'bool' && op !== 'identity' ? 'int32' : x.dtype;
  const out = Tensor.uninitialized(x.shape, dtype); // every element is written below
  unaryElementwise(op, x.data, x.offset, x.strides, x.shape, out.data, x.isContiguous());
  return out;
}

function resultDType(op: BinaryOp, a: DType, b: DType): DType {
  if (op === 'eq' || op === 'ne' || op === 'lt' || op === 'le' || op === 'gt' || op === 'ge') return 'bool';
  const p = promoteTypes(a, b);
  if ((op === 'div' || op === 'atan2') && !isFloatDType(p)) return 'float32';
  return p === 'bool' ? 'int32' : p;
}

/** Applies a binary op with broadcasting; either operand may be a JS number. */
export function binary(op: BinaryOp, a: Tensor | number, b: Tensor | number): Tensor {
  if (typeof a === 'number' && typeof b === 'number') {
    throw new TypeError(`${op}: at least one operand must be a Tensor, got two numbers`);
  }
  let ta: Tensor;
  let tb: Tensor;
  if (typeof a === 'number') {
    tb = checkTensor(b, op, 'other');
    ta = scalarTensor(a, promoteWithScalar(tb.dtype, a));
  } else {
    ta = checkTensor(a, op, 'input');
    tb = typeof b === 'number' ? scalarTensor(b, promoteWithScalar(ta.dtype, b)) : checkTensor(b, op, 'other');
  }
  const shape = broadcastShapes(ta.shape, tb.shape, op);
  const out = Tensor.uninitialized(shape, resultDType(op, ta.dtype, tb.dtype)); // every element is written below
  const n = out.numel();
  const flat = ta.numel() === n && tb.numel() === n && ta.isContiguous() && tb.isContiguous();
  binaryElementwise(
    op,
    ta.data, ta.offset, broadcastStrides(ta.shape, ta.strides, shape, op),
    tb.data, tb.offset, broadcastStrides(tb.shape, tb.strides, shape, op),
    shape,
    out.data,
    flat,
  );
  return out;
}

/**
 * dst ← dst + src in place (src broadcast to dst's shape), with the same per-element arithmetic as
 * `binary('add', dst, src)`. dst must be contiguous from offset 0 and own its storage, and have
 * src's dtype; bumps dst's storage version. Used to accumulate gradients.
 */
export function addInPlace(dst: Tensor, src: Tensor): void {
  if (!dst.ownsStorage() || dst.dtype !== src.dtype) {
    throw new TypeError(`addInPlace: dst must be a contiguous ${src.dtype} tensor owning its storage, got ${dst.dtype} ${shapeToString(dst.shape)}`);
  }
  const srcStrides = broadcastStrides(src.shape, src.strides, dst.shape, 'addInPlace');
  // Same shape, src contiguous: a flat add, which the dispatch layer may run on SIMD or threads (same bits).
  const flat = src.isContiguous() && src.shape.length === dst.shape.length && src.shape.every((d, i) => d === dst.shape[i]);
  binaryElementwise('add', dst.data, 0, dst.strides, src.data, src.offset, srcStrides, dst.shape, dst.data, flat);
  dst.storage.bumpVersion();
}

/** cond ? a : b with broadcasting of all three; cond is read as truthy/non-zero. */
export function where(cond: Tensor, a: Tensor | number, b: Tensor | number): Tensor {
  checkTensor(cond, 'where', 'condition');
  // A number operand follows the scalar rule against the tensor operand (dtype.ts promoteWithScalar).
  const dtA = typeof a === 'number' ? (typeof b === 'number' ? 'float32' : promoteWithScalar(b.dtype, a)) : a.dtype;
  const dtB = typeof b === 'number' ? (typeof a === 'number' ? 'float32' : promoteWithScalar(a.dtype, b)) : b.dtype;
  const dtype = promoteTypes(dtA, dtB);
  const ta = typeof a === 'number' ? scalarTensor(a, dtype) : a;
  const tb = typeof b === 'number' ? scalarTensor(b, dtype) : b;
  const shape = broadcastShapes(broadcastShapes(cond.shape, ta.shape, 'where'), tb.shape, 'where');
  const out = Tensor.zeroed(shape, dtype);
  whereKernel(
    cond.data, cond.offset, broadcastStrides(cond.shape, cond.strides, shape, 'where'),
    ta.data, ta.offset, broadcastStrides(ta.shape, ta.strides, shape, 'where'),
    tb.data, tb.offset, broadcastStrides(tb.shape, tb.strides, shape, 'where'),
    shape,
    out.data,
  );
  return out;
}

/** Clamps into [min, max] (either bound optional), like `torch.clamp`; NaN stays NaN. */
export function clamp(x: Tensor, min?: number | null, max?: number | null): Tensor {
  checkTensor(x, 'clamp', 'input');
  if ((min === undefined || min === null) && (max === undefined || max === null)) {
    throw new RangeError('clamp: at least one of min and max must be given');
  }
  let out = x;
  if (min !== undefined && min !== null) out = binary('maximum', out, min);
  if (max !== undefined && max !== null) out = binary('minimum', out, max);
  return out === x ? unary('identity', x) : out;
}

/** A copy converted to `dtype` (floats to int32 truncate toward zero, like `torch.Tensor.to`). */
export function cast(x: Tensor, dtype: DType): Tensor {
  checkTensor(x, 'cast', 'input');
  const out = Tensor.zeroed(x.shape, dtype);
  const src = x.toTypedArray();
  if (dtype === 'bool') for (let i = 0; i < src.length; i++) out.data[i] = src[i] !== 0 ? 1 : 0;
  else if (dtype === 'int32') for (let i = 0; i < src.length; i++) out.data[i] = Math.trunc(src[i]!);
  else out.data.set(src);
  return out;
}
