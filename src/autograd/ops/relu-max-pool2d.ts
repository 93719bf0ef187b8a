/**
 * `reluMaxPool2d` — max pooling of relu(x), computed as relu of the max pooling of x.
 * Math (NCHW, per channel): y = relu(max over the window of x) = max over the window of relu(x),
 * since relu is monotone and keeps NaN; dx: g routed to the FIRST argmax of x in each window, masked
 * where y ≤ 0 (there relu′ = 0 at that element), accumulated when windows overlap. These are exactly
 * the values and gradients of maxPool2d(relu(x)): where the window's max is > 0 (or NaN) both pick the
 * same first argmax; where it is ≤ 0 every gradient of the window is 0 both ways.
 * Cost: the pooling plus a ReLU forward and a ReLU mask on the pooled (k² times smaller) tensor,
 * instead of a ReLU forward and backward over the full input; nothing of input size is kept.
 * Reference: torch.nn.functional.max_pool2d(torch.relu(x)). `Sequential` uses it for a ReLU directly
 * followed by a MaxPool2d. @example reluMaxPool2d(x, { kernelSize: 2 })
 */
import type { FloatArray } from '../../tensor/dtype.js';
import { binaryElementwise, maxPool2dBackward, maxPool2dForward, unaryElementwise } from '../../tensor/kernel-dispatch.js';
import { pool2dGeometry, type Pool2dGeometry, type Pool2dOptions } from '../../tensor/kernels/pool2d-geometry.js';
import { allocate, releaseAllocated } from '../../tensor/storage.js';
import { Tensor } from '../../tensor/tensor.js';
import { defineOp } from '../define-op.js';
import { checkInput, floatData, outShape } from './pool2d-parts.js';

const reluMaxPoolOp = defineOp<{ geometry: Pool2dGeometry }>({
  name: 'reluMaxPool2d',
  forward: ([x], { geometry: g }) => {
    const out = Tensor.uninitialized(outShape(g), x!.dtype); // the kernels write every output
    const argmax = allocate('int32', out.numel(), { zeroed: false });
    const y = out.data as FloatArray;
    maxPool2dForward(g, floatData(x!), y, argmax);
    unaryElementwise('relu', y, 0, [1], [y.length], y, true); // in place, on the pooled values
    return { output: out, save: [out], extra: argmax, scratch: [argmax] };
  },
  backward: (gy, { inputs, saved, extra, attrs: { geometry: g } }) => {
    const y = saved[0]!.contiguousData() as FloatArray;
    const masked = allocate(gy.dtype, y.length, { zeroed: false }) as FloatArray;
    binaryElementwise('reluGrad', floatData(gy), 0, [1], y, 0, [1], [y.length], masked, true); // g where y > 0 or NaN
    const gx = Tensor.uninitialized(inputs[0]!.shape, inputs[0]!.dtype); // overwritten plane by plane
    maxPool2dBackward(g, masked, extra as Int32Array, gx.data as FloatArray);
    releaseAllocated(masked);
    return [gx];
  },
});

/**
 * maxPool2d(relu(x), options) in one op (same values and gradients, a quarter of the ReLU work for
 * 2×2 windows). @example reluMaxPool2d(x, { kernelSize: 2 }) // = maxPool2d(relu(x), { kernelSize: 2 })
 */
export function reluMaxPool2d(x: Tensor, options: Pool2dOptions): Tensor {
  checkInput(x, 'reluMaxPool2d');
  return reluMaxPoolOp([x], { geometry: pool2dGeometry(x.shape, options, 'reluMaxPool2d') });
}
