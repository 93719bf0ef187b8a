/**
 * Direct convolution for few input channels (a CNN's first layer) on WebAssembly SIMD: stride 1,
 * dilation 1, one group, C_in ≤ 4, C_in·KH·KW ≤ 36, OW ≥ 4, float32 (kernel, math and numerics in
 * conv-small-cin-kernel.ts; the same bits as the implicit GEMM kernel, conv-implicit.ts).
 *
 *   y[n, o, oh, ow] = epi(Σ_{c,kh,kw} w[o, c, kh, kw] · xpad[n, c, oh + kh, ow + kw] + bias[o])
 *
 * Per call: pack the weights into blocks of 8 output channels (w~[b, p, r] = w[8b + r, p], zero
 * rows past C_out), the tap table and the bias; per image: copy the image into the zero-padded planes
 * (JS), one `conv_direct` call writing all ⌈C_out/8⌉·8 planes, one `set` of the C_out planes out.
 * Cost per image: 2·C_out·C_in·KH·KW·OH·4⌈OW/4⌉ flops (rounded up to blocks of 8 channels), C_in·H·W
 * floats copied in and C_out·OH·OW out. Each thread has its own module instance and memory; images are
 * independent, so any split of the batch over threads gives the same bits. The memory is an ordinary
 * (unshared) one: it is never handed to another thread, and `TypedArray.set` out of a
 * SharedArrayBuffer-backed memory runs V8's relaxed (word-wise) copy, which cost more than the
 * convolution itself here (measured: 64 × 25088 floats out took ≈ 1.5 ms shared vs ≈ 0.25 ms unshared, the kernel ≈ 1 ms).
 */
import type { Conv2dGeometry } from '../kernels/conv2d-geometry.js';
import { useDepthwiseKernels } from '../kernels/conv2d-parts.js';
import { SMALL_GEMM_MACS } from '../kernels/matmul.js';
import { SMALL_CIN_BLOCK, convSmallCinModuleBuilder } from './conv-small-cin-kernel.js';
import { relaxedSimdInUse } from './relaxed-simd.js';
import { fmaKernelCache } from './runtime.js';
import { alignedSlot, copyWords } from './aligned-copy.js';

/** Largest C_in and C_in·KH·KW the direct kernel takes. */
export const SMALL_CIN_MAX_CHANNELS = 4;
export const SMALL_CIN_MAX_TAPS = 36;
/** Slack floats after every region (vector overshoot past the last row of a plane). */
const SLACK = 16;

type Direct = (wPack: number, tab: number, taps: number, img: number, dst: number, blocks: number, outH: number, outW: number, wideW: number, bias: number) => void;

const kernelsFor = fmaKernelCache(
  'small-C_in conv',
  (sharedMemory, fma) => convSmallCinModuleBuilder({ sharedMemory, fma }).encode(),
  (e) => ({ plain: e['conv_direct'] as Direct, relu: e['conv_direct_relu'] as Direct }),
);

/**
 * Whether the forward conv of this geometry takes the direct small-C_in kernel (when its operands are
 * float32): stride 1, dilation 1, one group, C_in ≤ 4, C_in·KH·KW ≤ 36, OW ≥ 4, more than
 * SMALL_GEMM_MACS multiply-adds per image and not depthwise-style (those keep their exact JS kernels).
 * @example
 * smallCinConvEligible(conv2dGeometry([64, 1, 28, 28], [32, 1, 3, 3], { padding: 1 })); // true
 */
export function smallCinConvEligible(g: Conv2dGeometry): boolean {
  if (g.groups !== 1 || g.strideH !== 1 || g.strideW !== 1 || g.dilationH !== 1 || g.dilationW !== 1) return false;
  const taps = g.inChannels * g.kernelHeight * g.kernelWidth;
  if (g.inChannels > SMALL_CIN_MAX_CHANNELS || taps > SMALL_CIN_MAX_TAPS || g.outWidth < 4 || g.outHeight < 1) return false;
  return g.outChannels * taps * g.outHeight * g.outWidth > SMALL_GEMM_MACS && !useDepthwiseKernels(g);
}

/**
 * Forward conv2d of images [n0, n1) on the direct small-C_in kernel (check `smallCinConvEligible`),
 * with the ReLU epilogue when `relu` (the bits of this conv followed by the ReLU kernel).
 * @example
 * smallCinConvForwardImages(g, x, w, bias, out, 0, g.batch, false);
 */
export function smallCinConvForwardImages(
  g: Conv2dGeometry,
  x: Float32Array,
  w: Float32Array,
  bias: Float32Array | null,
  out: Float32Array,
  n0: number,
  n1: number,
  relu: boolean,
): void {
  const { inChannels: C, inHeight: H, inWidth: W, kernelHeight: KH, kernelWidth: KW, outChannels: M, outHeight: OH, outWidth: OW } = g;
  const hp = H + 2 * g.padH;
  const wp = W + 2 * g.padW;
  const T = C * KH * KW;
  const blocks = Math.ceil(M / SMALL_CIN_BLOCK);
  const planeIn = C * H * W;
  const planeOut = M * OH * OW;
  const k = kernelsFor(relaxedSimdInUse());
  // byte layout: w~ | tap table | bias | padded image | output planes, each with slack
  const wByte = 64;
  const tabByte = wByte + 4 * (blocks * SMALL_CIN_BLOCK * T + SLACK);
  const biasByte = tabByte + 4 * (T + SLACK);
  const imgByte = biasByte + 4 * (blocks * SMALL_CIN_BLOCK + SLACK);
  const imgFloats = C * hp * wp + SLACK; // the last vector of a row reads at most 3 floats past it
  const dstByte = alignedSlot(imgByte + 4 * imgFloats, out, n0 * planeOut); // in phase with out (aligned-copy.ts)
  k.memory.ensureBytes(dstByte + 4 * (blocks * SMALL_CIN_BLOCK * OH * OW + SLACK));
  const mem = k.memory.f32();
  const wp0 = wByte / 4;
  mem.fill(0, wp0, wp0 + blocks * SMALL_CIN_BLOCK * T);
  for (let o = 0; o < M; o++) {
    const blockBase = wp0 + Math.floor(o / SMALL_CIN_BLOCK) * SMALL_CIN_BLOCK * T + (o % SMALL_CIN_BLOCK);
    for (let p = 0; p < T; p++) mem[blockBase + p * SMALL_CIN_BLOCK] = w[o * T + p]!;
  }
  const tab = new Int32Array(mem.buffer, tabByte, T);
  for (let c = 0, q = 0; c < C; c++) {
    for (let i = 0; i < KH; i++) for (let j = 0; j < KW; j++) tab[q++] = 4 * (c * hp * wp + i * wp + j);
  }
  mem.fill(0, biasByte / 4, biasByte / 4 + blocks * SMALL_CIN_BLOCK);
  if (bias !== null) copyWords(mem, biasByte / 4, bias, 0, M);
  const img = imgByte / 4;
  mem.fill(0, img, img + imgFloats);
  const run = relu ? k.relu : k.plain;
  for (let n = n0; n < n1; n++) {
    // the interior of the padded planes; the borders stay zero from the fill above
    let src = n * planeIn;
    for (let c = 0; c < C; c++) {
      for (let y = 0; y < H; y++, src += W) {
        const d = img + (c * hp + y + g.padH) * wp + g.padW;
        for (let xx = 0; xx < W; xx++) mem[d + xx] = x[src + xx]!;
      }
    }
    run(wByte, tabByte, T, imgByte, dstByte, blocks, OH, OW, wp, biasByte);
    copyWords(out, n * planeOut, mem, dstByte / 4, planeOut);
  }
}
