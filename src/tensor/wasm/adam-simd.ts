/**
 * The Adam / AdamW parameter update (kernels/optim-update.ts `adamUpdateRange`, used by
 * nn/optim/adam.ts) on WebAssembly SIMD, for contiguous float32 p, g, m, v (and v̂max), with the JS
 * loop's exact bits.
 *
 * Math (per element, every operation in float64 as the JS loop, stores rounded to float32):
 *   Adam (λ ≠ 0): g ← g + λ·p;  AdamW (λ ≠ 0): p ← p·decay (stored, so read back rounded);
 *   m ← w < 0.5 ? m + w·(g − m) : g − (g − m)·(1 − w)   (the branch is chosen per call: w is constant);
 *   v ← β2·v + ((1 − β2)·g)·g;  s ← v (read back rounded);
 *   AMSGrad: s ← (s > v̂max ? s : v̂max), stored as v̂max (a selection on the float32 values, NaN keeps v̂max);
 *   p ← p − stepSize·(m / (√s / bc2Sqrt + ε))   (m read back rounded).
 * Each float32 lane is widened exactly (`f64x2.promote_low_f32x4`), the arithmetic is the same IEEE
 * double operations in the same order (f64x2.sqrt and f64x2.div are correctly rounded like Math.sqrt
 * and JS division; the engine does not fuse a·b + c), and each store is rounded once
 * (`f32x4.demote_f64x2_zero`), so p, m, v and v̂max equal the JS loop's bit for bit.
 * Layout: as wasm/sgd-simd.ts: per call, blocks of p, g, m, v (and v̂max) are copied into the module's
 * memory with `TypedArray.set`, 4 elements run per step (two f64x2 halves), and p, m, v (v̂max) are
 * copied out; the last partial vector runs over the padded block and only valid lanes are copied out.
 * Unlike wasm/sgd-simd.ts the options are not tested in the loop: one function per option set (16),
 * the scalars splatted once. Each step runs two halves of 2 floats, each loaded with one 8-byte
 * `v128.load64_splat` and stored with `v128.store64_lane`: no shuffles, which on x86 compete with the
 * float32↔float64 conversions for one execution port (the arithmetic ran 4 % faster than with an f32x4
 * load whose high half was shuffled down: 2.90 vs 3.02 ms for 1.6 M elements, Intel Xeon; what remains
 * is bound by the two-wide float64 square roots and divisions).
 * Cost: n updates (2 divisions and a square root per element, 2-wide) plus 7 (9 with AMSGrad)
 * memcpy passes over cache-resident blocks.
 */
import type { FunctionBuilder } from './function-builder.js';
import { adamConstants, type AdamStepOptions } from '../kernels/optim-update.js';
import { ModuleBuilder } from './module-builder.js';
import { KernelMemory, MAX_PAGES, webAssemblyApi, type WasmModule } from './runtime.js';
import { copyWords } from './aligned-copy.js';

/** Floats per block: 8 Ki floats = 32 KiB per operand (5 operands stay in L2). */
export const ADAM_BLOCK = 1 << 13;
/** Mode bits; the module has one function per mode, `adam{mode}`, so the loop has no branch. */
const WD = 1, DECOUPLED = 2, LERP_HIGH = 4, AMSGRAD = 8;
/** The number of `adam{mode}` functions in the module. */
const ADAM_MODES = 16;
/** The float64 parameters, each splatted once before the loop into the f64x2 local `{name}Splat`. */
const SCALARS = ['stepSize', 'bc2', 'eps', 'w', 'omw', 'beta2', 'omb2', 'wd', 'decay'] as const;

/** Pushes the f64x2 of the two floats at byte address local `base` + i + 8·half (one 8-byte load, widened exactly). */
function emitLoadHalf(f: FunctionBuilder, base: string, half: 0 | 1): void {
  f.localGet(base).localGet('i').op('i32.add').memory('v128.load64_splat', 8 * half).op('f64x2.promote_low_f32x4');
}

/** Stores the two floats in the low lanes of local `value` at byte address local `base` + i + 8·half. */
function emitStoreHalf(f: FunctionBuilder, base: string, value: string, half: 0 | 1): void {
  f.localGet(base).localGet('i').op('i32.add').localGet(value).memory('v128.store64_lane', 8 * half, 0);
}

/** Emits one half's weight decay and moments: the (decayed) p in `pd{half}`, demoted m and v in `m{half}`, `v{half}`. */
function emitMoments(f: FunctionBuilder, half: 0 | 1, mode: number): void {
  emitLoadHalf(f, 'g', half);
  f.localSet('gd');
  emitLoadHalf(f, 'p', half);
  f.localSet(`pd${half}`);
  if ((mode & (WD | DECOUPLED)) === (WD | DECOUPLED)) {
    f.comment('p ← p·decay (stored, read back rounded)');
    f.localGet(`pd${half}`).localGet('decaySplat').op('f64x2.mul')
      .op('f32x4.demote_f64x2_zero').op('f64x2.promote_low_f32x4').localSet(`pd${half}`);
  } else if ((mode & WD) !== 0) {
    f.comment('g ← g + λ·p');
    f.localGet('gd').localGet('wdSplat').localGet(`pd${half}`).op('f64x2.mul').op('f64x2.add').localSet('gd');
  }
  emitLoadHalf(f, 'm', half);
  f.localSet('md');
  if ((mode & LERP_HIGH) !== 0) {
    f.comment('m ← g − (g − m)·(1 − w)');
    f.localGet('gd').localGet('gd').localGet('md').op('f64x2.sub').localGet('omwSplat').op('f64x2.mul').op('f64x2.sub');
  } else {
    f.comment('m ← m + w·(g − m)');
    f.localGet('md').localGet('wSplat').localGet('gd').localGet('md').op('f64x2.sub').op('f64x2.mul').op('f64x2.add');
  }
  f.op('f32x4.demote_f64x2_zero').localSet(`m${half}`);
  emitStoreHalf(f, 'm', `m${half}`, half);
  f.comment('v ← β2·v + ((1 − β2)·g)·g');
  f.localGet('beta2Splat');
  emitLoadHalf(f, 'v', half);
  f.op('f64x2.mul').localGet('omb2Splat').localGet('gd').op('f64x2.mul').localGet('gd').op('f64x2.mul').op('f64x2.add')
    .op('f32x4.demote_f64x2_zero').localSet(`s${half}`);
  emitStoreHalf(f, 'v', `s${half}`, half);
  if ((mode & AMSGRAD) !== 0) {
    f.comment('s ← s > v̂max ? s : v̂max; v̂max ← s (f32 lanes 0 and 1)');
    f.localGet('vmax').localGet('i').op('i32.add').memory('v128.load64_splat', 8 * half).localSet('vm');
    f.localGet(`s${half}`).localGet('vm').localGet(`s${half}`).localGet('vm').op('f32x4.gt').op('v128.bitselect').localSet(`s${half}`);
    emitStoreHalf(f, 'vmax', `s${half}`, half);
  }
}

/** Emits one half's parameter update from `pd{half}`, `m{half}` and `s{half}`, and stores p. */
function emitParam(f: FunctionBuilder, half: 0 | 1): void {
  f.comment('p ← p − stepSize·(m / (√s / bc2Sqrt + ε))');
  f.localGet(`pd${half}`).localGet('stepSizeSplat').localGet(`m${half}`).op('f64x2.promote_low_f32x4');
  f.localGet(`s${half}`).op('f64x2.promote_low_f32x4').op('f64x2.sqrt').localGet('bc2Splat').op('f64x2.div')
    .localGet('epsSplat').op('f64x2.add').op('f64x2.div').op('f64x2.mul').op('f64x2.sub')
    .op('f32x4.demote_f64x2_zero').localSet(`p${half}`);
  emitStoreHalf(f, 'p', `p${half}`, half);
}

/**
 * The module: for each mode (bits WD, DECOUPLED, LERP_HIGH (w ≥ 0.5), AMSGRAD, fixed per call) a function
 * `adam{mode}(p, g, m, v, vmax, bytes, stepSize, bc2, eps, w, omw, beta2, omb2, wd, decay)` over byte
 * addresses into the imported memory (bytes a positive multiple of 16; omw = 1 − w, omb2 = 1 − β2,
 * decay = 1 − lr·λ), emitted without the branches its mode does not take.
 *
 * @example
 * console.log(adamModuleBuilder(false).toText());
 */
export function adamModuleBuilder(sharedMemory: boolean): ModuleBuilder {
  const params: [string, 'i32' | 'f64'][] = [['p', 'i32'], ['g', 'i32'], ['m', 'i32'], ['v', 'i32'], ['vmax', 'i32'], ['bytes', 'i32'],
    ['stepSize', 'f64'], ['bc2', 'f64'], ['eps', 'f64'], ['w', 'f64'], ['omw', 'f64'], ['beta2', 'f64'], ['omb2', 'f64'],
    ['wd', 'f64'], ['decay', 'f64']];
  const builder = new ModuleBuilder().importMemory({ module: 'env', field: 'memory', initial: 1, maximum: MAX_PAGES, shared: sharedMemory });
  for (let mode = 0; mode < ADAM_MODES; mode++) {
    builder.addFunction(`adam${mode}`, params, [], (f) => {
      f.local('i', 'i32');
      for (const l of ['gd', 'md', 'pd0', 'pd1', 'm0', 'm1', 's0', 's1', 'vm', 'p0', 'p1']) f.local(l, 'v128');
      for (const x of SCALARS) f.local(`${x}Splat`, 'v128');
      for (const x of SCALARS) f.localGet(x).op('f64x2.splat').localSet(`${x}Splat`);
      f.i32Const(0).localSet('i');
      f.loop('lanes', () => {
        for (const half of [0, 1] as const) {
          emitMoments(f, half, mode);
          emitParam(f, half);
        }
        f.localGet('i').i32Const(16).op('i32.add').localTee('i').localGet('bytes').op('i32.lt_u').brIf('lanes');
      });
    });
  }
  return builder;
}

/** One exported `adam{mode}` function (see `adamModuleBuilder`). */
export type AdamExport = (p: number, g: number, m: number, v: number, vmax: number, bytes: number, stepSize: number, bc2: number, eps: number,
  w: number, omw: number, beta2: number, omb2: number, wd: number, decay: number) => void;

/** The index of the `adam{mode}` function for these options (w = 1 − β1; `amsgrad`: a v̂max array is given). */
export function adamModeIndex(o: AdamStepOptions, w: number, amsgrad: boolean): number {
  return (o.weightDecay !== 0 ? WD : 0) | (o.decoupled ? DECOUPLED : 0) | (w < 0.5 ? 0 : LERP_HIGH) | (amsgrad ? AMSGRAD : 0);
}

/** The compiled module, per memory kind (a module declares whether its imported memory is shared). */
const modules = new Map<boolean, WasmModule>();

/**
 * The `adam{mode}` functions (indexed by `adamModeIndex`) instantiated on `memory`; the module is compiled
 * once per memory kind. Used here and by wasm/adam-resident.ts (one instance per arena).
 * @example const run = adamFunctions(new KernelMemory(1)); run[0]!(…);
 */
export function adamFunctions(memory: KernelMemory): AdamExport[] {
  const api = webAssemblyApi();
  if (api === undefined) throw new Error('Adam SIMD: this runtime has no WebAssembly');
  let module = modules.get(memory.isShared);
  if (module === undefined) {
    module = new api.Module(adamModuleBuilder(memory.isShared).encode());
    modules.set(memory.isShared, module);
  }
  const instance = new api.Instance(module, { env: { memory: memory.memory } });
  return Array.from({ length: ADAM_MODES }, (_, mode) => instance.exports[`adam${mode}`] as AdamExport);
}

let state: { memory: KernelMemory; run: AdamExport[] } | undefined;

function adamState(): NonNullable<typeof state> {
  if (state !== undefined) return state;
  const memory = new KernelMemory(1);
  memory.ensureBytes(64 + 5 * ADAM_BLOCK * 4);
  state = { memory, run: adamFunctions(memory) };
  return state;
}

/**
 * One Adam / AdamW update of p, m, v (and vMax when given: AMSGrad) in place, float32, p.length elements.
 *
 * @example
 * const p = new Float32Array([1]), m = new Float32Array(1), v = new Float32Array(1);
 * adamStepSimd(p, new Float32Array([1]), m, v, null, { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, amsgrad: false, step: 1 });
 * // p ≈ [0.9], m = [0.1], v ≈ [0.001]
 */
export function adamStepSimd(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, vMax: Float32Array | null, o: AdamStepOptions): void {
  const n = p.length;
  if (g.length !== n || m.length !== n || v.length !== n || (vMax !== null && vMax.length !== n)) {
    throw new RangeError(`Adam: param has ${n} elements, grad ${g.length}, expAvg ${m.length}, expAvgSq ${v.length}${vMax === null ? '' : `, maxExpAvgSq ${vMax.length}`}`);
  }
  const s = adamState();
  const mem = s.memory.f32();
  const [P, G, M, V, X] = [0, 1, 2, 3, 4].map((k) => 64 + k * ADAM_BLOCK * 4) as [number, number, number, number, number];
  const { stepSize, bc2Sqrt, w, decay } = adamConstants(o);
  const run = s.run[adamModeIndex(o, w, vMax !== null)]!;
  for (let start = 0; start < n; start += ADAM_BLOCK) {
    const end = Math.min(n, start + ADAM_BLOCK), len = end - start;
    copyWords(mem, P / 4, p, start, end - start);
    copyWords(mem, G / 4, g, start, end - start);
    copyWords(mem, M / 4, m, start, end - start);
    copyWords(mem, V / 4, v, start, end - start);
    if (vMax !== null) copyWords(mem, X / 4, vMax, start, end - start);
    run(P, G, M, V, X, Math.ceil(len / 4) * 16, stepSize, bc2Sqrt, o.eps, w, 1 - w, o.beta2, 1 - o.beta2, o.weightDecay, decay);
    copyWords(p, start, mem, P / 4, len);
    copyWords(m, start, mem, M / 4, len);
    copyWords(v, start, mem, V / 4, len);
    if (vMax !== null) copyWords(vMax, start, mem, X / 4, len);
  }
}
