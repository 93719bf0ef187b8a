/**
 * Max pooling 2×2 / stride 2 backward (windows tile the plane exactly: H = 2·OH, W = 2·OW) on
 * WebAssembly SIMD, for contiguous float32 arrays and an argmax whose every entry lies in its window.
 *
 * Math:   dx[p, i] = 0 + dy[p, q] where argmax[p, q] = i, else +0. The windows are disjoint and tile
 *         the plane, so each dx element belongs to exactly one window and is written once: the same
 *         float32 value as the JS kernel's dx ← 0, dx[argmax] += dy (−0 becomes +0, NaN passes).
 * Vector form: four adjacent windows at a time. m_k = (argmax == idx + off_k) for the window offsets
 *         off = 0, 1, W, W + 1 (i32x4.eq); v_k = (dy + 0) AND m_k; `i8x16.shuffle` interleaves v_0/v_1
 *         into 8 floats of row 2oh and v_2/v_3 into row 2oh+1. A lane (of a real window) matching no
 *         offset sets a flag, and the call reports false: the caller then runs the JS kernel, which
 *         handles any index (the JS path is the reference for such callers, e.g. −1 entries).
 * Tails: the last (partial) vector of a row pair is done first; its stores past the row run into
 *         the next row's first columns, which the following vectors overwrite (and past the block into
 *         slack never copied out), so every dx element is written by its own window last.
 * Layout: dy, argmax [planes, OH, OW] → dx [planes, 2·OH, 2·OW], copied through the module memory in
 *         blocks of whole planes (or of row pairs of a plane larger than a block).
 * Cost: N·C·OH·OW/4 vector steps plus memcpy of dy and argmax (1 B/input element each) and dx (4 B).
 */
import { ModuleBuilder } from './module-builder.js';
import { MAXPOOL_BLOCK, maxPool2x2Eligible } from './maxpool-simd.js';
import { KernelMemory, MAX_PAGES, webAssemblyApi } from './runtime.js';
import type { Pool2dGeometry } from '../kernels/pool2d-geometry.js';
import { copyWords } from './aligned-copy.js';

const i32x4 = (lanes: number[]): Uint8Array => new Uint8Array(new Int32Array(lanes).buffer);
const LOW = [0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23];
const HIGH = [8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31];

/**
 * The module: `maxpool2x2_backward(dy, arg, dx, planes, rows, W, OW, base) → 1 if every argmax lay in
 * its window` over byte addresses: `planes` planes of `rows` window rows (≥ 1, OW ≥ 1), dx rows of W
 * floats, argmax counted from plane index `base`.
 *
 * @example
 * console.log(maxPoolBackwardModuleBuilder(false).toText());
 */
export function maxPoolBackwardModuleBuilder(sharedMemory: boolean): ModuleBuilder {
  const params = ['dy', 'arg', 'dx', 'planes', 'rows', 'W', 'OW', 'base'].map((n) => [n, 'i32'] as [string, 'i32']);
  return new ModuleBuilder()
    .importMemory({ module: 'env', field: 'memory', initial: 1, maximum: MAX_PAGES, shared: sharedMemory })
    .addFunction('maxpool2x2_backward', params, ['i32'], (f) => {
      for (const l of ['p', 'r', 'k', 'kt', 'rowIdx', 'dx0', 'dx1']) f.local(l, 'i32');
      for (const l of ['idx', 'a', 'd', 'm0', 'm1', 'm2', 'm3', 'bad', 'zero']) f.local(l, 'v128');
      f.v128Const(new Uint8Array(16)).localTee('zero').localSet('bad');
      f.comment('kt ← the first column of the last (possibly partial) vector of a row');
      f.localGet('OW').i32Const(1).op('i32.sub').i32Const(-4).op('i32.and').localSet('kt');
      f.i32Const(0).localSet('p');
      f.loop('planes', () => {
        f.localGet('base').localSet('rowIdx').i32Const(0).localSet('r');
        f.loop('rows', () => {
          f.localGet('kt').localSet('k');
          f.loop('cols', () => {
            f.localGet('dx').localGet('k').i32Const(8).op('i32.mul').op('i32.add').localTee('dx0');
            f.localGet('W').i32Const(4).op('i32.mul').op('i32.add').localSet('dx1');
            f.localGet('rowIdx').localGet('k').i32Const(2).op('i32.mul').op('i32.add').op('i32x4.splat').v128Const(i32x4([0, 2, 4, 6])).op('i32x4.add').localSet('idx');
            f.localGet('arg').localGet('k').i32Const(4).op('i32.mul').op('i32.add').memory('v128.load').localSet('a');
            f.comment('d ← dy + 0 (−0 becomes +0, as the JS kernel\'s 0 + dy)');
            f.localGet('dy').localGet('k').i32Const(4).op('i32.mul').op('i32.add').memory('v128.load').localGet('zero').op('f32x4.add').localSet('d');
            const offsets: [string, () => void][] = [
              ['m0', () => void f.localGet('idx')],
              ['m1', () => void f.localGet('idx').i32Const(1).op('i32x4.splat').op('i32x4.add')],
              ['m2', () => void f.localGet('idx').localGet('W').op('i32x4.splat').op('i32x4.add')],
              ['m3', () => void f.localGet('idx').localGet('W').i32Const(1).op('i32.add').op('i32x4.splat').op('i32x4.add')],
            ];
            for (const [m, candidate] of offsets) {
              f.localGet('a');
              candidate();
              f.op('i32x4.eq').localSet(m);
            }
            f.comment('bad |= (lane k + j < OW) AND NOT (m0 | m1 | m2 | m3)');
            f.localGet('bad');
            f.localGet('k').op('i32x4.splat').v128Const(i32x4([0, 1, 2, 3])).op('i32x4.add').localGet('OW').op('i32x4.splat').op('i32x4.lt_s');
            f.localGet('m0').localGet('m1').op('v128.or').localGet('m2').op('v128.or').localGet('m3').op('v128.or');
            f.op('v128.andnot').op('v128.or').localSet('bad');
            for (const [row, lo, hi] of [['dx0', 'm0', 'm1'], ['dx1', 'm2', 'm3']] as const) {
              for (const [lanes, offset] of [[LOW, 0], [HIGH, 16]] as const) {
                f.localGet(row).localGet('d').localGet(lo).op('v128.and').localGet('d').localGet(hi).op('v128.and').shuffle(lanes);
                f.memory('v128.store', offset);
              }
            }
            f.comment('k ← k == kt ? 0 : k + 4; repeat while k < kt');
            f.localGet('k').i32Const(4).op('i32.add').localGet('k').localGet('kt').op('i32.ne').op('i32.mul').localTee('k');
            f.localGet('kt').op('i32.lt_u').brIf('cols');
          });
          for (const [l, scale] of [['dy', 4], ['arg', 4]] as const) f.localGet(l).localGet('OW').i32Const(scale).op('i32.mul').op('i32.add').localSet(l);
          f.localGet('dx').localGet('W').i32Const(8).op('i32.mul').op('i32.add').localSet('dx');
          f.localGet('rowIdx').localGet('W').i32Const(2).op('i32.mul').op('i32.add').localSet('rowIdx');
          f.localGet('r').i32Const(1).op('i32.add').localTee('r').localGet('rows').op('i32.lt_u').brIf('rows');
        });
        f.localGet('p').i32Const(1).op('i32.add').localTee('p').localGet('planes').op('i32.lt_u').brIf('planes');
      });
      f.localGet('bad').op('v128.any_true').op('i32.eqz');
    });
}

type BackwardExport = (dy: number, arg: number, dx: number, planes: number, rows: number, W: number, OW: number, base: number) => number;

let state: { memory: KernelMemory; run: BackwardExport; i32: Int32Array } | undefined;

function backwardState(): NonNullable<typeof state> {
  if (state !== undefined) return state;
  const api = webAssemblyApi();
  if (api === undefined) throw new Error('maxPool2dBackward SIMD: this runtime has no WebAssembly');
  const memory = new KernelMemory(1);
  const instance = new api.Instance(new api.Module(maxPoolBackwardModuleBuilder(memory.isShared).encode()), { env: { memory: memory.memory } });
  state = { memory, run: instance.exports['maxpool2x2_backward'] as BackwardExport, i32: new Int32Array(0) };
  return state;
}

/** Whether the backward SIMD kernel handles this geometry: 2×2 / stride 2 windows tiling the plane exactly. */
export function maxPool2x2BackwardEligible(g: Pool2dGeometry): boolean {
  return maxPool2x2Eligible(g) && g.inHeight === 2 * g.outHeight && g.inWidth === 2 * g.outWidth;
}

/**
 * `maxPool2dBackwardSerial` for an eligible geometry on float32 data. Returns false, with gradInput
 * partly written, when an argmax entry is not an index of its own window: the caller then runs the
 * JS kernel.
 *
 * @example
 * const g = pool2dGeometry([1, 1, 2, 2], { kernelSize: 2 }, 'maxPool2d');
 * const dx = new Float32Array(4);
 * maxPool2x2BackwardSimd(g, new Float32Array([7]), new Int32Array([1]), dx); // true, dx = [0, 7, 0, 0]
 */
export function maxPool2x2BackwardSimd(g: Pool2dGeometry, gradOut: Float32Array, argmax: Int32Array, gradInput: Float32Array): boolean {
  const { inHeight: H, inWidth: W, outHeight: OH, outWidth: OW } = g;
  const planes = g.batch * g.channels, inPlane = H * W, outPlane = OH * OW;
  if (gradInput.length !== planes * inPlane || gradOut.length !== planes * outPlane || argmax.length !== planes * outPlane) {
    throw new RangeError(`maxPool2dBackward: gradInput has ${gradInput.length} elements, gradOut ${gradOut.length} and argmax ${argmax.length}; ` +
      `the ${planes}x${H}x${W} input needs ${planes * inPlane} and ${planes * outPlane}`);
  }
  if (!maxPool2x2BackwardEligible(g)) throw new RangeError('maxPool2dBackward: the SIMD kernel needs 2x2 stride-2 windows tiling the plane');
  if (planes === 0 || outPlane === 0) return true;
  const s = backwardState();
  const cap = Math.max(MAXPOOL_BLOCK, Math.ceil(W / 8) * 16); // dx floats per block: ≥ one row pair, a multiple of 16
  const DX = 64, DY = DX + 4 * cap + 64, ARG = DY + cap + 64; // byte addresses; cap/4 windows + slack
  s.memory.ensureBytes(ARG + cap + 64);
  const f32 = s.memory.f32();
  if (s.i32.buffer !== f32.buffer || s.i32.length !== f32.length) s.i32 = new Int32Array(f32.buffer);
  const call = (count: number, at: number, planesNow: number, rows: number, base: number, dxAt: number, dxCount: number): boolean => {
    copyWords(f32, DY / 4, gradOut, at, count);
    copyWords(s.i32, ARG / 4, argmax, at, count);
    if (s.run(DY, ARG, DX, planesNow, rows, W, OW, base) === 0) return false;
    copyWords(gradInput, dxAt, f32, DX / 4, dxCount);
    return true;
  };
  if (inPlane <= cap) {
    const perCall = Math.floor(cap / inPlane);
    for (let p0 = 0; p0 < planes; p0 += perCall) {
      const count = Math.min(perCall, planes - p0);
      if (!call(count * outPlane, p0 * outPlane, count, OH, 0, p0 * inPlane, count * inPlane)) return false;
    }
    return true;
  }
  const rowsPerCall = Math.floor(cap / (2 * W));
  for (let p = 0; p < planes; p++) {
    for (let oh0 = 0; oh0 < OH; oh0 += rowsPerCall) {
      const rows = Math.min(rowsPerCall, OH - oh0);
      if (!call(rows * OW, p * outPlane + oh0 * OW, 1, rows, 2 * oh0 * W, p * inPlane + 2 * oh0 * W, 2 * rows * W)) return false;
    }
  }
  return true;
}
