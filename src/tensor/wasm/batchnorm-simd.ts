/**
 * Batch-norm statistics, normalisation and backward (kernels/batch-norm.ts) on WebAssembly SIMD, for
 * float32 x, g, out and gradInput; same signatures, same bits as the JS kernels.
 *
 * Math: as kernels/batch-norm.ts, float64 arithmetic on exactly widened lanes, one rounding per store;
 * every Σ in the JS kernels' eight-lane order (partial sum a[s mod 8] per row position s, rows in order,
 * ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) at the end; the module, batchnorm-simd-module.ts,
 * keeps a0..a7 in four f64x2 and the combination is done here).
 * Layout: the [N, C, S] arrays live outside the module's memory. Per channel the N rows of S floats are
 * copied in with `TypedArray.set` into BN_BLOCK-float slots, each row at a 32-byte-aligned stride of
 * ⌈S/8⌉·8 floats (rows longer than a slot are cut at multiples of 8, so a float keeps its lane). When
 * the channel fits one slot (N·⌈S/8⌉·8 ≤ BN_BLOCK: 256 KiB, L2-resident) it is copied in once and
 * both passes (Σx then Σ(x − μ)²; Σg, Σg·x̂ then dx) run on it; otherwise every pass copies it again.
 * Outputs are written in place over the input slot and copied out row by row.
 * Cost: the JS kernels' passes in 2-wide double vectors, plus one memcpy in per input per pass (one in
 * total for a channel that fits) and one memcpy out per output; every row copy is a call (`subarray` +
 * `set`, or a loop for rows under SET_MIN floats), so short rows are better served by the JS kernel
 * (the dispatch rule, BN_SIMD_MIN_S).
 * Each thread instantiates its own module and memory (module state is per thread).
 */
import type { FloatArray } from '../dtype.js';
import { ACC, DATA, MASKS, batchNormModuleBuilder, maskTable } from './batchnorm-simd-module.js';
import { KernelMemory, webAssemblyApi } from './runtime.js';
import { copyWords } from './aligned-copy.js';

/** Floats per slot: 64 Ki floats = 256 KiB; two slots stay in a 2 MiB L2. A multiple of 8. */
export const BN_BLOCK = 1 << 16;
/**
 * Row length from which the dispatch layer picks these kernels: shorter rows run the JS kernel (same
 * bits), because the per-row copies cost more than the vectors save. Measured on the bench's 1.6 M
 * elements (Intel Xeon, loaded): SIMD/JS time 1.4 at S = 128, 0.9 at S = 196, 0.6 at S = 784.
 */
export const BN_SIMD_MIN_S = 192;

type Rows = [rows: number, len: number, stride: number];
interface Exports {
  sum(x: number, ...rows: [...Rows, number]): void;
  sumsq(x: number, ...rest: [...Rows, number, number]): void;
  normalize(x: number, out: number, ...rest: [...Rows, number, number]): void;
  bwdsum(x: number, g: number, ...rest: [...Rows, number, number, number]): void;
  dx(x: number, g: number, out: number, ...rest: [...Rows, number, number, number, number, number]): void;
}
interface State { f32: Float32Array; acc: Float64Array; run: Exports }

const SLOT_X = DATA, SLOT_G = DATA + 4 * BN_BLOCK + 64;
let state: State | undefined;

function bnState(): State {
  if (state !== undefined) return state;
  const api = webAssemblyApi();
  if (api === undefined) throw new Error('batch norm SIMD: this runtime has no WebAssembly');
  const memory = new KernelMemory(1);
  memory.ensureBytes(SLOT_G + 4 * BN_BLOCK + 64);
  const instance = new api.Instance(new api.Module(batchNormModuleBuilder(memory.isShared).encode()), { env: { memory: memory.memory } });
  const f32 = memory.f32();
  new Uint8Array(f32.buffer, MASKS, 160).set(maskTable());
  state = { f32, acc: new Float64Array(f32.buffer, ACC, 16), run: instance.exports as unknown as Exports };
  return state;
}

/** One block of a channel: rows i0 .. i0 + rows − 1, floats j0 .. j0 + len − 1 of each. */
interface Chunk { i0: number; rows: number; j0: number; len: number; stride: number }

/** The blocks of one channel in the reduction order (rows ascending, within a row j ascending). */
function chunks(n: number, s: number): Chunk[] {
  const padded = Math.ceil(s / 8) * 8;
  const out: Chunk[] = [];
  if (padded <= BN_BLOCK) {
    const per = Math.floor(BN_BLOCK / padded);
    for (let i0 = 0; i0 < n; i0 += per) out.push({ i0, rows: Math.min(per, n - i0), j0: 0, len: s, stride: padded * 4 });
    return out;
  }
  for (let i0 = 0; i0 < n; i0++) {
    for (let j0 = 0; j0 < s; j0 += BN_BLOCK) out.push({ i0, rows: 1, j0, len: Math.min(BN_BLOCK, s - j0), stride: BN_BLOCK * 4 });
  }
  return out;
}

/** Rows shorter than this are copied by a loop: a `subarray` + `set` pair costs about as much as ~100 floats. */
const SET_MIN = 128;

/** Copies channel ch's chunk of a [N, C, S] array into the slot at byte address `slot`. */
function gather(f32: Float32Array, a: Float32Array, c: number, s: number, ch: number, k: Chunk, slot: number): void {
  for (let r = 0; r < k.rows; r++) {
    const from = ((k.i0 + r) * c + ch) * s + k.j0, to = slot / 4 + r * (k.stride / 4);
    if (k.len >= SET_MIN) copyWords(f32, to, a, from, k.len);
    else for (let j = 0; j < k.len; j++) f32[to + j] = a[from + j]!;
  }
}

/** Copies the slot at `slot` back into channel ch's chunk of `out`. */
function scatter(f32: Float32Array, out: Float32Array, c: number, s: number, ch: number, k: Chunk, slot: number): void {
  for (let r = 0; r < k.rows; r++) {
    const from = slot / 4 + r * (k.stride / 4), to = ((k.i0 + r) * c + ch) * s + k.j0;
    if (k.len >= SET_MIN) copyWords(out, to, f32, from, k.len);
    else for (let j = 0; j < k.len; j++) out[to + j] = f32[from + j]!;
  }
}

/** ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) of the eight partial sums at acc[at .. at + 7]. */
function combine(a: Float64Array, at: number): number {
  return ((a[at]! + a[at + 1]!) + (a[at + 2]! + a[at + 3]!)) + ((a[at + 4]! + a[at + 5]!) + (a[at + 6]! + a[at + 7]!));
}

function checkSizes(op: string, n: number, c: number, s: number, arrays: [string, FloatArray | null][]): void {
  for (const [name, a] of arrays) {
    if (a !== null && a.length !== n * c * s) throw new RangeError(`${op}: ${name} has ${a.length} elements, the [${n}, ${c}, ${s}] input needs ${n * c * s}`);
  }
}

/**
 * `batchNormStats` (kernels/batch-norm.ts) for float32 x: same mean and variance bits.
 * @example
 * const mean = new Float64Array(1), variance = new Float64Array(1);
 * batchNormStatsSimd(new Float32Array([1, 3]), 2, 1, 1, mean, variance); // mean [2], variance [1]
 */
export function batchNormStatsSimd(
  x: Float32Array, n: number, c: number, s: number, mean: Float64Array, variance: Float64Array, ch0 = 0, ch1 = c,
): void {
  checkSizes('batchNormStats', n, c, s, [['x', x]]);
  const m = n * s;
  if (m === 0) {
    for (let ch = ch0; ch < ch1; ch++) [mean[ch], variance[ch]] = [NaN, NaN];
    return;
  }
  const st = bnState();
  const parts = chunks(n, s);
  const one = parts.length === 1;
  for (let ch = ch0; ch < ch1; ch++) {
    st.acc.fill(0, 0, 8);
    for (const k of parts) {
      gather(st.f32, x, c, s, ch, k, SLOT_X);
      st.run.sum(SLOT_X, k.rows, k.len, k.stride, ACC);
    }
    const mu = combine(st.acc, 0) / m;
    st.acc.fill(0, 0, 8);
    for (const k of parts) {
      if (!one) gather(st.f32, x, c, s, ch, k, SLOT_X);
      st.run.sumsq(SLOT_X, k.rows, k.len, k.stride, ACC, mu);
    }
    mean[ch] = mu;
    variance[ch] = combine(st.acc, 0) / m;
  }
}

/**
 * `batchNormForward` for float32 x and out: y = x·scale + shift per channel, the JS kernel's bits.
 * @example
 * const out = new Float32Array(2);
 * batchNormForwardSimd(new Float32Array([1, 3]), 2, 1, 1, Float64Array.of(2), Float64Array.of(1), null, null, out); // [-1, 1]
 */
export function batchNormForwardSimd(
  x: Float32Array, n: number, c: number, s: number, mean: Float64Array, invstd: Float64Array,
  weight: FloatArray | null, bias: FloatArray | null, out: Float32Array, ch0 = 0, ch1 = c,
): void {
  checkSizes('batchNormForward', n, c, s, [['x', x], ['out', out]]);
  if (n * s === 0) return;
  const st = bnState();
  const parts = chunks(n, s);
  for (let ch = ch0; ch < ch1; ch++) {
    const scale = invstd[ch]! * (weight ? weight[ch]! : 1);
    const shift = (bias ? bias[ch]! : 0) - mean[ch]! * scale;
    for (const k of parts) {
      gather(st.f32, x, c, s, ch, k, SLOT_X);
      st.run.normalize(SLOT_X, SLOT_X, k.rows, k.len, k.stride, scale, shift);
      scatter(st.f32, out, c, s, ch, k, SLOT_X);
    }
  }
}

/**
 * `batchNormBackward` for float32 x, g and gradInput: the JS kernel's dβ, dγ and dx bits.
 * @example
 * const dx = new Float32Array(2), dw = new Float32Array(1), db = new Float32Array(1);
 * batchNormBackwardSimd(new Float32Array([1, 3]), new Float32Array([1, 1]), 2, 1, 1, Float64Array.of(2), Float64Array.of(1),
 *   null, true, dx, dw, db); // db [2], dw [0], dx [0, 0]
 */
export function batchNormBackwardSimd(
  x: Float32Array, g: Float32Array, n: number, c: number, s: number, mean: Float64Array, invstd: Float64Array,
  weight: FloatArray | null, training: boolean,
  gradInput: Float32Array | null, gradWeight: FloatArray | null, gradBias: FloatArray | null, ch0 = 0, ch1 = c,
): void {
  checkSizes('batchNormBackward', n, c, s, [['x', x], ['g', g], ['gradInput', gradInput]]);
  const m = n * s;
  if (m === 0) {
    for (let ch = ch0; ch < ch1; ch++) {
      if (gradBias) gradBias[ch] = 0;
      if (gradWeight) gradWeight[ch] = 0;
    }
    return;
  }
  const st = bnState();
  const parts = chunks(n, s);
  const one = parts.length === 1;
  for (let ch = ch0; ch < ch1; ch++) {
    const mu = mean[ch]!, r = invstd[ch]!;
    st.acc.fill(0);
    for (const k of parts) {
      gather(st.f32, x, c, s, ch, k, SLOT_X);
      gather(st.f32, g, c, s, ch, k, SLOT_G);
      st.run.bwdsum(SLOT_X, SLOT_G, k.rows, k.len, k.stride, ACC, mu, r);
    }
    const sumG = combine(st.acc, 0), sumGX = combine(st.acc, 8);
    if (gradBias) gradBias[ch] = sumG;
    if (gradWeight) gradWeight[ch] = sumGX;
    if (!gradInput) continue;
    const kk = r * (weight ? weight[ch]! : 1);
    const meanG = training ? sumG / m : 0;
    const meanGX = training ? sumGX / m : 0;
    for (const k of parts) {
      if (!one) {
        gather(st.f32, x, c, s, ch, k, SLOT_X);
        gather(st.f32, g, c, s, ch, k, SLOT_G);
      }
      st.run.dx(SLOT_X, SLOT_G, SLOT_G, k.rows, k.len, k.stride, mu, r, kk, meanG, meanGX);
      scatter(st.f32, gradInput, c, s, ch, k, SLOT_G);
    }
  }
}
