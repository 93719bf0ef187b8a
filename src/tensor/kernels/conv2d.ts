/**
 * conv2d kernels (fast paths): forward, input gradient, weight gradient, bias gradient. The validated
 * entry points (`conv2dForward`, …, which pick SIMD or JS and threads) are in ../kernel-dispatch.ts;
 * the serial work units are in conv2d-parts.ts; this file gathers the math and re-exports.
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
export { conv2dBackwardInputDirect, conv2dBackwardWeightDirect, conv2dForwardDirect, conv2dBackwardBias as conv2dBackwardBiasSerial, conv2dBackwardBiasChannels } from './conv2d-direct.js';
export { conv2dGeometry, conv2dSizes, type Conv2dGeometry, type Conv2dOptions } from './conv2d-geometry.js';
export { backwardWeightUnits, conv2dBackwardInputImages, conv2dBackwardWeightUnits, conv2dForwardImages } from './conv2d-parts.js';
