/**
 * im2col / col2im: the patch matrix that turns conv2d into GEMM, and its adjoint.
 *
 * For one image n and the channel block [c0, c0 + C) (one group):
 *   col[(ci·KH + kh)·KW + kw, oh·OW + ow] = x[n, c0 + ci, ih, iw]   (0 outside the input),
 *   ih = oh·strideH − padH + kh·dilationH,   iw = ow·strideW − padW + kw·dilationW.
 * col is row-major with K = C·KH·KW rows and P = OH·OW columns; x is NCHW contiguous.
 * col2im is the exact adjoint: img[ci, ih, iw] += col[(ci·KH + kh)·KW + kw, oh·OW + ow] over the
 * same index map (zero-padding positions are dropped).
 * Cost: K·P reads and writes each; col2im visits positions in ascending (ci, kh, kw, oh, ow) order
 * (fixed, so sums are reproducible).
 */
import type { FloatArray } from '../dtype.js';
import type { Conv2dGeometry } from './conv2d-geometry.js';

/**
 * The output indices o in [0, outSize) whose input index o·stride − pad + offset lies in
 * [0, inSize): returns [first, end) (empty when first ≥ end).
 *
 * @example
 * validOutputRange(5, 5, 1, 1, 0); // [1, 5]: o = 0 would read index −1
 */
export function validOutputRange(
  inSize: number, outSize: number, stride: number, pad: number, offset: number,
): [number, number] {
  // o·stride − pad + offset ≥ 0  ⇔  o ≥ ⌈(pad − offset) / stride⌉
  const first = Math.min(outSize, Math.max(0, Math.ceil((pad - offset) / stride)));
  // o·stride − pad + offset ≤ inSize − 1  ⇔  o ≤ ⌊(inSize − 1 + pad − offset) / stride⌋
  const end = Math.max(first, Math.min(outSize, Math.floor((inSize - 1 + pad - offset) / stride) + 1));
  return [first, end];
}

/**
 * Fills col (K×P, K = channels·KH·KW, P = OH·OW, starting at col[0]) with the patches of channels
 * [c0, c0 + channels) of image `n` of x.
 *
 * @example
 * const g = conv2dGeometry([1, 1, 2, 2], [1, 1, 2, 2], { padding: 1 }); // 3×3 output
 * const col = new Float64Array(4 * 9);
 * im2col(g, new Float64Array([1, 2, 3, 4]), 0, 0, 1, col); // row 0 (tap 0,0) = [0,0,0, 0,1,2, 0,3,4]
 */
export function im2col(
  g: Conv2dGeometry, x: FloatArray, n: number, c0: number, channels: number, col: FloatArray,
): void {
  im2colRows(g, x, n, c0, 0, channels * g.kernelHeight * g.kernelWidth, col);
}

/**
 * Rows [r0, r1) of the patch matrix of channels c0… of image n (row r = (ci·KH + kh)·KW + kw),
 * written to col starting at col[0] (row r lands at (r − r0)·P). Lets threads split the patch
 * matrix by rows without duplicating work.
 *
 * @example
 * im2colRows(g, x, 0, 0, 0, 9, col); // the first channel's 3×3 taps
 */
export function im2colRows(
  g: Conv2dGeometry, x: FloatArray, n: number, c0: number, r0: number, r1: number, col: FloatArray,
): void {
  const { inHeight: H, inWidth: W, kernelHeight: KH, kernelWidth: KW, outHeight: OH, outWidth: OW } = g;
  const { strideH, strideW, padH, padW, dilationH, dilationW } = g;
  const P = OH * OW;
  for (let r = r0; r < r1; r++) {
    const ci = Math.floor(r / (KH * KW));
    const kh = Math.floor(r / KW) % KH;
    const kw = r % KW;
    const plane = ((n * g.inChannels) + c0 + ci) * H * W;
    const [ohFirst, ohEnd] = validOutputRange(H, OH, strideH, padH, kh * dilationH);
    const [owFirst, owEnd] = validOutputRange(W, OW, strideW, padW, kw * dilationW);
    const row = (r - r0) * P;
    // Rows of the patch matrix that fall in the top/bottom padding are zero.
    col.fill(0, row, row + ohFirst * OW);
    col.fill(0, row + ohEnd * OW, row + P);
    for (let oh = ohFirst; oh < ohEnd; oh++) {
      const ih = oh * strideH - padH + kh * dilationH;
      const dst = row + oh * OW;
      const src = plane + ih * W - padW + kw * dilationW; // + ow·strideW gives iw
      for (let ow = 0; ow < owFirst; ow++) col[dst + ow] = 0;
      if (strideW === 1) {
        for (let ow = owFirst; ow < owEnd; ow++) col[dst + ow] = x[src + ow]!;
      } else {
        for (let ow = owFirst; ow < owEnd; ow++) col[dst + ow] = x[src + ow * strideW]!;
      }
      for (let ow = owEnd; ow < OW; ow++) col[dst + ow] = 0;
    }
  }
}

/**
 * The adjoint of `im2col`: img[ci·H·W + ih·W + iw] += col[...] for ci < channels (img holds one
 * image's channel block, H·W per channel, and is NOT cleared here).
 *
 * @example
 * img.fill(0); col2imAccumulate(g, col, g.inChannels, img);
 */
export function col2imAccumulate(g: Conv2dGeometry, col: FloatArray, channels: number, img: FloatArray): void {
  const { inHeight: H, inWidth: W, kernelHeight: KH, kernelWidth: KW, outHeight: OH, outWidth: OW } = g;
  const { strideH, strideW, padH, padW, dilationH, dilationW } = g;
  const P = OH * OW;
  for (let ci = 0; ci < channels; ci++) {
    const plane = ci * H * W;
    for (let kh = 0; kh < KH; kh++) {
      const [ohFirst, ohEnd] = validOutputRange(H, OH, strideH, padH, kh * dilationH);
      for (let kw = 0; kw < KW; kw++) {
        const [owFirst, owEnd] = validOutputRange(W, OW, strideW, padW, kw * dilationW);
        const row = ((ci * KH + kh) * KW + kw) * P;
        for (let oh = ohFirst; oh < ohEnd; oh++) {
          const ih = oh * strideH - padH + kh * dilationH;
          const src = row + oh * OW;
          const dst = plane + ih * W - padW + kw * dilationW;
          for (let ow = owFirst; ow < owEnd; ow++) img[dst + ow * strideW] = img[dst + ow * strideW]! + col[src + ow]!;
        }
      }
    }
  }
}
