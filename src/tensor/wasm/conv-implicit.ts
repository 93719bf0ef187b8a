/**
 * Implicit-GEMM convolution on WebAssembly SIMD for stride 1, dilation 1, one group, float32:
 * the forward pass and the input gradient, with no im2col, no col2im and no packing of the image.
 *
 * Math (kernel and layout in conv-implicit-kernel.ts). Forward, per image n:
 *   y[n, o, oh, ow] = Σ_{c,kh,kw} w[o, c, kh, kw] · xpad[n, c, oh + kh, ow + kw] + bias[o]
 * as the product A (C_out × K, the weights as stored, K = C_in·KH·KW) · col(xpad), col read straight
 * from the zero-padded image in wasm memory. The input gradient is the same convolution applied to dy:
 *   dx[n, c, ih, iw] = Σ_{o,kh,kw} w[o, c, KH−1−kh, KW−1−kw] · dypad[n, o, ih + kh, iw + kw]
 * with dy padded by (KH−1−padH, KW−1−padW) and the weights flipped and transposed once per call
 * (needs padH ≤ KH−1, padW ≤ KW−1). Its sum runs over (o, kh, kw) ascending in float32, one value
 * per element: no float64 col2im accumulation as on the im2col path, so dx's bits differ from it
 * (both are checked against float64 references in the tests).
 * Per call: pack A once (sgemm-pack.ts `packA`), build the tap table; per image: copy the image into
 * the padded planes (JS), `conv_macro` over ⌈K/KC⌉ depth chunks, `compact` + bias, one `set` out.
 * Cost: 2·C_out·K·8·⌈((OH−1)·Wp + OW)/8⌉ flops per image (the wide columns cost Wp/OW − 1 extra,
 * ≤ 25 % by `implicitConvEligible`), plus C_in·H·W copied in and C_out·OH·OW copied out.
 * Each thread has its own module instance and memory (an ordinary one: `TypedArray.set` out of a
 * SharedArrayBuffer runs V8's slow relaxed copy); images are independent, so any split of the
 * batch over threads gives the same bits. Forward only: `relu` fuses max(·, +0) into `compact`.
 */
import type { Conv2dGeometry } from '../kernels/conv2d-geometry.js';
import { useDepthwiseKernels } from '../kernels/conv2d-parts.js';
import { SMALL_GEMM_MACS } from '../kernels/matmul.js';
import { convImplicitModuleBuilder } from './conv-implicit-kernel.js';
import { relaxedSimdInUse } from './relaxed-simd.js';
import { fmaKernelCache } from './runtime.js';
import { packA } from './sgemm-pack.js';
import { alignedSlot, copyWords } from './aligned-copy.js';

/** Depth chunk: the A~ chunk (≤ M × KC floats) stays in L2 next to the image. */
const KC = 512;
/** Largest wasted share of wide columns, (Wp − OW) / Wp, for which the implicit path is used. */
const MAX_WIDE_WASTE = 0.25;
/** Slack floats after every region (vector overshoot of the last tile and of `compact`). */
const SLACK = 16;

type Macro = (
  aPack: number,
  tab: number,
  img: number,
  cBlock: number,
  cStride: number,
  mPanels: number,
  nPanels: number,
  kc: number,
  accumulate: number,
) => void;
type Compact = (cBlock: number, cStride: number, dst: number, rows: number, outH: number, outW: number, wideW: number, bias: number) => void;

const kernelsFor = fmaKernelCache(
  'implicit conv',
  (sharedMemory, fma) => convImplicitModuleBuilder({ sharedMemory, fma }).encode(),
  (e) => ({ macro: e['conv_macro'] as Macro, compact: e['compact'] as Compact, compactRelu: e['compact_relu'] as Compact }),
);

/**
 * Whether the forward conv of this geometry takes the implicit path (when its operands are float32):
 * stride 1, dilation 1, one group, not a plain 1×1, more than SMALL_GEMM_MACS multiply-adds per image,
 * not depthwise-style, and at most MAX_WIDE_WASTE of the wide columns wasted.
 * @example
 * implicitConvEligible(conv2dGeometry([64, 32, 14, 14], [64, 32, 3, 3], { padding: 1 })); // true
 */
export function implicitConvEligible(g: Conv2dGeometry): boolean {
  if (g.groups !== 1 || g.strideH !== 1 || g.strideW !== 1 || g.dilationH !== 1 || g.dilationW !== 1) return false;
  if (g.kernelHeight === 1 && g.kernelWidth === 1 && g.padH === 0 && g.padW === 0) return false; // plain GEMM already
  // the per-image GEMM the im2col path would run is small enough for its exact JS loop, or the
  // depthwise-style kernels take it: keep those paths (and their float64 sums)
  const macs = g.outChannels * g.inChannels * g.kernelHeight * g.kernelWidth * g.outHeight * g.outWidth;
  if (macs <= SMALL_GEMM_MACS || useDepthwiseKernels(g)) return false;
  const wideW = g.inWidth + 2 * g.padW;
  return (wideW - g.outWidth) / wideW <= MAX_WIDE_WASTE;
}

/**
 * Whether the input gradient of this geometry takes the implicit path (as a convolution of dy).
 * @example
 * implicitConvInputGradEligible(conv2dGeometry([64, 32, 14, 14], [64, 32, 3, 3], { padding: 1 })); // true
 */
export function implicitConvInputGradEligible(g: Conv2dGeometry): boolean {
  if (!implicitConvEligible(g) || g.padH > g.kernelHeight - 1 || g.padW > g.kernelWidth - 1) return false;
  const wideW = g.outWidth + 2 * (g.kernelWidth - 1 - g.padW);
  return (wideW - g.inWidth) / wideW <= MAX_WIDE_WASTE;
}

/** One stride-1 convolution problem: M outputs from C padded input planes of H × W. */
interface Plan {
  channels: number;
  height: number;
  width: number;
  padH: number;
  padW: number;
  kh: number;
  kw: number;
  outputs: number;
}

/**
 * Runs images [n0, n1): out[n] = conv(input[n], weights) (+ bias), weights M × K row-major float32
 * (K = channels·kh·kw in (c, kh, kw) order), input N × channels × height × width, out N × M × OH × OW.
 */
function runPlan(
  p: Plan, weights: Float32Array, bias: Float32Array | null, input: Float32Array, out: Float32Array, n0: number, n1: number, relu: boolean,
): void {
  const hp = p.height + 2 * p.padH;
  const wp = p.width + 2 * p.padW;
  const oh = hp - p.kh + 1;
  const ow = wp - p.kw + 1;
  const K = p.channels * p.kh * p.kw;
  const M = p.outputs;
  const mPanels = Math.ceil(M / 4);
  const nPanels = Math.ceil(((oh - 1) * wp + ow) / 8);
  const cols = nPanels * 8;
  const planeIn = p.channels * p.height * p.width;
  const planeOut = M * oh * ow;
  const { memory, macro, compact: compactPlain, compactRelu } = kernelsFor(relaxedSimdInUse());
  const compact = relu ? compactRelu : compactPlain;
  // byte layout: A~ | tap table | bias | padded image | C~ | compacted output, each with slack
  const aByte = 64;
  const tabByte = aByte + 4 * (mPanels * 4 * K + SLACK);
  const biasByte = tabByte + 4 * (K + SLACK);
  const imgByte = biasByte + 4 * (mPanels * 4 + SLACK);
  const imgFloats = p.channels * hp * wp + cols + SLACK; // the last tiles read up to cols past a plane start
  const cByte = imgByte + 4 * imgFloats;
  // 16-byte aligned, shifted by 4 bytes when out's images start out of phase: copies then move whole words (aligned-copy.ts)
  const dstByte = alignedSlot(cByte + 4 * (mPanels * 4 * cols + SLACK), out, n0 * planeOut);
  memory.ensureBytes(dstByte + 4 * (planeOut + SLACK));
  const mem = memory.f32();
  const depthChunk = Math.ceil(K / Math.ceil(K / KC));
  const wOperand = { data: weights, offset: 0, ld: K, transposed: false };
  for (let pc = 0; pc < K; pc += depthChunk) packA(wOperand, 0, M, pc, Math.min(depthChunk, K - pc), 4, mem, aByte / 4 + mPanels * 4 * pc);
  const tab = new Int32Array(mem.buffer, tabByte, K);
  for (let c = 0, q = 0; c < p.channels; c++) {
    for (let i = 0; i < p.kh; i++) for (let j = 0; j < p.kw; j++) tab[q++] = 4 * (c * hp * wp + i * wp + j);
  }
  mem.fill(0, biasByte / 4, biasByte / 4 + mPanels * 4);
  if (bias !== null) copyWords(mem, biasByte / 4, bias, 0, M);
  const img = imgByte / 4;
  mem.fill(0, img, img + imgFloats);
  for (let n = n0; n < n1; n++) {
    // the interior of the padded planes; the borders stay zero from the fill above
    let src = n * planeIn;
    for (let c = 0; c < p.channels; c++) {
      for (let y = 0; y < p.height; y++, src += p.width) {
        const d = img + (c * hp + y + p.padH) * wp + p.padW;
        for (let x = 0; x < p.width; x++) mem[d + x] = input[src + x]!;
      }
    }
    for (let pc = 0; pc < K; pc += depthChunk) {
      const depth = Math.min(depthChunk, K - pc);
      macro(aByte + 4 * mPanels * 4 * pc, tabByte + 4 * pc, imgByte, cByte, 4 * cols, mPanels, nPanels, depth, pc > 0 ? 1 : 0);
    }
    compact(cByte, 4 * cols, dstByte, M, oh, ow, wp, biasByte);
    copyWords(out, n * planeOut, mem, dstByte / 4, planeOut);
  }
}

/**
 * Forward conv2d of images [n0, n1) on the implicit path (check `implicitConvEligible` first); with
 * `relu`, the fused max(·, +0) epilogue (the bits of this conv followed by the ReLU kernel).
 * @example
 * implicitConvForwardImages(g, x, w, bias, out, 0, g.batch);
 */
export function implicitConvForwardImages(
  g: Conv2dGeometry,
  x: Float32Array,
  w: Float32Array,
  bias: Float32Array | null,
  out: Float32Array,
  n0: number,
  n1: number,
  relu = false,
): void {
  const plan = {
    channels: g.inChannels,
    height: g.inHeight,
    width: g.inWidth,
    padH: g.padH,
    padW: g.padW,
    kh: g.kernelHeight,
    kw: g.kernelWidth,
    outputs: g.outChannels,
  };
  runPlan(plan, w, bias, x, out, n0, n1, relu);
}

/**
 * Input gradient of images [n0, n1) on the implicit path (check `implicitConvInputGradEligible`).
 * @example
 * implicitConvBackwardInputImages(g, gradOut, w, gradInput, 0, g.batch);
 */
export function implicitConvBackwardInputImages(
  g: Conv2dGeometry,
  gradOut: Float32Array,
  w: Float32Array,
  gradInput: Float32Array,
  n0: number,
  n1: number,
): void {
  const { inChannels: C, outChannels: O, kernelHeight: KH, kernelWidth: KW } = g;
  // flipped[c, (o·KH + kh)·KW + kw] = w[o, c, KH−1−kh, KW−1−kw]
  const flipped = new Float32Array(C * O * KH * KW);
  for (let c = 0; c < C; c++) {
    for (let o = 0; o < O; o++) {
      for (let i = 0; i < KH; i++) {
        for (let j = 0; j < KW; j++) flipped[((c * O + o) * KH + i) * KW + j] = w[((o * C + c) * KH + (KH - 1 - i)) * KW + (KW - 1 - j)]!;
      }
    }
  }
  const plan = { channels: O, height: g.outHeight, width: g.outWidth, padH: KH - 1 - g.padH, padW: KW - 1 - g.padW, kh: KH, kw: KW, outputs: C };
  runPlan(plan, flipped, null, gradOut, gradInput, n0, n1, false);
}
