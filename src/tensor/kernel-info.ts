/**
 * What the kernels run on now: the runtime's capabilities and the choices of the dispatch layer
 * (kernel-dispatch.ts re-exports this), for benchmark records and reports.
 */
import { getNumThreads } from './parallel/threads.js';
import type { KernelPath } from './wasm/gemm-rows.js';
import { relaxedMaddFused, relaxedSimdInUse } from './wasm/relaxed-simd.js';
import { kernelsMode, wasmSimdSupported } from './wasm/support.js';

/** What `kernelInfo` reports: the runtime's capabilities and the path kernels take now. */
export interface KernelInfo {
  /** The runtime validates and runs WebAssembly SIMD (128-bit). */
  simd: boolean;
  /** The WebAssembly GEMM and convolution kernels use relaxed-SIMD multiply-add (f32x4.relaxed_madd) now. */
  relaxedSimd: boolean;
  /** That multiply-add rounds once (the CPU fused it); false when it rounds twice or is not used. */
  fusedMultiplyAdd: boolean;
  /** The engine's thread count (`getNumThreads()`). */
  threads: number;
  /** Which kernel path runs: 'simd' (WebAssembly) or 'js' (`PQKD_KERNELS` / `setKernelsMode`). */
  path: KernelPath;
}

/**
 * The kernel configuration in effect (for benchmark records and reports).
 *
 * @example
 * kernelInfo(); // { simd: true, relaxedSimd: true, fusedMultiplyAdd: true, threads: 2, path: 'simd' } (Node 20 on an x64 CPU with FMA3)
 */
export function kernelInfo(): KernelInfo {
  const path = kernelsMode();
  const relaxedSimd = path === 'simd' && relaxedSimdInUse();
  return { simd: wasmSimdSupported(), relaxedSimd, fusedMultiplyAdd: relaxedSimd && relaxedMaddFused(), threads: getNumThreads(), path };
}
