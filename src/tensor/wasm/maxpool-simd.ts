/**
 * Max pooling 2×2 / stride 2 / no padding / dilation 1, forward with argmax, on WebAssembly SIMD
 * (f32x4), for contiguous float32 arrays.
 *
 * Math:   y[p, oh, ow] = the window's winner over the scan (2oh, 2ow), (2oh, 2ow+1), (2oh+1, 2ow),
 *         (2oh+1, 2ow+1): a later element replaces the current one when v > max or v is NaN (the
 *         first strict maximum wins, NaN propagates: kernels/pool2d.ts); argmax = ih·W + iw of the
 *         winner within the plane. Selections only, so y equals the JS kernel's output bit for bit
 *         (NaN payloads aside: the JS store may canonicalize them) and argmax is identical. An odd
 *         last row or column of the plane is never read into a window.
 * Vector form: four adjacent windows at a time. Two loads of 8 consecutive floats of input row 2oh
 *         are split by `i8x16.shuffle` into the even columns (first scan element of each window)
 *         and the odd ones (second), likewise row 2oh+1; each later element v updates
 *         take = (v > max) | (v ≠ v), max ← bitselect(v, max, take), best ← bitselect(idx, best, take)
 *         with idx the i32x4 of the element's plane indices.
 * Layout: x [planes, H, W] → y, argmax [planes, OH, OW]. The arrays live outside the module's memory:
 *         each call copies a block of whole planes (or of row pairs of one large plane) in with
 *         `TypedArray.set`, runs the module over it, and copies y and argmax out. The last vector of
 *         a row may read past the row and write up to 3 outputs into the next row's slots; the next
 *         row overwrites them, and the slots past the block are slack never copied out.
 * Cost: N·C·OH·OW/4 vector windows (8 loads-worth of lanes each) plus memcpy of x (4 B/element) and
 *         of y and argmax (1 B/element each, of the input count).
 * Each thread instantiates its own module and memory (module state is per thread).
 */
import type { FunctionBuilder } from './function-builder.js';
import { ModuleBuilder } from './module-builder.js';
import { KernelMemory, MAX_PAGES, webAssemblyApi } from './runtime.js';
import type { Pool2dGeometry } from '../kernels/pool2d-geometry.js';
import { copyWords } from './aligned-copy.js';

/** Input floats per block: 128 KiB of x plus 32 KiB each of y and argmax stay in a 512 KiB L2. */
export const MAXPOOL_BLOCK = 1 << 15;

/** Whether the geometry is the 2×2 / stride 2 / unpadded / undilated window this kernel computes. */
export function maxPool2x2Eligible(g: Pool2dGeometry): boolean {
  return g.kernelHeight === 2 && g.kernelWidth === 2 && g.strideH === 2 && g.strideW === 2 && g.padH === 0 && g.padW === 0 &&
    g.dilationH === 1 && g.dilationW === 1 && 2 * g.outHeight <= g.inHeight && 2 * g.outWidth <= g.inWidth;
}

const EVEN = [0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27];
const ODD = [4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31];

/** Pushes the even (`lanes` = EVEN) or odd columns of the 8 floats at byte address local `row`. */
function emitColumns(f: FunctionBuilder, row: string, lanes: number[]): void {
  f.localGet(row).memory('v128.load').localGet(row).memory('v128.load', 16).shuffle(lanes);
}

/** With v on the stack and the candidate indices in local `cand`: one scan step of every window. */
function emitStep(f: FunctionBuilder): void {
  f.localSet('v');
  f.comment('take ← (v > max) | (v ≠ v); max ← take ? v : max; best ← take ? cand : best');
  f.localGet('v').localGet('m').op('f32x4.gt').localGet('v').localGet('v').op('f32x4.ne').op('v128.or').localSet('t');
  f.localGet('v').localGet('m').localGet('t').op('v128.bitselect').localSet('m');
  f.localGet('cand').localGet('best').localGet('t').op('v128.bitselect').localSet('best');
}

/**
 * The module: `maxpool2x2(x, out, arg, planes, rows, W, OW, inPlane, base)` over byte addresses into
 * the imported memory: `planes` planes `inPlane` floats apart, `rows` output rows each (≥ 1, OW ≥ 1),
 * argmax counted from plane index `base` (the first row pair's ih·W).
 *
 * @example
 * console.log(maxPoolModuleBuilder(false).toText());
 */
export function maxPoolModuleBuilder(sharedMemory: boolean): ModuleBuilder {
  const params = ['x', 'out', 'arg', 'planes', 'rows', 'W', 'OW', 'inPlane', 'base'].map((n) => [n, 'i32'] as [string, 'i32']);
  return new ModuleBuilder()
    .importMemory({ module: 'env', field: 'memory', initial: 1, maximum: MAX_PAGES, shared: sharedMemory })
    .addFunction('maxpool2x2', params, [], (f) => {
      for (const l of ['p', 'r', 'k', 'rowStart', 'rowIdx', 'row0', 'row1']) f.local(l, 'i32');
      for (const l of ['idx', 'cand', 'm', 'best', 'v', 't']) f.local(l, 'v128');
      f.i32Const(0).localSet('p');
      f.loop('planes', () => {
        f.localGet('x').localSet('rowStart').localGet('base').localSet('rowIdx').i32Const(0).localSet('r');
        f.loop('rows', () => {
          f.localGet('rowStart').localTee('row0').localGet('W').i32Const(4).op('i32.mul').op('i32.add').localSet('row1');
          f.comment('idx ← rowIdx + [0, 2, 4, 6]: plane indices of the four windows\' first elements');
          f.localGet('rowIdx').op('i32x4.splat').v128Const(new Uint8Array(new Int32Array([0, 2, 4, 6]).buffer)).op('i32x4.add').localSet('idx');
          f.i32Const(0).localSet('k');
          f.loop('cols', () => {
            emitColumns(f, 'row0', EVEN);
            f.localSet('m').localGet('idx').localSet('best');
            f.localGet('idx').i32Const(1).op('i32x4.splat').op('i32x4.add').localSet('cand');
            emitColumns(f, 'row0', ODD);
            emitStep(f);
            f.localGet('idx').localGet('W').op('i32x4.splat').op('i32x4.add').localSet('cand');
            emitColumns(f, 'row1', EVEN);
            emitStep(f);
            f.localGet('cand').i32Const(1).op('i32x4.splat').op('i32x4.add').localSet('cand');
            emitColumns(f, 'row1', ODD);
            emitStep(f);
            f.localGet('out').localGet('m').memory('v128.store').localGet('arg').localGet('best').memory('v128.store');
            for (const [l, step] of [['row0', 32], ['row1', 32], ['out', 16], ['arg', 16]] as const) {
              f.localGet(l).i32Const(step).op('i32.add').localSet(l);
            }
            f.localGet('idx').i32Const(8).op('i32x4.splat').op('i32x4.add').localSet('idx');
            f.localGet('k').i32Const(4).op('i32.add').localTee('k').localGet('OW').op('i32.lt_u').brIf('cols');
          });
          f.comment('out, arg ← the start of the next output row (undo the overshoot past OW)');
          for (const l of ['out', 'arg']) f.localGet(l).localGet('OW').localGet('k').op('i32.sub').i32Const(4).op('i32.mul').op('i32.add').localSet(l);
          f.localGet('rowStart').localGet('W').i32Const(8).op('i32.mul').op('i32.add').localSet('rowStart');
          f.localGet('rowIdx').localGet('W').i32Const(2).op('i32.mul').op('i32.add').localSet('rowIdx');
          f.localGet('r').i32Const(1).op('i32.add').localTee('r').localGet('rows').op('i32.lt_u').brIf('rows');
        });
        f.localGet('x').localGet('inPlane').i32Const(4).op('i32.mul').op('i32.add').localSet('x');
        f.localGet('p').i32Const(1).op('i32.add').localTee('p').localGet('planes').op('i32.lt_u').brIf('planes');
      });
    });
}

type MaxPoolExport = (x: number, out: number, arg: number, planes: number, rows: number, W: number, OW: number, inPlane: number, base: number) => void;

interface MaxPoolState { memory: KernelMemory; run: MaxPoolExport; i32: Int32Array }

let state: MaxPoolState | undefined;

function maxPoolState(): MaxPoolState {
  if (state !== undefined) return state;
  const api = webAssemblyApi();
  if (api === undefined) throw new Error('maxPool2d SIMD: this runtime has no WebAssembly');
  const memory = new KernelMemory(1);
  const instance = new api.Instance(new api.Module(maxPoolModuleBuilder(memory.isShared).encode()), { env: { memory: memory.memory } });
  state = { memory, run: instance.exports['maxpool2x2'] as MaxPoolExport, i32: new Int32Array(0) };
  return state;
}

/**
 * `maxPool2dForwardSerial` for an eligible geometry (`maxPool2x2Eligible`) on float32 data: overwrites
 * out and argmax with the same values.
 *
 * @example
 * const g = pool2dGeometry([1, 1, 2, 2], { kernelSize: 2 }, 'maxPool2d');
 * const out = new Float32Array(1), argmax = new Int32Array(1);
 * maxPool2x2Simd(g, new Float32Array([1, 5, 5, 2]), out, argmax); // out = [5], argmax = [1]
 */
export function maxPool2x2Simd(g: Pool2dGeometry, x: Float32Array, out: Float32Array, argmax: Int32Array): void {
  const { inHeight: H, inWidth: W, outHeight: OH, outWidth: OW } = g;
  const planes = g.batch * g.channels, inPlane = H * W, outPlane = OH * OW;
  if (x.length !== planes * inPlane || out.length !== planes * outPlane || argmax.length !== planes * outPlane) {
    throw new RangeError(`maxPool2dForward: x has ${x.length} elements, out ${out.length} and argmax ${argmax.length}; ` +
      `the ${planes}x${H}x${W} input needs ${planes * inPlane} and ${planes * outPlane}`);
  }
  if (!maxPool2x2Eligible(g)) throw new RangeError('maxPool2dForward: the SIMD kernel needs a 2x2 stride-2 window without padding or dilation');
  if (outPlane === 0 || planes === 0) return;
  const s = maxPoolState();
  const cap = Math.max(MAXPOOL_BLOCK, Math.ceil(W / 8) * 16); // input floats per block: ≥ one row pair, a multiple of 16
  const X = 64, OUT = X + 4 * cap + 64, ARG = OUT + cap + 64; // byte addresses; cap/4 outputs + slack
  s.memory.ensureBytes(ARG + cap + 64);
  const f32 = s.memory.f32();
  if (s.i32.buffer !== f32.buffer || s.i32.length !== f32.length) s.i32 = new Int32Array(f32.buffer);
  const copyOut = (count: number, at: number): void => {
    copyWords(out, at, f32, OUT / 4, count);
    copyWords(argmax, at, s.i32, ARG / 4, count);
  };
  if (inPlane <= cap) {
    const perCall = Math.floor(cap / inPlane);
    for (let p0 = 0; p0 < planes; p0 += perCall) {
      const count = Math.min(perCall, planes - p0);
      copyWords(f32, X / 4, x, p0 * inPlane, count * inPlane);
      s.run(X, OUT, ARG, count, OH, W, OW, inPlane, 0);
      copyOut(count * outPlane, p0 * outPlane);
    }
    return;
  }
  const rowsPerCall = Math.floor(cap / (2 * W));
  for (let p = 0; p < planes; p++) {
    for (let oh0 = 0; oh0 < OH; oh0 += rowsPerCall) {
      const rows = Math.min(rowsPerCall, OH - oh0);
      const first = p * inPlane + 2 * oh0 * W;
      copyWords(f32, X / 4, x, first, 2 * rows * W);
      s.run(X, OUT, ARG, 1, rows, W, OW, inPlane, 2 * oh0 * W);
      copyOut(rows * OW, p * outPlane + oh0 * OW);
    }
  }
}
