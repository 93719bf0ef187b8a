/**
 * `matmul` with `torch.matmul` semantics (no autograd):
 *   1-D · 1-D → 0-D dot product; 2-D · 2-D → matrix product; a 1-D left (right) operand gets a
 *   leading (trailing) 1 that is removed from the result; N-D operands broadcast their batch dims.
 * Each matrix operand is passed to `gemm` as stored when its last two dims are row-major or
 * column-major (a transposed view), so transposes are never materialised; other layouts are copied.
 * Integer inputs are computed in float64 and converted back to int32 (exact below 2^53).
 * Cost: 2·batch·m·n·k flops.
 */
import { isFloatDType, promoteTypes, type DType } from '../dtype.js';
import { gemm } from '../kernel-dispatch.js';
import { broadcastShapes, broadcastStrides, describe, numelOf, shapeToString } from '../shape.js';
import { Tensor } from '../tensor.js';
import { contiguous, reshape, unsqueeze } from '../views.js';
import { cast } from './elementwise.js';

interface MatrixLayout {
  trans: boolean;
  ld: number;
  source: Tensor;
}

/** How to hand the last two dims of `x` (rows × cols) to gemm. */
function matrixLayout(x: Tensor): MatrixLayout {
  const nd = x.ndim;
  const rows = x.shape[nd - 2]!;
  const cols = x.shape[nd - 1]!;
  const rs = x.strides[nd - 2]!;
  const cs = x.strides[nd - 1]!;
  if ((cs === 1 || cols === 1) && rs >= cols && rs >= 1) return { trans: false, ld: Math.max(rs, cols, 1), source: x };
  if ((rs === 1 || rows === 1) && cs >= rows && cs >= 1) return { trans: true, ld: Math.max(cs, rows, 1), source: x };
  const c = contiguous(x);
  return { trans: false, ld: Math.max(cols, 1), source: c };
}

/** Matrix product with broadcasting, like `torch.matmul`. */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (!(a instanceof Tensor) || !(b instanceof Tensor)) {
    throw new TypeError(`matmul: both operands must be Tensors, got ${describe(a)} and ${describe(b)}`);
  }
  if (a.ndim === 0 || b.ndim === 0) {
    throw new RangeError(`matmul: both arguments need at least 1 dim, got shapes ${shapeToString(a.shape)} and ${shapeToString(b.shape)}`);
  }
  const dtype: DType = promoteTypes(a.dtype, b.dtype);
  const compute: DType = isFloatDType(dtype) ? dtype : 'float64';
  const A0 = a.dtype === compute ? a : cast(a, compute);
  const B0 = b.dtype === compute ? b : cast(b, compute);
  const A = A0.ndim === 1 ? unsqueeze(A0, 0) : A0;
  const B = B0.ndim === 1 ? unsqueeze(B0, 1) : B0;
  const m = A.shape[A.ndim - 2]!;
  const k = A.shape[A.ndim - 1]!;
  const k2 = B.shape[B.ndim - 2]!;
  const n = B.shape[B.ndim - 1]!;
  if (k !== k2) {
    throw new RangeError(`matmul: shapes ${shapeToString(a.shape)} and ${shapeToString(b.shape)} cannot be multiplied (${m}x${k} and ${k2}x${n})`);
  }
  const batch = broadcastShapes(A.shape.slice(0, -2), B.shape.slice(0, -2), 'matmul');
  const out = Tensor.zeroed([...batch, m, n], compute);
  const la = matrixLayout(A);
  const lb = matrixLayout(B);
  const aBatch = broadcastStrides(la.source.shape.slice(0, -2), la.source.strides.slice(0, -2), batch, 'matmul');
  const bBatch = broadcastStrides(lb.source.shape.slice(0, -2), lb.source.strides.slice(0, -2), batch, 'matmul');
  const count = numelOf(batch);
  const idx = new Array<number>(batch.length).fill(0);
  for (let t = 0; t < count; t++) {
    let aOff = la.source.offset;
    let bOff = lb.source.offset;
    for (let d = 0; d < batch.length; d++) {
      aOff += idx[d]! * aBatch[d]!;
      bOff += idx[d]! * bBatch[d]!;
    }
    gemm({
      transA: la.trans, transB: lb.trans, m, n, k, alpha: 1,
      a: la.source.data as Float32Array, aOffset: aOff, lda: la.ld,
      b: lb.source.data as Float32Array, bOffset: bOff, ldb: lb.ld,
      beta: 0, c: out.data as Float32Array, cOffset: t * m * n, ldc: Math.max(n, 1), // gemm needs ld >= 1 even for n = 0
    });
    for (let d = batch.length - 1; d >= 0; d--) {
      idx[d]!++;
      if (idx[d]! < batch[d]!) break;
      idx[d] = 0;
    }
  }
  let result = out;
  if (a.ndim === 1 || b.ndim === 1) {
    const shape = [...batch];
    if (a.ndim !== 1) shape.push(m);
    if (b.ndim !== 1) shape.push(n);
    result = reshape(out, shape);
  }
  return compute === dtype ? result : cast(result, dtype);
}
