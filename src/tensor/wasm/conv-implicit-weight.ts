/**
 * Implicit-GEMM weight gradient of the stride-1 convolution on WebAssembly SIMD (dilation 1, one
 * group, float32; the geometries of `implicitConvEligible`): no im2col and no packing of the image.
 *
 * Math (kernel and layout in conv-implicit-weight-kernel.ts):
 *   dW[o, p] = Σ_n Σ_{oh,ow} dy[n, o, oh, ow] · xpad[n, tap[p] + oh·Wp + ow],  p = (c·KH + kh)·KW + kw.
 * Per call, for the taps p ∈ [start, end): build the tap table (padded to a multiple of 4 by repeating
 * the last tap; the copies are computed and dropped). Per image n ascending: copy the image into the
 * padded planes (JS) and dy[n] (one contiguous copy) into a row buffer that `pack_panels8` transposes
 * into the panels dyT (WebAssembly SIMD, panel-transpose.ts), one `wgrad_macro` accumulating into C~
 * (taps × output channels, float32). At the end dW[o, p] ← C~[p − start, o].
 * Numerics: per element one float32 sum over (n, oh, ow) ascending (see the kernel); the im2col path
 * sums each image in float32 and the images in float64, so the bits differ from it (both are checked
 * against float64 references in the tests).
 * Cost: 2·C_out·K·N·OH·OW flops (rounded up to tiles of 4 taps × 8 channels), plus per image
 * C_in·H·W and C_out·OH·OW floats copied in. Each element depends only on its own tap and channel, so
 * any split of the taps or of the output channels over threads gives the same bits (a split of the
 * channels suits first layers, whose few taps make uneven tiles: 9 taps split 4 + 5 are 1 and 2 tiles).
 */
import type { Conv2dGeometry } from '../kernels/conv2d-geometry.js';
import { convImplicitWeightModuleBuilder } from './conv-implicit-weight-kernel.js';
import { relaxedSimdInUse } from './relaxed-simd.js';
import { copyWords } from './aligned-copy.js';
import { fmaKernelCache } from './runtime.js';

/** Slack floats after every region. */
const SLACK = 16;

type Macro = (
  tab: number, img: number, dyT: number, cBlock: number, cStride: number, tPanels: number, oPanels: number,
  outH: number, outW: number, rowSkip: number, dyPanelBytes: number, accumulate: number,
) => void;

type PackPanels = (src: number, dst: number, cols: number, panels: number, panelBytes: number) => void;
const kernelFor = fmaKernelCache(
  'implicit conv weight gradient',
  (sharedMemory, fma) => convImplicitWeightModuleBuilder({ sharedMemory, fma }).encode(),
  (e) => ({ macro: e['wgrad_macro'] as Macro, pack: e['pack_panels8'] as PackPanels }),
);

/**
 * Weight gradient for the taps (columns of dW) [start, end) and output channels [o0, o1) on the
 * implicit path (check `implicitConvEligible` first), overwriting gradWeight[o, p] for those p and o.
 * @example
 * implicitConvBackwardWeightTaps(g, x, gradOut, gradWeight, 0, g.inChannels * g.kernelHeight * g.kernelWidth);
 */
export function implicitConvBackwardWeightTaps(
  g: Conv2dGeometry,
  x: Float32Array,
  gradOut: Float32Array,
  gradWeight: Float32Array,
  start: number,
  end: number,
  o0 = 0,
  o1 = g.outChannels,
): void {
  if (end <= start || o1 <= o0) return;
  const { inChannels: C, outChannels: allO, kernelHeight: KH, kernelWidth: KW, outHeight: OH, outWidth: OW } = g;
  const K = C * KH * KW;
  const taps = end - start;
  const O = o1 - o0; // the channels computed here; dy rows o0..o1 of each image are contiguous
  if (g.batch === 0 || OH * OW === 0) {
    for (let o = o0; o < o1; o++) gradWeight.fill(0, o * K + start, o * K + end);
    return;
  }
  const hp = g.inHeight + 2 * g.padH;
  const wp = g.inWidth + 2 * g.padW;
  const tPanels = Math.ceil(taps / 4);
  const oPanels = Math.ceil(O / 8);
  const oPad = oPanels * 8;
  const P = OH * OW;
  const { memory, macro, pack } = kernelFor(relaxedSimdInUse());
  // byte layout: tap table | padded image | dyT panels | C~ | dy rows (8·oPanels rows of P), each with slack
  const tabByte = 64;
  const imgByte = tabByte + 4 * (tPanels * 4 + SLACK);
  const imgFloats = C * hp * wp + SLACK;
  const dyByte = imgByte + 4 * imgFloats;
  const dyFloats = oPanels * P * 8 + SLACK;
  const cByte = dyByte + 4 * dyFloats;
  const rowsByte = cByte + 4 * (tPanels * 4 * oPad + SLACK);
  memory.ensureBytes(rowsByte + 4 * (oPad * P + SLACK));
  const mem = memory.f32();
  const tab = new Int32Array(mem.buffer, tabByte, tPanels * 4);
  for (let i = 0; i < tPanels * 4; i++) {
    const p = start + Math.min(i, taps - 1);
    const c = Math.floor(p / (KH * KW));
    const r = p - c * KH * KW;
    const kh = Math.floor(r / KW);
    tab[i] = 4 * (c * hp * wp + kh * wp + (r - kh * KW));
  }
  const img = imgByte / 4;
  const dyT = dyByte / 4;
  mem.fill(0, img, img + imgFloats); // the borders of the planes stay zero
  mem.fill(0, dyT + oPanels * P * 8, dyT + dyFloats); // pack_panels8 writes every panel; zero its slack
  const rows = rowsByte / 4;
  mem.fill(0, rows + O * P, rows + oPad * P); // rows ≥ C_out stay zero, so the last panel's extra channels do
  const planeIn = C * g.inHeight * g.inWidth;
  for (let n = 0; n < g.batch; n++) {
    let src = n * planeIn;
    for (let c = 0; c < C; c++) {
      for (let y = 0; y < g.inHeight; y++, src += g.inWidth) {
        const d = img + (c * hp + y + g.padH) * wp + g.padW;
        for (let q = 0; q < g.inWidth; q++) mem[d + q] = x[src + q]!;
      }
    }
    copyWords(mem, rows, gradOut, (n * allO + o0) * P, O * P);
    pack(rowsByte, dyByte, P, oPanels, 4 * P * 8);
    macro(tabByte, imgByte, dyByte, cByte, 4 * oPad, tPanels, oPanels, OH, OW, 4 * (wp - OW), 4 * P * 8, n > 0 ? 1 : 0);
  }
  const cBlock = cByte / 4;
  for (let o = 0; o < O; o++) {
    for (let i = 0; i < taps; i++) gradWeight[(o0 + o) * K + start + i] = mem[cBlock + i * oPad + o]!;
  }
}
