/**
 * Implicit-GEMM weight gradient of the stride-1 convolution on WebAssembly SIMD (dilation 1, one
 * group, float32; the geometries of `implicitConvEligible`): no im2col and no packing of the image.
 *
 * Math (kernel and layout in conv-implicit-weight-kernel.ts):
 *   dW[o, p] = Σ_n Σ_{oh,ow} dy[n, o, oh, ow] · xpad[n, tap[p] + oh·Wp + ow],  p = (c·KH + kh)·KW + kw.
 * Per call, for the taps p ∈ [start, end): build the tap table (padded to a multiple of 4 by repeating
 * the last tap; the copies are computed and dropped). Per image n ascending: copy the image into the
 * padded planes and dy[n] into the transposed panels dyT (JS), one `wgrad_macro` accumulating into C~
 * (taps × output channels, float32). At the end dW[o, p] ← C~[p − start, o].
 * Numerics: per element one float32 sum over (n, oh, ow) ascending (see the kernel); the im2col path
 * sums each image in float32 and the images in float64, so the bits differ from it (both are checked
 * against float64 references in the tests).
 * Cost: 2·C_out·K·N·OH·OW flops (rounded up to tiles of 4 taps × 8 channels), plus per image
 * C_in·H·W and C_out·OH·OW floats copied in. Each element depends only on its own tap and channel, so
 * any split of the taps over threads gives the same bits.
 */
import type { Conv2dGeometry } from '../kernels/conv2d-geometry.js';
import { convImplicitWeightModuleBuilder } from './conv-implicit-weight-kernel.js';
import { relaxedSimdInUse } from './relaxed-simd.js';
import { KernelMemory, webAssemblyApi } from './runtime.js';

/** Slack floats after every region. */
const SLACK = 16;

type Macro = (
  tab: number, img: number, dyT: number, cBlock: number, cStride: number, tPanels: number, oPanels: number,
  outH: number, outW: number, rowSkip: number, dyPanelBytes: number, accumulate: number,
) => void;

let state: { memory: KernelMemory; macros: Map<boolean, Macro> } | undefined;

function kernelFor(fma: boolean): { memory: KernelMemory; macro: Macro } {
  const api = webAssemblyApi();
  if (api === undefined) throw new Error('implicit conv weight gradient: this runtime has no WebAssembly');
  state ??= { memory: new KernelMemory(), macros: new Map() };
  let macro = state.macros.get(fma);
  if (macro === undefined) {
    const bytes = convImplicitWeightModuleBuilder({ sharedMemory: state.memory.isShared, fma }).encode();
    macro = new api.Instance(new api.Module(bytes), { env: { memory: state.memory.memory } }).exports['wgrad_macro'] as Macro;
    state.macros.set(fma, macro);
  }
  return { memory: state.memory, macro };
}

/**
 * Weight gradient for the taps (columns of dW) [start, end) on the implicit path (check
 * `implicitConvEligible` first), overwriting gradWeight[o, p] for those p and every o.
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
): void {
  if (end <= start) return;
  const { inChannels: C, outChannels: O, kernelHeight: KH, kernelWidth: KW, outHeight: OH, outWidth: OW } = g;
  const K = C * KH * KW;
  const taps = end - start;
  if (g.batch === 0 || OH * OW === 0) {
    for (let o = 0; o < O; o++) gradWeight.fill(0, o * K + start, o * K + end);
    return;
  }
  const hp = g.inHeight + 2 * g.padH;
  const wp = g.inWidth + 2 * g.padW;
  const tPanels = Math.ceil(taps / 4);
  const oPanels = Math.ceil(O / 8);
  const oPad = oPanels * 8;
  const P = OH * OW;
  const { memory, macro } = kernelFor(relaxedSimdInUse());
  // byte layout: tap table | padded image | dyT panels | C~, each with slack
  const tabByte = 64;
  const imgByte = tabByte + 4 * (tPanels * 4 + SLACK);
  const imgFloats = C * hp * wp + SLACK;
  const dyByte = imgByte + 4 * imgFloats;
  const dyFloats = oPanels * P * 8 + SLACK;
  const cByte = dyByte + 4 * dyFloats;
  memory.ensureBytes(cByte + 4 * (tPanels * 4 * oPad + SLACK));
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
  mem.fill(0, dyT, dyT + dyFloats); // so do the channels ≥ C_out of the last panel
  const planeIn = C * g.inHeight * g.inWidth;
  for (let n = 0; n < g.batch; n++) {
    let src = n * planeIn;
    for (let c = 0; c < C; c++) {
      for (let y = 0; y < g.inHeight; y++, src += g.inWidth) {
        const d = img + (c * hp + y + g.padH) * wp + g.padW;
        for (let q = 0; q < g.inWidth; q++) mem[d + q] = x[src + q]!;
      }
    }
    for (let o = 0; o < O; o++) {
      const s0 = (n * O + o) * P;
      const d = dyT + (o >> 3) * P * 8 + (o & 7);
      for (let s = 0; s < P; s++) mem[d + 8 * s] = gradOut[s0 + s]!;
    }
    macro(tabByte, imgByte, dyByte, cByte, 4 * oPad, tPanels, oPanels, OH, OW, 4 * (wp - OW), 4 * P * 8, n > 0 ? 1 : 0);
  }
  const cBlock = cByte / 4;
  for (let o = 0; o < O; o++) {
    for (let i = 0; i < taps; i++) gradWeight[o * K + start + i] = mem[cBlock + i * oPad + o]!;
  }
}
