/**
 * Textbook pooling oracles (test-only). The input plane is explicitly padded (−∞ for max, 0 for
 * average) and every window of the padded plane is scanned; sizes follow PyTorch's
 * pooling_output_shape, recomputed here independently of src.
 */
export interface NaivePoolParams {
  kernel: [number, number];
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
  ceilMode: boolean;
  countIncludePad: boolean;
}

function outSize(I: number, k: number, s: number, p: number, d: number, ceil: boolean): number {
  const exact = (I + 2 * p - d * (k - 1) - 1) / s;
  let o = (ceil ? Math.ceil(exact) : Math.floor(exact)) + 1;
  // PyTorch: in ceil mode the last window must start inside the input or the left padding.
  if (ceil && (o - 1) * s >= I + p) o--;
  return o;
}

export function naivePoolOutShape(shape: [number, number, number, number], p: NaivePoolParams): [number, number, number, number] {
  const [N, C, H, W] = shape;
  return [N, C, outSize(H, p.kernel[0], p.stride[0], p.padding[0], p.dilation[0], p.ceilMode),
    outSize(W, p.kernel[1], p.stride[1], p.padding[1], p.dilation[1], p.ceilMode)];
}

/** Max pool: returns values and argmax (ih·W + iw), first maximum in (kh, kw) order, NaN wins. */
export function naiveMaxPool2d(x: ArrayLike<number>, shape: [number, number, number, number], p: NaivePoolParams): { y: Float64Array; argmax: Int32Array } {
  const [N, C, H, W] = shape;
  const [, , OH, OW] = naivePoolOutShape(shape, p);
  const y = new Float64Array(N * C * OH * OW);
  const argmax = new Int32Array(N * C * OH * OW);
  const [ph, pw] = p.padding;
  const PH = H + 2 * ph + p.stride[0] * p.kernel[0] * p.dilation[0]; // generous: ceil-mode windows may overhang
  const PW = W + 2 * pw + p.stride[1] * p.kernel[1] * p.dilation[1];
  for (let plane = 0; plane < N * C; plane++) {
    const padded = new Float64Array(PH * PW).fill(-Infinity);
    for (let ih = 0; ih < H; ih++) for (let iw = 0; iw < W; iw++) padded[(ih + ph) * PW + iw + pw] = x[plane * H * W + ih * W + iw]!;
    for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) {
      let best = -Infinity, bestIndex = -1;
      for (let kh = 0; kh < p.kernel[0]; kh++) for (let kw = 0; kw < p.kernel[1]; kw++) {
        const r = oh * p.stride[0] + kh * p.dilation[0];
        const c = ow * p.stride[1] + kw * p.dilation[1];
        const inside = r - ph >= 0 && r - ph < H && c - pw >= 0 && c - pw < W;
        if (!inside) continue;
        const v = padded[r * PW + c]!;
        if (bestIndex === -1 || v > best || Number.isNaN(v)) { best = v; bestIndex = (r - ph) * W + (c - pw); }
      }
      y[plane * OH * OW + oh * OW + ow] = best;
      argmax[plane * OH * OW + oh * OW + ow] = bestIndex;
    }
  }
  return { y, argmax };
}

/** Average pool over the zero-padded plane; divisor per PyTorch (window clipped to the padded extent). */
function avgWindows(shape: [number, number, number, number], p: NaivePoolParams,
  visit: (plane: number, yIndex: number, xIndex: number, divisor: number) => void): void {
  const [N, C, H, W] = shape;
  const [, , OH, OW] = naivePoolOutShape(shape, p);
  for (let plane = 0; plane < N * C; plane++)
    for (let oh = 0; oh < OH; oh++) for (let ow = 0; ow < OW; ow++) {
      const cells: number[] = [];
      let paddedCount = 0;
      for (let kh = 0; kh < p.kernel[0]; kh++) for (let kw = 0; kw < p.kernel[1]; kw++) {
        const ih = oh * p.stride[0] - p.padding[0] + kh;
        const iw = ow * p.stride[1] - p.padding[1] + kw;
        if (ih >= H + p.padding[0] || iw >= W + p.padding[1]) continue; // beyond the right/bottom padding
        paddedCount++;
        if (ih >= 0 && ih < H && iw >= 0 && iw < W) cells.push(ih * W + iw);
      }
      const divisor = p.countIncludePad ? paddedCount : cells.length;
      for (const cell of cells) visit(plane, plane * OH * OW + oh * OW + ow, plane * H * W + cell, divisor);
    }
}

export function naiveAvgPool2d(x: ArrayLike<number>, shape: [number, number, number, number], p: NaivePoolParams): Float64Array {
  const [N, C, OH, OW] = naivePoolOutShape(shape, p);
  const y = new Float64Array(N * C * OH * OW);
  avgWindows(shape, p, (_plane, yi, xi, divisor) => { y[yi] = y[yi]! + x[xi]! / divisor; });
  return y;
}

export function naiveAvgPool2dBackward(dy: ArrayLike<number>, shape: [number, number, number, number], p: NaivePoolParams): Float64Array {
  const dx = new Float64Array(shape[0] * shape[1] * shape[2] * shape[3]);
  avgWindows(shape, p, (_plane, yi, xi, divisor) => { dx[xi] = dx[xi]! + dy[yi]! / divisor; });
  return dx;
}

/** Max pool backward: dx[argmax] += dy within each plane. */
export function naiveMaxPool2dBackward(dy: ArrayLike<number>, argmax: Int32Array, shape: [number, number, number, number], p: NaivePoolParams): Float64Array {
  const [N, C, H, W] = shape;
  const [, , OH, OW] = naivePoolOutShape(shape, p);
  const dx = new Float64Array(N * C * H * W);
  for (let plane = 0; plane < N * C; plane++)
    for (let q = 0; q < OH * OW; q++) {
      const i = argmax[plane * OH * OW + q]!;
      if (i >= 0) dx[plane * H * W + i] = dx[plane * H * W + i]! + dy[plane * OH * OW + q]!;
    }
  return dx;
}
