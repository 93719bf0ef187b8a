/**
 * Textbook conv2d oracles (test-only): the 7-loop forward sum and its two adjoints written as
 * scatters over the same 7 loops. Shapes NCHW / OIHW, zero padding, groups, float64 results.
 * Independent of src: the output size is recomputed here from the PyTorch formula.
 */
export interface NaiveConvParams {
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
  groups: number;
}

export interface NaiveConvShapes {
  x: [number, number, number, number];
  w: [number, number, number, number];
}

export function naiveConvOutShape(s: NaiveConvShapes, p: NaiveConvParams): [number, number, number, number] {
  const [N, , H, W] = s.x;
  const [O, , KH, KW] = s.w;
  const OH = Math.floor((H + 2 * p.padding[0] - p.dilation[0] * (KH - 1) - 1) / p.stride[0]) + 1;
  const OW = Math.floor((W + 2 * p.padding[1] - p.dilation[1] * (KW - 1) - 1) / p.stride[1]) + 1;
  return [N, O, OH, OW];
}

/** Calls visit(xIndex, wIndex, yIndex) for every (n, oc, oh, ow, ci, kh, kw) that reads the input. */
function forEachTerm(s: NaiveConvShapes, p: NaiveConvParams, visit: (xi: number, wi: number, yi: number) => void): void {
  const [N, C, H, W] = s.x;
  const [O, Cg, KH, KW] = s.w;
  const [, , OH, OW] = naiveConvOutShape(s, p);
  const Og = O / p.groups;
  for (let n = 0; n < N; n++)
    for (let oc = 0; oc < O; oc++)
      for (let oh = 0; oh < OH; oh++)
        for (let ow = 0; ow < OW; ow++)
          for (let ci = 0; ci < Cg; ci++)
            for (let kh = 0; kh < KH; kh++)
              for (let kw = 0; kw < KW; kw++) {
                const c = Math.floor(oc / Og) * Cg + ci;
                const ih = oh * p.stride[0] - p.padding[0] + kh * p.dilation[0];
                const iw = ow * p.stride[1] - p.padding[1] + kw * p.dilation[1];
                if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
                visit(((n * C + c) * H + ih) * W + iw, ((oc * Cg + ci) * KH + kh) * KW + kw, ((n * O + oc) * OH + oh) * OW + ow);
              }
}

export function naiveConv2d(
  x: ArrayLike<number>, w: ArrayLike<number>, bias: ArrayLike<number> | null, s: NaiveConvShapes, p: NaiveConvParams,
): Float64Array {
  const [N, O, OH, OW] = naiveConvOutShape(s, p);
  const y = new Float64Array(N * O * OH * OW);
  forEachTerm(s, p, (xi, wi, yi) => { y[yi] = y[yi]! + x[xi]! * w[wi]!; });
  if (bias !== null) for (let yi = 0; yi < y.length; yi++) y[yi] = y[yi]! + bias[Math.floor(yi / (OH * OW)) % O]!;
  return y;
}

/** dx = Σ over terms of dy[yi]·w[wi] scattered into x's index. */
export function naiveConv2dBackwardInput(dy: ArrayLike<number>, w: ArrayLike<number>, s: NaiveConvShapes, p: NaiveConvParams): Float64Array {
  const dx = new Float64Array(s.x[0] * s.x[1] * s.x[2] * s.x[3]);
  forEachTerm(s, p, (xi, wi, yi) => { dx[xi] = dx[xi]! + dy[yi]! * w[wi]!; });
  return dx;
}

/** dw = Σ over terms of dy[yi]·x[xi] scattered into w's index. */
export function naiveConv2dBackwardWeight(x: ArrayLike<number>, dy: ArrayLike<number>, s: NaiveConvShapes, p: NaiveConvParams): Float64Array {
  const dw = new Float64Array(s.w[0] * s.w[1] * s.w[2] * s.w[3]);
  forEachTerm(s, p, (xi, wi, yi) => { dw[wi] = dw[wi]! + dy[yi]! * x[xi]!; });
  return dw;
}
