/**
 * The implicit-GEMM convolution kernels (stride 1, dilation 1), emitted as WebAssembly SIMD.
 *
 * Math. With the input channels zero-padded into planes of Hp × Wp floats (Hp = H + 2·padH,
 * Wp = W + 2·padW) and the output indexed "wide", j = oh·Wp + ow for ow < Wp (the columns ow ≥ OW
 * are computed and dropped), the patch matrix of im2col is never built:
 *   col[p, j] = xpad[tap[p] + j],   tap[p] = c·Hp·Wp + kh·Wp + kw,   p = (c·KH + kh)·KW + kw,
 * so B~'s k-th row for the 8 columns j..j+7 of a tile is the 8 consecutive floats at xpad + tap[p] + j.
 * `conv_macro` computes C~[i, j] (+)= Σ_{p<kc} A~[i, p] · xpad[tap[p] + j] over an (mPanels·4) ×
 * (nPanels·8) grid of 4 × 8 register tiles: A~ is packed like the GEMM's (sgemm-pack.ts, k-major
 * micro-panels of 4 rows), `tab` holds the byte offsets 4·tap[p]. Per k step: one i32 load of the
 * tap, 2 v128 loads of the image (unaligned), 4 splat loads of A~, 8 multiply-adds.
 * `compact` writes dst[i, oh, ow] = C~[i, oh·Wp + ow] + bias[i] for ow < OW (drops the wide columns);
 * `compact_relu` writes f32x4.max(that, +0) (the ReLU kernel's bits: NaN stays NaN, −0 → +0), the
 * fused inference epilogue of conv + ReLU.
 *
 * Numerics: per output element the sequential float32 sum over p = 0, 1, …, K−1 from +0, with
 * f32x4.mul + f32x4.add (two roundings per step) or, when `fma`, f32x4.relaxed_madd (relaxed-simd.ts:
 * one rounding where the engine fuses it); the same k order as im2col + GEMM, so the forward result
 * equals the im2col path's bits on the same instructions. Then one float32 addition of the bias.
 * Reads past a plane (the last tile's columns beyond the image) land in zero slack or the next
 * plane and only reach dropped columns.
 * Cost: 2·K·M·8·nPanels flops; the image is read from L1/L2 (one image, ≤ 9 taps per row).
 */
import type { FunctionBuilder } from './function-builder.js';
import { ModuleBuilder } from './module-builder.js';
import { MAX_PAGES } from './runtime.js';

const MR = 4;
const NR = 8;
const acc = (r: number, v: number): string => `acc${r}_${v}`;

/**
 * The module: `conv_macro(aPack, tab, img, cBlock, cStride, mPanels, nPanels, kc, accumulate)` and
 * `compact(cBlock, cStride, dst, rows, outH, outW, wideW, bias)` and `compact_relu(...)` (same, then
 * max(·, +0)), byte addresses into `env.memory`.
 * @example
 * console.log(convImplicitModuleBuilder({ sharedMemory: false, fma: false }).toText());
 */
export function convImplicitModuleBuilder(options: { sharedMemory: boolean; fma: boolean }): ModuleBuilder {
  const i32 = (name: string): [string, 'i32'] => [name, 'i32'];
  const compactParams = ['cBlock', 'cStride', 'dst', 'rows', 'outH', 'outW', 'wideW', 'bias'];
  return new ModuleBuilder()
    .importMemory({ module: 'env', field: 'memory', initial: 1, maximum: MAX_PAGES, shared: options.sharedMemory })
    .addFunction('conv_macro', ['aPack', 'tab', 'img', 'cBlock', 'cStride', 'mPanels', 'nPanels', 'kc', 'accumulate'].map(i32), [], (f) =>
      emitMacro(f, options.fma),
    )
    .addFunction('compact', compactParams.map(i32), [], (f) => emitCompact(f, false))
    .addFunction('compact_relu', compactParams.map(i32), [], (f) => emitCompact(f, true));
}

function emitMacro(f: FunctionBuilder, fma: boolean): void {
  for (const name of ['nLeft', 'mLeft', 'kLeft', 'aPtr', 'tPtr', 'colBase', 'bAddr', 'cCol', 'cPtr', 'cRow', 'cTileStep']) f.local(name, 'i32');
  for (let r = 0; r < MR; r++) for (let v = 0; v < 2; v++) f.local(acc(r, v), 'v128');
  f.local('b0', 'v128');
  f.local('b1', 'v128');
  f.local('a', 'v128');
  f.comment('cTileStep ← 4·cStride; colBase ← img; cCol ← cBlock; nLeft ← nPanels');
  f.localGet('cStride').i32Const(MR).op('i32.mul').localSet('cTileStep');
  f.localGet('img').localSet('colBase');
  f.localGet('cBlock').localSet('cCol');
  f.localGet('nPanels').localSet('nLeft');
  f.block('done', () => {
    f.localGet('mPanels').op('i32.eqz').localGet('nPanels').op('i32.eqz').op('i32.or');
    f.localGet('kc').op('i32.eqz').op('i32.or').brIf('done');
    f.comment('for each tile column (8 wide output positions j..j+7, image bytes from colBase)');
    f.loop('columns', () => {
      f.localGet('aPack').localSet('aPtr');
      f.localGet('cCol').localSet('cPtr');
      f.localGet('mPanels').localSet('mLeft');
      f.loop('rows', () => {
        emitTile(f, fma);
        f.localGet('cPtr').localGet('cTileStep').op('i32.add').localSet('cPtr');
        f.localGet('mLeft').i32Const(1).op('i32.sub').localTee('mLeft').brIf('rows');
      });
      f.comment('colBase += 32; cCol += 32 (next 8 positions)');
      f.localGet('colBase')
        .i32Const(4 * NR)
        .op('i32.add')
        .localSet('colBase');
      f.localGet('cCol')
        .i32Const(4 * NR)
        .op('i32.add')
        .localSet('cCol');
      f.localGet('nLeft').i32Const(1).op('i32.sub').localTee('nLeft').brIf('columns');
    });
  });
}

/** cRow ← address of row r of the tile at cPtr. */
function rowAddress(f: FunctionBuilder, r: number): void {
  if (r === 0) f.localGet('cPtr').localSet('cRow');
  else f.localGet('cRow').localGet('cStride').op('i32.add').localSet('cRow');
}

/** One 4 × 8 tile: accumulators from C~ (accumulate) or 0, kc steps, store. aPtr ends past its A~ panel. */
function emitTile(f: FunctionBuilder, fma: boolean): void {
  f.localGet('accumulate').ifElse(
    () => {
      for (let r = 0; r < MR; r++) {
        rowAddress(f, r);
        for (let v = 0; v < 2; v++)
          f.localGet('cRow')
            .memory('v128.load', 16 * v)
            .localSet(acc(r, v));
      }
    },
    () => {
      for (let r = 0; r < MR; r++) for (let v = 0; v < 2; v++) f.v128Const(new Uint8Array(16)).localSet(acc(r, v));
    },
  );
  f.localGet('tab').localSet('tPtr');
  f.localGet('kc').localSet('kLeft');
  f.loop('depth', () => {
    f.comment('bAddr ← colBase + tab[p]; b0, b1 ← xpad[tap[p] + j .. + 7]');
    f.localGet('colBase').localGet('tPtr').memory('i32.load').op('i32.add').localSet('bAddr');
    f.localGet('bAddr').memory('v128.load').localSet('b0');
    f.localGet('bAddr').memory('v128.load', 16).localSet('b1');
    for (let r = 0; r < MR; r++) {
      f.localGet('aPtr')
        .memory('v128.load32_splat', 4 * r)
        .localSet('a');
      for (let v = 0; v < 2; v++) {
        if (fma) f.localGet('a').localGet(`b${v}`).localGet(acc(r, v)).op('f32x4.relaxed_madd').localSet(acc(r, v));
        else f.localGet(acc(r, v)).localGet('a').localGet(`b${v}`).op('f32x4.mul').op('f32x4.add').localSet(acc(r, v));
      }
    }
    f.localGet('aPtr')
      .i32Const(4 * MR)
      .op('i32.add')
      .localSet('aPtr');
    f.localGet('tPtr').i32Const(4).op('i32.add').localSet('tPtr');
    f.localGet('kLeft').i32Const(1).op('i32.sub').localTee('kLeft').brIf('depth');
  });
  for (let r = 0; r < MR; r++) {
    rowAddress(f, r);
    for (let v = 0; v < 2; v++)
      f.localGet('cRow')
        .localGet(acc(r, v))
        .memory('v128.store', 16 * v);
  }
}

/**
 * dst[i, oh, ow] ← C~[i, oh·wideW + ow] + bias[i] in whole vectors: each row segment of outW floats is
 * written as ⌈outW/4⌉ vectors, the overshoot (≤ 3 floats) being overwritten by the next segment or
 * landing in the slack after dst; reads overshoot into dropped columns or the slack after C~.
 */
function emitCompact(f: FunctionBuilder, relu: boolean): void {
  for (const name of ['row', 'y', 'v', 'src', 'segBytes', 'wideBytes']) f.local(name, 'i32');
  f.local('biasV', 'v128');
  f.local('zero', 'v128');
  f.v128Const(new Uint8Array(16)).localSet('zero');
  f.localGet('outW').i32Const(4).op('i32.mul').localSet('segBytes');
  f.localGet('wideW').i32Const(4).op('i32.mul').localSet('wideBytes');
  f.block('done', () => {
    f.localGet('rows').op('i32.eqz').localGet('outH').op('i32.eqz').op('i32.or').localGet('outW').op('i32.eqz').op('i32.or').brIf('done');
    f.loop('rowsLoop', () => {
      f.comment('biasV ← bias[row] in all lanes; src ← C~ row');
      f.localGet('bias').localGet('row').i32Const(4).op('i32.mul').op('i32.add').memory('v128.load32_splat').localSet('biasV');
      f.localGet('cBlock').localGet('row').localGet('cStride').op('i32.mul').op('i32.add').localSet('src');
      f.i32Const(0).localSet('y');
      f.loop('lines', () => {
        f.i32Const(0).localSet('v');
        f.loop('vectors', () => {
          f.localGet('dst').localGet('v').op('i32.add');
          f.localGet('src').localGet('v').op('i32.add').memory('v128.load').localGet('biasV').op('f32x4.add');
          if (relu) f.localGet('zero').op('f32x4.max');
          f.memory('v128.store');
          f.localGet('v').i32Const(16).op('i32.add').localTee('v').localGet('segBytes').op('i32.lt_u').brIf('vectors');
        });
        f.localGet('dst').localGet('segBytes').op('i32.add').localSet('dst');
        f.localGet('src').localGet('wideBytes').op('i32.add').localSet('src');
        f.localGet('y').i32Const(1).op('i32.add').localTee('y').localGet('outH').op('i32.lt_u').brIf('lines');
      });
      f.localGet('row').i32Const(1).op('i32.add').localTee('row').localGet('rows').op('i32.lt_u').brIf('rowsLoop');
    });
  });
}
