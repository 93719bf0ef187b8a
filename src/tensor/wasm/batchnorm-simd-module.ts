/**
 * The WebAssembly SIMD module behind wasm/batchnorm-simd.ts: batch-norm passes over rows of one
 * channel that the caller has copied into the module's memory, float32 data, float64 arithmetic.
 *
 * Memory a function sees: `rows` rows of `len` floats (len ≥ 1, rows ≥ 1), each starting `stride`
 * bytes after the previous one (stride a multiple of 32 ≥ 4·len: every row starts 32-byte aligned and
 * has slack up to its next group of 8 floats; 8 more bytes past the last row's slack are read, never
 * used). A group of 8 floats is four f64x2: 16-byte loads at byte offsets 0, 8, 16, 24 with their low
 * halves widened. Per row the whole groups run unmasked and the last partial group (len mod 8 = t ≠ 0)
 * runs over the row's slack with its invalid lanes' terms ANDed to +0 by masks from the table at
 * MASKS (entry u = 0..4: all-ones f64 lanes < u, 32 bytes; the group's first four floats use entry
 * min(t, 4), the last four max(t − 4, 0)).
 *
 * Reductions keep the order that kernels/batch-norm.ts defines: eight float64 partial sums a0..a7,
 * element j of a row going to a[j mod 8], rows in the order given; a0..a7 are the f64x2 locals
 * a0..a3 (two lanes each), loaded from and stored back to byte address `acc` (`acc + 64` for the
 * second sum), so a channel can span several calls. Adding the masked +0 leaves a partial sum
 * unchanged: a sum that starts at +0 is never −0 under round-to-nearest, and s + (+0) = s otherwise.
 * Element-wise passes compute in the JS kernel's operation order on exactly widened lanes
 * (`f64x2.promote_low_f32x4`) and round once (`f32x4.demote_f64x2_zero`), so outputs are the JS bits.
 * Functions (byte addresses; scalars float64):
 *   sum(x, rows, len, stride, acc)                    a[j mod 8] += x
 *   sumsq(x, rows, len, stride, acc, mu)              a[j mod 8] += (x − μ)²
 *   normalize(x, out, rows, len, stride, scale, shift) out = x·scale + shift
 *   bwdsum(x, g, rows, len, stride, acc, mu, r)       a[j mod 8] += g;  b[j mod 8] += g·(x − μ)·r  (b at acc + 64)
 *   dx(x, g, out, rows, len, stride, mu, r, k, mg, mgx) out = k·((g − mg) − ((x − μ)·r)·mgx)
 * Cost: one pass over the rows per call, 8 floats per step in four f64x2.
 */
import type { FunctionBuilder } from './function-builder.js';
import { ModuleBuilder } from './module-builder.js';
import { MAX_PAGES } from './runtime.js';

/** Byte address of the tail-mask table: for t = 0..4 valid lanes, two v128 (f64 lanes 0–1, lanes 2–3). */
export const MASKS = 0;
/** Byte address of the accumulators: 2 sums × 8 float64. */
export const ACC = 192;
/** First free byte after the table and accumulators. */
export const DATA = 384;

/** The mask table's bytes: all-ones f64 lanes where the lane is < t. */
export function maskTable(): Uint8Array {
  const words = new BigUint64Array(20);
  for (let t = 0; t <= 4; t++) for (let lane = 0; lane < 4; lane++) words[t * 4 + lane] = lane < t ? 0xffffffffffffffffn : 0n;
  return new Uint8Array(words.buffer);
}

const JOIN = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23];
type Part = 0 | 1 | 2 | 3;
type Param = [string, 'i32' | 'f64'];
const PARTS: Part[] = [0, 1, 2, 3];

/**
 * Pushes the f64x2 of floats 2·part, 2·part + 1 of the 8 at row pointer local `row` + i (a 16-byte load
 * at byte offset 8·part, its low half widened; the loads of parts 1 and 3 are unaligned).
 */
function load(f: FunctionBuilder, row: string, part: Part): void {
  f.localGet(row).localGet('i').op('i32.add').memory('v128.load', 8 * part).op('f64x2.promote_low_f32x4');
}

/** Adds the f64x2 on the stack to accumulator local `{acc}{part}`, ANDed with the part's tail mask when masked. */
function accumulate(f: FunctionBuilder, acc: string, part: Part, masked: boolean): void {
  if (masked) f.localGet(`m${part}`).op('v128.and');
  f.localGet(`${acc}${part}`).op('f64x2.add').localSet(`${acc}${part}`);
}

/**
 * Emits the row loop over the pointer locals `rowPtrs`, `body(masked)` running per group of 8 floats
 * with the group's byte offset in local `i`. Reductions: per row the whole groups, then the last
 * partial group (len mod 8 = t ≠ 0) with lane masks m0..m3 (group floats < t valid). Maps: ⌈len/8⌉
 * whole groups, the slack lanes computed and stored too.
 */
function rowLoop(f: FunctionBuilder, rowPtrs: string[], reduce: boolean, body: (masked: boolean) => void): void {
  for (const l of ['i', 'row', 'vbytes', 'tail']) f.local(l, 'i32');
  if (!reduce) {
    f.localGet('len').i32Const(7).op('i32.add').i32Const(-8).op('i32.and').i32Const(4).op('i32.mul').localSet('vbytes');
  } else {
    for (const p of PARTS) f.local(`m${p}`, 'v128');
    f.localGet('len').i32Const(-8).op('i32.and').i32Const(4).op('i32.mul').localSet('vbytes');
    f.localGet('len').i32Const(7).op('i32.and').localSet('tail');
    f.comment('m0, m1 ← masks for min(t, 4) valid floats; m2, m3 ← for max(t − 4, 0)');
    f.i32Const(4).localGet('tail').localGet('tail').i32Const(4).op('i32.gt_u').op('select').i32Const(32).op('i32.mul');
    f.localTee('row').memory('v128.load', MASKS).localSet('m0').localGet('row').memory('v128.load', MASKS + 16).localSet('m1');
    f.localGet('tail').i32Const(4).op('i32.sub').i32Const(0).localGet('tail').i32Const(4).op('i32.gt_u').op('select').i32Const(32).op('i32.mul');
    f.localTee('row').memory('v128.load', MASKS).localSet('m2').localGet('row').memory('v128.load', MASKS + 16).localSet('m3');
  }
  f.i32Const(0).localSet('row');
  f.loop('rows', () => {
    f.i32Const(0).localSet('i');
    f.block('full', () => {
      f.localGet('vbytes').op('i32.eqz').brIf('full');
      f.loop('vec', () => {
        body(false);
        f.localGet('i').i32Const(32).op('i32.add').localTee('i').localGet('vbytes').op('i32.lt_u').brIf('vec');
      });
    });
    if (reduce) f.localGet('tail').ifElse(() => body(true));
    for (const p of rowPtrs) f.localGet(p).localGet('stride').op('i32.add').localSet(p);
    f.localGet('row').i32Const(1).op('i32.add').localTee('row').localGet('rows').op('i32.lt_u').brIf('rows');
  });
}

/** Declares v128 locals `{name}V` holding f64x2.splat of each f64 parameter `name` (hoisted out of the loops). */
function splats(f: FunctionBuilder, names: string[]): void {
  for (const name of names) {
    f.local(`${name}V`, 'v128');
    f.localGet(name).op('f64x2.splat').localSet(`${name}V`);
  }
}

/** Declares accumulator locals `{name}0..3` and loads them from `acc` + offset. */
function loadAcc(f: FunctionBuilder, name: string, offset: number): void {
  for (const p of PARTS) {
    f.local(`${name}${p}`, 'v128');
    f.localGet('acc').memory('v128.load', offset + 16 * p).localSet(`${name}${p}`);
  }
}

function storeAcc(f: FunctionBuilder, name: string, offset: number): void {
  for (const p of PARTS) f.localGet('acc').localGet(`${name}${p}`).memory('v128.store', offset + 16 * p);
}

/** Stores the demoted halves in locals `y{2v}`, `y{2v+1}` as one f32x4 at `out` + i + 16v. */
function storeJoined(f: FunctionBuilder, v: 0 | 1): void {
  f.localGet('out').localGet('i').op('i32.add').localGet(`y${2 * v}`).localGet(`y${2 * v + 1}`).shuffle(JOIN).memory('v128.store', 16 * v);
}

const ROWS: Param[] = [['rows', 'i32'], ['len', 'i32'], ['stride', 'i32']];

/**
 * The module (see the header for the functions).
 * @example
 * console.log(batchNormModuleBuilder(false).toText());
 */
export function batchNormModuleBuilder(sharedMemory: boolean): ModuleBuilder {
  return new ModuleBuilder()
    .importMemory({ module: 'env', field: 'memory', initial: 1, maximum: MAX_PAGES, shared: sharedMemory })
    .addFunction('sum', [['x', 'i32'], ...ROWS, ['acc', 'i32']], [], (f) => {
      loadAcc(f, 'a', 0);
      rowLoop(f, ['x'], true, (masked) => {
        for (const p of PARTS) {
          load(f, 'x', p);
          accumulate(f, 'a', p, masked);
        }
      });
      storeAcc(f, 'a', 0);
    })
    .addFunction('sumsq', [['x', 'i32'], ...ROWS, ['acc', 'i32'], ['mu', 'f64']], [], (f) => {
      loadAcc(f, 'a', 0);
      splats(f, ['mu']);
      f.local('d', 'v128');
      rowLoop(f, ['x'], true, (masked) => {
        for (const p of PARTS) {
          f.comment('d ← x − μ;  a += d·d');
          load(f, 'x', p);
          f.localGet('muV').op('f64x2.sub').localTee('d').localGet('d').op('f64x2.mul');
          accumulate(f, 'a', p, masked);
        }
      });
      storeAcc(f, 'a', 0);
    })
    .addFunction('normalize', [['x', 'i32'], ['out', 'i32'], ...ROWS, ['scale', 'f64'], ['shift', 'f64']], [], (f) => {
      for (const p of PARTS) f.local(`y${p}`, 'v128');
      splats(f, ['scale', 'shift']);
      rowLoop(f, ['x', 'out'], false, () => {
        for (const p of PARTS) {
          f.comment('y ← x·scale + shift');
          load(f, 'x', p);
          f.localGet('scaleV').op('f64x2.mul').localGet('shiftV').op('f64x2.add');
          f.op('f32x4.demote_f64x2_zero').localSet(`y${p}`);
          if (p % 2 === 1) storeJoined(f, p === 1 ? 0 : 1);
        }
      });
    })
    .addFunction('bwdsum', [['x', 'i32'], ['g', 'i32'], ...ROWS, ['acc', 'i32'], ['mu', 'f64'], ['r', 'f64']], [], (f) => {
      loadAcc(f, 'a', 0);
      loadAcc(f, 'b', 64);
      splats(f, ['mu', 'r']);
      f.local('gv', 'v128');
      rowLoop(f, ['x', 'g'], true, (masked) => {
        for (const p of PARTS) {
          f.comment('a += g;  b += (g·(x − μ))·r');
          load(f, 'g', p);
          f.localTee('gv');
          accumulate(f, 'a', p, masked);
          f.localGet('gv');
          load(f, 'x', p);
          f.localGet('muV').op('f64x2.sub').op('f64x2.mul').localGet('rV').op('f64x2.mul');
          accumulate(f, 'b', p, masked);
        }
      });
      storeAcc(f, 'a', 0);
      storeAcc(f, 'b', 64);
    })
    .addFunction('dx', [['x', 'i32'], ['g', 'i32'], ['out', 'i32'], ...ROWS,
      ['mu', 'f64'], ['r', 'f64'], ['k', 'f64'], ['mg', 'f64'], ['mgx', 'f64']], [], (f) => {
      for (const p of PARTS) f.local(`y${p}`, 'v128');
      splats(f, ['mu', 'r', 'k', 'mg', 'mgx']);
      rowLoop(f, ['x', 'g', 'out'], false, () => {
        for (const p of PARTS) {
          f.comment('dx ← k·((g − mg) − ((x − μ)·r)·mgx)');
          f.localGet('kV');
          load(f, 'g', p);
          f.localGet('mgV').op('f64x2.sub');
          load(f, 'x', p);
          f.localGet('muV').op('f64x2.sub').localGet('rV').op('f64x2.mul');
          f.localGet('mgxV').op('f64x2.mul').op('f64x2.sub').op('f64x2.mul');
          f.op('f32x4.demote_f64x2_zero').localSet(`y${p}`);
          if (p % 2 === 1) storeJoined(f, p === 1 ? 0 : 1);
        }
      });
    });
}
