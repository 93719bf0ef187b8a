/**
 * Batch normalisation over threads: the channels are split into contiguous ranges, each thread
 * running the serial kernel (kernels/batch-norm.ts) on its channels. A channel's statistics, output
 * and gradients are computed by one thread in the serial order, so results are bit-identical to one
 * thread. The large [N, C, S] arrays must already be shared (tensor storage is, with threads on);
 * the per-channel vectors are copied into shared scratch (and outputs copied back).
 */
import type { FloatArray } from '../dtype.js';
import { runTasks } from './pool.js';
import { isSharedArray, shareRange, type SharedOperand } from './share.js';
import type { KernelTask } from './tasks.js';
import { getNumThreads, threadsSupported } from './threads.js';

/** Below this many elements per call one thread is faster than a dispatch. */
export const BATCH_NORM_PARALLEL_MIN_ELEMENTS = 1 << 17;

/** The arguments of the three kernels, with their [N, C, S] layout. */
export type BatchNormJob =
  | { kind: 'batchNormStats'; x: FloatArray; n: number; c: number; s: number; mean: Float64Array; variance: Float64Array }
  | { kind: 'batchNormForward'; x: FloatArray; n: number; c: number; s: number; mean: Float64Array; invstd: Float64Array;
      weight: FloatArray | null; bias: FloatArray | null; out: FloatArray }
  | { kind: 'batchNormBackward'; x: FloatArray; g: FloatArray; n: number; c: number; s: number; mean: Float64Array; invstd: Float64Array;
      weight: FloatArray | null; training: boolean; gradInput: FloatArray | null; gradWeight: FloatArray | null; gradBias: FloatArray | null };

/** Whether a batch-norm kernel over these large arrays should be split over threads. */
export function shouldParallelizeBatchNorm(n: number, c: number, s: number, large: readonly (FloatArray | null)[]): boolean {
  return n * c * s >= BATCH_NORM_PARALLEL_MIN_ELEMENTS && c >= 2 && getNumThreads() > 1 && threadsSupported() &&
    large.every((a) => a === null || isSharedArray(a));
}

/**
 * Runs one batch-norm kernel over `getNumThreads()` threads, by channel ranges.
 * @example batchNormParallel({ kind: 'batchNormStats', x, n, c, s, mean, variance });
 */
export function batchNormParallel(job: BatchNormJob): void {
  const shared: SharedOperand[] = [];
  const outputs: SharedOperand[] = [];
  const share = <T extends FloatArray | null>(a: T, output = false): T => {
    if (a === null) return a;
    const op = shareRange(a, 0, a.length);
    shared.push(op);
    if (output) outputs.push(op);
    return op.array as T;
  };
  try {
    const parts = Math.min(getNumThreads(), job.c);
    const ranges = Array.from({ length: parts }, (_, i) => [Math.floor((i * job.c) / parts), Math.floor(((i + 1) * job.c) / parts)] as const);
    let tasks: KernelTask[];
    if (job.kind === 'batchNormStats') {
      const mean = share(job.mean, true), variance = share(job.variance, true);
      tasks = ranges.map(([ch0, ch1]) => ({ ...job, mean, variance, ch0, ch1 }));
    } else if (job.kind === 'batchNormForward') {
      const mean = share(job.mean), invstd = share(job.invstd), weight = share(job.weight), bias = share(job.bias);
      tasks = ranges.map(([ch0, ch1]) => ({ ...job, mean, invstd, weight, bias, ch0, ch1 }));
    } else {
      const mean = share(job.mean), invstd = share(job.invstd), weight = share(job.weight);
      const gradWeight = share(job.gradWeight, true), gradBias = share(job.gradBias, true);
      tasks = ranges.map(([ch0, ch1]) => ({ ...job, mean, invstd, weight, gradWeight, gradBias, ch0, ch1 }));
    }
    runTasks(tasks);
    for (const o of outputs) o.copyBack();
  } finally {
    for (const s of shared) s.release();
  }
}
