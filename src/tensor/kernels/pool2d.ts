/**
 * 2-D max and average pooling kernels, forward and backward.
 *
 * Per plane (n, c), window of output (oh, ow): rows ih = oh·sH − pH + kh·dH, cols iw likewise.
 * Max:  y[n,c,oh,ow] = max over the in-bounds window of x (padded positions are −∞ and never win);
 *       argmax[n,c,oh,ow] = ih·W + iw of the winner, scanning kh then kw and replacing the current
 *       winner when x > max or x is NaN (PyTorch's CPU rule: the first strict maximum wins, NaN
 *       propagates). A window with no in-bounds element gives −∞ and argmax −1.
 *       dx[n,c,i] = Σ_{(oh,ow): argmax = i} dy[n,c,oh,ow].
 * Avg:  window rows [hs, he) with hs = oh·sH − pH, he = min(hs + kH, H + pH) (likewise columns);
 *       divisor = (he − hs)·(we − ws) when countIncludePad, else the number of in-bounds elements;
 *       y = Σ_{in-bounds} x / divisor (an empty window gives 0);
 *       dx[n,c,ih,iw] = Σ_{windows containing (ih,iw)} dy / divisor.
 * Layouts: x, dx [N, C, H, W]; y, dy, argmax [N, C, OH, OW]; contiguous.
 * Accumulation: float64 locals; backward sums go through a float64 plane (one rounding per element),
 * in ascending (oh, ow) order.
 * Cost: O(N·C·OH·OW·KH·KW) forward and average backward, O(N·C·(OH·OW + H·W)) max backward.
 * Reference: torch.nn.functional.max_pool2d(return_indices=True) / avg_pool2d.
 */
import type { FloatArray } from '../dtype.js';
import { checkLength } from './conv2d-geometry.js';
import type { Pool2dGeometry } from './pool2d-geometry.js';
import { acquireScratch, releaseScratch } from './scratch.js';

export { pool2dGeometry, poolOutputSize, type Pool2dGeometry, type Pool2dOptions } from './pool2d-geometry.js';

function checkPoolBuffers(op: string, g: Pool2dGeometry, inName: string, inArr: { length: number }, outName: string, outArr: { length: number }): void {
  checkLength(op, inName, inArr, g.batch * g.channels * g.inHeight * g.inWidth);
  checkLength(op, outName, outArr, g.batch * g.channels * g.outHeight * g.outWidth);
}

/**
 * Max pooling with argmax (flat index ih·W + iw within the input plane), overwriting out and argmax.
 *
 * @example
 * const g = pool2dGeometry([1, 1, 2, 2], { kernelSize: 2 }, 'maxPool2d');
 * const out = new Float32Array(1), argmax = new Int32Array(1);
 * maxPool2dForwardSerial(g, new Float32Array([1, 5, 5, 2]), out, argmax); // out = [5], argmax = [1]
 */
export function maxPool2dForwardSerial(g: Pool2dGeometry, x: FloatArray, out: FloatArray, argmax: Int32Array): void {
  checkPoolBuffers('maxPool2dForward', g, 'x', x, 'out', out);
  checkLength('maxPool2dForward', 'argmax', argmax, g.batch * g.channels * g.outHeight * g.outWidth);
  const { inHeight: H, inWidth: W, outHeight: OH, outWidth: OW, kernelHeight: KH, kernelWidth: KW } = g;
  const { strideH, strideW, padH, padW, dilationH, dilationW } = g;
  // Branch-free window update (the max of random data is a coin flip per element, and a mispredicted
  // branch costs more than the arithmetic): take = [v > max or v is NaN or first element], then
  // max ← choice[take] with choice = [max, v], best ← best + take·(index − best).
  const choice = new Float64Array(2);
  if (KH === 2 && KW === 2 && strideH === 2 && strideW === 2 && padH === 0 && padW === 0 && dilationH === 1 && dilationW === 1 && 2 * OH <= H && 2 * OW <= W) {
    maxPool2x2Serial(g, x, out, argmax, choice);
    return;
  }
  for (let plane = 0; plane < g.batch * g.channels; plane++) {
    const xPlane = plane * H * W;
    const yPlane = plane * OH * OW;
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        let max = -Infinity;
        let best = -1;
        for (let kh = 0; kh < KH; kh++) {
          const ih = oh * strideH - padH + kh * dilationH;
          if (ih < 0 || ih >= H) continue;
          for (let kw = 0; kw < KW; kw++) {
            const iw = ow * strideW - padW + kw * dilationW;
            if (iw < 0 || iw >= W) continue;
            const v = x[xPlane + ih * W + iw]!;
            // best === -1: the first in-bounds element seeds the window (so an all −∞ window has an argmax).
            const take = +(v > max) | +(v !== v) | +(best === -1);
            choice[0] = max;
            choice[1] = v;
            max = choice[take]!;
            best += take * (ih * W + iw - best);
          }
        }
        out[yPlane + oh * OW + ow] = max;
        argmax[yPlane + oh * OW + ow] = best;
      }
    }
  }
}

/**
 * The common 2×2/stride-2 window without padding (every window fully inside the plane): the same
 * branch-free update as the general loop, unrolled over the four elements in row-major order.
 */
function maxPool2x2Serial(g: Pool2dGeometry, x: FloatArray, out: FloatArray, argmax: Int32Array, choice: Float64Array): void {
  const { inHeight: H, inWidth: W, outHeight: OH, outWidth: OW } = g;
  for (let plane = 0; plane < g.batch * g.channels; plane++) {
    const xPlane = plane * H * W;
    let y = plane * OH * OW;
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++, y++) {
        const i0 = 2 * oh * W + 2 * ow;
        const i2 = i0 + W;
        let max = x[xPlane + i0]!;
        let best = i0;
        let v = x[xPlane + i0 + 1]!;
        let take = +(v > max) | +(v !== v);
        choice[0] = max;
        choice[1] = v;
        max = choice[take]!;
        best += take * (i0 + 1 - best);
        v = x[xPlane + i2]!;
        take = +(v > max) | +(v !== v);
        choice[0] = max;
        choice[1] = v;
        max = choice[take]!;
        best += take * (i2 - best);
        v = x[xPlane + i2 + 1]!;
        take = +(v > max) | +(v !== v);
        choice[0] = max;
        choice[1] = v;
        max = choice[take]!;
        best += take * (i2 + 1 - best);
        out[y] = max;
        argmax[y] = best;
      }
    }
  }
}

/**
 * Routes each dy to its window's argmax: dx[plane, argmax] += dy. Overwrites gradInput.
 *
 * @example
 * const g = pool2dGeometry([1, 1, 2, 2], { kernelSize: 2 }, 'maxPool2d');
 * const dx = new Float32Array(4);
 * maxPool2dBackwardSerial(g, new Float32Array([7]), new Int32Array([1]), dx); // dx = [0, 7, 0, 0]
 */
export function maxPool2dBackwardSerial(g: Pool2dGeometry, gradOut: FloatArray, argmax: Int32Array, gradInput: FloatArray): void {
  checkPoolBuffers('maxPool2dBackward', g, 'gradInput', gradInput, 'gradOut', gradOut);
  checkLength('maxPool2dBackward', 'argmax', argmax, g.batch * g.channels * g.outHeight * g.outWidth);
  const HW = g.inHeight * g.inWidth;
  const P = g.outHeight * g.outWidth;
  if (disjointWindows(g)) {
    maxPool2dBackwardDisjoint(g, gradOut, argmax, gradInput);
    return;
  }
  const acc = acquireScratch('float64', HW);
  try {
    for (let plane = 0; plane < g.batch * g.channels; plane++) {
      acc.fill(0, 0, HW);
      const yPlane = plane * P;
      for (let q = 0; q < P; q++) {
        const i = argmax[yPlane + q]!;
        if (i < 0) continue;
        if (i >= HW) throw new RangeError(`maxPool2dBackward: argmax ${i} at output ${yPlane + q} is outside the ${g.inHeight}x${g.inWidth} plane`);
        acc[i] = acc[i]! + gradOut[yPlane + q]!;
      }
      const xPlane = plane * HW;
      for (let i = 0; i < HW; i++) gradInput[xPlane + i] = acc[i]!;
    }
  } finally {
    releaseScratch(acc);
  }
}

/** True when no two pooling windows share an input element (stride ≥ the dilated window, per axis). */
function disjointWindows(g: Pool2dGeometry): boolean {
  return g.strideH >= (g.kernelHeight - 1) * g.dilationH + 1 && g.strideW >= (g.kernelWidth - 1) * g.dilationW + 1;
}

/**
 * `maxPool2dBackwardSerial` when windows are disjoint (the common 2×2 / stride 2): every input
 * element receives at most one dy from a forward's argmax, so the float64 accumulator plane is not
 * needed: dx ← 0, then dx[argmax] += dy, i.e. 0 + dy, the same double sum the accumulator forms
 * (−0 becomes +0). Indices repeated by a caller would be summed in float32 instead of float64.
 */
function maxPool2dBackwardDisjoint(g: Pool2dGeometry, gradOut: FloatArray, argmax: Int32Array, gradInput: FloatArray): void {
  const HW = g.inHeight * g.inWidth;
  const P = g.outHeight * g.outWidth;
  gradInput.fill(0, 0, g.batch * g.channels * HW);
  for (let plane = 0; plane < g.batch * g.channels; plane++) {
    const yPlane = plane * P;
    const xPlane = plane * HW;
    for (let q = 0; q < P; q++) {
      const i = argmax[yPlane + q]!;
      if (i < 0) continue;
      if (i >= HW) throw new RangeError(`maxPool2dBackward: argmax ${i} at output ${yPlane + q} is outside the ${g.inHeight}x${g.inWidth} plane`);
      gradInput[xPlane + i] = gradInput[xPlane + i]! + gradOut[yPlane + q]!; // 0 + dy: at most once per element from a forward argmax
    }
  }
}

/** Window bounds and divisor of output position o along one axis (PyTorch avg_pool2d rules). */
function avgWindow(o: number, stride: number, pad: number, kernel: number, inSize: number): [number, number, number] {
  const start = o * stride - pad;
  const end = Math.min(start + kernel, inSize + pad);
  return [Math.max(start, 0), Math.min(end, inSize), end - start];
}

/**
 * Average pooling, overwriting out.
 *
 * @example
 * const g = pool2dGeometry([1, 1, 2, 2], { kernelSize: 2 }, 'avgPool2d');
 * const out = new Float32Array(1);
 * avgPool2dForward(g, new Float32Array([1, 2, 3, 4]), out); // out = [2.5]
 */
export function avgPool2dForward(g: Pool2dGeometry, x: FloatArray, out: FloatArray): void {
  checkPoolBuffers('avgPool2dForward', g, 'x', x, 'out', out);
  const { inHeight: H, inWidth: W, outHeight: OH, outWidth: OW } = g;
  for (let plane = 0; plane < g.batch * g.channels; plane++) {
    const xPlane = plane * H * W;
    const yPlane = plane * OH * OW;
    for (let oh = 0; oh < OH; oh++) {
      const [hs, he, spanH] = avgWindow(oh, g.strideH, g.padH, g.kernelHeight, H);
      for (let ow = 0; ow < OW; ow++) {
        const [ws, we, spanW] = avgWindow(ow, g.strideW, g.padW, g.kernelWidth, W);
        if (hs >= he || ws >= we) {
          out[yPlane + oh * OW + ow] = 0;
          continue;
        }
        let sum = 0;
        for (let ih = hs; ih < he; ih++) {
          for (let iw = ws; iw < we; iw++) sum += x[xPlane + ih * W + iw]!;
        }
        const divisor = g.countIncludePad ? spanH * spanW : (he - hs) * (we - ws);
        out[yPlane + oh * OW + ow] = sum / divisor;
      }
    }
  }
}

/**
 * Average pooling backward: spreads dy / divisor over each window's in-bounds elements.
 * Overwrites gradInput.
 *
 * @example
 * const g = pool2dGeometry([1, 1, 2, 2], { kernelSize: 2 }, 'avgPool2d');
 * const dx = new Float32Array(4);
 * avgPool2dBackward(g, new Float32Array([8]), dx); // dx = [2, 2, 2, 2]
 */
export function avgPool2dBackward(g: Pool2dGeometry, gradOut: FloatArray, gradInput: FloatArray): void {
  checkPoolBuffers('avgPool2dBackward', g, 'gradInput', gradInput, 'gradOut', gradOut);
  const { inHeight: H, inWidth: W, outHeight: OH, outWidth: OW } = g;
  const acc = acquireScratch('float64', H * W);
  try {
    for (let plane = 0; plane < g.batch * g.channels; plane++) {
      acc.fill(0, 0, H * W);
      const yPlane = plane * OH * OW;
      for (let oh = 0; oh < OH; oh++) {
        const [hs, he, spanH] = avgWindow(oh, g.strideH, g.padH, g.kernelHeight, H);
        for (let ow = 0; ow < OW; ow++) {
          const [ws, we, spanW] = avgWindow(ow, g.strideW, g.padW, g.kernelWidth, W);
          if (hs >= he || ws >= we) continue;
          const divisor = g.countIncludePad ? spanH * spanW : (he - hs) * (we - ws);
          const share = gradOut[yPlane + oh * OW + ow]! / divisor;
          for (let ih = hs; ih < he; ih++) {
            for (let iw = ws; iw < we; iw++) acc[ih * W + iw] = acc[ih * W + iw]! + share;
          }
        }
      }
      const xPlane = plane * H * W;
      for (let i = 0; i < H * W; i++) gradInput[xPlane + i] = acc[i]!;
    }
  } finally {
    releaseScratch(acc);
  }
}
