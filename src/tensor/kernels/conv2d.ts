/**
 * conv2d kernels (fast paths): forward, input gradient, weight gradient, bias gradient.
 *
 * Math (full index notation and the direct loops in conv2d-direct.ts):
 *   y[n,oc,oh,ow]    = Σ_{ci,kh,kw} x[n, gr·Cg+ci, ih, iw] · w[oc,ci,kh,kw] + bias[oc]
 *   dx[n,c,ih,iw]    = Σ over the (oc, kh, kw, oh, ow) that read x[n,c,ih,iw] of dy · w
 *   dw[oc,ci,kh,kw]  = Σ_{n,oh,ow} dy[n,oc,oh,ow] · x[n, gr·Cg+ci, ih, iw]
 * Method, per image n and group gr, with K = Cg·KH·KW, P = OH·OW, Og = C_out/G, and
 * col = im2col(x[n, group gr]) the K×P patch matrix (im2col.ts; work units in conv2d-parts.ts):
 *   forward   Y[Og×P]   = W_gr[Og×K] · col                     (gemm; bias pre-stored in Y, β = 1)
 *   dx        dcol[K×P] = W_grᵀ · dY[Og×P], dx = col2im(dcol)  (gemm transA, float64 dcol)
 *   dw        dW_gr    += dY[Og×P] · colᵀ                      (gemm transB, float64 accumulator)
 * A 1×1 kernel with stride 1 and no padding skips im2col (col is x itself); depthwise convs with
 * ≤ 4 outputs per group use shift-and-accumulate loops (conv2d-depthwise.ts). Patch buffers and float64 accumulators come from the
 * scratch pool and are reused across calls.
 * Threads: with getNumThreads() > 1 and enough work, forward and dx split the batch and dw splits
 * its columns over worker threads; results are bit-identical to one thread.
 * Layouts: x NCHW, w OIHW, y NCHW, all contiguous; outputs are overwritten.
 * Accumulation: float64 throughout (the GEMM accumulates in float64, dcol and dw are float64), one
 * rounding per stored element. The forward pass equals conv2dForwardDirect bit for bit for finite
 * weights; the backward kernels sum in a different (fixed) order than the direct loops.
 * Cost: 2·N·C_out·P·K flops per kernel, plus K·P copies per image for im2col/col2im.
 * Reference: torch.nn.functional.conv2d and torch.nn.grad.conv2d_input / conv2d_weight.
 */
import type { FloatArray } from '../dtype.js';
import { checkLength, conv2dSizes, type Conv2dGeometry } from './conv2d-geometry.js';
import { backwardWeightUnits, conv2dBackwardInputImages, conv2dBackwardWeightUnits, conv2dForwardImages } from './conv2d-parts.js';
import { convParallel, shouldParallelizeConv } from '../parallel/conv-parallel.js';

export { conv2dBackwardInputDirect, conv2dBackwardWeightDirect, conv2dForwardDirect } from './conv2d-direct.js';
import { conv2dBackwardBias as conv2dBackwardBiasSerial } from './conv2d-direct.js';
export { conv2dGeometry, type Conv2dGeometry, type Conv2dOptions } from './conv2d-geometry.js';

/**
 * y = conv2d(x, w) + bias, overwriting `out` ([N, C_out, OH, OW]).
 *
 * @example
 * const g = conv2dGeometry([1, 1, 3, 3], [1, 1, 2, 2]);
 * const out = new Float32Array(4);
 * conv2dForward(g, new Float32Array([1, 2, 3, 4, 5, 6, 7, 8, 9]), new Float32Array([1, 0, 0, 1]), null, out);
 * // out = [6, 8, 12, 14] (x[oh,ow] + x[oh+1,ow+1])
 */
export function conv2dForward(
  g: Conv2dGeometry, x: FloatArray, w: FloatArray, bias: FloatArray | null, out: FloatArray,
): void {
  const sizes = conv2dSizes(g);
  checkLength('conv2dForward', 'x', x, sizes.input);
  checkLength('conv2dForward', 'w', w, sizes.weight);
  checkLength('conv2dForward', 'out', out, sizes.output);
  if (bias !== null) checkLength('conv2dForward', 'bias', bias, g.outChannels);
  if (shouldParallelizeConv(g, 'forward')) convParallel({ kind: 'conv2dForward', g, x, w, bias, out });
  else conv2dForwardImages(g, x, w, bias, out, 0, g.batch);
}

/**
 * dx = conv2d's adjoint in x applied to gradOut, overwriting `gradInput` ([N, C_in, H, W]).
 *
 * @example
 * const g = conv2dGeometry([1, 1, 2, 2], [1, 1, 2, 2]); // one output element
 * const dx = new Float32Array(4);
 * conv2dBackwardInput(g, new Float32Array([1]), new Float32Array([1, 2, 3, 4]), dx); // dx = w = [1, 2, 3, 4]
 */
export function conv2dBackwardInput(g: Conv2dGeometry, gradOut: FloatArray, w: FloatArray, gradInput: FloatArray): void {
  const sizes = conv2dSizes(g);
  checkLength('conv2dBackwardInput', 'gradOut', gradOut, sizes.output);
  checkLength('conv2dBackwardInput', 'w', w, sizes.weight);
  checkLength('conv2dBackwardInput', 'gradInput', gradInput, sizes.input);
  if (shouldParallelizeConv(g, 'backwardInput')) convParallel({ kind: 'conv2dBackwardInput', g, gradOut, w, gradInput });
  else conv2dBackwardInputImages(g, gradOut, w, gradInput, 0, g.batch);
}

/**
 * dw = conv2d's adjoint in w, overwriting `gradWeight` ([C_out, C_in/groups, KH, KW]). The sum over
 * the batch runs in ascending n in a float64 accumulator.
 *
 * @example
 * const g = conv2dGeometry([1, 1, 2, 2], [1, 1, 2, 2]);
 * const dw = new Float32Array(4);
 * conv2dBackwardWeight(g, new Float32Array([1, 2, 3, 4]), new Float32Array([2]), dw); // dw = 2·x = [2, 4, 6, 8]
 */
export function conv2dBackwardWeight(g: Conv2dGeometry, x: FloatArray, gradOut: FloatArray, gradWeight: FloatArray): void {
  const sizes = conv2dSizes(g);
  checkLength('conv2dBackwardWeight', 'x', x, sizes.input);
  checkLength('conv2dBackwardWeight', 'gradOut', gradOut, sizes.output);
  checkLength('conv2dBackwardWeight', 'gradWeight', gradWeight, sizes.weight);
  if (shouldParallelizeConv(g, 'backwardWeight')) convParallel({ kind: 'conv2dBackwardWeight', g, x, gradOut, gradWeight });
  else conv2dBackwardWeightUnits(g, x, gradOut, gradWeight, 0, backwardWeightUnits(g));
}

/**
 * db[oc] = Σ_{n,oh,ow} gradOut[n, oc, oh, ow] (float64 sum in ascending n, then position), overwriting
 * `gradBias` ([C_out]); output channels are split over threads when the work is large enough.
 *
 * @example
 * const g = conv2dGeometry([1, 1, 2, 2], [1, 1, 2, 2]);
 * const db = new Float32Array(1);
 * conv2dBackwardBias(g, new Float32Array([1.5]), db); // db = [1.5]
 */
export function conv2dBackwardBias(g: Conv2dGeometry, gradOut: FloatArray, gradBias: FloatArray): void {
  if (shouldParallelizeConv(g, 'backwardBias')) {
    checkLength('conv2dBackwardBias', 'gradOut', gradOut, g.batch * g.outChannels * g.outHeight * g.outWidth);
    checkLength('conv2dBackwardBias', 'gradBias', gradBias, g.outChannels);
    convParallel({ kind: 'conv2dBackwardBias', g, gradOut, gradBias });
  } else {
    conv2dBackwardBiasSerial(g, gradOut, gradBias);
  }
}
