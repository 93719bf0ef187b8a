/**
 * `logSoftmax` — Math: y_i = x_i − m − ln Σ_j exp(x_j − m) along dim (m = max, for stability);
 * dx = g − exp(y)·Σ_j g_j. Fused primitive (docs/engine.md rule 2): the composite
 * x − logsumexp(x) loses accuracy and doubles memory traffic. Reference: torch.log_softmax.
 * @example logSoftmax(logits, 1)
 */
import type { FloatArray } from '../../tensor/dtype.js';
import { logSoftmaxBackward, logSoftmaxForward } from '../../tensor/kernels/softmax.js';
import { describe, normalizeDim, numelOf } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { contiguous } from '../../tensor/views.js';
import { defineOp } from '../define-op.js';

function split(shape: readonly number[], dim: number): [number, number, number] {
  return [numelOf(shape.slice(0, dim)), shape[dim]!, numelOf(shape.slice(dim + 1))];
}

const logSoftmaxOp = defineOp<{ dim: number }>({
  name: 'logSoftmax',
  forward: ([x], { dim }) => {
    const out = Tensor.zeroed(x!.shape, x!.dtype);
    const [outer, size, inner] = split(x!.shape, dim);
    logSoftmaxForward(contiguous(x!).contiguousData() as FloatArray, out.data as FloatArray, outer, size, inner);
    return { output: out, save: [out] };
  },
  backward: (g, { saved, attrs }) => {
    const y = saved[0]!;
    const gx = Tensor.zeroed(y.shape, y.dtype);
    const [outer, size, inner] = split(y.shape, attrs.dim);
    logSoftmaxBackward(contiguous(g).contiguousData() as FloatArray, y.data as FloatArray, gx.data as FloatArray, outer, size, inner);
    return [gx];
  },
});

export function logSoftmax(x: Tensor, dim = -1): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`logSoftmax: input must be a Tensor, got ${describe(x)}`);
  if (x.dtype !== 'float32' && x.dtype !== 'float64') throw new TypeError(`logSoftmax: input must be float32 or float64, got ${x.dtype}`);
  return logSoftmaxOp([x], { dim: normalizeDim(dim, x.ndim, 'logSoftmax') });
}
