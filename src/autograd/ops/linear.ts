/**
 * `linear` — Math: y = x·Wᵀ + b with x [..., in], W [out, in], b [out] (optional);
 * dx = g·W, dW = gᵀ·x (all leading dims flattened into one batch dim), db = Σ_batch g.
 * One op rather than matmul + transpose + add (as PyTorch's addmm): dW comes out of the GEMM
 * contiguous in W's own layout, so accumulating it into W.grad is a plain contiguous add, and the
 * step's graph holds one node and one activation per layer instead of three.
 * Reference: torch.nn.functional.linear. @example linear(x, w, b)
 */
import { isFloatDType, type FloatArray } from '../../tensor/dtype.js';
import { gemm } from '../../tensor/kernel-dispatch.js';
import { binary } from '../../tensor/ops/elementwise.js';
import { matmul as matmulRaw } from '../../tensor/ops/matmul.js';
import { sum } from '../../tensor/ops/reduce.js';
import { describe, numelOf, shapeToString } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { contiguous, reshape, transpose } from '../../tensor/views.js';
import { defineOp } from '../define-op.js';

const linearOp = defineOp<null>({
  name: 'linear',
  forward: ([x, w, b]) => {
    if (b && isFloatDType(x!.dtype) && x!.dtype === w!.dtype && b.dtype === w!.dtype) {
      return { output: affine(x!, w!, b), save: [x!, w!] };
    }
    const y = matmulRaw(x!, transpose(w!, 0, 1));
    return { output: b ? binary('add', y, b) : y, save: [x!, w!] };
  },
  backward: (g, { saved, needsGrad }) => {
    const x = saved[0]!;
    const w = saved[1]!;
    const [outFeatures, inFeatures] = w.shape as [number, number];
    const rows = numelOf(x.shape.slice(0, -1)); // explicit, not -1: a size-0 feature dim leaves -1 undetermined
    const g2 = reshape(g, [rows, outFeatures]);
    const gx = needsGrad[0] ? matmulRaw(g, w) : null;
    const gw = needsGrad[1] ? matmulRaw(transpose(g2, 0, 1), reshape(x, [rows, inFeatures])) : null;
    const gb = needsGrad[2] ? sum(g2, 0) : null;
    return [gx, gw, gb];
  },
});

/**
 * y = x·Wᵀ + b in one GEMM with the bias pre-stored in y and β = 1, so each element is rounded once
 * (as the float64 result rounded to the dtype; x, W and b share a float dtype).
 */
function affine(x: Tensor, w: Tensor, b: Tensor): Tensor {
  const [outF, inF] = w.shape as [number, number];
  const rows = numelOf(x.shape.slice(0, -1)); // not numel / inF: with inF = 0, y is still [rows, outF] of bias
  const y = Tensor.uninitialized([...x.shape.slice(0, -1), outF], w.dtype);
  const yData = y.data as FloatArray;
  const bias = contiguous(b).contiguousData() as FloatArray;
  for (let r = 0; r < rows; r++) yData.set(bias.subarray(0, outF), r * outF);
  const xc = contiguous(x);
  const wc = contiguous(w);
  if (rows > 0 && outF > 0 && inF > 0) {
    gemm({
      transA: false, transB: true, m: rows, n: outF, k: inF, alpha: 1,
      a: xc.data as FloatArray, aOffset: xc.offset, lda: inF,
      b: wc.data as FloatArray, bOffset: wc.offset, ldb: inF,
      beta: 1, c: yData, cOffset: 0, ldc: outF,
    });
  }
  return y;
}

/** y = x·Wᵀ + b (see the file header); `bias` may be null. */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`linear: input must be a Tensor, got ${describe(x)}`);
  if (!(weight instanceof Tensor) || weight.ndim !== 2) {
    throw new TypeError(`linear: weight must be a 2-D Tensor [out, in], got ${weight instanceof Tensor ? shapeToString(weight.shape) : describe(weight)}`);
  }
  if (x.ndim === 0 || x.shape[x.ndim - 1] !== weight.shape[1]) {
    throw new RangeError(`linear: input ${shapeToString(x.shape)} does not end in in_features = ${weight.shape[1]} of weight ${shapeToString(weight.shape)}`);
  }
  if (bias !== null && (!(bias instanceof Tensor) || bias.ndim !== 1 || bias.shape[0] !== weight.shape[0])) {
    throw new RangeError(`linear: bias must be a 1-D Tensor [${weight.shape[0]}], got ${bias instanceof Tensor ? shapeToString(bias.shape) : describe(bias)}`);
  }
  return linearOp([x, weight, bias], null);
}
