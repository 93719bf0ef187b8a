/**
 * conv2d work units: the fast kernels of conv2d.ts restricted to a range of images (forward, input
 * gradient) or of columns of dW (weight gradient; output channels for depthwise). A thread runs one unit; the arithmetic of every
 * output element is the same whatever the range, so splitting the work never changes a bit.
 *
 * Per image n and group gr, with K = Cg·KH·KW, P = OH·OW, Og = C_out/G, col = im2col(x[n, gr]):
 *   forward   Y[n, gr] (Og×P) = W_gr (Og×K) · col, bias pre-stored, β = 1
 *   dx        dcol (K×P, float64) = W_grᵀ · dY[n, gr];  dx[n, gr] = col2im(dcol) (float64 plane)
 *   dw        acc[:, k] (float64) += dY[n, gr] (Og×P) · col[k, :]ᵀ over n ascending, one rounding
 * On the SIMD path (float32 operands, `gemm.float32Accumulation`) the GEMMs run in float32 (wasm sgemm): dcol
 * is float32, and dw's per-image products land in a float32 block that is added into the float64
 * batch accumulator, still over n ascending. `gemm` is the serial GEMM the dispatch layer chose
 * (../kernel-dispatch.ts); the path never depends on the split over threads.
 * Depthwise-style convs (Cg = 1, ≤ 4 outputs per group) use conv2d-depthwise.ts instead.
 * Layouts: NCHW / OIHW / NCHW contiguous. Cost: see conv2d.ts. Scratch buffers are per call.
 */
import type { FloatArray } from '../dtype.js';
import { conv2dBackwardInputDepthwise, conv2dBackwardWeightDepthwise, conv2dForwardDepthwise } from './conv2d-depthwise.js';
import { backwardInputDepthwise3x3, backwardWeightDepthwise3x3, forwardDepthwise3x3, isDepthwise3x3 } from './conv2d-depthwise-3x3.js';
import type { Conv2dGeometry } from './conv2d-geometry.js';
import { col2imAccumulate, im2col, im2colRows } from './im2col.js';
import type { GemmArgs, SerialGemm } from './matmul.js';
import { acquireScratch, releaseScratch } from './scratch.js';

const dtypeOf = (a: FloatArray): 'float32' | 'float64' => (a instanceof Float64Array ? 'float64' : 'float32');

/** All rows of one GEMM through the chosen serial kernel. */
function gemmAll(gemm: SerialGemm, args: GemmArgs): void {
  gemm.rows(args, 0, args.m);
}

/** Whether this call's GEMMs accumulate in float32 (float32 operands on the SIMD sgemm). */
function float32Products(gemm: SerialGemm, ...arrays: FloatArray[]): boolean {
  return gemm.float32Accumulation && arrays.every((a) => a instanceof Float32Array);
}

/** True when the patch matrix of one image is the image itself (1×1 kernel, stride 1, no padding). */
export function isPointwise(g: Conv2dGeometry): boolean {
  return g.kernelHeight === 1 && g.kernelWidth === 1 && g.strideH === 1 && g.strideW === 1 &&
    g.padH === 0 && g.padW === 0;
}

/**
 * One input channel per group and at most 4 outputs per group (depthwise, channel multiplier ≤ 4):
 * shift-and-accumulate (conv2d-depthwise.ts) beats one-row GEMMs about 2× there (measured b64
 * 32×14×14 depthwise: 1.4–2.0 vs 0.6–0.9 GFLOP/s); from 8 outputs per group on, GEMM wins.
 */
export function useDepthwiseKernels(g: Conv2dGeometry): boolean {
  return g.inChannels / g.groups === 1 && g.outChannels / g.groups <= 4;
}

/**
 * Forward conv2d for images [n0, n1).
 *
 * @example
 * conv2dForwardImages(g, x, w, bias, out, 0, g.batch, JS_GEMM);
 */
export function conv2dForwardImages(
  g: Conv2dGeometry, x: FloatArray, w: FloatArray, bias: FloatArray | null, out: FloatArray, n0: number, n1: number, gemm: SerialGemm,
): void {
  if (useDepthwiseKernels(g)) {
    if (isDepthwise3x3(g)) forwardDepthwise3x3(g, x, w, bias, out, n0, n1);
    else conv2dForwardDepthwise(g, x, w, bias, out, n0, n1);
    return;
  }
  const Cg = g.inChannels / g.groups;
  const Og = g.outChannels / g.groups;
  const K = Cg * g.kernelHeight * g.kernelWidth;
  const P = g.outHeight * g.outWidth;
  const HW = g.inHeight * g.inWidth;
  const col = isPointwise(g) ? null : acquireScratch(dtypeOf(x), K * P);
  try {
    for (let n = n0; n < n1; n++) {
      for (let gr = 0; gr < g.groups; gr++) {
        const yBase = (n * g.outChannels + gr * Og) * P;
        if (bias !== null) {
          for (let o = 0; o < Og; o++) out.fill(bias[gr * Og + o]!, yBase + o * P, yBase + (o + 1) * P);
        }
        if (col !== null) im2col(g, x, n, gr * Cg, Cg, col);
        gemmAll(gemm, {
          transA: false, transB: false, m: Og, n: P, k: K, alpha: 1,
          a: w, aOffset: gr * Og * K, lda: K,
          b: col ?? x, bOffset: col === null ? (n * g.inChannels + gr * Cg) * HW : 0, ldb: P,
          beta: bias === null ? 0 : 1, c: out, cOffset: yBase, ldc: P,
        });
      }
    }
  } finally {
    if (col !== null) releaseScratch(col);
  }
}

/**
 * Input gradient for images [n0, n1) (overwrites those images of gradInput).
 *
 * @example
 * conv2dBackwardInputImages(g, gradOut, w, gradInput, 0, g.batch, JS_GEMM);
 */
export function conv2dBackwardInputImages(
  g: Conv2dGeometry, gradOut: FloatArray, w: FloatArray, gradInput: FloatArray, n0: number, n1: number, gemm: SerialGemm,
): void {
  const Cg = g.inChannels / g.groups;
  const Og = g.outChannels / g.groups;
  const K = Cg * g.kernelHeight * g.kernelWidth;
  const P = g.outHeight * g.outWidth;
  const HW = g.inHeight * g.inWidth;
  if (useDepthwiseKernels(g)) {
    if (isDepthwise3x3(g)) backwardInputDepthwise3x3(g, gradOut, w, gradInput, n0, n1);
    else conv2dBackwardInputDepthwise(g, gradOut, w, gradInput, n0, n1);
    return;
  }
  if (isPointwise(g)) {
    // dx[n, group] (Cg×HW) = W_grᵀ (Cg×Og) · dY (Og×HW): one rounding per element, no col2im.
    for (let n = n0; n < n1; n++) {
      for (let gr = 0; gr < g.groups; gr++) {
        gemmAll(gemm, {
          transA: true, transB: false, m: Cg, n: P, k: Og, alpha: 1,
          a: w, aOffset: gr * Og * Cg, lda: Cg,
          b: gradOut, bOffset: (n * g.outChannels + gr * Og) * P, ldb: P,
          beta: 0, c: gradInput, cOffset: (n * g.inChannels + gr * Cg) * HW, ldc: P,
        });
      }
    }
    return;
  }
  const dcol = acquireScratch(float32Products(gemm, gradOut, w) ? 'float32' : 'float64', K * P);
  const img = acquireScratch('float64', Cg * HW);
  try {
    for (let n = n0; n < n1; n++) {
      for (let gr = 0; gr < g.groups; gr++) {
        gemmAll(gemm, {
          transA: true, transB: false, m: K, n: P, k: Og, alpha: 1,
          a: w, aOffset: gr * Og * K, lda: K,
          b: gradOut, bOffset: (n * g.outChannels + gr * Og) * P, ldb: P,
          beta: 0, c: dcol, cOffset: 0, ldc: P,
        });
        img.fill(0, 0, Cg * HW);
        col2imAccumulate(g, dcol, Cg, img);
        const dst = (n * g.inChannels + gr * Cg) * HW;
        for (let q = 0; q < Cg * HW; q++) gradInput[dst + q] = img[q]!;
      }
    }
  } finally {
    releaseScratch(dcol);
    releaseScratch(img);
  }
}

/**
 * How the weight gradient is split into work units: by output channel for the depthwise kernels,
 * otherwise by column of dW (k = (ci·KH + kh)·KW + kw, shared by all groups), so each thread builds
 * only its own rows of the patch matrix.
 *
 * @example
 * backwardWeightUnits(conv2dGeometry([8, 32, 14, 14], [64, 32, 3, 3])); // 288 columns
 */
export function backwardWeightUnits(g: Conv2dGeometry): number {
  return useDepthwiseKernels(g) ? g.outChannels : (g.inChannels / g.groups) * g.kernelHeight * g.kernelWidth;
}

/**
 * Weight gradient for work units [start, end) (see backwardWeightUnits), overwriting those entries
 * of gradWeight. Every entry's batch sum runs over n ascending in a float64 accumulator, each image's
 * contribution being the GEMM's sequential sum over output positions.
 *
 * @example
 * conv2dBackwardWeightUnits(g, x, gradOut, gradWeight, 0, backwardWeightUnits(g), JS_GEMM);
 */
export function conv2dBackwardWeightUnits(
  g: Conv2dGeometry, x: FloatArray, gradOut: FloatArray, gradWeight: FloatArray, start: number, end: number, gemm: SerialGemm,
): void {
  if (end <= start) return;
  if (useDepthwiseKernels(g)) {
    if (isDepthwise3x3(g)) backwardWeightDepthwise3x3(g, x, gradOut, gradWeight, start, end);
    else conv2dBackwardWeightDepthwise(g, x, gradOut, gradWeight, start, end);
    return;
  }
  const Cg = g.inChannels / g.groups;
  const Og = g.outChannels / g.groups;
  const K = Cg * g.kernelHeight * g.kernelWidth;
  const P = g.outHeight * g.outWidth;
  const HW = g.inHeight * g.inWidth;
  const width = end - start; // columns k ∈ [start, end) of dW
  const col = isPointwise(g) ? null : acquireScratch(dtypeOf(x), width * P);
  const acc = acquireScratch('float64', g.outChannels * width);
  // SIMD path: each image's product in float32 (block), then added into the float64 accumulator.
  const block = float32Products(gemm, x, gradOut) ? acquireScratch('float32', Og * width) : null;
  try {
    acc.fill(0, 0, g.outChannels * width);
    for (let n = 0; n < g.batch; n++) {
      for (let gr = 0; gr < g.groups; gr++) {
        if (col !== null) im2colRows(g, x, n, gr * Cg, start, end, col);
        // acc[gr's rows, :] += dY[n, gr] (Og×P) · col[start:end, :]ᵀ (for 1×1: x's channel planes).
        const product: GemmArgs = {
          transA: false, transB: true, m: Og, n: width, k: P, alpha: 1,
          a: gradOut, aOffset: (n * g.outChannels + gr * Og) * P, lda: P,
          b: col ?? x, bOffset: col === null ? (n * g.inChannels + gr * Cg + start) * HW : 0, ldb: P,
          beta: 1, c: acc, cOffset: gr * Og * width, ldc: width,
        };
        if (block === null) {
          gemmAll(gemm, product);
          continue;
        }
        gemmAll(gemm, { ...product, beta: 0, c: block, cOffset: 0 });
        const base = gr * Og * width;
        for (let q = 0; q < Og * width; q++) acc[base + q]! += block[q]!;
      }
    }
    for (let oc = 0; oc < g.outChannels; oc++) {
      for (let j = 0; j < width; j++) gradWeight[oc * K + start + j] = acc[oc * width + j]!;
    }
  } finally {
    if (col !== null) releaseScratch(col);
    releaseScratch(acc);
    if (block !== null) releaseScratch(block);
  }
}
