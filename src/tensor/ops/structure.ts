/**
 * Joining and padding (no autograd): `concat` (`torch.cat`), `stack`, `pad` (`torch.nn.functional.pad`,
 * constant mode), and `assignInto`, the strided copy they share. Inputs of different dtypes are
 * promoted (dtype.ts). Cost: one copy of every element.
 */
import { promoteTypes, type DType } from '../dtype.js';
import { copyStrided } from '../kernels/strided.js';
import { broadcastStrides, describe, isArray, normalizeDim, shapeToString } from '../shape.js';
import { Tensor } from '../tensor.js';
import { narrow, unsqueeze } from '../views.js';

/** Copies `src` (broadcast to `dst`'s shape) into the view `dst`, bumping its storage version. */
export function assignInto(dst: Tensor, src: Tensor): void {
  copyStrided(
    src.data, src.offset, broadcastStrides(src.shape, src.strides, dst.shape, 'assign'),
    dst.data, dst.offset, dst.strides, dst.shape,
  );
  dst.storage.bumpVersion();
}

function checkList(tensors: readonly Tensor[], op: string): void {
  if (!isArray(tensors) || tensors.length === 0) throw new RangeError(`${op}: expected a non-empty list of tensors, got ${describe(tensors)}`);
  tensors.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new TypeError(`${op}: tensors[${i}] must be a Tensor, got ${describe(t)}`);
  });
}

/** Concatenates along an existing dim; all other sizes must agree. */
export function concat(tensors: readonly Tensor[], dim = 0): Tensor {
  checkList(tensors, 'concat');
  const first = tensors[0]!;
  if (first.ndim === 0) throw new RangeError('concat: zero-dimensional tensors cannot be concatenated (use stack)');
  const d = normalizeDim(dim, first.ndim, 'concat');
  let total = 0;
  let dtype: DType = first.dtype;
  tensors.forEach((t, i) => {
    const same = t.ndim === first.ndim && t.shape.every((s, j) => j === d || s === first.shape[j]);
    if (!same) {
      throw new RangeError(`concat: tensors[${i}] has shape ${shapeToString(t.shape)}, expected ${shapeToString(first.shape)} except in dim ${d}`);
    }
    total += t.shape[d]!;
    dtype = promoteTypes(dtype, t.dtype);
  });
  const shape = [...first.shape];
  shape[d] = total;
  const out = Tensor.zeroed(shape, dtype);
  let start = 0;
  for (const t of tensors) {
    const len = t.shape[d]!;
    if (len > 0) assignInto(narrow(out, d, start, len), t);
    start += len;
  }
  out.storage.version = 0;
  return out;
}

/** Stacks equally shaped tensors along a new dim. */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  checkList(tensors, 'stack');
  const first = tensors[0]!;
  const d = normalizeDim(dim, first.ndim + 1, 'stack');
  tensors.forEach((t, i) => {
    if (t.ndim !== first.ndim || !t.shape.every((s, j) => s === first.shape[j])) {
      throw new RangeError(`stack: tensors[${i}] has shape ${shapeToString(t.shape)}, expected ${shapeToString(first.shape)}`);
    }
  });
  return concat(tensors.map((t) => unsqueeze(t, d)), d);
}

export interface PadOptions {
  /** Only 'constant' is supported. */
  mode?: 'constant';
  value?: number;
}

/**
 * Pads with a constant. `padding` lists (before, after) pairs starting from the LAST dim, like
 * `torch.nn.functional.pad`: [left, right, top, bottom] pads W then H of an NCHW tensor.
 */
export function pad(x: Tensor, padding: readonly number[], options: PadOptions = {}): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`pad: input must be a Tensor, got ${describe(x)}`);
  if (options.mode !== undefined && options.mode !== 'constant') {
    throw new RangeError(`pad: mode must be 'constant', got ${describe(options.mode)}`);
  }
  if (!isArray(padding) || padding.length % 2 !== 0 || padding.length / 2 > x.ndim) {
    throw new RangeError(`pad: padding must have an even length of at most 2·ndim = ${2 * x.ndim}, got ${describe(padding)}`);
  }
  padding.forEach((p, i) => {
    if (!Number.isSafeInteger(p) || p < 0) throw new RangeError(`pad: padding[${i}] must be a non-negative integer, got ${describe(p)}`);
  });
  const shape = [...x.shape];
  const starts = new Array<number>(x.ndim).fill(0);
  for (let i = 0; i < padding.length / 2; i++) {
    const d = x.ndim - 1 - i;
    starts[d] = padding[2 * i]!;
    shape[d] = shape[d]! + padding[2 * i]! + padding[2 * i + 1]!;
  }
  const out = Tensor.zeroed(shape, x.dtype);
  const value = options.value ?? 0;
  if (value !== 0) out.data.fill(value);
  let inner = out;
  for (let d = 0; d < x.ndim; d++) inner = narrow(inner, d, starts[d]!, x.shape[d]!);
  assignInto(inner, x);
  out.storage.version = 0;
  return out;
}
