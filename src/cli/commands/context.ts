/**
 * What every command receives, and the thread-count flag shared by the training commands.
 */
import { getNumThreads, setNumThreads } from '../../tensor/parallel/threads.js';
import { kernelInfo } from '../../tensor/kernel-info.js';
import { CliError } from '../errors.js';

export interface CommandContext {
  print(text: string): void;
  /**
   * The kernel path in use, as recorded in run manifests and result files: 'js', 'simd', or
   * 'simd-fma' when the SIMD kernels use relaxed SIMD's fused multiply-add (different last bits).
   */
  kernels(): string;
}

export const defaultContext: CommandContext = {
  print: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  kernels: () => {
    const info = kernelInfo();
    return info.path === 'simd' && info.fusedMultiplyAdd ? 'simd-fma' : info.path;
  },
};

/** Applies --threads (or PQKD_THREADS) and returns the thread count in effect. */
export function applyThreads(flag: unknown): number {
  if (flag !== undefined) {
    if (typeof flag !== 'number' || !Number.isSafeInteger(flag) || flag < 1) throw new CliError(`--threads: expected an integer >= 1, got ${String(flag)}`);
    setNumThreads(flag);
  }
  return getNumThreads();
}
