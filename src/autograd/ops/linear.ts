/**
 * `linear` — Math: y = x·Wᵀ + b with x [..., in], W [out, in], b [out] (optional);
 * dx = g·W, dW = gᵀ·x (all leading dims flattened into one batch dim), db = Σ_batch g.
 * One op rather than matmul + transpose + add (as PyTorch's addmm): dW comes out of the GEMM
 * contiguous in W's own layout, so accumulating it into W.grad is a plain contiguous add, and the
 * step's graph holds one node and one activation per layer instead of three.
 * Reference: torch.nn.functional.linear. @example linear(x, w, b)
 */
import { addInPlace, binary } from '../../tensor/ops/elementwise.js';
import { matmul as matmulRaw } from '../../tensor/ops/matmul.js';
import { sum } from '../../tensor/ops/reduce.js';
import { describe, shapeToString } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { reshape, transpose } from '../../tensor/views.js';
import { defineOp } from '../define-op.js';

const linearOp = defineOp<null>({
  name: 'linear',
  forward: ([x, w, b]) => {
    const y = matmulRaw(x!, transpose(w!, 0, 1));
    if (!b) return { output: y, save: [x!, w!] };
    if (b.dtype === y.dtype) {
      addInPlace(y, b); // y is fresh and owns its storage
      return { output: y, save: [x!, w!] };
    }
    return { output: binary('add', y, b), save: [x!, w!] };
  },
  backward: (g, { saved, needsGrad }) => {
    const x = saved[0]!;
    const w = saved[1]!;
    const outFeatures = w.shape[0]!;
    const g2 = reshape(g, [-1, outFeatures]);
    const gx = needsGrad[0] ? matmulRaw(g, w) : null;
    const gw = needsGrad[1] ? matmulRaw(transpose(g2, 0, 1), reshape(x, [-1, w.shape[1]!])) : null;
    const gb = needsGrad[2] ? sum(g2, 0) : null;
    return [gx, gw, gb];
  },
});

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
