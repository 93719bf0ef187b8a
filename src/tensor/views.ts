/**
 * Views: new shape/strides/offset over the same storage, no copy (except `reshape` of a
 * non-viewable layout, which copies like `torch.reshape`, and `contiguous`/`clone`).
 * These are the non-differentiable primitives; src/autograd wraps each with its gradient.
 */
import {
  broadcastStrides,
  checkShape,
  contiguousStrides,
  describe,
  normalizeDim,
  numelOf,
  shapeToString,
  isArray,
} from './shape.js';
import { Storage } from './storage.js';
import { Tensor } from './tensor.js';

function makeView(x: Tensor, shape: number[], strides: number[], offset: number): Tensor {
  return new Tensor(x.storage, shape, strides, offset, x.dtype);
}

/** Resolves one `-1` entry and checks the element count. */
export function inferShape(x: Tensor, shape: readonly number[], op: string): number[] {
  if (!isArray(shape)) throw new TypeError(`${op}: shape must be an array, got ${describe(shape)}`);
  const out = [...shape];
  let infer = -1;
  let known = 1;
  for (let i = 0; i < out.length; i++) {
    const s = out[i]!;
    if (s === -1) {
      if (infer >= 0) throw new RangeError(`${op}: only one dimension can be -1, got ${shapeToString(shape)}`);
      infer = i;
    } else if (!Number.isSafeInteger(s) || s < 0) {
      throw new RangeError(`${op}: shape[${i}] must be a non-negative integer or -1, got ${describe(s)}`);
    } else known *= s;
  }
  const n = x.numel();
  if (infer >= 0) {
    if (known === 0 || n % known !== 0) {
      throw new RangeError(`${op}: shape ${shapeToString(shape)} is invalid for input of size ${n} (shape ${shapeToString(x.shape)})`);
    }
    out[infer] = n / known;
  } else if (known !== n) {
    throw new RangeError(`${op}: shape ${shapeToString(shape)} is invalid for input of size ${n} (shape ${shapeToString(x.shape)})`);
  }
  return out;
}

/** A view with a new shape; the tensor must be contiguous (`torch.Tensor.view`). */
export function view(x: Tensor, shape: readonly number[]): Tensor {
  const s = inferShape(x, shape, 'view');
  if (!x.isContiguous()) {
    throw new RangeError(`view: tensor of shape ${shapeToString(x.shape)} with strides ${shapeToString(x.strides)} is not contiguous; use reshape (which copies) or contiguous() first`);
  }
  return makeView(x, s, contiguousStrides(s), x.offset);
}

/** `view` when possible, else a contiguous copy with the new shape (`torch.reshape`). */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const s = inferShape(x, shape, 'reshape');
  const base = x.isContiguous() ? x : contiguous(x);
  return makeView(base, s, contiguousStrides(s), base.offset);
}

/** Reorders dims (`torch.permute`). */
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  if (!isArray(dims) || dims.length !== x.ndim) {
    throw new RangeError(`permute: dims ${describe(dims)} must list each of the ${x.ndim} dims of shape ${shapeToString(x.shape)} once`);
  }
  const seen = new Set<number>();
  const nd = dims.map((d) => normalizeDim(d, x.ndim, 'permute'));
  for (const d of nd) {
    if (seen.has(d)) throw new RangeError(`permute: dim ${d} repeated in ${describe(dims)}`);
    seen.add(d);
  }
  return makeView(x, nd.map((d) => x.shape[d]!), nd.map((d) => x.strides[d]!), x.offset);
}

/** Swaps two dims (`torch.transpose`). */
export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  const a = normalizeDim(dim0, x.ndim, 'transpose', 'dim0');
  const b = normalizeDim(dim1, x.ndim, 'transpose', 'dim1');
  const order = Array.from({ length: x.ndim }, (_, i) => i);
  order[a] = b;
  order[b] = a;
  return x.ndim === 0 ? x : permute(x, order);
}

/** Broadcast view to a larger shape, −1 keeps a size (`torch.Tensor.expand`); strides 0 on new dims. */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  if (!isArray(shape) || shape.length < x.ndim) {
    throw new RangeError(`expand: target ${describe(shape)} must have at least ${x.ndim} dims for shape ${shapeToString(x.shape)}`);
  }
  const off = shape.length - x.ndim;
  const target = shape.map((s, i) => (s === -1 && i >= off ? x.shape[i - off]! : s));
  checkShape(target, 'expand');
  return makeView(x, target, broadcastStrides(x.shape, x.strides, target, 'expand'), x.offset);
}

/** Same as `expand` with an explicit target shape (`torch.broadcast_to`). */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  return expand(x, shape);
}

/** Elements start, start+step, … < end along `dim` (Python slicing; negative start/end count from the end). */
export function slice(x: Tensor, dim: number, start = 0, end?: number, step = 1): Tensor {
  const d = normalizeDim(dim, x.ndim, 'slice');
  const size = x.shape[d]!;
  if (!Number.isInteger(step) || step < 1) throw new RangeError(`slice: step must be a positive integer, got ${describe(step)}`);
  for (const [k, v] of [['start', start], ['end', end ?? 0]] as const) {
    if (!Number.isInteger(v)) throw new TypeError(`slice: ${k} must be an integer, got ${describe(v)}`);
  }
  const clampIdx = (i: number): number => Math.min(Math.max(i < 0 ? i + size : i, 0), size);
  const s = clampIdx(start);
  const e = Math.max(s, clampIdx(end ?? size));
  const len = Math.ceil((e - s) / step);
  const shape = [...x.shape];
  const strides = [...x.strides];
  shape[d] = len;
  strides[d] = x.strides[d]! * step;
  return makeView(x, shape, strides, x.offset + s * x.strides[d]!);
}

/** The checked [dim, start, end) of `narrow(x, dim, start, length)` (negative start counts from the end). */
export function narrowRange(x: Tensor, dim: number, start: number, length: number): [number, number, number] {
  const d = normalizeDim(dim, x.ndim, 'narrow');
  const size = x.shape[d]!;
  const s = start < 0 ? start + size : start;
  if (!Number.isInteger(s) || !Number.isInteger(length) || s < 0 || length < 0 || s + length > size) {
    throw new RangeError(`narrow: start ${start} + length ${length} exceeds dimension ${d} of size ${size} (shape ${shapeToString(x.shape)})`);
  }
  return [d, s, s + length];
}

/** `length` elements from `start` along `dim` (`torch.narrow`); out-of-range is an error. */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  const [d, s, e] = narrowRange(x, dim, start, length);
  return slice(x, d, s, e);
}

/** Removes size-1 dims (all, or the given one if it has size 1), like `torch.squeeze`. */
export function squeeze(x: Tensor, dim?: number): Tensor {
  const keep: number[] = [];
  const only = dim === undefined ? -1 : normalizeDim(dim, x.ndim, 'squeeze');
  for (let i = 0; i < x.ndim; i++) {
    if (x.shape[i] === 1 && (only === -1 || only === i)) continue;
    keep.push(i);
  }
  return makeView(x, keep.map((i) => x.shape[i]!), keep.map((i) => x.strides[i]!), x.offset);
}

/** Inserts a size-1 dim at `dim` (in [−ndim−1, ndim]), like `torch.unsqueeze`. */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = normalizeDim(dim, x.ndim + 1, 'unsqueeze');
  const shape = [...x.shape];
  const strides = [...x.strides];
  const stride = d < x.ndim ? x.strides[d]! * x.shape[d]! : 1;
  shape.splice(d, 0, 1);
  strides.splice(d, 0, stride);
  return makeView(x, shape, strides, x.offset);
}

/** Merges dims startDim..endDim into one (`torch.flatten`); copies only if not viewable. */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normalizeDim(startDim, x.ndim, 'flatten', 'startDim');
  const e = normalizeDim(endDim, x.ndim, 'flatten', 'endDim');
  if (s > e) throw new RangeError(`flatten: startDim ${startDim} comes after endDim ${endDim} for shape ${shapeToString(x.shape)}`);
  const shape = [...x.shape.slice(0, s), numelOf(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)];
  return reshape(x, shape);
}

/** `x` itself when contiguous, else a contiguous copy. */
export function contiguous(x: Tensor): Tensor {
  if (x.isContiguous()) return x;
  return clone(x);
}

/** A contiguous copy with its own storage. */
export function clone(x: Tensor): Tensor {
  return new Tensor(new Storage(x.toTypedArray()), [...x.shape], contiguousStrides(x.shape), 0, x.dtype);
}
