/**
 * conv2d for one input channel per group (Cg = 1: depthwise convs, possibly with a channel
 * multiplier Og = C_out / groups), by shift-and-accumulate over whole output rows.
 *
 * Math (gr = ⌊oc / Og⌋ is the only input channel output channel oc reads):
 *   y[n,oc,oh,ow]  = Σ_{kh,kw} x[n, gr, ih, iw] · w[oc,0,kh,kw] (+ bias[oc] last)
 *   dx[n,c,ih,iw]  = Σ_{oc ∈ group c} Σ_{kh,kw,oh,ow ↦ ih,iw} dy[n,oc,oh,ow] · w[oc,0,kh,kw]
 *   dw[oc,0,kh,kw] = Σ_n Σ_{oh,ow} dy[n,oc,oh,ow] · x[n, gr, ih, iw]
 * with ih = oh·sH − pH + kh·dH, iw = ow·sW − pW + kw·dW; out-of-range taps are skipped.
 * Method: for each tap (kh, kw) the valid output rows/columns are computed once (validOutputRange),
 * then a contiguous inner loop over ow updates a float64 plane, so there is no per-element bounds
 * test. The forward pass visits taps in (kh, kw) order for every element, exactly as the direct
 * loop, so it gives the same bits as conv2dForwardDirect. One rounding per stored element.
 * Layouts: NCHW / OIHW contiguous. Cost: 2·N·C_out·OH·OW·KH·KW flops per kernel.
 */
import type { FloatArray } from '../dtype.js';
import type { Conv2dGeometry } from './conv2d-geometry.js';
import { validOutputRange } from './im2col.js';
import { acquireScratch, releaseScratch } from './scratch.js';

/**
 * Forward for images [n0, n1) (requires Cg = 1).
 *
 * @example
 * conv2dForwardDepthwise(g, x, w, bias, out, 0, g.batch);
 */
export function conv2dForwardDepthwise(
  g: Conv2dGeometry, x: FloatArray, w: FloatArray, bias: FloatArray | null, out: FloatArray, n0: number, n1: number,
): void {
  const { inHeight: H, inWidth: W, outHeight: OH, outWidth: OW, kernelHeight: KH, kernelWidth: KW } = g;
  const { strideH, strideW, padH, padW, dilationH, dilationW } = g;
  const Og = g.outChannels / g.groups;
  const P = OH * OW;
  const acc = acquireScratch('float64', P);
  try {
    for (let n = n0; n < n1; n++) {
      for (let oc = 0; oc < g.outChannels; oc++) {
        const xPlane = (n * g.inChannels + Math.floor(oc / Og)) * H * W;
        acc.fill(0, 0, P);
        for (let kh = 0; kh < KH; kh++) {
          const [ohFirst, ohEnd] = validOutputRange(H, OH, strideH, padH, kh * dilationH);
          for (let kw = 0; kw < KW; kw++) {
            const [owFirst, owEnd] = validOutputRange(W, OW, strideW, padW, kw * dilationW);
            const wk = w[(oc * KH + kh) * KW + kw]!;
            for (let oh = ohFirst; oh < ohEnd; oh++) {
              const src = xPlane + (oh * strideH - padH + kh * dilationH) * W - padW + kw * dilationW;
              const row = oh * OW;
              for (let ow = owFirst; ow < owEnd; ow++) acc[row + ow] = acc[row + ow]! + x[src + ow * strideW]! * wk;
            }
          }
        }
        const yPlane = (n * g.outChannels + oc) * P;
        if (bias === null) for (let q = 0; q < P; q++) out[yPlane + q] = acc[q]!;
        else {
          const b = bias[oc]!;
          for (let q = 0; q < P; q++) out[yPlane + q] = acc[q]! + b;
        }
      }
    }
  } finally {
    releaseScratch(acc);
  }
}

/**
 * Input gradient for images [n0, n1) (requires Cg = 1; overwrites those images of gradInput).
 *
 * @example
 * conv2dBackwardInputDepthwise(g, gradOut, w, gradInput, 0, g.batch);
 */
export function conv2dBackwardInputDepthwise(
  g: Conv2dGeometry, gradOut: FloatArray, w: FloatArray, gradInput: FloatArray, n0: number, n1: number,
): void {
  const { inHeight: H, inWidth: W, outHeight: OH, outWidth: OW, kernelHeight: KH, kernelWidth: KW } = g;
  const { strideH, strideW, padH, padW, dilationH, dilationW } = g;
  const Og = g.outChannels / g.groups;
  const HW = H * W;
  const acc = acquireScratch('float64', HW);
  try {
    for (let n = n0; n < n1; n++) {
      for (let c = 0; c < g.inChannels; c++) {
        acc.fill(0, 0, HW);
        for (let oc = c * Og; oc < (c + 1) * Og; oc++) {
          const dyPlane = (n * g.outChannels + oc) * OH * OW;
          for (let kh = 0; kh < KH; kh++) {
            const [ohFirst, ohEnd] = validOutputRange(H, OH, strideH, padH, kh * dilationH);
            for (let kw = 0; kw < KW; kw++) {
              const [owFirst, owEnd] = validOutputRange(W, OW, strideW, padW, kw * dilationW);
              const wk = w[(oc * KH + kh) * KW + kw]!;
              for (let oh = ohFirst; oh < ohEnd; oh++) {
                const dst = (oh * strideH - padH + kh * dilationH) * W - padW + kw * dilationW;
                const src = dyPlane + oh * OW;
                for (let ow = owFirst; ow < owEnd; ow++) {
                  acc[dst + ow * strideW] = acc[dst + ow * strideW]! + gradOut[src + ow]! * wk;
                }
              }
            }
          }
        }
        const xPlane = (n * g.inChannels + c) * HW;
        for (let q = 0; q < HW; q++) gradInput[xPlane + q] = acc[q]!;
      }
    }
  } finally {
    releaseScratch(acc);
  }
}

/**
 * Weight gradient for output channels [oc0, oc1) (requires Cg = 1; overwrites those filters). Each
 * tap's sum runs over n, then oh, then ow ascending in one float64 local.
 *
 * @example
 * conv2dBackwardWeightDepthwise(g, x, gradOut, gradWeight, 0, g.outChannels);
 */
export function conv2dBackwardWeightDepthwise(
  g: Conv2dGeometry, x: FloatArray, gradOut: FloatArray, gradWeight: FloatArray, oc0: number, oc1: number,
): void {
  const { inHeight: H, inWidth: W, outHeight: OH, outWidth: OW, kernelHeight: KH, kernelWidth: KW } = g;
  const { strideH, strideW, padH, padW, dilationH, dilationW } = g;
  const Og = g.outChannels / g.groups;
  for (let oc = oc0; oc < oc1; oc++) {
    const c = Math.floor(oc / Og);
    for (let kh = 0; kh < KH; kh++) {
      const [ohFirst, ohEnd] = validOutputRange(H, OH, strideH, padH, kh * dilationH);
      for (let kw = 0; kw < KW; kw++) {
        const [owFirst, owEnd] = validOutputRange(W, OW, strideW, padW, kw * dilationW);
        let sum = 0;
        for (let n = 0; n < g.batch; n++) {
          const xPlane = (n * g.inChannels + c) * H * W;
          const dyPlane = (n * g.outChannels + oc) * OH * OW;
          for (let oh = ohFirst; oh < ohEnd; oh++) {
            const src = xPlane + (oh * strideH - padH + kh * dilationH) * W - padW + kw * dilationW;
            const dy = dyPlane + oh * OW;
            for (let ow = owFirst; ow < owEnd; ow++) sum += gradOut[dy + ow]! * x[src + ow * strideW]!;
          }
        }
        gradWeight[(oc * KH + kh) * KW + kw] = sum;
      }
    }
  }
}
