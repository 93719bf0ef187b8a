/**
 * Relaxed-SIMD fused multiply-add (`f32x4.relaxed_madd`, WebAssembly relaxed-SIMD proposal): whether
 * the runtime offers it, whether it fuses, and whether the GEMM micro-kernel uses it.
 *
 * Math. relaxed_madd(a, b, c) = a·b + c per lane, where the specification lets the engine either
 * round once (fused: fl(a·b + c), an FMA instruction) or twice (fl(fl(a·b) + c)). V8 on x64 emits
 * `vfmadd231ps` when the CPU has FMA3 and mul + add otherwise, so the choice is fixed per machine
 * and the same on every thread of a process; `relaxedMaddFused()` measures it with a probe whose two
 * roundings differ: a = b = 1 + 2⁻¹², c = −1 gives 2⁻¹¹ + 2⁻²⁴ fused and 2⁻¹¹ unfused.
 *
 * Node 20 (V8 11.3) validates relaxed-SIMD only behind `--experimental-wasm-relaxed-simd`; in Node
 * the detection sets that flag with `v8.setFlagsFromString` (reached through
 * `process.getBuiltinModule`, no import, so this file still loads in browsers, which ship relaxed SIMD
 * unflagged since Chrome 114 / Firefox 120). V8 reads the flag at every validation, so setting it
 * after other modules have compiled works, and worker threads of the process see it too.
 *
 * Selection (`relaxedSimdInUse`): `setRelaxedSimd(true | false)` in code, else `PQKD_RELAXED_SIMD`
 * (`on` / `1`: use it, error when unsupported; `off` / `0`: the mul + add kernels; unset: use it
 * wherever the runtime supports it, the mul + add kernels elsewhere). On by default since issue 21:
 * fused results change the last bits of every float32 GEMM and convolution (one rounding per
 * multiply-add instead of two), so results are bit-reproducible on machines whose probe gives the same
 * answer (`kernelInfo().fusedMultiplyAdd`, recorded in every run's metadata); `off` reproduces the
 * unfused bits anywhere. The thread pool passes the caller's choice with every task, so all threads
 * run the same instructions.
 * Cost: one probe module (≈ 100 bytes) compiled once per thread.
 */
import { ModuleBuilder } from './module-builder.js';
import { webAssemblyApi } from './runtime.js';
import { wasmSimdSupported } from './support.js';

interface Probe {
  supported: boolean;
  fused: boolean;
}

let probe: Probe | undefined;
let override: boolean | null = null;

/** In Node, turns on V8's relaxed-SIMD validation (a no-op elsewhere and on Node versions that ship it). */
function enableNodeFlag(): void {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  if (typeof proc?.getBuiltinModule !== 'function') return;
  try {
    const v8 = proc.getBuiltinModule('node:v8') as { setFlagsFromString?: (flags: string) => void } | undefined;
    v8?.setFlagsFromString?.('--experimental-wasm-relaxed-simd');
  } catch {
    // not Node, or flags are locked: detection below decides
  }
}

/** `madd(a, b, c)` = lane 0 of f32x4.relaxed_madd(splat a, splat b, splat c). */
function probeModule(): Uint8Array {
  return new ModuleBuilder()
    .addFunction(
      'madd',
      [
        ['a', 'f32'],
        ['b', 'f32'],
        ['c', 'f32'],
      ],
      ['f32'],
      (f) => {
        f.localGet('a').op('f32x4.splat').localGet('b').op('f32x4.splat').localGet('c').op('f32x4.splat');
        f.op('f32x4.relaxed_madd').lane('f32x4.extract_lane', 0);
      },
    )
    .encode();
}

function runProbe(): Probe {
  if (probe !== undefined) return probe;
  probe = { supported: false, fused: false };
  const api = webAssemblyApi();
  if (api === undefined || !wasmSimdSupported()) return probe;
  enableNodeFlag();
  try {
    const bytes = probeModule();
    if (!api.validate(bytes)) return probe;
    const madd = new api.Instance(new api.Module(bytes), {}).exports['madd'] as (a: number, b: number, c: number) => number;
    const a = 1 + 2 ** -12;
    const got = madd(a, a, -1);
    const fusedValue = 2 ** -11 + 2 ** -24;
    const unfusedValue = 2 ** -11;
    if (got !== fusedValue && got !== unfusedValue) return probe; // neither rounding: do not trust it
    probe = { supported: true, fused: got === fusedValue };
  } catch {
    probe = { supported: false, fused: false };
  }
  return probe;
}

/**
 * True when the runtime validates and runs `f32x4.relaxed_madd` (in Node, after enabling V8's flag).
 * @example
 * relaxedSimdSupported(); // true on Node 20 (flag set here) and current browsers
 */
export function relaxedSimdSupported(): boolean {
  return runProbe().supported;
}

/**
 * True when relaxed_madd rounds once (an FMA instruction ran), false when it rounds the product and
 * the sum separately or when relaxed SIMD is unsupported.
 * @example
 * relaxedMaddFused(); // true on an x64 CPU with FMA3
 */
export function relaxedMaddFused(): boolean {
  return runProbe().fused;
}

/** The value of `PQKD_RELAXED_SIMD`, or undefined outside Node or when unset. */
function relaxedEnv(): string | undefined {
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  const value = proc?.env?.['PQKD_RELAXED_SIMD'];
  return value === undefined || value === '' ? undefined : value;
}

/**
 * Forces relaxed SIMD on (`true`; throws when unsupported) or off (`false`), or follows
 * `PQKD_RELAXED_SIMD` again (`null`).
 * @example
 * setRelaxedSimd(false); // the GEMM uses f32x4.mul + f32x4.add from now on
 */
export function setRelaxedSimd(enabled: boolean | null): void {
  if (enabled !== null && typeof enabled !== 'boolean') {
    throw new TypeError(`setRelaxedSimd: expected true, false or null, got ${JSON.stringify(enabled)}`);
  }
  if (enabled === true && !relaxedSimdSupported()) throw new Error('setRelaxedSimd: this runtime does not support relaxed SIMD (f32x4.relaxed_madd)');
  override = enabled;
}

/**
 * Whether the WebAssembly GEMM uses `f32x4.relaxed_madd` now (see the selection rules above).
 * Throws when `PQKD_RELAXED_SIMD` has another value, or asks for relaxed SIMD the runtime lacks.
 * @example
 * const fma = relaxedSimdInUse();
 */
export function relaxedSimdInUse(): boolean {
  if (override !== null) return override;
  const requested = relaxedEnv();
  if (requested === undefined) return relaxedSimdSupported();
  if (requested === 'off' || requested === '0') return false;
  if (requested === 'on' || requested === '1') {
    if (!relaxedSimdSupported()) throw new Error("relaxedSimdInUse: PQKD_RELAXED_SIMD is 'on' but this runtime does not support relaxed SIMD");
    return true;
  }
  throw new Error(`relaxedSimdInUse: PQKD_RELAXED_SIMD must be 'on', 'off', '1' or '0' (or unset), got '${requested}'`);
}
