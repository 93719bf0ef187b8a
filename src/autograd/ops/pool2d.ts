/**
 * `maxPool2d` / `avgPool2d` — Math (NCHW, per channel):
 *   max: y = max over the window (padding = −∞); dx: g routed to the FIRST argmax of each window
 *        (indices kept from forward), accumulated when windows overlap.
 *   avg: y = mean over the window (÷ full window with padding when countIncludePad, the default);
 *        dx: g spread evenly over each window.
 * Reference: torch.nn.functional.max_pool2d / avg_pool2d (ceil_mode, padding, dilation for max).
 * @example maxPool2d(x, { kernelSize: 2 })
 */
import type { FloatArray } from '../../tensor/dtype.js';
import { pool2dGeometry, type Pool2dGeometry, type Pool2dOptions } from '../../tensor/kernels/pool2d-geometry.js';
import { avgPool2dBackward, avgPool2dForward, maxPool2dBackward, maxPool2dForward } from '../../tensor/kernel-dispatch.js';
import { describe } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { contiguous } from '../../tensor/views.js';
import { allocate } from '../../tensor/storage.js';
import { defineOp } from '../define-op.js';

type PoolAttrs = { geometry: Pool2dGeometry };

function outShape(g: Pool2dGeometry): number[] {
  return [g.batch, g.channels, g.outHeight, g.outWidth];
}

function floatInput(x: Tensor, op: string): FloatArray {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: input must be a Tensor, got ${describe(x)}`);
  if (x.dtype !== 'float32' && x.dtype !== 'float64') throw new TypeError(`${op}: input must be float32 or float64, got ${x.dtype}`);
  return contiguous(x).contiguousData() as FloatArray;
}

const maxPoolOp = defineOp<PoolAttrs>({
  name: 'maxPool2d',
  forward: ([x], { geometry: g }) => {
    const out = Tensor.uninitialized(outShape(g), x!.dtype); // the kernel writes every output
    const argmax = allocate('int32', out.numel(), { zeroed: false }); // and every index
    maxPool2dForward(g, floatInput(x!, 'maxPool2d'), out.data as FloatArray, argmax);
    return { output: out, extra: argmax, scratch: [argmax] };
  },
  backward: (gy, { inputs, extra, attrs: { geometry: g } }) => {
    const gx = Tensor.uninitialized(inputs[0]!.shape, inputs[0]!.dtype); // overwritten plane by plane
    maxPool2dBackward(g, floatInput(gy, 'maxPool2d backward'), extra as Int32Array, gx.data as FloatArray);
    return [gx];
  },
});

const avgPoolOp = defineOp<PoolAttrs>({
  name: 'avgPool2d',
  forward: ([x], { geometry: g }) => {
    const out = Tensor.zeroed(outShape(g), x!.dtype);
    avgPool2dForward(g, floatInput(x!, 'avgPool2d'), out.data as FloatArray);
    return { output: out };
  },
  backward: (gy, { inputs, attrs: { geometry: g } }) => {
    const gx = Tensor.zeroed(inputs[0]!.shape, inputs[0]!.dtype);
    avgPool2dBackward(g, floatInput(gy, 'avgPool2d backward'), gx.data as FloatArray);
    return [gx];
  },
});

export function maxPool2d(x: Tensor, options: Pool2dOptions): Tensor {
  return maxPoolOp([x], { geometry: pool2dGeometry(x.shape, options, 'maxPool2d') });
}

export function avgPool2d(x: Tensor, options: Pool2dOptions): Tensor {
  return avgPoolOp([x], { geometry: pool2dGeometry(x.shape, options, 'avgPool2d') });
}
