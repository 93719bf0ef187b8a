/**
 * Kernel selection: whether the runtime runs WebAssembly SIMD, and which kernel path to use.
 *
 * `kernelsMode()` reads the environment variable `PQKD_KERNELS` on every call (Node only; browsers
 * have no `process`, so they get the default): `js` forces the pure-TypeScript reference kernels,
 * `simd` insists on the WebAssembly SIMD kernels, unset or empty picks `simd` when supported.
 * Reading the variable costs ≈0.1 µs per call (Node 20), negligible next to a kernel call.
 */
import { ModuleBuilder } from './module-builder.js';
import { webAssemblyApi } from './runtime.js';

export type KernelsMode = 'simd' | 'js';

let simdSupportedCache: boolean | undefined;

/** A one-function module using v128 locals, f32x4 arithmetic and a lane extract. */
function simdProbeModule(): Uint8Array {
  return new ModuleBuilder()
    .addFunction('probe', [['x', 'f32']], ['f32'], (f) => {
      f.localGet('x').op('f32x4.splat'); // [x, x, x, x]
      f.localGet('x').op('f32x4.splat'); // [x, x, x, x]
      f.op('f32x4.mul'); // [x², x², x², x²]
      f.lane('f32x4.extract_lane', 3); // x²
    })
    .encode();
}

/**
 * True when the runtime has WebAssembly and validates (and runs) a tiny SIMD module.
 * @example
 * if (wasmSimdSupported()) console.log('SIMD kernels available');
 */
export function wasmSimdSupported(): boolean {
  if (simdSupportedCache === undefined) {
    const api = webAssemblyApi();
    let ok = false;
    try {
      const bytes = simdProbeModule();
      if (api !== undefined && api.validate(bytes)) {
        const probe = new api.Instance(new api.Module(bytes), {}).exports['probe'] as (x: number) => number;
        ok = probe(3) === 9;
      }
    } catch {
      ok = false;
    }
    simdSupportedCache = ok;
  }
  return simdSupportedCache;
}

let modeOverride: KernelsMode | null = null;

/**
 * Selects the kernel path in code, over `PQKD_KERNELS` ('simd', 'js', or null to follow the
 * environment again). The worker pool passes the caller's mode along with every task, so workers
 * always run the same path as the calling thread.
 * @example
 * setKernelsMode('js'); // the TypeScript kernels from now on
 */
export function setKernelsMode(mode: KernelsMode | null): void {
  if (mode !== null && mode !== 'js' && mode !== 'simd') {
    throw new RangeError(`setKernelsMode: mode must be 'js', 'simd' or null, got ${JSON.stringify(mode)}`);
  }
  if (mode === 'simd' && !wasmSimdSupported()) throw new Error('setKernelsMode: this runtime does not support WebAssembly SIMD');
  modeOverride = mode;
}

/** The value of `PQKD_KERNELS`, or undefined outside Node or when unset. */
function kernelsEnv(): string | undefined {
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  const value = proc?.env?.['PQKD_KERNELS'];
  return value === undefined || value === '' ? undefined : value;
}

/**
 * Which kernel path runs: 'simd' (WebAssembly SIMD) or 'js' (the TypeScript reference kernels).
 * Throws when `PQKD_KERNELS` is neither 'js' nor 'simd', or is 'simd' on a runtime without SIMD.
 * @example
 * const useSimd = kernelsMode() === 'simd';
 */
export function kernelsMode(): KernelsMode {
  if (modeOverride !== null) return modeOverride;
  const requested = kernelsEnv();
  if (requested === 'js') return 'js';
  if (requested === 'simd') {
    if (!wasmSimdSupported()) {
      throw new Error("kernelsMode: PQKD_KERNELS is 'simd' but this runtime does not support WebAssembly SIMD");
    }
    return 'simd';
  }
  if (requested !== undefined) {
    throw new Error(`kernelsMode: PQKD_KERNELS must be 'js' or 'simd' (or unset), got '${requested}'`);
  }
  return wasmSimdSupported() ? 'simd' : 'js';
}
