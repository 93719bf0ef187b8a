/**
 * Optimiser updates over threads: the parameter's element range is cut into contiguous ranges (a
 * multiple of 16 elements each, except the last), each thread updating p and its state buffers on
 * its range with the serial kernel of the path the dispatcher chose (kernels/optim-update.ts or the
 * WebAssembly SIMD kernels). The update is element-wise, so the result is bit-identical to one
 * thread. Only arrays already on SharedArrayBuffers are split (no copies for a bandwidth-bound op).
 * Cost: O(n) split over the threads, plus one dispatch (~tens of µs), hence the size threshold.
 */
import { runTasks } from './pool.js';
import type { KernelTask, OptimizerJob } from './tasks.js';
import { elementRanges } from './element-ranges.js';

/**
 * An optimiser update over `getNumThreads()` threads; `simd` runs the WebAssembly kernels per range.
 * @example optimizerParallel({ kind: 'adamUpdate', p, g, m, v, vMax: null, o }, true);
 */
export function optimizerParallel(job: OptimizerJob, simd: boolean): void {
  runTasks(elementRanges(job.p.length).map(([start, end]): KernelTask => ({ ...job, simd, start, end })));
}
