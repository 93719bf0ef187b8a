/**
 * The direct small-C_in convolution kernel (stride 1, dilation 1), emitted as WebAssembly SIMD: the
 * first layer of a CNN (C_in ≤ 4 channels, C_in·KH·KW ≤ 36 taps), where the implicit GEMM's depth
 * is too short to amortise its tile loads and stores.
 *
 * Math. With the input channels zero-padded into planes of Hp × Wp floats and the taps numbered
 * p = (c·KH + kh)·KW + kw with byte offsets tab[p] = 4·(c·Hp·Wp + kh·Wp + kw), for a block of 8
 * output channels o = 8·b + r (r < 8) and 4 output columns ow..ow+3 of row oh:
 *   acc[r] = Σ_{p = 0..T−1} w~[b, p, r] · xpad[oh·Wp + ow + tab[p]/4 .. + 3]     (from +0, p ascending)
 *   dst[o, oh, ow..ow+3] = epi(acc[r] + bias[o]),   epi = identity, or max(·, +0) when `relu`
 * with w~[b, p, r] = w[8·b + r, p] packed by the caller (zero for o ≥ C_out; those planes land in
 * slack). Each tap loads the shifted input vector once and multiply-adds it into the 8 accumulators
 * with splatted weights. A row is covered by vectors at ow = 0, 4, 8, … and a last one at OW − 4
 * (needs OW ≥ 4), which recomputes up to 3 columns with the same arithmetic, so no write crosses a
 * row and no wide column is computed.
 * Numerics: per element the sequential float32 sum over p ascending from +0 with f32x4.mul + f32x4.add,
 * or f32x4.relaxed_madd when `fma` (one rounding where the engine fuses), then one float32 addition
 * of the bias (+0 when there is none) and, with `relu`, f32x4.max(·, +0) (NaN stays NaN, −0 → +0,
 * the ReLU kernel's bits). This is the implicit kernel's order and instructions
 * (conv-implicit-kernel.ts), so both give the same bits; it does not depend on the thread count.
 * Cost: 2·T·8·⌈C_out/8⌉·OH·4·⌈OW/4⌉ flops per image; per tap 1 v128 load, 8 splat loads, 8 madds.
 */
import type { FunctionBuilder } from './function-builder.js';
import { ModuleBuilder } from './module-builder.js';
import { MAX_PAGES } from './runtime.js';

/** Output channels per block (accumulators held in registers). */
export const SMALL_CIN_BLOCK = 8;
const OB = SMALL_CIN_BLOCK;

/**
 * The module: `conv_direct(wPack, tab, taps, img, dst, blocks, outH, outW, wideW, bias)` and
 * `conv_direct_relu(...)` (same, ReLU epilogue); byte addresses into `env.memory`.
 * @example
 * console.log(convSmallCinModuleBuilder({ sharedMemory: false, fma: false }).toText());
 */
export function convSmallCinModuleBuilder(options: { sharedMemory: boolean; fma: boolean }): ModuleBuilder {
  const i32 = (name: string): [string, 'i32'] => [name, 'i32'];
  const params = ['wPack', 'tab', 'taps', 'img', 'dst', 'blocks', 'outH', 'outW', 'wideW', 'bias'].map(i32);
  return new ModuleBuilder()
    .importMemory({ module: 'env', field: 'memory', initial: 1, maximum: MAX_PAGES, shared: options.sharedMemory })
    .addFunction('conv_direct', params, [], (f) => emitDirect(f, options.fma, false))
    .addFunction('conv_direct_relu', params, [], (f) => emitDirect(f, options.fma, true));
}

const acc = (r: number): string => `acc${r}`;

function emitDirect(f: FunctionBuilder, fma: boolean, relu: boolean): void {
  for (const name of ['b', 'oh', 'col', 'last', 'rowBase', 'wBlock', 'wPtr', 'tPtr', 'tEnd', 'x', 'planeBytes', 'outRow', 'biasPtr']) f.local(name, 'i32');
  for (let r = 0; r < OB; r++) f.local(acc(r), 'v128');
  f.local('v', 'v128');
  f.local('zero', 'v128');
  f.v128Const(new Uint8Array(16)).localSet('zero');
  f.block('done', () => {
    f.localGet('blocks').op('i32.eqz').localGet('outH').op('i32.eqz').op('i32.or');
    f.localGet('taps').op('i32.eqz').op('i32.or').localGet('outW').i32Const(4).op('i32.lt_s').op('i32.or').brIf('done');
    f.comment('planeBytes ← 4·outH·outW; last ← outW − 4; tEnd ← tab + 4·taps');
    f.localGet('outH').localGet('outW').op('i32.mul').i32Const(4).op('i32.mul').localSet('planeBytes');
    f.localGet('outW').i32Const(4).op('i32.sub').localSet('last');
    f.localGet('tab').localGet('taps').i32Const(4).op('i32.mul').op('i32.add').localSet('tEnd');
    f.localGet('wPack').localSet('wBlock');
    f.localGet('bias').localSet('biasPtr');
    f.loop('blockLoop', () => {
      f.i32Const(0).localSet('oh');
      f.loop('rowLoop', () => {
        f.comment('rowBase ← img + 4·oh·wideW; outRow ← dst + 4·oh·outW');
        f.localGet('img').localGet('oh').localGet('wideW').op('i32.mul').i32Const(4).op('i32.mul').op('i32.add').localSet('rowBase');
        f.localGet('dst').localGet('oh').localGet('outW').op('i32.mul').i32Const(4).op('i32.mul').op('i32.add').localSet('outRow');
        f.i32Const(0).localSet('col');
        f.loop('colLoop', () => {
          emitVector(f, fma, relu);
          f.comment('done with the row after the vector at last; else col ← min(col + 4, last)');
          f.localGet('col').localGet('last').op('i32.ne').ifElse(() => {
            f.localGet('col').i32Const(4).op('i32.add').localSet('col');
            f.localGet('col').localGet('last').op('i32.gt_s').ifElse(() => {
              f.localGet('last').localSet('col');
            });
            f.br('colLoop');
          });
        });
        f.localGet('oh').i32Const(1).op('i32.add').localTee('oh').localGet('outH').op('i32.lt_s').brIf('rowLoop');
      });
      f.comment('next block: 8 output planes, 8·taps packed weights, 8 biases');
      f.localGet('dst').localGet('planeBytes').i32Const(OB).op('i32.mul').op('i32.add').localSet('dst');
      f.localGet('wBlock').localGet('taps').i32Const(4 * OB).op('i32.mul').op('i32.add').localSet('wBlock');
      f.localGet('biasPtr').i32Const(4 * OB).op('i32.add').localSet('biasPtr');
      f.localGet('b').i32Const(1).op('i32.add').localTee('b').localGet('blocks').op('i32.lt_s').brIf('blockLoop');
    });
  });
}

/** The 8 channels × 4 columns at (oh, col): taps loop, bias, epilogue, 8 stores. */
function emitVector(f: FunctionBuilder, fma: boolean, relu: boolean): void {
  for (let r = 0; r < OB; r++) f.localGet('zero').localSet(acc(r));
  f.localGet('wBlock').localSet('wPtr');
  f.localGet('tab').localSet('tPtr');
  f.comment('x ← rowBase + 4·col');
  f.localGet('rowBase').localGet('col').i32Const(4).op('i32.mul').op('i32.add').localSet('x');
  f.loop('tapLoop', () => {
    f.comment('v ← xpad at x + tab[p]; acc[r] += w~[b, p, r] · v');
    f.localGet('x').localGet('tPtr').memory('i32.load').op('i32.add').memory('v128.load').localSet('v');
    for (let r = 0; r < OB; r++) {
      if (fma) {
        f.localGet('wPtr').memory('v128.load32_splat', 4 * r).localGet('v').localGet(acc(r)).op('f32x4.relaxed_madd').localSet(acc(r));
      } else {
        f.localGet(acc(r)).localGet('wPtr').memory('v128.load32_splat', 4 * r).localGet('v').op('f32x4.mul').op('f32x4.add').localSet(acc(r));
      }
    }
    f.localGet('wPtr').i32Const(4 * OB).op('i32.add').localSet('wPtr');
    f.localGet('tPtr').i32Const(4).op('i32.add').localTee('tPtr').localGet('tEnd').op('i32.lt_u').brIf('tapLoop');
  });
  f.comment('dst[8·b + r, oh, col..col+3] ← epi(acc[r] + bias[8·b + r])');
  f.localGet('outRow').localGet('col').i32Const(4).op('i32.mul').op('i32.add').localSet('x');
  for (let r = 0; r < OB; r++) {
    f.localGet('x');
    f.localGet(acc(r)).localGet('biasPtr').memory('v128.load32_splat', 4 * r).op('f32x4.add');
    if (relu) f.localGet('zero').op('f32x4.max');
    f.memory('v128.store');
    if (r < OB - 1) f.localGet('x').localGet('planeBytes').op('i32.add').localSet('x');
  }
}
