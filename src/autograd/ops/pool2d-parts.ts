/**
 * What the pooling ops share (pool2d.ts, relu-max-pool2d.ts): the output shape, the input check of the
 * public fronts, and the contiguous float data the kernels read. Not part of the public API.
 */
import type { FloatArray } from '../../tensor/dtype.js';
import type { Pool2dGeometry } from '../../tensor/kernels/pool2d-geometry.js';
import { describe } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { contiguous } from '../../tensor/views.js';

/** [N, C, OH, OW] of a pooling. */
export function outShape(g: Pool2dGeometry): number[] {
  return [g.batch, g.channels, g.outHeight, g.outWidth];
}

/** The public fronts check their input first (before its shape is read), so a bad one is named. */
export function checkInput(x: Tensor, op: string): void {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: input must be a Tensor, got ${describe(x)}`);
  if (x.dtype !== 'float32' && x.dtype !== 'float64') throw new TypeError(`${op}: input must be float32 or float64, got ${x.dtype}`);
}

/** The tensor's elements as one contiguous float array (a copy only when x is a strided view). */
export function floatData(x: Tensor): FloatArray {
  return contiguous(x).contiguousData() as FloatArray;
}
