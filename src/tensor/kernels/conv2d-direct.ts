/**
 * conv2d, direct loops: the readable in-source reference (and the fast path for depthwise convs).
 *
 * Notation: G = groups, Cg = C_in / G input channels per group, Og = C_out / G output channels per
 * group, group of output channel oc is gr = ⌊oc / Og⌋, ci ranges over [0, Cg).
 *   ih(oh, kh) = oh·strideH − padH + kh·dilationH,   iw(ow, kw) = ow·strideW − padW + kw·dilationW
 * Forward (cross-correlation, zero padding):
 *   y[n,oc,oh,ow] = Σ_{ci,kh,kw} x[n, gr·Cg+ci, ih, iw] · w[oc,ci,kh,kw]  (+ bias[oc], added last)
 * Input gradient (adjoint in x):
 *   dx[n, gr·Cg+ci, ih, iw] = Σ_{oc ∈ group gr, kh, kw : ih = ih(oh,kh), iw = iw(ow,kw)} dy[n,oc,oh,ow] · w[oc,ci,kh,kw]
 * Weight gradient (adjoint in w):
 *   dw[oc,ci,kh,kw] = Σ_{n,oh,ow} dy[n,oc,oh,ow] · x[n, gr·Cg+ci, ih, iw]
 * Layouts: NCHW input/output, OIHW weight, contiguous. Padded positions contribute nothing.
 * Accumulation: float64 locals, one rounding per stored element.
 * Cost: forward and each backward 2·N·C_out·OH·OW·Cg·KH·KW flops.
 */
import type { FloatArray } from '../dtype.js';
import { checkLength, type Conv2dGeometry } from './conv2d-geometry.js';
import { channelSum } from './batch-norm.js';

/**
 * Forward conv2d by the defining sum, one output element at a time.
 *
 * @example
 * const g = conv2dGeometry([1, 1, 3, 3], [1, 1, 2, 2]);
 * const out = new Float64Array(4);
 * conv2dForwardDirect(g, new Float64Array([1, 2, 3, 4, 5, 6, 7, 8, 9]), new Float64Array([1, 0, 0, 1]), null, out);
 * // out = [6, 8, 12, 14]
 */
export function conv2dForwardDirect(
  g: Conv2dGeometry, x: FloatArray, w: FloatArray, bias: FloatArray | null, out: FloatArray,
): void {
  conv2dForwardDirectImages(g, x, w, bias, out, 0, g.batch);
}

/**
 * `conv2dForwardDirect` restricted to images [n0, n1) (a thread's share of the batch).
 *
 * @example
 * const g = conv2dGeometry([2, 1, 1, 1], [1, 1, 1, 1]);
 * const out = new Float64Array(2);
 * conv2dForwardDirectImages(g, new Float64Array([3, 4]), new Float64Array([2]), null, out, 0, 1); // out = [6, 0]
 */
export function conv2dForwardDirectImages(
  g: Conv2dGeometry, x: FloatArray, w: FloatArray, bias: FloatArray | null, out: FloatArray, n0: number, n1: number,
): void {
  const { inChannels, inHeight: H, inWidth: W, outChannels, kernelHeight: KH, kernelWidth: KW } = g;
  const { strideH, strideW, padH, padW, dilationH, dilationW, outHeight: OH, outWidth: OW } = g;
  const Cg = inChannels / g.groups;
  const Og = outChannels / g.groups;
  for (let n = n0; n < n1; n++) {
    for (let oc = 0; oc < outChannels; oc++) {
      const xGroup = (n * inChannels + Math.floor(oc / Og) * Cg) * H * W;
      const wFilter = oc * Cg * KH * KW;
      const yPlane = (n * outChannels + oc) * OH * OW;
      for (let oh = 0; oh < OH; oh++) {
        for (let ow = 0; ow < OW; ow++) {
          let sum = 0;
          for (let ci = 0; ci < Cg; ci++) {
            const xChannel = xGroup + ci * H * W;
            const wChannel = wFilter + ci * KH * KW;
            for (let kh = 0; kh < KH; kh++) {
              const ih = oh * strideH - padH + kh * dilationH;
              if (ih < 0 || ih >= H) continue;
              const xRow = xChannel + ih * W;
              const wRow = wChannel + kh * KW;
              for (let kw = 0; kw < KW; kw++) {
                const iw = ow * strideW - padW + kw * dilationW;
                if (iw < 0 || iw >= W) continue;
                sum += x[xRow + iw]! * w[wRow + kw]!;
              }
            }
          }
          out[yPlane + oh * OW + ow] = bias === null ? sum : sum + bias[oc]!;
        }
      }
    }
  }
}

/**
 * Input gradient by the gather form of the adjoint: each dx element sums the dy·w products that
 * read it. Overwrites gradInput.
 *
 * @example
 * const g = conv2dGeometry([1, 1, 2, 2], [1, 1, 2, 2]);
 * const dx = new Float64Array(4);
 * conv2dBackwardInputDirect(g, new Float64Array([1]), new Float64Array([1, 2, 3, 4]), dx); // dx = [1, 2, 3, 4]
 */
export function conv2dBackwardInputDirect(
  g: Conv2dGeometry, gradOut: FloatArray, w: FloatArray, gradInput: FloatArray,
): void {
  const { batch, inChannels, inHeight: H, inWidth: W, outChannels, kernelHeight: KH, kernelWidth: KW } = g;
  const { strideH, strideW, padH, padW, dilationH, dilationW, outHeight: OH, outWidth: OW } = g;
  const Cg = inChannels / g.groups;
  const Og = outChannels / g.groups;
  for (let n = 0; n < batch; n++) {
    for (let c = 0; c < inChannels; c++) {
      const gr = Math.floor(c / Cg);
      const ci = c - gr * Cg;
      for (let ih = 0; ih < H; ih++) {
        for (let iw = 0; iw < W; iw++) {
          let sum = 0;
          for (let oc = gr * Og; oc < (gr + 1) * Og; oc++) {
            const dyPlane = (n * outChannels + oc) * OH * OW;
            const wChannel = (oc * Cg + ci) * KH * KW;
            for (let kh = 0; kh < KH; kh++) {
              // ih = oh·strideH − padH + kh·dilationH must hold for an integer oh in range.
              const ohScaled = ih + padH - kh * dilationH;
              if (ohScaled < 0 || ohScaled % strideH !== 0) continue;
              const oh = ohScaled / strideH;
              if (oh >= OH) continue;
              const dyRow = dyPlane + oh * OW;
              const wRow = wChannel + kh * KW;
              for (let kw = 0; kw < KW; kw++) {
                const owScaled = iw + padW - kw * dilationW;
                if (owScaled < 0 || owScaled % strideW !== 0) continue;
                const ow = owScaled / strideW;
                if (ow >= OW) continue;
                sum += gradOut[dyRow + ow]! * w[wRow + kw]!;
              }
            }
          }
          gradInput[((n * inChannels + c) * H + ih) * W + iw] = sum;
        }
      }
    }
  }
}

/**
 * Weight gradient by its defining sum over batch and output positions. Overwrites gradWeight.
 *
 * @example
 * const g = conv2dGeometry([1, 1, 2, 2], [1, 1, 2, 2]);
 * const dw = new Float64Array(4);
 * conv2dBackwardWeightDirect(g, new Float64Array([1, 2, 3, 4]), new Float64Array([2]), dw); // dw = [2, 4, 6, 8]
 */
export function conv2dBackwardWeightDirect(
  g: Conv2dGeometry, x: FloatArray, gradOut: FloatArray, gradWeight: FloatArray,
): void {
  const { batch, inChannels, inHeight: H, inWidth: W, outChannels, kernelHeight: KH, kernelWidth: KW } = g;
  const { strideH, strideW, padH, padW, dilationH, dilationW, outHeight: OH, outWidth: OW } = g;
  const Cg = inChannels / g.groups;
  const Og = outChannels / g.groups;
  for (let oc = 0; oc < outChannels; oc++) {
    const c0 = Math.floor(oc / Og) * Cg;
    for (let ci = 0; ci < Cg; ci++) {
      for (let kh = 0; kh < KH; kh++) {
        for (let kw = 0; kw < KW; kw++) {
          let sum = 0;
          for (let n = 0; n < batch; n++) {
            const xPlane = (n * inChannels + c0 + ci) * H * W;
            const dyPlane = (n * outChannels + oc) * OH * OW;
            for (let oh = 0; oh < OH; oh++) {
              const ih = oh * strideH - padH + kh * dilationH;
              if (ih < 0 || ih >= H) continue;
              const dyRow = dyPlane + oh * OW;
              const xRow = xPlane + ih * W;
              for (let ow = 0; ow < OW; ow++) {
                const iw = ow * strideW - padW + kw * dilationW;
                if (iw < 0 || iw >= W) continue;
                sum += gradOut[dyRow + ow]! * x[xRow + iw]!;
              }
            }
          }
          gradWeight[((oc * Cg + ci) * KH + kh) * KW + kw] = sum;
        }
      }
    }
  }
}

/**
 * Bias gradient: dbias[oc] = Σ_{n,oh,ow} dy[n,oc,oh,ow], a float64 sum in batch norm's eight-lane
 * order (batch-norm.ts `channelSum`: position oh·OW + ow of each plane to partial sum (oh·OW + ow) mod 8,
 * planes n ascending, the eight combined pairwise), rounded once; eight independent chains run about
 * four times faster than one.
 *
 * @example
 * const g = conv2dGeometry([2, 1, 1, 1], [1, 1, 1, 1]);
 * const db = new Float32Array(1);
 * conv2dBackwardBias(g, new Float32Array([1.5, 2]), db); // db = [3.5]
 */
export function conv2dBackwardBias(g: Conv2dGeometry, gradOut: FloatArray, gradBias: FloatArray): void {
  checkLength('conv2dBackwardBias', 'gradOut', gradOut, g.batch * g.outChannels * g.outHeight * g.outWidth);
  checkLength('conv2dBackwardBias', 'gradBias', gradBias, g.outChannels);
  conv2dBackwardBiasChannels(g, gradOut, gradBias, 0, g.outChannels);
}

/** `conv2dBackwardBias` for output channels [oc0, oc1) only (one thread's share; lengths checked by the caller). */
export function conv2dBackwardBiasChannels(g: Conv2dGeometry, gradOut: FloatArray, gradBias: FloatArray, oc0: number, oc1: number): void {
  const P = g.outHeight * g.outWidth;
  for (let oc = oc0; oc < oc1; oc++) gradBias[oc] = channelSum(gradOut, g.batch, g.outChannels, P, oc);
}
