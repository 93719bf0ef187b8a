/**
 * The implicit-GEMM weight-gradient kernel of the stride-1 convolution, emitted as WebAssembly SIMD.
 *
 * Math. With one image's input channels zero-padded into planes of Hp × Wp floats and
 * tap[p] = c·Hp·Wp + kh·Wp + kw for p = (c·KH + kh)·KW + kw (as in conv-implicit-kernel.ts),
 *   dW[o, p] = Σ_n Σ_{oh<OH} Σ_{ow<OW} dy[n, o, oh, ow] · xpad[n, tap[p] + oh·Wp + ow],
 * a GEMM whose reduction runs over the output positions of every image and whose "B" values are
 * read straight from the padded image through the taps (no im2col, no packing of the image).
 * `wgrad_macro` computes, for one image, C~[p, o] (+)= Σ_{oh,ow} xpad[tap[p] + oh·Wp + ow] · dyT[oh·OW + ow, o]
 * over a (tPanels·4) × (oPanels·8) grid of 4 × 8 register tiles (4 taps × 8 output channels).
 * Layout: `tab` holds the byte offsets 4·tap[p] of the 4·tPanels taps; dyT is the image's dy
 * transposed into panels of 8 output channels, panel q at dyT + q·dyPanelBytes holding
 * dyT[s, 8q + l] at float s·8 + l (s = oh·OW + ow, zero for channels ≥ C_out); C~ is row-major with
 * cStride bytes per tap. Per position: 2 v128 loads of dyT, 4 splat loads of the image (one per tap),
 * 8 multiply-adds; the dropped wide columns ow ≥ OW are skipped (rowSkip bytes at the end of a row).
 *
 * Numerics: per dW element one float32 chain, the accumulator loaded from C~ when `accumulate` (the
 * caller runs the images in ascending n, the first from +0), adding positions s = 0, 1, …, OH·OW − 1
 * of each image with f32x4.mul + f32x4.add or, when `fma`, f32x4.relaxed_madd. So the order is
 * (n ascending, then oh, ow ascending), all in float32: not the im2col path's (per-image float32 GEMM
 * sums added into a float64 accumulator), so dW's bits differ from it.
 * Cost: 2·8·4·OH·OW flops per tile and image; dyT (OH·OW·32 bytes per panel) and the image stay in L2.
 */
import type { FunctionBuilder } from './function-builder.js';
import { ModuleBuilder } from './module-builder.js';
import { emitPackPanels8, PACK_PANELS8_PARAMS } from './panel-transpose.js';
import { MAX_PAGES } from './runtime.js';

const TAPS = 4;
const acc = (t: number, v: number): string => `acc${t}_${v}`;
const PARAMS = ['tab', 'img', 'dyT', 'cBlock', 'cStride', 'tPanels', 'oPanels', 'outH', 'outW', 'rowSkip', 'dyPanelBytes', 'accumulate'];

/**
 * The module: `wgrad_macro(tab, img, dyT, cBlock, cStride, tPanels, oPanels, outH, outW, rowSkip,
 * dyPanelBytes, accumulate)`, byte addresses into `env.memory`, and `pack_panels8` (panel-transpose.ts),
 * which builds dyT from dy's rows.
 * @example
 * console.log(convImplicitWeightModuleBuilder({ sharedMemory: false, fma: false }).toText());
 */
export function convImplicitWeightModuleBuilder(options: { sharedMemory: boolean; fma: boolean }): ModuleBuilder {
  return new ModuleBuilder()
    .importMemory({ module: 'env', field: 'memory', initial: 1, maximum: MAX_PAGES, shared: options.sharedMemory })
    .addFunction('wgrad_macro', PARAMS.map((name): [string, 'i32'] => [name, 'i32']), [], (f) => emitMacro(f, options.fma))
    .addFunction('pack_panels8', PACK_PANELS8_PARAMS.map((name): [string, 'i32'] => [name, 'i32']), [], emitPackPanels8);
}

const add = (f: FunctionBuilder, local: string, bytes: number): void => {
  f.localGet(local).i32Const(bytes).op('i32.add').localSet(local);
};

function emitMacro(f: FunctionBuilder, fma: boolean): void {
  for (const name of ['tLeft', 'oLeft', 'tPtr', 'cRowBase', 'cTile', 'dyPanel', 'd', 'y', 'x', 'cRow']) f.local(name, 'i32');
  for (let t = 0; t < TAPS; t++) {
    f.local(`base${t}`, 'i32');
    f.local(`px${t}`, 'i32');
  }
  for (let t = 0; t < TAPS; t++) for (let v = 0; v < 2; v++) f.local(acc(t, v), 'v128');
  f.local('b0', 'v128');
  f.local('b1', 'v128');
  f.local('a', 'v128');
  f.block('done', () => {
    f.localGet('tPanels').op('i32.eqz').localGet('oPanels').op('i32.eqz').op('i32.or');
    f.localGet('outH').op('i32.eqz').op('i32.or').localGet('outW').op('i32.eqz').op('i32.or').brIf('done');
    f.localGet('tab').localSet('tPtr');
    f.localGet('cBlock').localSet('cRowBase');
    f.localGet('tPanels').localSet('tLeft');
    f.comment('for each panel of 4 taps: base_t ← img + tab[t]');
    f.loop('tapPanels', () => {
      for (let t = 0; t < TAPS; t++) {
        f.localGet('img')
          .localGet('tPtr')
          .memory('i32.load', 4 * t)
          .op('i32.add')
          .localSet(`base${t}`);
      }
      f.localGet('dyT').localSet('dyPanel');
      f.localGet('cRowBase').localSet('cTile');
      f.localGet('oPanels').localSet('oLeft');
      f.loop('outPanels', () => {
        emitTile(f, fma);
        f.localGet('dyPanel').localGet('dyPanelBytes').op('i32.add').localSet('dyPanel');
        add(f, 'cTile', 32);
        f.localGet('oLeft').i32Const(1).op('i32.sub').localTee('oLeft').brIf('outPanels');
      });
      add(f, 'tPtr', 4 * TAPS);
      f.localGet('cRowBase').localGet('cStride').i32Const(TAPS).op('i32.mul').op('i32.add').localSet('cRowBase');
      f.localGet('tLeft').i32Const(1).op('i32.sub').localTee('tLeft').brIf('tapPanels');
    });
  });
}

/** cRow ← address of tap row t of the tile at cTile. */
function rowAddress(f: FunctionBuilder, t: number): void {
  if (t === 0) f.localGet('cTile').localSet('cRow');
  else f.localGet('cRow').localGet('cStride').op('i32.add').localSet('cRow');
}

/** One 4 × 8 tile over all OH·OW positions of the image: accumulators from C~ (accumulate) or 0, then stored. */
function emitTile(f: FunctionBuilder, fma: boolean): void {
  f.localGet('accumulate').ifElse(
    () => {
      for (let t = 0; t < TAPS; t++) {
        rowAddress(f, t);
        for (let v = 0; v < 2; v++)
          f.localGet('cRow')
            .memory('v128.load', 16 * v)
            .localSet(acc(t, v));
      }
    },
    () => {
      for (let t = 0; t < TAPS; t++) for (let v = 0; v < 2; v++) f.v128Const(new Uint8Array(16)).localSet(acc(t, v));
    },
  );
  for (let t = 0; t < TAPS; t++) f.localGet(`base${t}`).localSet(`px${t}`);
  f.localGet('dyPanel').localSet('d');
  f.localGet('outH').localSet('y');
  f.loop('lines', () => {
    f.localGet('outW').localSet('x');
    f.loop('positions', () => {
      f.comment('b0, b1 ← dyT[s, 8q .. 8q + 7]; acc_t += xpad[tap_t + s] · b');
      f.localGet('d').memory('v128.load').localSet('b0');
      f.localGet('d').memory('v128.load', 16).localSet('b1');
      for (let t = 0; t < TAPS; t++) {
        f.localGet(`px${t}`).memory('v128.load32_splat').localSet('a');
        for (let v = 0; v < 2; v++) {
          if (fma) f.localGet('a').localGet(`b${v}`).localGet(acc(t, v)).op('f32x4.relaxed_madd').localSet(acc(t, v));
          else f.localGet(acc(t, v)).localGet('a').localGet(`b${v}`).op('f32x4.mul').op('f32x4.add').localSet(acc(t, v));
        }
        add(f, `px${t}`, 4);
      }
      add(f, 'd', 32);
      f.localGet('x').i32Const(1).op('i32.sub').localTee('x').brIf('positions');
    });
    f.comment('skip the wide columns ow ≥ OW of the padded row');
    for (let t = 0; t < TAPS; t++) f.localGet(`px${t}`).localGet('rowSkip').op('i32.add').localSet(`px${t}`);
    f.localGet('y').i32Const(1).op('i32.sub').localTee('y').brIf('lines');
  });
  for (let t = 0; t < TAPS; t++) {
    rowAddress(f, t);
    for (let v = 0; v < 2; v++)
      f.localGet('cRow')
        .localGet(acc(t, v))
        .memory('v128.store', 16 * v);
  }
}
