/**
 * Adam's state resident in kernel memory: m, v (and v̂max) of an optimiser live in one WebAssembly
 * memory of their own (an "arena"), so the Adam kernel (wasm/adam-simd.ts, the same module and the
 * same bits) reads and writes them in place; only p and g are copied in and p out, per block.
 *
 * Why: wasm/adam-simd.ts copies p, g, m, v into its memory and p, m, v back out, seven copy passes
 * around arithmetic that is itself bound by float64 division and square root; the copies were about a
 * quarter of `adam.step` (bench/README.md, session 16). Resident state removes four of the seven.
 *
 * Math: that of wasm/adam-simd.ts, element by element. Layout of an arena (byte addresses):
 *   [64, 64 + 4B) p block, [64 + 4B, 64 + 8B) g block (B = ADAM_BLOCK floats), then the state arrays,
 *   each starting on a 64-byte boundary. The kernel works on whole vectors of 4 floats, so a call runs
 *   the resident kernel on the largest multiple of 4 elements and the last 0–3 through the copying
 *   kernel: nothing outside the range is ever written. The arena never grows (it is sized for every
 *   array at creation), so its views are never detached. Shared (on a SharedArrayBuffer) when asked, so that thread ranges of
 *   a split update can reach it; each thread that does not own the arena sees ordinary shared arrays
 *   and uses the copying kernel.
 * Cost per call: n updates (as wasm/adam-simd.ts) plus 3 memcpy passes over cache-resident blocks
 * (and, for a length that is not a multiple of 4, one copying call on the last 0–3 elements).
 */
import { ADAM_BLOCK, adamFunctions, adamModeIndex, adamStepSimd, type AdamExport } from './adam-simd.js';
import { copyWords } from './aligned-copy.js';
import { adamConstants, type AdamStepOptions } from '../kernels/optim-update.js';
import { KernelMemory, MAX_PAGES, PAGE_BYTES, webAssemblyApi } from './runtime.js';

/** An arena: its memory's float32 view and the Adam functions instantiated on it. */
interface Arena {
  f32: Float32Array;
  run: AdamExport[];
}

/** Arenas by their buffer: a state array is resident exactly when its buffer is one of these. */
const arenas = new WeakMap<ArrayBufferLike, Arena>();

const P_BLOCK = 64;
const G_BLOCK = P_BLOCK + 4 * ADAM_BLOCK;
const FIRST_ARRAY = G_BLOCK + 4 * ADAM_BLOCK;

/** Bytes an array of `n` floats takes in an arena (padded to 64 bytes). */
function slotBytes(n: number): number {
  return Math.ceil((4 * n) / 64) * 64;
}

/**
 * Zeroed float32 arrays of the given lengths, all in one new arena (shared memory when `shared` and
 * the runtime allows it), or null when the runtime has no WebAssembly or they would not fit in one
 * memory (2 GiB): the caller then allocates ordinary arrays.
 *
 * @example
 * const [m, v] = adamResidentArrays([10, 10], false)!; // m.length === 10, zeros
 */
export function adamResidentArrays(lengths: readonly number[], shared: boolean): Float32Array[] | null {
  if (webAssemblyApi() === undefined) return null;
  const bytes = lengths.reduce((sum, n) => sum + slotBytes(n), FIRST_ARRAY);
  const pages = Math.ceil(bytes / PAGE_BYTES);
  if (pages > MAX_PAGES) return null;
  const memory = new KernelMemory(pages, shared, pages); // never grows: its maximum is its size
  const buffer = memory.memory.buffer;
  arenas.set(buffer, { f32: memory.f32(), run: adamFunctions(memory) });
  let offset = FIRST_ARRAY;
  return lengths.map((n) => {
    const view = new Float32Array(buffer, offset, n);
    offset += slotBytes(n);
    return view;
  });
}

/** The arena holding all of m, v (and vMax), or undefined when they are not resident in one arena. */
function arenaOf(m: Float32Array, v: Float32Array, vMax: Float32Array | null): Arena | undefined {
  const arena = arenas.get(m.buffer);
  return arena !== undefined && v.buffer === m.buffer && (vMax === null || vMax.buffer === m.buffer) ? arena : undefined;
}

/**
 * Whether `adamStepResident` can run on these state arrays (in this thread: arenas are per thread).
 * @example adamResident(m, v, null) // true for arrays from adamResidentArrays
 */
export function adamResident(m: Float32Array, v: Float32Array, vMax: Float32Array | null): boolean {
  return arenaOf(m, v, vMax) !== undefined;
}

/**
 * One Adam / AdamW update of p, m, v (and vMax: AMSGrad) in place, with m, v and vMax resident in one
 * arena (`adamResident` true); the same bits as `adamStepSimd` and the JS loop.
 *
 * @example
 * const [m, v] = adamResidentArrays([1, 1], false)!;
 * const p = new Float32Array([1]);
 * adamStepResident(p, new Float32Array([1]), m, v, null, { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, amsgrad: false, step: 1 });
 * // p ≈ [0.9], m = [0.1]
 */
export function adamStepResident(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, vMax: Float32Array | null, o: AdamStepOptions): void {
  const n = p.length;
  const arena = arenaOf(m, v, vMax);
  if (arena === undefined) throw new RangeError('Adam (resident): m, v and maxExpAvgSq must be arrays of one arena (adamResidentArrays)');
  if (g.length !== n || m.length !== n || v.length !== n || (vMax !== null && vMax.length !== n)) {
    throw new RangeError(`Adam: param has ${n} elements, grad ${g.length}, expAvg ${m.length}, expAvgSq ${v.length}${vMax === null ? '' : `, maxExpAvgSq ${vMax.length}`}`);
  }
  const { f32 } = arena;
  const { stepSize, bc2Sqrt, w, decay } = adamConstants(o);
  const run = arena.run[adamModeIndex(o, w, vMax !== null)]!;
  const body = n - (n % 4);
  for (let start = 0; start < body; start += ADAM_BLOCK) {
    const len = Math.min(body, start + ADAM_BLOCK) - start;
    copyWords(f32, P_BLOCK / 4, p, start, len);
    copyWords(f32, G_BLOCK / 4, g, start, len);
    const at = (a: Float32Array): number => a.byteOffset + 4 * start;
    run(P_BLOCK, G_BLOCK, at(m), at(v), vMax === null ? 0 : at(vMax), 4 * len,
      stepSize, bc2Sqrt, o.eps, w, 1 - w, o.beta2, 1 - o.beta2, o.weightDecay, decay);
    copyWords(p, start, f32, P_BLOCK / 4, len);
  }
  if (body < n) {
    const tail = (a: Float32Array): Float32Array => a.subarray(body);
    adamStepSimd(tail(p), tail(g), tail(m), tail(v), vMax === null ? null : tail(vMax), o);
  }
}
