/**
 * The float32 GEMM macro-kernel and its f32x4 register-tile micro-kernel, emitted as WebAssembly.
 *
 * Math. For one block: C~[i, j] (+)= Σ_{p<kc} A~[i, p] · B~[p, j] over an (mPanels·MR) × (nPanels·NR)
 * tile grid, where A~ and B~ are the packed panels written by `sgemm-pack.ts`:
 *   A~: mPanels micro-panels, each kc × MR floats, k-major: A~ panel ip holds A[ip·MR + r, p] at
 *       float (p·MR + r). Consecutive panels are contiguous, so panel ip+1 starts where ip ends.
 *   B~: nPanels micro-panels, each kc × NR floats, k-major: B[p, jp·NR + c] at float (p·NR + c).
 *   C~: the row-major scratch block of the C rows being computed; row stride `cStride` bytes.
 * Cost: 2·kc·(mPanels·MR)·(nPanels·NR) flops; per k step the micro-kernel does NR/4 v128 loads
 * of B~, MR splat-loads of A~, MR·NR/4 f32x4.mul and as many f32x4.add.
 *
 * How to follow `sgemm_macro` instruction by instruction (MR = 4, NR = 8 as shipped; the names
 * are the function's WebAssembly locals). Print the emitted code, with a `;;` comment on every
 * instruction sequence numbered like the steps below, with
 *   console.log(sgemmModuleBuilder({ tile: SGEMM_TILE, sharedMemory: false }).toText())
 *   1. bPanelBytes ← kc·NR·4, the byte size of one B~ micro-panel; return at once if any of
 *      mPanels, nPanels, kc is 0.
 *   2. Loop `columns` over the nPanels B~ micro-panels (nLeft counts down); bPanel is the address of
 *      the current B~ micro-panel, cCol the address of its first column in C~.
 *   3.   Loop `rows` over the mPanels A~ micro-panels (mLeft counts down); aPtr walks through A~ and,
 *        after a tile, points at the next A~ micro-panel; cPtr is the tile's top-left corner in C~.
 *   4.     The 8 accumulators acc{r}_{v} (row r < 4 of the tile, columns 4v..4v+3, v < 2) start at
 *          [0,0,0,0] on the first k block (accumulate = 0), or are loaded from C~ with
 *          v128.load(cRow + 16v), cRow = cPtr + r·cStride, to continue the sum of an earlier k block.
 *   5.     Loop `depth`, kc times (kLeft counts down), one k step p per iteration:
 *            b0 ← v128.load(bPtr)        B~[p, 0..3]
 *            b1 ← v128.load(bPtr + 16)   B~[p, 4..7]
 *            a  ← v128.load32_splat(aPtr + 4r)        A~[p, r] in all four lanes, then
 *            acc{r}_0 ← f32x4.add(acc{r}_0, f32x4.mul(a, b0));  same for b1     (r = 0, 1, 2, 3)
 *            aPtr += 16; bPtr += 32
 *          i.e. 2 + 4 loads and 8 mul + 8 add (64 flops) per k step.
 *   6.     The accumulators are stored to C~ with v128.store at the addresses of step 4;
 *          cPtr += cTileStep = 4·cStride. After the rows loop: bPanel += bPanelBytes, cCol += 32.
 *
 * Why this tile: 8 accumulators + 2 B vectors + 1 A splat + 1 product temporary = 12 v128 values,
 * within the 16 XMM registers V8's x64 code uses. Measured on this machine (Node 20, V8 11.3, timing
 * `sgemm_macro` alone on one 128 × 512 × 256 block kept in cache): 4×8 without unrolling ≈ 60
 * GFLOP/s, which is the 128-bit mul+add bound (2 multiply + 2 add pipes × 4 lanes ≈ 16 flops/cycle);
 * 4×12, 4×16, 5×8, 6×8 gave 29–38 GFLOP/s, and unrolling the k loop by 2 or 4 gave 39 and 32
 * GFLOP/s (more live values than registers), so the shipped loop is the plain one above.
 *
 * Numerics and determinism. f32x4.mul and f32x4.add round every lane to float32. A C~ element is
 * carried between k blocks in float32 memory, which is exactly the register value, so every output
 * element is the sequential float32 sum s ← fl(s + fl(a_p·b_p)) for p = 0, 1, ..., k−1 starting at +0:
 * the same bits whatever the block sizes, the tile position, or the split of C across workers.
 * With `fma: true` step 5 is one f32x4.relaxed_madd(a, b, acc) per accumulator instead (relaxed-simd.ts):
 * where the engine fuses it (x64 with FMA3) s ← fl(s + a_p·b_p), one rounding per step, so results
 * differ in the last bits from the two-rounding kernel (the error bound only tightens); the order of
 * the sum is unchanged, so the determinism above holds for the fused kernel too (one process uses one
 * kernel on every thread).
 */
import { ModuleBuilder } from './module-builder.js';
import type { FunctionBuilder } from './function-builder.js';
import { MAX_PAGES } from './runtime.js';

/** Register tile: MR rows × NR columns of C held in MR·NR/4 v128 accumulators. */
export interface SgemmTile {
  /** Rows of the register tile (A~ micro-panel width). */
  mr: number;
  /** Columns of the register tile (B~ micro-panel width), a multiple of 4. */
  nr: number;
}

/** The tile shipped: 4 × 8 (see the header for the measurements behind the choice). */
export const SGEMM_TILE: SgemmTile = { mr: 4, nr: 8 };

/** Options of the generated module. */
export interface SgemmModuleOptions {
  tile: SgemmTile;
  /** Whether the imported memory is shared (must match the `WebAssembly.Memory` passed in). */
  sharedMemory: boolean;
  /** Use f32x4.relaxed_madd for the multiply-adds (the runtime must support relaxed SIMD). */
  fma?: boolean;
}

/**
 * The kernel module as a ModuleBuilder: `.encode()` gives the bytes, `.toText()` the annotated
 * listing to read along the header above.
 * @example
 * console.log(sgemmModuleBuilder({ tile: SGEMM_TILE, sharedMemory: false }).toText());
 */
export function sgemmModuleBuilder(options: SgemmModuleOptions): ModuleBuilder {
  const { mr, nr } = options.tile;
  if (!Number.isInteger(mr) || !Number.isInteger(nr) || nr % 4 !== 0 || mr < 1 || nr < 4) {
    throw new RangeError(`buildSgemmModule: tile needs integers mr ≥ 1 and nr ≥ 4 with nr % 4 = 0, got ${JSON.stringify(options.tile)}`);
  }
  const mod = new ModuleBuilder().importMemory({
    module: 'env',
    field: 'memory',
    initial: 1,
    maximum: MAX_PAGES,
    shared: options.sharedMemory,
  });
  return mod.addFunction(
    'sgemm_macro',
    [['aPack', 'i32'], ['bPack', 'i32'], ['cBlock', 'i32'], ['cStride', 'i32'], ['mPanels', 'i32'], ['nPanels', 'i32'], ['kc', 'i32'], ['accumulate', 'i32']],
    [],
    (f) => emitMacroKernel(f, options.tile, options.fma === true),
  );
}

/**
 * Builds the module exporting
 * `sgemm_macro(aPack, bPack, cBlock, cStride, mPanels, nPanels, kc, accumulate)` (all i32; addresses
 * and the C~ row stride `cStride` are in bytes, into the imported memory `env.memory`).
 * @example
 * const bytes = buildSgemmModule({ tile: SGEMM_TILE, sharedMemory: false });
 */
export function buildSgemmModule(options: SgemmModuleOptions): Uint8Array {
  return sgemmModuleBuilder(options).encode();
}

const acc = (r: number, v: number): string => `acc${r}_${v}`;

// The f.comment(...) calls below are the comments of the emitted sequences: they document this
// source and appear as `;;` lines in `sgemmModuleBuilder(...).toText()`.

function emitMacroKernel(f: FunctionBuilder, tile: SgemmTile, fma: boolean): void {
  const { mr, nr } = tile;
  const vectors = nr / 4;
  for (const name of ['nLeft', 'mLeft', 'kLeft', 'aPtr', 'bPtr', 'bPanel', 'bPanelBytes', 'cCol', 'cPtr', 'cRow', 'cTileStep']) f.local(name, 'i32');
  for (let r = 0; r < mr; r++) for (let v = 0; v < vectors; v++) f.local(acc(r, v), 'v128');
  for (let v = 0; v < vectors; v++) f.local(`b${v}`, 'v128');
  f.local('a', 'v128');

  f.comment(`1. bPanelBytes ← kc·${nr * 4} (bytes of one B~ micro-panel); cTileStep ← ${mr}·cStride (bytes per tile row of C~)`);
  f.localGet('kc').i32Const(nr * 4).op('i32.mul').localSet('bPanelBytes');
  f.localGet('cStride').i32Const(mr).op('i32.mul').localSet('cTileStep');
  f.comment('bPanel ← bPack; cCol ← cBlock; nLeft ← nPanels');
  f.localGet('bPack').localSet('bPanel');
  f.localGet('cBlock').localSet('cCol');
  f.localGet('nPanels').localSet('nLeft');
  f.block('done', () => {
    f.comment('return when mPanels = 0 or nPanels = 0 or kc = 0');
    f.localGet('mPanels').op('i32.eqz').localGet('nPanels').op('i32.eqz').op('i32.or');
    f.localGet('kc').op('i32.eqz').op('i32.or').brIf('done');
    f.comment('2. for each B~ micro-panel (column of tiles)');
    f.loop('columns', () => {
      f.comment('aPtr ← aPack; cPtr ← cCol; mLeft ← mPanels');
      f.localGet('aPack').localSet('aPtr');
      f.localGet('cCol').localSet('cPtr');
      f.localGet('mPanels').localSet('mLeft');
      f.comment('3. for each A~ micro-panel (tile of this column)');
      f.loop('rows', () => {
        emitMicroKernel(f, tile, fma);
        f.comment('cPtr += cTileStep (next tile down); mLeft −= 1; continue while mLeft ≠ 0');
        f.localGet('cPtr').localGet('cTileStep').op('i32.add').localSet('cPtr');
        f.localGet('mLeft').i32Const(1).op('i32.sub').localTee('mLeft').brIf('rows');
      });
      f.comment(`bPanel += bPanelBytes; cCol += ${nr * 4} (next column of tiles); nLeft −= 1; continue while nLeft ≠ 0`);
      f.localGet('bPanel').localGet('bPanelBytes').op('i32.add').localSet('bPanel');
      f.localGet('cCol').i32Const(nr * 4).op('i32.add').localSet('cCol');
      f.localGet('nLeft').i32Const(1).op('i32.sub').localTee('nLeft').brIf('columns');
    });
  });
}

/** One MR × NR tile: C~ tile (+)= A~ micro-panel (at aPtr) · B~ micro-panel (at bPanel). */
function emitMicroKernel(f: FunctionBuilder, tile: SgemmTile, fma: boolean): void {
  const { mr, nr } = tile;
  const vectors = nr / 4;
  f.comment('bPtr ← bPanel (the B~ micro-panel is re-read for every tile of the column)');
  f.localGet('bPanel').localSet('bPtr');
  f.comment('4. accumulators ← the C~ tile when accumulate ≠ 0 (later k blocks), else 0');
  f.localGet('accumulate').ifElse(
    () => {
      for (let r = 0; r < mr; r++) {
        emitTileRowAddress(f, r);
        f.comment(`acc${r}_v ← C~[row ${r}, 4v..4v+3] = v128.load(cRow + 16v), v < ${vectors}`);
        for (let v = 0; v < vectors; v++) f.localGet('cRow').memory('v128.load', 16 * v).localSet(acc(r, v));
      }
    },
    () => {
      f.comment('acc{r}_{v} ← [0, 0, 0, 0]');
      for (let r = 0; r < mr; r++) for (let v = 0; v < vectors; v++) f.v128Const(new Uint8Array(16)).localSet(acc(r, v));
    },
  );
  f.comment('5. kLeft ← kc; the depth loop runs kc ≥ 1 times (kc = 0 returned early)');
  f.localGet('kc').localSet('kLeft');
  f.loop('depth', () => {
    emitDepthStep(f, tile, fma);
    f.comment(`aPtr += ${4 * mr} (next k row of A~); bPtr += ${4 * nr} (next k row of B~); kLeft −= 1; continue while ≠ 0`);
    f.localGet('aPtr').i32Const(4 * mr).op('i32.add').localSet('aPtr');
    f.localGet('bPtr').i32Const(4 * nr).op('i32.add').localSet('bPtr');
    f.localGet('kLeft').i32Const(1).op('i32.sub').localTee('kLeft').brIf('depth');
  });
  f.comment('6. store the accumulators to the C~ tile');
  for (let r = 0; r < mr; r++) {
    emitTileRowAddress(f, r);
    f.comment(`C~[row ${r}, 4v..4v+3] ← acc${r}_v: v128.store(cRow + 16v), v < ${vectors}`);
    for (let v = 0; v < vectors; v++) f.localGet('cRow').localGet(acc(r, v)).memory('v128.store', 16 * v);
  }
}

/** cRow ← address of row r of the current C~ tile (cPtr for r = 0, then + cStride per row). */
function emitTileRowAddress(f: FunctionBuilder, r: number): void {
  if (r === 0) f.comment('cRow ← cPtr (row 0 of the tile)').localGet('cPtr').localSet('cRow');
  else f.comment(`cRow += cStride (row ${r} of the tile)`).localGet('cRow').localGet('cStride').op('i32.add').localSet('cRow');
}

/** One k step p of the tile: acc += A~[p, 0..MR) ⊗ B~[p, 0..NR) (outer product, MR·NR/4 mul+add). */
function emitDepthStep(f: FunctionBuilder, tile: SgemmTile, fma: boolean): void {
  const { mr, nr } = tile;
  const vectors = nr / 4;
  for (let v = 0; v < vectors; v++) {
    f.comment(`b${v} ← B~[p, ${4 * v}..${4 * v + 3}] = v128.load(bPtr + ${16 * v})`);
    f.localGet('bPtr').memory('v128.load', 16 * v).localSet(`b${v}`);
  }
  for (let r = 0; r < mr; r++) {
    f.comment(`a ← A~[p, ${r}] in all four lanes = v128.load32_splat(aPtr + ${4 * r})`);
    f.localGet('aPtr').memory('v128.load32_splat', 4 * r).localSet('a');
    for (let v = 0; v < vectors; v++) {
      if (fma) {
        f.comment(`acc${r}_${v} ← relaxed_madd(a, b${v}, acc${r}_${v}) = a·b${v} + acc${r}_${v} (one rounding where fused)`);
        f.localGet('a').localGet(`b${v}`).localGet(acc(r, v)).op('f32x4.relaxed_madd').localSet(acc(r, v));
        continue;
      }
      f.comment(`acc${r}_${v} ← acc${r}_${v} + a·b${v} (f32x4.mul rounds the products, f32x4.add the sums)`);
      f.localGet(acc(r, v)).localGet('a').localGet(`b${v}`).op('f32x4.mul').op('f32x4.add').localSet(acc(r, v));
    }
  }
}
