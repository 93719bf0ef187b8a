/**
 * Batch normalisation over threads: the channels are split into contiguous ranges, each thread
 * running the serial kernel (kernels/batch-norm.ts, or wasm/batchnorm-simd.ts when `simd`: the
 * dispatcher checked float32 large arrays) on its channels. A channel's statistics, output
 * and gradients are computed by one thread in the serial order, so results are bit-identical to one
 * thread. The large [N, C, S] arrays must already be shared (tensor storage is, with threads on);
 * the per-channel vectors are copied into shared scratch (and outputs copied back).
 */
import type { FloatArray } from '../dtype.js';
import { runTasks } from './pool.js';
import { shareRange, type SharedOperand } from './share.js';
import type { BatchNormJob, KernelTask } from './tasks.js';
import { getNumThreads } from './threads.js';

/**
 * Runs one batch-norm kernel over `getNumThreads()` threads, by channel ranges.
 * @example batchNormParallel({ kind: 'batchNormStats', x, n, c, s, mean, variance }, false);
 */
export function batchNormParallel(job: BatchNormJob, simd = false): void {
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
      tasks = ranges.map(([ch0, ch1]) => ({ ...job, simd, mean, variance, ch0, ch1 }));
    } else if (job.kind === 'batchNormForward') {
      const mean = share(job.mean), invstd = share(job.invstd), weight = share(job.weight), bias = share(job.bias);
      tasks = ranges.map(([ch0, ch1]) => ({ ...job, simd, mean, invstd, weight, bias, ch0, ch1 }));
    } else {
      const mean = share(job.mean), invstd = share(job.invstd), weight = share(job.weight);
      const gradWeight = share(job.gradWeight, true), gradBias = share(job.gradBias, true);
      tasks = ranges.map(([ch0, ch1]) => ({ ...job, simd, mean, invstd, weight, gradWeight, gradBias, ch0, ch1 }));
    }
    runTasks(tasks);
    for (const o of outputs) o.copyBack();
  } finally {
    for (const s of shared) s.release();
  }
}

export type { BatchNormJob } from './tasks.js';
