/**
 * `pack_panels8`: transposes row-major rows into panels of 8 interleaved rows, in WebAssembly SIMD.
 *
 * Math. Given R = 8·panels rows of P floats each at `src` (row r at src + 4·r·P, contiguous), writes
 *   dst[q·panelBytes/4 + s·8 + l] = src[(8q + l)·P + s]   for q < panels, s < P, l < 8,
 * i.e. panel q holds rows 8q … 8q+7 transposed, one group of 8 floats (one per row) per column s. This
 * is the dy layout the implicit weight-gradient kernel reads (conv-implicit-weight-kernel.ts: dyT).
 * Method: per panel, columns 4 at a time: 8 v128 loads (rows 8q … 8q+7, columns s … s+3), two 4 × 4
 * transposes by i8x16.shuffle (unpack pairs, then halves), 8 v128 stores; columns past the last
 * multiple of 4 go one float at a time. Pure data movement: the bits of every float are kept.
 * Cost: 8·panels·P floats read and written once; 8 shuffles per 16 floats.
 */
import type { FunctionBuilder } from './function-builder.js';

/** Byte lanes of i8x16.shuffle that pick floats `floats` (0–3 from a, 4–7 from b). */
const floats = (f: readonly number[]): number[] => f.flatMap((k) => [4 * k, 4 * k + 1, 4 * k + 2, 4 * k + 3]);
const LO_PAIRS = floats([0, 4, 1, 5]);
const HI_PAIRS = floats([2, 6, 3, 7]);
const LO_HALVES = floats([0, 1, 4, 5]);
const HI_HALVES = floats([2, 3, 6, 7]);

/** Parameters of `pack_panels8` (all i32; src, dst and panelBytes in bytes). */
export const PACK_PANELS8_PARAMS = ['src', 'dst', 'cols', 'panels', 'panelBytes'] as const;

/** Transposes the 4 × 4 block in locals r{base}…r{base+3} into columns c0…c3 (c_j = column j). */
function transpose4(f: FunctionBuilder, base: number): void {
  const r = (i: number): string => `r${base + i}`;
  f.localGet(r(0)).localGet(r(1)).shuffle(LO_PAIRS).localSet('t0');
  f.localGet(r(0)).localGet(r(1)).shuffle(HI_PAIRS).localSet('t1');
  f.localGet(r(2)).localGet(r(3)).shuffle(LO_PAIRS).localSet('t2');
  f.localGet(r(2)).localGet(r(3)).shuffle(HI_PAIRS).localSet('t3');
  f.localGet('t0').localGet('t2').shuffle(LO_HALVES).localSet('c0');
  f.localGet('t0').localGet('t2').shuffle(HI_HALVES).localSet('c1');
  f.localGet('t1').localGet('t3').shuffle(LO_HALVES).localSet('c2');
  f.localGet('t1').localGet('t3').shuffle(HI_HALVES).localSet('c3');
}

/**
 * Emits the body of `pack_panels8(src, dst, cols, panels, panelBytes)` (see the header).
 * @example
 * new ModuleBuilder().addFunction('pack_panels8', PACK_PANELS8_PARAMS.map((n) => [n, 'i32']), [], emitPackPanels8);
 */
export function emitPackPanels8(f: FunctionBuilder): void {
  for (const name of ['rowBytes', 'q', 'row', 'out', 's', 'a', 'o', 'l', 'vecCols']) f.local(name, 'i32');
  for (let i = 0; i < 8; i++) f.local(`r${i}`, 'v128');
  for (const name of ['t0', 't1', 't2', 't3', 'c0', 'c1', 'c2', 'c3']) f.local(name, 'v128');
  f.block('done', () => {
    f.localGet('panels').op('i32.eqz').localGet('cols').op('i32.eqz').op('i32.or').brIf('done');
    f.localGet('cols').i32Const(2).op('i32.shl').localSet('rowBytes');
    f.localGet('cols').i32Const(-4).op('i32.and').localSet('vecCols');
    f.localGet('src').localSet('row');
    f.localGet('dst').localSet('out');
    f.i32Const(0).localSet('q');
    f.loop('panel', () => {
      f.i32Const(0).localSet('s');
      f.block('vecDone', () => {
        f.localGet('vecCols').op('i32.eqz').brIf('vecDone');
        f.loop('vec', () => {
          f.comment('8 rows × 4 columns in, 4 columns × 8 rows out');
          f.localGet('row').localGet('s').i32Const(2).op('i32.shl').op('i32.add').localSet('a');
          for (let i = 0; i < 8; i++) {
            f.localGet('a').memory('v128.load').localSet(`r${i}`);
            if (i < 7) f.localGet('a').localGet('rowBytes').op('i32.add').localSet('a');
          }
          f.localGet('out').localGet('s').i32Const(5).op('i32.shl').op('i32.add').localSet('o');
          for (const half of [0, 1]) {
            transpose4(f, 4 * half);
            for (let j = 0; j < 4; j++) f.localGet('o').localGet(`c${j}`).memory('v128.store', 32 * j + 16 * half);
          }
          f.localGet('s').i32Const(4).op('i32.add').localTee('s').localGet('vecCols').op('i32.lt_u').brIf('vec');
        });
      });
      f.comment('the last cols mod 4 columns, one float at a time');
      f.block('tailDone', () => {
        f.localGet('s').localGet('cols').op('i32.ge_u').brIf('tailDone');
        f.loop('tail', () => {
          f.localGet('row').localGet('s').i32Const(2).op('i32.shl').op('i32.add').localSet('a');
          f.localGet('out').localGet('s').i32Const(5).op('i32.shl').op('i32.add').localSet('o');
          f.i32Const(0).localSet('l');
          f.loop('lane', () => {
            f.localGet('o').localGet('l').i32Const(2).op('i32.shl').op('i32.add');
            f.localGet('a').memory('f32.load');
            f.memory('f32.store');
            f.localGet('a').localGet('rowBytes').op('i32.add').localSet('a');
            f.localGet('l').i32Const(1).op('i32.add').localTee('l').i32Const(8).op('i32.lt_u').brIf('lane');
          });
          f.localGet('s').i32Const(1).op('i32.add').localTee('s').localGet('cols').op('i32.lt_u').brIf('tail');
        });
      });
      f.localGet('row').localGet('rowBytes').i32Const(3).op('i32.shl').op('i32.add').localSet('row');
      f.localGet('out').localGet('panelBytes').op('i32.add').localSet('out');
      f.localGet('q').i32Const(1).op('i32.add').localTee('q').localGet('panels').op('i32.lt_u').brIf('panel');
    });
  });
}
