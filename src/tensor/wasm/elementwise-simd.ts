/**
 * ReLU forward and backward, and addition, on WebAssembly SIMD (f32x4), for contiguous float32 arrays.
 *
 * Math:   relu:      out[i] = max(x[i], +0)                 (NaN stays NaN, −0 and −∞ give +0)
 *         reluGrad:  out[i] = x[i] ≤ 0 ? +0 : g[i]           (NaN x passes g through, as torch)
 *         add:       out[i] = a[i] + b[i]                    (f32x4.add: one IEEE float32 rounding; the
 *                    JS path's double sum rounded to float32 is the same number, since a double holds the
 *                    exact sum's 2·24 + 2 bits needed for correct double rounding)
 * Both equal the JavaScript kernels (kernels/elementwise.ts) bit for bit on float32 data: the JS
 * path computes in double and rounds once, which for these selects returns the float32 input
 * exactly; `f32x4.max` orders −0 below +0 and returns NaN for a NaN lane (payload canonical, as the
 * JS Float32Array store also may), and reluGrad is a lane mask (¬(x ≤ 0)) AND-ed with g's bits.
 * Layout: the arrays live outside the module's memory, so each call streams them through it in
 * blocks of BLOCK floats (copied in with `TypedArray.set`, which is a memcpy, then out again); a
 * block stays in L2 between its three passes. The tail (< 4 elements) runs as whole vectors over
 * the padded block and only the valid lanes are copied out.
 * Cost: n element operations in 4-wide vectors plus 2 (relu) or 3 (reluGrad) memcpy passes.
 * Each thread instantiates its own module and memory (module state is per thread).
 */
import { ModuleBuilder } from './module-builder.js';
import type { FunctionBuilder } from './function-builder.js';
import { KernelMemory, MAX_PAGES, webAssemblyApi } from './runtime.js';
import { copyWords } from './aligned-copy.js';

/** Floats per block: 16 Ki floats = 64 KiB per operand, three operands fit in a 512 KiB L2. */
export const ELEMENTWISE_BLOCK = 1 << 14;

/**
 * Emits `for (i = 0; i < bytes; i += 16) body(offset i)`; `bytes` > 0 and a multiple of 16.
 * Locals: `i` (i32).
 */
function emitVectorLoop(f: FunctionBuilder, body: () => void): void {
  f.i32Const(0).localSet('i');
  f.loop('lanes', () => {
    body();
    f.localGet('i').i32Const(16).op('i32.add').localTee('i').localGet('bytes').op('i32.lt_u').brIf('lanes');
  });
}

/**
 * The module: `relu(x, out, bytes)` and `relu_grad(g, x, out, bytes)` over byte addresses into the
 * imported memory `env.memory`; `bytes` is a positive multiple of 16.
 *
 * @example
 * console.log(elementwiseModuleBuilder(false).toText());
 */
export function elementwiseModuleBuilder(sharedMemory: boolean): ModuleBuilder {
  return new ModuleBuilder()
    .importMemory({ module: 'env', field: 'memory', initial: 1, maximum: MAX_PAGES, shared: sharedMemory })
    .addFunction('relu', [['x', 'i32'], ['out', 'i32'], ['bytes', 'i32']], [], (f) => {
      f.local('i', 'i32');
      f.local('zero', 'v128');
      f.comment('zero ← [+0, +0, +0, +0]');
      f.v128Const(new Uint8Array(16)).localSet('zero');
      emitVectorLoop(f, () => {
        f.comment('out[i..i+3] ← f32x4.max(x[i..i+3], +0)');
        f.localGet('out').localGet('i').op('i32.add');
        f.localGet('x').localGet('i').op('i32.add').memory('v128.load');
        f.localGet('zero').op('f32x4.max');
        f.memory('v128.store');
      });
    })
    .addFunction('relu_grad', [['g', 'i32'], ['x', 'i32'], ['out', 'i32'], ['bytes', 'i32']], [], (f) => {
      f.local('i', 'i32');
      f.local('zero', 'v128');
      f.v128Const(new Uint8Array(16)).localSet('zero');
      emitVectorLoop(f, () => {
        f.comment('out[i..i+3] ← g[i..i+3] AND ¬(x[i..i+3] ≤ +0)   (lane mask: all ones where x > 0 or x is NaN)');
        f.localGet('out').localGet('i').op('i32.add');
        f.localGet('g').localGet('i').op('i32.add').memory('v128.load');
        f.localGet('x').localGet('i').op('i32.add').memory('v128.load');
        f.localGet('zero').op('f32x4.le').op('v128.not');
        f.op('v128.and');
        f.memory('v128.store');
      });
    })
    .addFunction('add', [['a', 'i32'], ['b', 'i32'], ['out', 'i32'], ['bytes', 'i32']], [], (f) => {
      f.local('i', 'i32');
      emitVectorLoop(f, () => {
        f.comment('out[i..i+3] ← a[i..i+3] + b[i..i+3]');
        f.localGet('out').localGet('i').op('i32.add');
        f.localGet('a').localGet('i').op('i32.add').memory('v128.load');
        f.localGet('b').localGet('i').op('i32.add').memory('v128.load');
        f.op('f32x4.add');
        f.memory('v128.store');
      });
    });
}

interface ElementwiseState {
  memory: KernelMemory;
  relu: (x: number, out: number, bytes: number) => void;
  reluGrad: (g: number, x: number, out: number, bytes: number) => void;
  add: (a: number, b: number, out: number, bytes: number) => void;
}

let state: ElementwiseState | undefined;

function elementwiseState(): ElementwiseState {
  if (state !== undefined) return state;
  const api = webAssemblyApi();
  if (api === undefined) throw new Error('elementwise SIMD: this runtime has no WebAssembly');
  const memory = new KernelMemory(1);
  memory.ensureBytes(64 + 3 * ELEMENTWISE_BLOCK * 4);
  const bytes = elementwiseModuleBuilder(memory.isShared).encode();
  const instance = new api.Instance(new api.Module(bytes), { env: { memory: memory.memory } });
  state = {
    memory,
    relu: instance.exports['relu'] as ElementwiseState['relu'],
    reluGrad: instance.exports['relu_grad'] as ElementwiseState['reluGrad'],
    add: instance.exports['add'] as ElementwiseState['add'],
  };
  return state;
}

/** Byte addresses of the three block buffers (64-byte aligned). */
const SLOT = [64, 64 + ELEMENTWISE_BLOCK * 4, 64 + 2 * ELEMENTWISE_BLOCK * 4] as const;

/**
 * out[i] = relu(x[xOffset + i]) for i < n (float32, contiguous); `out` may alias `x` at the same offset.
 *
 * @example
 * const out = new Float32Array(3);
 * reluSimd(new Float32Array([-1, 2, NaN]), 0, out, 3); // out = [0, 2, NaN]
 */
export function reluSimd(x: Float32Array, xOffset: number, out: Float32Array, n: number): void {
  const s = elementwiseState();
  const mem = s.memory.f32();
  for (let start = 0; start < n; start += ELEMENTWISE_BLOCK) {
    const len = Math.min(ELEMENTWISE_BLOCK, n - start);
    copyWords(mem, SLOT[0] / 4, x, xOffset + start, len);
    s.relu(SLOT[0], SLOT[1], Math.ceil(len / 4) * 16);
    copyWords(out, start, mem, SLOT[1] / 4, len);
  }
}

/**
 * out[i] = x[xOffset + i] ≤ 0 ? +0 : g[gOffset + i] for i < n (float32, contiguous).
 *
 * @example
 * const out = new Float32Array(3);
 * reluGradSimd(new Float32Array([5, 6, 7]), 0, new Float32Array([-1, 0, NaN]), 0, out, 3); // out = [0, 0, 7]
 */
export function reluGradSimd(g: Float32Array, gOffset: number, x: Float32Array, xOffset: number, out: Float32Array, n: number): void {
  binarySimd(elementwiseState().reluGrad, g, gOffset, x, xOffset, out, n);
}

/**
 * out[i] = a[aOffset + i] + b[bOffset + i] for i < n (float32, contiguous); `out` may alias a or b at the same offset.
 *
 * @example
 * const out = new Float32Array(2);
 * addSimd(new Float32Array([1, 2]), 0, new Float32Array([0.5, -2]), 0, out, 2); // out = [1.5, 0]
 */
export function addSimd(a: Float32Array, aOffset: number, b: Float32Array, bOffset: number, out: Float32Array, n: number): void {
  binarySimd(elementwiseState().add, a, aOffset, b, bOffset, out, n);
}

/** Streams two inputs and one output through the module's three blocks, one `run` per block. */
function binarySimd(
  run: ElementwiseState['add'], a: Float32Array, aOffset: number, b: Float32Array, bOffset: number, out: Float32Array, n: number,
): void {
  const mem = elementwiseState().memory.f32();
  for (let start = 0; start < n; start += ELEMENTWISE_BLOCK) {
    const len = Math.min(ELEMENTWISE_BLOCK, n - start);
    copyWords(mem, SLOT[0] / 4, a, aOffset + start, len);
    copyWords(mem, SLOT[1] / 4, b, bOffset + start, len);
    run(SLOT[0], SLOT[1], SLOT[2], Math.ceil(len / 4) * 16);
    copyWords(out, start, mem, SLOT[2] / 4, len);
  }
}
