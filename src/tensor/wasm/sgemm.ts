/**
 * wasmSgemm: float32 GEMM on the WebAssembly SIMD micro-kernel, cache-blocked like BLIS/GotoBLAS.
 *
 * Math. C[i, j] ← alpha · Σ_{p<k} opA[i, p] · opB[p, j] + beta · C[i, j] (row-major; beta = 0
 * overwrites C, ignoring NaN/Inf already there; alpha = 0 does not read A and B, as in BLAS and in
 * the JS `gemm` of kernels/matmul.ts). See `GemmArgs` for the operand layouts.
 *
 * Loops (outermost first):
 *   rc  rows of C in chunks of ROWS         C~ scratch (ROWS × NC floats) lives in wasm memory
 *   jc  columns in chunks of NC
 *   pc  depth in ⌈k/KC⌉ equal chunks (≤ KC)  pack B~ = opB[pc.., jc..] (≤ KC × NC)
 *   ic  rows of the chunk in steps of MC    pack A~ = opA[ic.., pc..] (≤ MC × KC, stays in L2)
 *       sgemm_macro: every MR × NR tile of C~ (+)= A~ micro-panel · B~ micro-panel (in wasm;
 *       each B~ micro-panel, ≤ KC × NR floats = 16 KiB, stays in L1 while A~ streams past it)
 *   then C[rc.., jc..] ← alpha · C~ + beta · C (JS, rounded once to float32).
 * Equal depth chunks (k = 288 → one chunk, k = 600 → 2 × 300) avoid a short last chunk whose tile
 * loads and stores would cost more than its arithmetic. The block sizes never change the result.
 * Cost: 2mnk flops in wasm; JS touches op(B) ⌈m/ROWS⌉ times, op(A) ⌈n/NC⌉ times and C once.
 *
 * Numerics. s = the sequential float32 sum fl(s + fl(a_p·b_p)) over p = 0..k−1 from +0 (see
 * sgemm-kernel.ts), then C[i, j] = fl32(alpha·s + beta·C[i, j]) evaluated in double. Compared with a
 * float64-accumulating reference, |s − Σ a_p·b_p| ≤ γ_k · Σ |a_p·b_p| with γ_k = k·u/(1 − k·u),
 * u = 2⁻²⁴ (Higham, "Accuracy and Stability of Numerical Algorithms", §3.1, recursive summation
 * with rounded products); the tests use the bound (k + 2)·2⁻²⁴ · (|alpha|·Σ|a_p·b_p| + |beta·C|).
 * When relaxed SIMD is in use (relaxed-simd.ts `relaxedSimdInUse`) and the engine fuses it, the
 * step is s ← fl(s + a_p·b_p) (one rounding; same order, same bound, different last bits).
 *
 * Determinism. Every element's value depends only on its row of opA, column of opB, and k order, so
 * the result is bit-identical for any block sizes and any split of C across workers: a worker pool
 * gives each worker a slice (rows: aOffset += r0·lda (or r0 when transA), cOffset += r0·ldc, m = rows;
 * columns: bOffset += j0 (or j0·ldb when transB), cOffset += j0, n = cols), and each worker uses its
 * own kernel instance and scratch memory (module state is per thread).
 */
import type { GemmArgs as KernelGemmArgs } from '../kernels/gemm-args.js';
import { SGEMM_TILE, buildSgemmModule } from './sgemm-kernel.js';
import { packA, packB, type StridedOperand } from './sgemm-pack.js';
import { relaxedSimdInUse } from './relaxed-simd.js';
import { KernelMemory, webAssemblyApi } from './runtime.js';
import { copyWords } from './aligned-copy.js';

/**
 * The engine's GEMM arguments (kernels/matmul.ts: row-major, transA/transB, offsets, leading
 * dimensions) with all three operands float32. C must not overlap A or B (as in BLAS).
 */
export type GemmArgs = Omit<KernelGemmArgs, 'a' | 'b' | 'c'> & { a: Float32Array; b: Float32Array; c: Float32Array };

/** Block sizes in rows/columns/depth (KC is the largest depth chunk); see the loop list above. */
export const SGEMM_BLOCKING = { MC: 128, KC: 512, NC: 512, ROWS: 1024 } as const;

type Macro = (aPack: number, bPack: number, cBlock: number, cStride: number, mPanels: number, nPanels: number, kc: number, accumulate: number) => void;

interface SgemmState {
  memory: KernelMemory;
  /** The macro-kernel without (false) and with (true) relaxed-SIMD FMA, instantiated on first use. */
  macros: Map<boolean, Macro>;
  aPackByte: number;
  bPackByte: number;
  cBlockByte: number;
}

let state: SgemmState | undefined;

/** Creates the kernel memory and instantiates the kernel once. */
function sgemmState(): SgemmState {
  if (state !== undefined) return state;
  const api = webAssemblyApi();
  if (api === undefined) throw new Error('wasmSgemm: this runtime has no WebAssembly');
  const { MC, KC, NC, ROWS } = SGEMM_BLOCKING;
  const memory = new KernelMemory();
  const aPackByte = 64;
  const bPackByte = aPackByte + MC * KC * 4;
  const cBlockByte = bPackByte + KC * NC * 4;
  memory.ensureBytes(cBlockByte + ROWS * NC * 4);
  state = { memory, macros: new Map(), aPackByte, bPackByte, cBlockByte };
  return state;
}

/** The macro-kernel of the current relaxed-SIMD choice (relaxed-simd.ts), compiled on first use. */
function macroFor(s: SgemmState, fma: boolean): Macro {
  let macro = s.macros.get(fma);
  if (macro === undefined) {
    const api = webAssemblyApi()!;
    const bytes = buildSgemmModule({ tile: SGEMM_TILE, sharedMemory: s.memory.isShared, fma });
    macro = new api.Instance(new api.Module(bytes), { env: { memory: s.memory.memory } }).exports['sgemm_macro'] as Macro;
    s.macros.set(fma, macro);
  }
  return macro;
}

/**
 * C ← alpha·opA·opB + beta·C for float32 operands, on the WebAssembly SIMD kernel.
 * Throws when WebAssembly is unavailable (check `wasmSimdSupported()` first) or an argument is invalid.
 * @example
 * const a = new Float32Array([1, 2, 3, 4]), b = new Float32Array([5, 6, 7, 8]), c = new Float32Array(4);
 * wasmSgemm({ transA: false, transB: false, m: 2, n: 2, k: 2, alpha: 1, a, aOffset: 0, lda: 2,
 *   b, bOffset: 0, ldb: 2, beta: 0, c, cOffset: 0, ldc: 2 }); // c = [19, 22, 43, 50]
 */
export function wasmSgemm(args: GemmArgs): void {
  checkGemmArgs(args);
  const { m, n, k } = args;
  if (m === 0 || n === 0) return;
  if (k === 0 || args.alpha === 0) {
    writeBack(args, null, 0, 0, 0, m, n, 0); // the sum is taken as +0
    return;
  }
  const s = sgemmState();
  const macro = macroFor(s, relaxedSimdInUse());
  const { MC, KC, NC, ROWS } = SGEMM_BLOCKING;
  const { mr, nr } = SGEMM_TILE;
  const A: StridedOperand = { data: args.a, offset: args.aOffset, ld: args.lda, transposed: args.transA };
  const B: StridedOperand = { data: args.b, offset: args.bOffset, ld: args.ldb, transposed: args.transB };
  const depthChunk = Math.ceil(k / Math.ceil(k / KC)); // equal chunks of at most KC
  for (let rc = 0; rc < m; rc += ROWS) {
    const rows = Math.min(ROWS, m - rc);
    for (let jc = 0; jc < n; jc += NC) {
      const cols = Math.min(NC, n - jc);
      const nPanels = Math.ceil(cols / nr);
      const cStride = nPanels * nr; // C~ row stride in floats: the columns rounded up to whole tiles
      for (let pc = 0; pc < k; pc += depthChunk) {
        const depth = Math.min(depthChunk, k - pc);
        packB(B, pc, depth, jc, cols, nr, s.memory.f32(), s.bPackByte / 4);
        for (let ic = rc; ic < rc + rows; ic += MC) {
          const blockRows = Math.min(MC, rc + rows - ic);
          packA(A, ic, blockRows, pc, depth, mr, s.memory.f32(), s.aPackByte / 4);
          const cBlock = s.cBlockByte + (ic - rc) * cStride * 4;
          macro(s.aPackByte, s.bPackByte, cBlock, cStride * 4, Math.ceil(blockRows / mr), nPanels, depth, pc > 0 ? 1 : 0);
        }
      }
      writeBack(args, s.memory.f32(), s.cBlockByte / 4, rc, jc, rows, cols, cStride);
    }
  }
}

/**
 * C[r0 + i, j0 + j] ← alpha·S[i, j] + beta·C[r0 + i, j0 + j] (beta = 0: alpha·S), S read from the
 * C~ scratch (row stride `sStride` floats) or zero when `scratch` is null (k = 0). The expression is
 * evaluated in double and rounded once by the Float32Array store.
 */
function writeBack(args: GemmArgs, scratch: Float32Array | null, sStart: number, r0: number, j0: number, rows: number, cols: number, sStride: number): void {
  const { alpha, beta, c, cOffset, ldc } = args;
  if (scratch !== null && alpha === 1 && beta === 0 && ldc === cols && sStride === cols) {
    // C rows are contiguous and C~ has no padding: one block copy
    copyWords(c, cOffset + r0 * ldc + j0, scratch, sStart, rows * cols);
    return;
  }
  for (let i = 0; i < rows; i++) {
    const cRow = cOffset + (r0 + i) * ldc + j0;
    const sRow = sStart + i * sStride;
    if (scratch === null) {
      // k = 0 or alpha = 0: the sum is +0
      for (let j = 0; j < cols; j++) c[cRow + j] = beta === 0 ? alpha * 0 : alpha * 0 + beta * c[cRow + j]!;
    } else if (beta === 0 && alpha === 1 && cols >= 64) {
      copyWords(c, cRow, scratch, sRow, cols); // plain copy of the float32 sums
    } else if (beta === 0 && alpha === 1) {
      for (let j = 0; j < cols; j++) c[cRow + j] = scratch[sRow + j]!; // short rows: cheaper than subarray
    } else if (beta === 0) {
      for (let j = 0; j < cols; j++) c[cRow + j] = alpha * scratch[sRow + j]!;
    } else if (alpha === 1 && beta === 1) {
      // conv forward with the bias pre-stored: the same sum without the two multiplications by 1
      for (let j = 0; j < cols; j++) c[cRow + j] = scratch[sRow + j]! + c[cRow + j]!;
    } else {
      for (let j = 0; j < cols; j++) c[cRow + j] = alpha * scratch[sRow + j]! + beta * c[cRow + j]!;
    }
  }
}

/**
 * Validates shapes, strides, offsets and array extents; errors name the argument and the values.
 * @example
 * checkGemmArgs({ ...args, lda: 1 }); // RangeError: wasmSgemm: lda must be an integer ≥ max(1, k) ...
 */
export function checkGemmArgs(args: GemmArgs): void {
  const { m, n, k } = args;
  for (const [name, value] of [
    ['m', m],
    ['n', n],
    ['k', k],
    ['aOffset', args.aOffset],
    ['bOffset', args.bOffset],
    ['cOffset', args.cOffset],
  ] as const) {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`wasmSgemm: ${name} must be a non-negative integer, got ${String(value)}`);
  }
  for (const [name, value] of [
    ['alpha', args.alpha],
    ['beta', args.beta],
  ] as const) {
    if (typeof value !== 'number') throw new TypeError(`wasmSgemm: ${name} must be a number, got ${typeof value}`);
  }
  for (const name of ['a', 'b', 'c'] as const) {
    if (!(args[name] instanceof Float32Array)) throw new TypeError(`wasmSgemm: ${name} must be a Float32Array, got ${describe(args[name])}`);
  }
  // [rows, cols] of each operand as stored
  checkOperand('a', 'lda', args.a, args.aOffset, args.lda, args.transA ? [k, m] : [m, k]);
  checkOperand('b', 'ldb', args.b, args.bOffset, args.ldb, args.transB ? [n, k] : [k, n]);
  checkOperand('c', 'ldc', args.c, args.cOffset, args.ldc, [m, n]);
}

function checkOperand(name: string, ldName: string, data: Float32Array, offset: number, ld: number, [rows, cols]: [number, number]): void {
  if (!Number.isSafeInteger(ld) || ld < Math.max(1, cols)) {
    throw new RangeError(`wasmSgemm: ${ldName} must be an integer ≥ max(1, ${cols}) (${name} stored ${rows}×${cols}), got ${String(ld)}`);
  }
  if (rows === 0 || cols === 0) return;
  const last = offset + (rows - 1) * ld + cols - 1;
  if (last >= data.length) {
    throw new RangeError(`wasmSgemm: ${name} (stored ${rows}×${cols}, offset ${offset}, ${ldName} ${ld}) needs ${last + 1} elements, got ${data.length}`);
  }
}

function describe(x: unknown): string {
  return x === null ? 'null' : typeof x === 'object' ? x.constructor.name : typeof x;
}
