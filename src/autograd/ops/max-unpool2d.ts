/**
 * `maxUnpool2d` — the partial inverse of max pooling (torch.nn.functional.max_unpool2d).
 * Math, per plane (n, c): y = 0 except y[n, c, indices[n, c, i]] = x[n, c, i] (flat index ih·W + iw in
 *   the output plane, as `maxPool2d(x, { returnIndices: true })` gives; on a repeated index the later
 *   element wins, scanning i in row-major order); dx[n, c, i] = g[n, c, indices[n, c, i]] (a gather, so
 *   every element that wrote a repeated index gets its gradient, as in torch). indices gets no gradient.
 * Output size per axis: (I − 1)·stride − 2·padding + kernel, or `outputSize` ([H, W] or [N, C, H, W]),
 *   which must lie strictly between that size − stride and that size + stride (torch's rule).
 * Layout: x, indices, dx [N, C, IH, IW]; y, g [N, C, OH, OW]; contiguous. Cost O(N·C·(IH·IW + OH·OW)).
 * @example const [y, idx] = maxPool2d(x, { kernelSize: 2, returnIndices: true }); maxUnpool2d(y, idx, { kernelSize: 2 })
 */
import type { FloatArray } from '../../tensor/dtype.js';
import { pairOption } from '../../tensor/kernels/conv2d-geometry.js';
import { describe, shapeToString } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { contiguous } from '../../tensor/views.js';
import { defineOp } from '../define-op.js';

export interface MaxUnpool2dOptions {
  kernelSize: number | [number, number];
  /** Default kernelSize. */
  stride?: number | [number, number];
  padding?: number | [number, number];
  /** [H, W] or [N, C, H, W] of the output (resolves the sizes a strided pool maps to one). */
  outputSize?: readonly number[];
}

interface UnpoolAttrs { planes: number; inPlane: number; outHeight: number; outWidth: number }

/** Kernel: y ← 0, then y[p·OHW + idx[p·IHW + i]] = x[p·IHW + i] for every plane p and i ascending. */
function unpoolForward(a: UnpoolAttrs, x: FloatArray, indices: Int32Array, y: FloatArray): void {
  const outPlane = a.outHeight * a.outWidth;
  y.fill(0);
  for (let p = 0; p < a.planes; p++) {
    for (let i = 0; i < a.inPlane; i++) {
      const at = indices[p * a.inPlane + i]!;
      if (!(at >= 0 && at < outPlane)) {
        throw new RangeError(`maxUnpool2d: indices[${p * a.inPlane + i}] = ${at} is outside the ${a.outHeight}x${a.outWidth} output plane`);
      }
      y[p * outPlane + at] = x[p * a.inPlane + i]!;
    }
  }
}

/** Kernel: dx[p·IHW + i] = g[p·OHW + idx[p·IHW + i]] (indices validated by forward). */
function unpoolBackward(a: UnpoolAttrs, g: FloatArray, indices: Int32Array, dx: FloatArray): void {
  const outPlane = a.outHeight * a.outWidth;
  for (let p = 0; p < a.planes; p++) {
    for (let i = 0; i < a.inPlane; i++) dx[p * a.inPlane + i] = g[p * outPlane + indices[p * a.inPlane + i]!]!;
  }
}

const maxUnpoolOp = defineOp<UnpoolAttrs>({
  name: 'maxUnpool2d',
  forward: ([x, indices], attrs) => {
    const [n, c] = x!.shape;
    const y = Tensor.uninitialized([n!, c!, attrs.outHeight, attrs.outWidth], x!.dtype);
    unpoolForward(attrs, contiguous(x!).contiguousData() as FloatArray, contiguous(indices!).contiguousData() as Int32Array, y.data as FloatArray);
    return { output: y, save: [indices!] };
  },
  backward: (g, { inputs, saved, attrs }) => {
    const dx = Tensor.uninitialized(inputs[0]!.shape, inputs[0]!.dtype);
    unpoolBackward(attrs, contiguous(g).contiguousData() as FloatArray, contiguous(saved[0]!).contiguousData() as Int32Array, dx.data as FloatArray);
    return [dx, null];
  },
});

/** Places each value at its index in a zero output (see the file header). */
export function maxUnpool2d(x: Tensor, indices: Tensor, options: MaxUnpool2dOptions): Tensor {
  if (!(x instanceof Tensor) || !(indices instanceof Tensor)) throw new TypeError(`maxUnpool2d: input and indices must be Tensors, got ${describe(x)} and ${describe(indices)}`);
  if (x.ndim !== 4 || (x.dtype !== 'float32' && x.dtype !== 'float64')) {
    throw new RangeError(`maxUnpool2d: input must be a float32/float64 [N, C, H, W] tensor, got ${x.dtype} ${shapeToString(x.shape)}`);
  }
  if (indices.dtype !== 'int32' || indices.shape.length !== 4 || indices.shape.some((s, d) => s !== x.shape[d])) {
    throw new RangeError(`maxUnpool2d: indices must be int32 of the input's shape ${shapeToString(x.shape)}, got ${indices.dtype} ${shapeToString(indices.shape)}`);
  }
  if (options === null || typeof options !== 'object') throw new TypeError(`maxUnpool2d: options must be an object with kernelSize, got ${describe(options)}`);
  const kernel = pairOption('maxUnpool2d', 'kernelSize', options.kernelSize, 1, 1);
  const strideHW = options.stride === undefined ? kernel : pairOption('maxUnpool2d', 'stride', options.stride, 1, 1);
  const padding = pairOption('maxUnpool2d', 'padding', options.padding, 0, 0);
  const defaults = [0, 1].map((d) => (x.shape[2 + d]! - 1) * strideHW[d]! - 2 * padding[d]! + kernel[d]!);
  let size = defaults;
  if (options.outputSize !== undefined) {
    const given = Array.from(options.outputSize);
    if (given.length !== 2 && given.length !== 4) throw new RangeError(`maxUnpool2d: outputSize must be [H, W] or [N, C, H, W], got [${given.join(', ')}]`);
    size = given.slice(-2);
    for (let d = 0; d < 2; d++) {
      if (!(Number.isSafeInteger(size[d]) && size[d]! > defaults[d]! - strideHW[d]! && size[d]! < defaults[d]! + strideHW[d]!)) {
        throw new RangeError(`maxUnpool2d: outputSize [${size.join(', ')}] must lie strictly between [${defaults.map((v, k) => v - strideHW[k]!).join(', ')}] and [${defaults.map((v, k) => v + strideHW[k]!).join(', ')}] for input ${shapeToString(x.shape)}`);
      }
    }
  }
  if (!(size[0]! >= 1 && size[1]! >= 1)) throw new RangeError(`maxUnpool2d: the output would be ${size.join('x')} for input ${shapeToString(x.shape)}, kernel ${kernel.join('x')}, stride ${strideHW.join('x')}, padding ${padding.join('x')}`);
  return maxUnpoolOp([x, indices], { planes: x.shape[0]! * x.shape[1]!, inPlane: x.shape[2]! * x.shape[3]!, outHeight: size[0]!, outWidth: size[1]! });
}
