/**
 * Reductions over any set of dims with `keepDim` (no autograd): sum, mean, prod, max, min, argmax,
 * argmin, logsumexp, var. The reduced dims are moved to the end by a permuted view (copied only when
 * that view is not contiguous) and every output element reduces one contiguous row in index order
 * (kernels/reduce.ts): fixed order, float64 accumulation, one rounding on store.
 *
 * Result dtypes: argmax/argmin int32; sum/prod keep the input dtype (bool sums give int32);
 * mean, var and logsumexp of integer inputs give float32.
 */
import { isFloatDType, type DType } from '../dtype.js';
import { reduceRows, type ReduceOp } from '../kernels/reduce.js';
import { describe, normalizeDim, normalizeDims } from '../shape.js';
import { Tensor } from '../tensor.js';
import { releaseAllocated } from '../storage.js';
import { permute, reshape } from '../views.js';

export interface ReduceOptions {
  /** Keep reduced dims with size 1 (PyTorch `keepdim`). Default false. */
  keepDim?: boolean;
}
export interface VarOptions extends ReduceOptions {
  /** Divisor is N − correction (PyTorch `correction`; 1 = unbiased, the default). */
  correction?: number;
}

function outputDType(op: ReduceOp, d: DType): DType {
  if (op === 'argmax' || op === 'argmin') return 'int32';
  if (isFloatDType(d)) return d;
  if (op === 'mean' || op === 'var' || op === 'logsumexp') return 'float32';
  return d === 'bool' && (op === 'sum' || op === 'prod') ? 'int32' : d;
}

/** Reduces `x` over `dims` (all dims when undefined). */
export function reduce(op: ReduceOp, x: Tensor, dims?: number | readonly number[], options: VarOptions = {}): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: input must be a Tensor, got ${describe(x)}`);
  const reduced = normalizeDims(dims, x.ndim, op);
  const isReduced = new Array<boolean>(x.ndim).fill(false);
  for (const d of reduced) isReduced[d] = true;
  const kept: number[] = [];
  for (let d = 0; d < x.ndim; d++) if (!isReduced[d]) kept.push(d);
  let outer = 1;
  for (const d of kept) outer *= x.shape[d]!;
  let size = 1;
  for (const d of reduced) size *= x.shape[d] ?? 1; // dim 0 of a 0-d tensor has size 1 (torch)
  if (size === 0 && (op === 'max' || op === 'min' || op === 'argmax' || op === 'argmin')) {
    throw new RangeError(`${op}: cannot reduce an empty dimension (input shape [${x.shape.join(',')}])`);
  }
  const moved = x.ndim === 0 ? x : permute(x, [...kept, ...reduced]);
  const rows = moved.contiguousData();
  const outShape = options.keepDim ? x.shape.map((s, d) => (isReduced[d] ? 1 : s)) : kept.map((d) => x.shape[d]!);
  const out = Tensor.zeroed(outShape, outputDType(op, x.dtype));
  const correction = options.correction ?? 1;
  reduceRows(op, rows, 0, outer, size, out.data, correction);
  if (rows.buffer !== moved.data.buffer) releaseAllocated(rows); // the transposed copy is ours alone
  return out;
}

export const sum = (x: Tensor, dims?: number | readonly number[], o?: ReduceOptions): Tensor => reduce('sum', x, dims, o);
export const mean = (x: Tensor, dims?: number | readonly number[], o?: ReduceOptions): Tensor => reduce('mean', x, dims, o);
export const prod = (x: Tensor, dims?: number | readonly number[], o?: ReduceOptions): Tensor => reduce('prod', x, dims, o);
export const max = (x: Tensor, dims?: number | readonly number[], o?: ReduceOptions): Tensor => reduce('max', x, dims, o);
export const min = (x: Tensor, dims?: number | readonly number[], o?: ReduceOptions): Tensor => reduce('min', x, dims, o);
export const logsumexp = (x: Tensor, dims?: number | readonly number[], o?: ReduceOptions): Tensor =>
  reduce('logsumexp', x, dims, o);
export const variance = (x: Tensor, dims?: number | readonly number[], o?: VarOptions): Tensor => reduce('var', x, dims, o);

/**
 * Index of the maximum along `dim`; with dim undefined, the flat index over all elements (0-d, or
 * every dim kept as size 1 with keepDim, as torch.argmax).
 */
export function argmax(x: Tensor, dim?: number, o?: ReduceOptions): Tensor {
  if (dim === undefined) return flatArgExtreme('argmax', x, o);
  return reduce('argmax', x, normalizeDim(dim, x.ndim, 'argmax'), o);
}
/** Index of the minimum along `dim` (flat index over all elements when dim is undefined, see argmax). */
export function argmin(x: Tensor, dim?: number, o?: ReduceOptions): Tensor {
  if (dim === undefined) return flatArgExtreme('argmin', x, o);
  return reduce('argmin', x, normalizeDim(dim, x.ndim, 'argmin'), o);
}

function flatArgExtreme(op: 'argmax' | 'argmin', x: Tensor, o?: ReduceOptions): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: input must be a Tensor, got ${describe(x)}`);
  const r = reduce(op, x.ndim === 0 ? x : flatView(x), 0);
  return o?.keepDim ? reshape(r, x.shape.map(() => 1)) : r;
}

function flatView(x: Tensor): Tensor {
  return Tensor.fromData(x.contiguousData(), [x.numel()], x.dtype);
}
