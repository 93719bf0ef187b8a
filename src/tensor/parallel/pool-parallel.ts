/**
 * Max pooling over threads: the batch is split into contiguous image ranges, each thread running the
 * serial kernel (SIMD or JS, as the dispatcher chose) on its images (each output and input-gradient
 * element belongs to one image, so the result is bit-identical to one thread). Only arrays that
 * already live on SharedArrayBuffers are split (tensor storage does when threads are on, see
 * storage.ts); otherwise the call stays serial.
 */
import type { FloatArray } from '../dtype.js';
import type { Pool2dGeometry } from '../kernels/pool2d-geometry.js';
import { runTasks } from './pool.js';
import type { KernelTask } from './tasks.js';
import { getNumThreads } from './threads.js';

export type PoolJob =
  | { kind: 'maxPool2dForward'; g: Pool2dGeometry; x: FloatArray; out: FloatArray; argmax: Int32Array; simd: boolean }
  | { kind: 'maxPool2dBackward'; g: Pool2dGeometry; gradOut: FloatArray; argmax: Int32Array; gradInput: FloatArray; simd: boolean };

/**
 * Runs a max-pooling kernel over `getNumThreads()` threads, by image ranges.
 * @example poolParallel({ kind: 'maxPool2dForward', g, x, out, argmax, simd: false });
 */
export function poolParallel(job: PoolJob): void {
  const parts = Math.min(getNumThreads(), job.g.batch);
  const tasks: KernelTask[] = [];
  for (let i = 0; i < parts; i++) {
    const start = Math.floor((i * job.g.batch) / parts);
    const end = Math.floor(((i + 1) * job.g.batch) / parts);
    tasks.push({ ...job, start, end });
  }
  runTasks(tasks);
}
