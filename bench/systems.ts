/**
 * The pqkd configurations every kernel and training benchmark runs side by side: thread count
 * (1 or 2) × kernel path (WebAssembly SIMD, the default where supported, or the TypeScript kernels).
 */
import { setNumThreads } from '../src/tensor/parallel/threads.js';
import { warmUpThreads } from '../src/tensor/parallel/pool.js';
import { setKernelsMode, wasmSimdSupported, type KernelsMode } from '../src/tensor/wasm/support.js';

export interface PqkdSystem {
  system: string;
  threads: number;
  kernels: KernelsMode;
}

export const PQKD_SYSTEMS: readonly PqkdSystem[] = [
  { system: 'pqkd', threads: 1, kernels: 'simd' },
  { system: 'pqkd-2t', threads: 2, kernels: 'simd' },
  { system: 'pqkd-js', threads: 1, kernels: 'js' },
  { system: 'pqkd-js-2t', threads: 2, kernels: 'js' },
].filter((s) => s.kernels === 'js' || wasmSimdSupported()) as PqkdSystem[];

/** Applies a configuration (run as a case's setup). */
export async function useSystem(s: PqkdSystem): Promise<void> {
  setKernelsMode(s.kernels);
  setNumThreads(s.threads);
  await warmUpThreads();
}

/** Back to the environment's defaults (run as a case's teardown). */
export function resetSystem(): void {
  setKernelsMode(null);
  setNumThreads(1);
}
