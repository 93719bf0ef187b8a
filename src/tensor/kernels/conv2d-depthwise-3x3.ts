/**
 * The depthwise (Cg = 1) kernels for the common 3×3, stride 1, dilation 1 case, in gather form:
 * every output element sums its taps in float64 locals in one visit, instead of the general kernels'
 * nine shift-and-accumulate passes over a plane (conv2d-depthwise.ts). Any padding.
 *
 * Math (stride 1, dilation 1, taps t = (kh, kw), ih = oh − pH + kh, iw = ow − pW + kw):
 *   y[oh,ow]   = Σ_t x[ih,iw]·w[t]                       over valid taps, t ascending   (+ bias last)
 *   dx[ih,iw]  = Σ_{oc ∈ group} Σ_t dy[oc, ih + pH − kh, iw + pW − kw]·w[oc,t]   oc, then t ascending
 *   dw[oc,t]   = Σ_n Σ_{oh,ow} dy[n,oc,oh,ow]·x[n,c,ih,iw]                 n, oh, ow ascending
 * These are exactly the orders of the general kernels, so both give the same bits (tested).
 * Bounds: an output row/column is "interior" when all three taps are inside; interior elements take
 * the unrolled nine-tap expression, border elements test each tap.
 * Layouts: NCHW / OIHW contiguous. Cost: 2·9 flops per output element and kernel.
 */
import type { FloatArray } from '../dtype.js';
import type { Conv2dGeometry } from './conv2d-geometry.js';

/** Whether the 3×3 / stride 1 / dilation 1 kernels apply. */
export function isDepthwise3x3(g: Conv2dGeometry): boolean {
  return g.kernelHeight === 3 && g.kernelWidth === 3 && g.strideH === 1 && g.strideW === 1 && g.dilationH === 1 && g.dilationW === 1;
}

/** y for images [n0, n1) (see the file header). */
export function forwardDepthwise3x3(
  g: Conv2dGeometry, x: FloatArray, w: FloatArray, bias: FloatArray | null, out: FloatArray, n0: number, n1: number,
): void {
  const { inHeight: H, inWidth: W, outHeight: OH, outWidth: OW, padH, padW } = g;
  const Og = g.outChannels / g.groups;
  for (let n = n0; n < n1; n++) {
    for (let oc = 0; oc < g.outChannels; oc++) {
      const xp = (n * g.inChannels + Math.floor(oc / Og)) * H * W;
      const k = oc * 9;
      const w0 = w[k]!, w1 = w[k + 1]!, w2 = w[k + 2]!, w3 = w[k + 3]!, w4 = w[k + 4]!;
      const w5 = w[k + 5]!, w6 = w[k + 6]!, w7 = w[k + 7]!, w8 = w[k + 8]!;
      const b = bias === null ? 0 : bias[oc]!;
      let y = (n * g.outChannels + oc) * OH * OW;
      for (let oh = 0; oh < OH; oh++) {
        const ih = oh - padH;
        const rowInside = ih >= 0 && ih + 2 < H;
        for (let ow = 0; ow < OW; ow++, y++) {
          const iw = ow - padW;
          let s = 0;
          if (rowInside && iw >= 0 && iw + 2 < W) {
            const p = xp + ih * W + iw;
            s = s + x[p]! * w0 + x[p + 1]! * w1 + x[p + 2]! * w2
              + x[p + W]! * w3 + x[p + W + 1]! * w4 + x[p + W + 2]! * w5
              + x[p + 2 * W]! * w6 + x[p + 2 * W + 1]! * w7 + x[p + 2 * W + 2]! * w8;
          } else {
            for (let kh = 0; kh < 3; kh++) {
              const r = ih + kh;
              if (r < 0 || r >= H) continue;
              for (let kw = 0; kw < 3; kw++) {
                const c = iw + kw;
                if (c >= 0 && c < W) s += x[xp + r * W + c]! * w[k + kh * 3 + kw]!;
              }
            }
          }
          out[y] = bias === null ? s : s + b;
        }
      }
    }
  }
}

/** dx for images [n0, n1) (see the file header). */
export function backwardInputDepthwise3x3(
  g: Conv2dGeometry, gradOut: FloatArray, w: FloatArray, gradInput: FloatArray, n0: number, n1: number,
): void {
  const { inHeight: H, inWidth: W, outHeight: OH, outWidth: OW, padH, padW } = g;
  const Og = g.outChannels / g.groups;
  for (let n = n0; n < n1; n++) {
    for (let c = 0; c < g.inChannels; c++) {
      let dst = (n * g.inChannels + c) * H * W;
      const oc0 = c * Og;
      const dy0 = (n * g.outChannels + oc0) * OH * OW;
      for (let ih = 0; ih < H; ih++) {
        // Taps kh read dy row oh = ih + pH − kh; the row is interior when rows oh−2 … oh are all inside.
        const oh = ih + padH;
        const rowInside = oh - 2 >= 0 && oh < OH;
        for (let iw = 0; iw < W; iw++, dst++) {
          const ow = iw + padW;
          let s = 0;
          for (let j = 0; j < Og; j++) {
            const k = (oc0 + j) * 9;
            const plane = dy0 + j * OH * OW;
            if (rowInside && ow - 2 >= 0 && ow < OW) {
              const p = plane + oh * OW + ow;
              s = s + gradOut[p]! * w[k]! + gradOut[p - 1]! * w[k + 1]! + gradOut[p - 2]! * w[k + 2]!
                + gradOut[p - OW]! * w[k + 3]! + gradOut[p - OW - 1]! * w[k + 4]! + gradOut[p - OW - 2]! * w[k + 5]!
                + gradOut[p - 2 * OW]! * w[k + 6]! + gradOut[p - 2 * OW - 1]! * w[k + 7]! + gradOut[p - 2 * OW - 2]! * w[k + 8]!;
            } else {
              for (let kh = 0; kh < 3; kh++) {
                const r = oh - kh;
                if (r < 0 || r >= OH) continue;
                for (let kw = 0; kw < 3; kw++) {
                  const q = ow - kw;
                  if (q >= 0 && q < OW) s += gradOut[plane + r * OW + q]! * w[k + kh * 3 + kw]!;
                }
              }
            }
          }
          gradInput[dst] = s;
        }
      }
    }
  }
}

/** dw for output channels [oc0, oc1) (see the file header): nine float64 sums in one pass. */
export function backwardWeightDepthwise3x3(
  g: Conv2dGeometry, x: FloatArray, gradOut: FloatArray, gradWeight: FloatArray, oc0: number, oc1: number,
): void {
  const { inHeight: H, inWidth: W, outHeight: OH, outWidth: OW, padH, padW } = g;
  const Og = g.outChannels / g.groups;
  const border = new Float64Array(9);
  for (let oc = oc0; oc < oc1; oc++) {
    const c = Math.floor(oc / Og);
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0, s8 = 0;
    for (let n = 0; n < g.batch; n++) {
      const xp = (n * g.inChannels + c) * H * W;
      let d = (n * g.outChannels + oc) * OH * OW;
      for (let oh = 0; oh < OH; oh++) {
        const ih = oh - padH;
        const rowInside = ih >= 0 && ih + 2 < H;
        for (let ow = 0; ow < OW; ow++, d++) {
          const iw = ow - padW;
          const dy = gradOut[d]!;
          if (rowInside && iw >= 0 && iw + 2 < W) {
            const p = xp + ih * W + iw;
            s0 += dy * x[p]!; s1 += dy * x[p + 1]!; s2 += dy * x[p + 2]!;
            s3 += dy * x[p + W]!; s4 += dy * x[p + W + 1]!; s5 += dy * x[p + W + 2]!;
            s6 += dy * x[p + 2 * W]!; s7 += dy * x[p + 2 * W + 1]!; s8 += dy * x[p + 2 * W + 2]!;
          } else {
            // Border element: each valid tap's sum gets its product (same per-tap order as above).
            border[0] = s0; border[1] = s1; border[2] = s2; border[3] = s3; border[4] = s4;
            border[5] = s5; border[6] = s6; border[7] = s7; border[8] = s8;
            for (let kh = 0; kh < 3; kh++) {
              const r = ih + kh;
              if (r < 0 || r >= H) continue;
              for (let kw = 0; kw < 3; kw++) {
                const q = iw + kw;
                if (q >= 0 && q < W) border[kh * 3 + kw] = border[kh * 3 + kw]! + dy * x[xp + r * W + q]!;
              }
            }
            s0 = border[0]!; s1 = border[1]!; s2 = border[2]!; s3 = border[3]!; s4 = border[4]!;
            s5 = border[5]!; s6 = border[6]!; s7 = border[7]!; s8 = border[8]!;
          }
        }
      }
    }
    const k = oc * 9;
    gradWeight[k] = s0; gradWeight[k + 1] = s1; gradWeight[k + 2] = s2; gradWeight[k + 3] = s3; gradWeight[k + 4] = s4;
    gradWeight[k + 5] = s5; gradWeight[k + 6] = s6; gradWeight[k + 7] = s7; gradWeight[k + 8] = s8;
  }
}
