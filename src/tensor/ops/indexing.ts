/**
 * Indexing ops (no autograd), PyTorch semantics:
 *   indexSelect(x, dim, index)[…, j, …] = x[…, index[j], …]                     (`torch.index_select`)
 *   gather(x, dim, index)[i_0…i_k] = x[i_0…index[i_0…i_k]…i_k] (at position dim) (`torch.gather`)
 *   scatterAdd(base, dim, index, src): base[…index[i]…] += src[i] (a copy of base; `torch.scatter_add`)
 *   indexAdd(base, dim, index, src): base[…, index[j], …] += src[…, j, …]        (`torch.index_add`)
 *   oneHot(labels, numClasses)[…, c] = (labels[…] == c)                          (`F.one_hot`)
 * Indices are int32 tensors; every index is bounds-checked with an error naming the op and value.
 * Accumulations run in index order (deterministic). Cost: O(output size).
 */
import { type DType } from '../dtype.js';
import { contiguousStrides, describe, normalizeDim, numelOf, shapeToString } from '../shape.js';
import { Tensor } from '../tensor.js';
import { contiguous } from '../views.js';

function checkIndex(index: Tensor, op: string): Int32Array {
  if (!(index instanceof Tensor)) throw new TypeError(`${op}: index must be an int32 Tensor, got ${describe(index)}`);
  if (index.dtype !== 'int32') throw new TypeError(`${op}: index must have dtype int32, got ${index.dtype}`);
  return contiguous(index).contiguousData() as Int32Array;
}

function bound(i: number, size: number, op: string): number {
  if (i < -size || i >= size) throw new RangeError(`${op}: index ${i} is out of bounds for dimension of size ${size}`);
  return i < 0 ? i + size : i;
}

/** Selects entries along `dim` with a 1-D int32 index. */
export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  const d = normalizeDim(dim, x.ndim, 'indexSelect');
  if (index.ndim > 1) throw new RangeError(`indexSelect: index must be 0-D or 1-D, got shape ${shapeToString(index.shape)}`);
  const idx = checkIndex(index, 'indexSelect');
  const src = contiguous(x);
  const outer = numelOf(x.shape.slice(0, d));
  const size = x.shape[d]!;
  const inner = numelOf(x.shape.slice(d + 1));
  const shape = [...x.shape];
  shape[d] = idx.length;
  const out = Tensor.zeroed(shape, x.dtype);
  const s = src.data;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < idx.length; j++) {
      const from = src.offset + (o * size + bound(idx[j]!, size, 'indexSelect')) * inner;
      out.data.set(s.subarray(from, from + inner), (o * idx.length + j) * inner);
    }
  }
  return out;
}

/** `base` with `src` added at `index` along `dim` (a new tensor). */
export function indexAdd(base: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  const d = normalizeDim(dim, base.ndim, 'indexAdd');
  const idx = checkIndex(index, 'indexAdd');
  const out = Tensor.fromData(base.toTypedArray(), base.shape, base.dtype);
  const outer = numelOf(base.shape.slice(0, d));
  const size = base.shape[d]!;
  const inner = numelOf(base.shape.slice(d + 1));
  const expected = [...base.shape];
  expected[d] = idx.length;
  if (src.ndim !== base.ndim || !src.shape.every((s, i) => s === expected[i])) {
    throw new RangeError(`indexAdd: source shape ${shapeToString(src.shape)} must be ${shapeToString(expected)}`);
  }
  const s = contiguous(src).contiguousData();
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < idx.length; j++) {
      const to = (o * size + bound(idx[j]!, size, 'indexAdd')) * inner;
      const from = (o * idx.length + j) * inner;
      for (let t = 0; t < inner; t++) out.data[to + t]! += s[from + t]!;
    }
  }
  return out;
}

function gatherGeometry(x: Tensor, d: number, index: Tensor, op: string): void {
  if (index.ndim !== x.ndim) {
    throw new RangeError(`${op}: index must have the same number of dims as input, got ${shapeToString(index.shape)} for ${shapeToString(x.shape)}`);
  }
  for (let k = 0; k < x.ndim; k++) {
    if (k !== d && index.shape[k]! > x.shape[k]!) {
      throw new RangeError(`${op}: index shape ${shapeToString(index.shape)} exceeds input shape ${shapeToString(x.shape)} in dim ${k}`);
    }
  }
}

/** Visits every element of `index` (row-major) with the flat offset it addresses in `x`. */
function forEachGather(x: Tensor, d: number, index: Tensor, idx: Int32Array, op: string, visit: (i: number, at: number) => void): void {
  const strides = contiguousStrides(x.shape);
  const pos = new Array<number>(index.ndim).fill(0);
  for (let i = 0; i < idx.length; i++) {
    let at = 0;
    for (let k = 0; k < index.ndim; k++) at += (k === d ? bound(idx[i]!, x.shape[d]!, op) : pos[k]!) * strides[k]!;
    visit(i, at);
    for (let k = index.ndim - 1; k >= 0; k--) {
      pos[k]!++;
      if (pos[k]! < index.shape[k]!) break;
      pos[k] = 0;
    }
  }
}

/** Values of `x` at `index` along `dim` (output has the index's shape). */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  const d = normalizeDim(dim, x.ndim, 'gather');
  const idx = checkIndex(index, 'gather');
  gatherGeometry(x, d, index, 'gather');
  const src = contiguous(x).contiguousData();
  const out = Tensor.zeroed(index.shape, x.dtype);
  forEachGather(x, d, index, idx, 'gather', (i, at) => {
    out.data[i] = src[at]!;
  });
  return out;
}

/** A copy of `base` with each `src` element added at the position `index` names along `dim`. */
export function scatterAdd(base: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  const d = normalizeDim(dim, base.ndim, 'scatterAdd');
  const idx = checkIndex(index, 'scatterAdd');
  gatherGeometry(base, d, index, 'scatterAdd');
  if (src.ndim !== index.ndim || !index.shape.every((s, k) => s <= src.shape[k]!)) {
    throw new RangeError(`scatterAdd: src shape ${shapeToString(src.shape)} must cover index shape ${shapeToString(index.shape)}`);
  }
  const out = Tensor.fromData(base.toTypedArray(), base.shape, base.dtype);
  const s = contiguous(src).contiguousData();
  const sameShape = src.shape.every((v, k) => v === index.shape[k]);
  const srcStrides = contiguousStrides(src.shape);
  const idxStrides = contiguousStrides(index.shape);
  forEachGather(base, d, index, idx, 'scatterAdd', (i, at) => {
    let from = i;
    if (!sameShape) {
      from = 0;
      let rem = i;
      for (let k = 0; k < index.ndim; k++) {
        const q = Math.floor(rem / idxStrides[k]!);
        rem -= q * idxStrides[k]!;
        from += q * srcStrides[k]!;
      }
    }
    out.data[at]! += s[from]!;
  });
  return out;
}

export interface OneHotOptions {
  /** Result dtype (default float32, convenient for losses; PyTorch returns int64). */
  dtype?: DType;
}

/** One-hot encoding of int32 labels in [0, numClasses). */
export function oneHot(labels: Tensor, numClasses: number, options: OneHotOptions = {}): Tensor {
  const idx = checkIndex(labels, 'oneHot');
  if (!Number.isSafeInteger(numClasses) || numClasses < 1) {
    throw new RangeError(`oneHot: numClasses must be a positive integer, got ${describe(numClasses)}`);
  }
  const out = Tensor.zeroed([...labels.shape, numClasses], options.dtype ?? 'float32');
  for (let i = 0; i < idx.length; i++) {
    const c = idx[i]!;
    if (c < 0 || c >= numClasses) throw new RangeError(`oneHot: label ${c} at position ${i} is outside [0, ${numClasses})`);
    out.data[i * numClasses + c] = 1;
  }
  return out;
}
