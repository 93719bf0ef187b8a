/**
 * `conv2d` — Math (cross-correlation, NCHW input, OIHW weight, groups g):
 *   y[n,o,oh,ow] = b[o] + Σ_{i∈group(o), kh, kw} x[n, i, oh·s_h − p_h + kh·d_h, ow·s_w − p_w + kw·d_w]·w[o, i', kh, kw]
 * dx = conv2dBackwardInput(g, w), dw = conv2dBackwardWeight(x, g), db = Σ_{n,oh,ow} g.
 * The kernels (src/tensor/kernels/conv2d.ts) work on contiguous float arrays; inputs are made
 * contiguous and promoted to a common float dtype first. Reference: torch.nn.functional.conv2d.
 * `conv2dRelu` = relu(conv2d(...)): when no graph can be recorded (grad mode off, or no input requires
 * grad) one kernel call with the ReLU fused into its store (kernel-dispatch.ts `conv2dForward`,
 * the same bits as the two ops), else the two differentiable ops.
 * @example conv2d(x, w, b, { padding: 1 })
 */
import { promoteTypes, isFloatDType, type DType } from '../../tensor/dtype.js';
import { conv2dGeometry, type Conv2dGeometry, type Conv2dOptions } from '../../tensor/kernels/conv2d-geometry.js';
import { conv2dBackwardBias, conv2dBackwardInput, conv2dBackwardWeight, conv2dForward } from '../../tensor/kernel-dispatch.js';
import { cast } from '../../tensor/ops/elementwise.js';
import { describe } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { contiguous } from '../../tensor/views.js';
import type { FloatArray } from '../../tensor/dtype.js';
import { defineOp } from '../define-op.js';
import { isGradEnabled } from '../grad-mode.js';
import { relu } from './relu.js';

function floatData(t: Tensor, dtype: DType): FloatArray {
  const c = contiguous(t.dtype === dtype ? t : cast(t, dtype));
  return c.contiguousData() as FloatArray;
}

const conv2dOp = defineOp<{ options: Conv2dOptions; geometry: Conv2dGeometry; dtype: DType; relu: boolean }>({
  name: 'conv2d',
  forward: ([x, w, b], { geometry: g, dtype, relu }) => {
    // The conv kernels overwrite every output element (tested with NaN-filled outputs): no zero-fill.
    const out = Tensor.uninitialized([g.batch, g.outChannels, g.outHeight, g.outWidth], dtype);
    conv2dForward(g, floatData(x!, dtype), floatData(w!, dtype), b ? floatData(b, dtype) : null, out.data as FloatArray, relu ? 'relu' : 'none');
    return { output: out, save: [x!, w!] };
  },
  backward: (gy, { saved, needsGrad, attrs: { geometry: g, dtype, relu } }) => {
    if (relu) throw new Error('conv2d: the fused conv + ReLU has no backward (conv2dRelu records the two ops when a graph is recorded)');
    const x = saved[0]!;
    const w = saved[1]!;
    const gyData = floatData(gy, dtype);
    let gx: Tensor | null = null;
    let gw: Tensor | null = null;
    let gb: Tensor | null = null;
    if (needsGrad[0]) {
      gx = Tensor.uninitialized(x.shape, dtype);
      conv2dBackwardInput(g, gyData, floatData(w, dtype), gx.data as FloatArray);
    }
    if (needsGrad[1]) {
      gw = Tensor.uninitialized(w.shape, dtype);
      conv2dBackwardWeight(g, floatData(x, dtype), gyData, gw.data as FloatArray);
    }
    if (needsGrad[2]) {
      gb = Tensor.zeroed([g.outChannels], dtype);
      conv2dBackwardBias(g, gyData, gb.data as FloatArray);
    }
    return [gx, gw, gb];
  },
});

/** Checks the operands; returns the geometry and the common float dtype. */
function prepare(x: Tensor, weight: Tensor, bias: Tensor | null, options: Conv2dOptions): { geometry: Conv2dGeometry; dtype: DType } {
  for (const [name, t] of [['input', x], ['weight', weight]] as const) {
    if (!(t instanceof Tensor)) throw new TypeError(`conv2d: ${name} must be a Tensor, got ${describe(t)}`);
  }
  let dtype = promoteTypes(x.dtype, weight.dtype);
  if (bias) {
    if (bias.ndim !== 1 || bias.shape[0] !== weight.shape[0]) {
      throw new RangeError(`conv2d: bias must have shape [${weight.shape[0]}], got ${describe(bias.shape)}`);
    }
    dtype = promoteTypes(dtype, bias.dtype);
  }
  if (!isFloatDType(dtype)) throw new TypeError(`conv2d: input and weight must be float32 or float64, got ${x.dtype} and ${weight.dtype}`);
  return { geometry: conv2dGeometry(x.shape, weight.shape, options), dtype };
}

/** 2-D convolution with PyTorch semantics; `bias` may be null. */
export function conv2d(x: Tensor, weight: Tensor, bias: Tensor | null = null, options: Conv2dOptions = {}): Tensor {
  const { geometry, dtype } = prepare(x, weight, bias, options);
  return conv2dOp([x, weight, bias], { options, geometry, dtype, relu: false });
}

/**
 * relu(conv2d(x, weight, bias, options)), fused into one kernel call when no graph can be recorded
 * (same bits either way).
 * @example noGrad(() => conv2dRelu(x, w, b, { padding: 1 }))
 */
export function conv2dRelu(x: Tensor, weight: Tensor, bias: Tensor | null = null, options: Conv2dOptions = {}): Tensor {
  const { geometry, dtype } = prepare(x, weight, bias, options);
  const records = isGradEnabled() && [x, weight, bias].some((t) => t !== null && t.requiresGrad);
  if (records) return relu(conv2dOp([x, weight, bias], { options, geometry, dtype, relu: false }));
  return conv2dOp([x, weight, bias], { options, geometry, dtype, relu: true });
}
