/**
 * The SGD parameter update (kernels/optim-update.ts `sgdUpdateRange`, used by nn/optim/sgd.ts) on
 * WebAssembly SIMD, for contiguous float32 p, g and momentum buffer, with the JS loop's exact bits.
 *
 * Math (per element, every operation in float64 as the JS loop, stores rounded to float32):
 *   d ← g + wd·p (only when wd ≠ 0, else d ← g);
 *   with momentum: buf ← first ? d : μ·buf + (1 − dampening)·d (stored as float32), then
 *   d ← nesterov ? d + μ·buf : buf (buf read back as the stored float32);
 *   p ← p − lr·d.
 * Each float32 lane is widened exactly (`f64x2.promote_low_f32x4`), the arithmetic is the same IEEE
 * double operations in the same order (the JS engine does not fuse a·b + c), and the result is
 * rounded once (`f32x4.demote_f64x2_zero`), so p and buf equal the JS loop's bit for bit.
 * Layout: the arrays live outside the module's memory: each call copies blocks of p, g (and buf) in
 * with `TypedArray.set`, runs 4 elements per step (two f64x2 halves), and copies p (and buf) out; the
 * last partial vector runs over the padded block and only valid lanes are copied out.
 * Cost: n updates in 2-wide double vectors plus 3 (5 with momentum) memcpy passes.
 */
import type { SgdStepOptions } from '../kernels/optim-update.js';
import type { FunctionBuilder } from './function-builder.js';
import { ModuleBuilder } from './module-builder.js';
import { KernelMemory, MAX_PAGES, webAssemblyApi } from './runtime.js';
import { copyWords } from './aligned-copy.js';

/** Floats per block: 16 Ki floats = 64 KiB per operand. */
export const SGD_BLOCK = 1 << 14;
/** Mode bits of the wasm `sgd` function. */
const WD = 1, MOMENTUM = 2, FIRST = 4, NESTEROV = 8;
const HIGH_TO_LOW = [8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15];
const JOIN = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23];
export type { SgdStepOptions };

/** Pushes the f64x2 of lanes (half·2, half·2 + 1) of the f32x4 at byte address local `base` + i. */
function emitLoadHalf(f: FunctionBuilder, base: string, half: 0 | 1): void {
  f.localGet(base).localGet('i').op('i32.add').memory('v128.load');
  if (half === 1) f.localGet(base).localGet('i').op('i32.add').memory('v128.load').shuffle(HIGH_TO_LOW);
  f.op('f64x2.promote_low_f32x4');
}

/** Emits one half's update, leaving the demoted p in local `p{half}` and buf in `b{half}`. */
function emitHalf(f: FunctionBuilder, half: 0 | 1): void {
  const flag = (bit: number): void => void f.localGet('mode').i32Const(bit).op('i32.and');
  emitLoadHalf(f, 'g', half);
  f.localSet('d');
  flag(WD);
  f.ifElse(() => {
    f.comment('d ← g + wd·p');
    f.localGet('d').localGet('wd').op('f64x2.splat');
    emitLoadHalf(f, 'p', half);
    f.op('f64x2.mul').op('f64x2.add').localSet('d');
  });
  flag(MOMENTUM);
  f.ifElse(() => {
    flag(FIRST);
    f.ifElse(() => void f.localGet('d').localSet('b'), () => {
      f.comment('buf ← μ·buf + (1 − dampening)·d');
      f.localGet('mu').op('f64x2.splat');
      emitLoadHalf(f, 'buf', half);
      f.op('f64x2.mul').localGet('omd').op('f64x2.splat').localGet('d').op('f64x2.mul').op('f64x2.add').localSet('b');
    });
    f.localGet('b').op('f32x4.demote_f64x2_zero').localTee(`b${half}`).op('f64x2.promote_low_f32x4').localSet('b');
    flag(NESTEROV);
    f.ifElse(() => void f.localGet('d').localGet('mu').op('f64x2.splat').localGet('b').op('f64x2.mul').op('f64x2.add').localSet('d'),
      () => void f.localGet('b').localSet('d'));
  });
  f.comment('p ← p − lr·d');
  emitLoadHalf(f, 'p', half);
  f.localGet('lr').op('f64x2.splat').localGet('d').op('f64x2.mul').op('f64x2.sub').op('f32x4.demote_f64x2_zero').localSet(`p${half}`);
}

/**
 * The module: `sgd(p, g, buf, bytes, lr, wd, mu, omd, mode)` over byte addresses into the imported
 * memory (bytes a positive multiple of 16; omd = 1 − dampening; mode bits WD, MOMENTUM, FIRST, NESTEROV).
 *
 * @example
 * console.log(sgdModuleBuilder(false).toText());
 */
export function sgdModuleBuilder(sharedMemory: boolean): ModuleBuilder {
  const params: [string, 'i32' | 'f64'][] = [['p', 'i32'], ['g', 'i32'], ['buf', 'i32'], ['bytes', 'i32'],
    ['lr', 'f64'], ['wd', 'f64'], ['mu', 'f64'], ['omd', 'f64'], ['mode', 'i32']];
  return new ModuleBuilder()
    .importMemory({ module: 'env', field: 'memory', initial: 1, maximum: MAX_PAGES, shared: sharedMemory })
    .addFunction('sgd', params, [], (f) => {
      f.local('i', 'i32');
      for (const l of ['d', 'b', 'p0', 'p1', 'b0', 'b1']) f.local(l, 'v128');
      f.i32Const(0).localSet('i');
      f.loop('lanes', () => {
        emitHalf(f, 0);
        emitHalf(f, 1);
        f.localGet('p').localGet('i').op('i32.add').localGet('p0').localGet('p1').shuffle(JOIN).memory('v128.store');
        f.localGet('mode').i32Const(MOMENTUM).op('i32.and');
        f.ifElse(() => void f.localGet('buf').localGet('i').op('i32.add').localGet('b0').localGet('b1').shuffle(JOIN).memory('v128.store'));
        f.localGet('i').i32Const(16).op('i32.add').localTee('i').localGet('bytes').op('i32.lt_u').brIf('lanes');
      });
    });
}

type SgdExport = (p: number, g: number, buf: number, bytes: number, lr: number, wd: number, mu: number, omd: number, mode: number) => void;

let state: { memory: KernelMemory; run: SgdExport } | undefined;

function sgdState(): NonNullable<typeof state> {
  if (state !== undefined) return state;
  const api = webAssemblyApi();
  if (api === undefined) throw new Error('SGD SIMD: this runtime has no WebAssembly');
  const memory = new KernelMemory(1);
  memory.ensureBytes(64 + 3 * SGD_BLOCK * 4);
  const instance = new api.Instance(new api.Module(sgdModuleBuilder(memory.isShared).encode()), { env: { memory: memory.memory } });
  state = { memory, run: instance.exports['sgd'] as SgdExport };
  return state;
}

/**
 * One SGD update of p in place (and of buf when given: momentum ≠ 0), float32, p.length elements.
 *
 * @example
 * const p = new Float32Array([1, 2]);
 * sgdStepSimd(p, new Float32Array([10, 10]), undefined, { lr: 0.1, weightDecay: 0, momentum: 0, dampening: 0, nesterov: false, first: true });
 * // p = [0, 1]
 */
export function sgdStepSimd(p: Float32Array, g: Float32Array, buf: Float32Array | undefined, o: SgdStepOptions): void {
  const n = p.length;
  if (g.length !== n || (buf !== undefined && buf.length !== n)) {
    throw new RangeError(`SGD: param has ${n} elements, grad ${g.length}${buf === undefined ? '' : `, momentum buffer ${buf.length}`}`);
  }
  const s = sgdState();
  const mem = s.memory.f32();
  const [P, G, B] = [64, 64 + SGD_BLOCK * 4, 64 + 2 * SGD_BLOCK * 4];
  const mode = (o.weightDecay !== 0 ? WD : 0) | (buf !== undefined ? MOMENTUM : 0) | (o.first ? FIRST : 0) | (o.nesterov ? NESTEROV : 0);
  for (let start = 0; start < n; start += SGD_BLOCK) {
    const len = Math.min(SGD_BLOCK, n - start);
    copyWords(mem, P / 4, p, start, len);
    copyWords(mem, G / 4, g, start, len);
    if (buf !== undefined && !o.first) copyWords(mem, B / 4, buf, start, len);
    s.run(P, G, B, Math.ceil(len / 4) * 16, o.lr, o.weightDecay, o.momentum, 1 - o.dampening, mode);
    copyWords(p, start, mem, P / 4, len);
    if (buf !== undefined) copyWords(buf, start, mem, B / 4, len);
  }
}
