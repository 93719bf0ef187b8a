/**
 * How bandwidth-bound element-wise work (activations, optimiser updates) is cut over threads:
 * contiguous ranges, each a multiple of 16 elements (64 bytes of float32: a cache line, and an even
 * offset, which keeps the kernels' copies to and from their WebAssembly memories word-aligned on
 * SharedArrayBuffers, see wasm/aligned-copy.ts) except the last. Cost: O(threads).
 */
import { getNumThreads } from './threads.js';

/**
 * [start, end) ranges covering [0, n) for `getNumThreads()` threads (fewer when n < 32).
 * @example elementRanges(100); // [[0, 48], [48, 100]] on 2 threads
 */
export function elementRanges(n: number): [number, number][] {
  const parts = Math.max(1, Math.min(getNumThreads(), Math.floor(n / 16)));
  const out: [number, number][] = [];
  for (let i = 0; i < parts; i++) {
    out.push([16 * Math.floor((i * n) / (16 * parts)), i === parts - 1 ? n : 16 * Math.floor(((i + 1) * n) / (16 * parts))]);
  }
  return out;
}
