/**
 * conv2d over threads: forward and input-gradient kernels split the batch into contiguous image
 * ranges, the bias gradient splits the output channels, the weight-gradient kernel splits the
 * columns of dW (output channels for depthwise; the taps = columns on the implicit path, or its output
 * channels in blocks of 8 when there are few taps), so each entry's batch sum stays in one thread, in
 * ascending n. Every output element is computed by one thread with the serial arithmetic, so results
 * are bit-identical to one thread. Unshared operands are copied into shared
 * scratch and outputs copied back.
 */
import type { FloatArray } from '../dtype.js';
import { conv2dSizes, type Conv2dGeometry } from '../kernels/conv2d-geometry.js';
import { backwardWeightUnits } from '../kernels/conv2d-parts.js';
import type { KernelPath } from '../wasm/gemm-rows.js';
import { runTasks } from './pool.js';
import { shareRange, type SharedOperand } from './share.js';
import type { KernelTask } from './tasks.js';
import { getNumThreads } from './threads.js';

export type ConvJob =
  | {
      kind: 'conv2dForward'; g: Conv2dGeometry; x: FloatArray; w: FloatArray; bias: FloatArray | null; out: FloatArray;
      implicit: boolean; smallCin: boolean; relu: boolean;
    }
  | { kind: 'conv2dBackwardInput'; g: Conv2dGeometry; gradOut: FloatArray; w: FloatArray; gradInput: FloatArray; implicit: boolean }
  | { kind: 'conv2dBackwardWeight'; g: Conv2dGeometry; x: FloatArray; gradOut: FloatArray; gradWeight: FloatArray; implicit: boolean }
  | { kind: 'conv2dBackwardBias'; g: Conv2dGeometry; gradOut: FloatArray; gradBias: FloatArray };

/**
 * Below this many taps per thread the implicit weight gradient splits output channels instead: its
 * tiles are 4 taps wide, so 9 taps split 4 + 5 would be 1 and 2 tiles.
 */
const FEW_TAPS_PER_THREAD = 16;

/** Contiguous [start, end) ranges splitting `total` units into at most `parts` near-equal pieces. */
function splitRange(total: number, parts: number): [number, number][] {
  const count = Math.max(1, Math.min(parts, total));
  const ranges: [number, number][] = [];
  for (let i = 0; i < count; i++) ranges.push([Math.floor((i * total) / count), Math.floor(((i + 1) * total) / count)]);
  return ranges;
}

/**
 * Runs one conv2d kernel over `getNumThreads()` threads on kernel path `path` (the decision to
 * split is the dispatch layer's, ../kernel-dispatch.ts).
 *
 * @example
 * convParallel({ kind: 'conv2dForward', g, x, w, bias: null, out, implicit: false, smallCin: false, relu: false }, 'simd');
 */
export function convParallel(job: ConvJob, path: KernelPath): void {
  const sizes = conv2dSizes(job.g);
  const shared: SharedOperand[] = [];
  const share = (a: FloatArray, length: number): FloatArray => {
    const s = shareRange(a, 0, length);
    shared.push(s);
    return s.array;
  };
  try {
    const tasks: KernelTask[] = [];
    const threads = getNumThreads();
    if (job.kind === 'conv2dForward') {
      const x = share(job.x, sizes.input), w = share(job.w, sizes.weight);
      const bias = job.bias === null ? null : share(job.bias, job.g.outChannels);
      const out = share(job.out, sizes.output);
      for (const [start, end] of splitRange(job.g.batch, threads)) {
        tasks.push({ kind: job.kind, path, implicit: job.implicit, smallCin: job.smallCin, relu: job.relu, g: job.g, x, w, bias, out, start, end });
      }
    } else if (job.kind === 'conv2dBackwardInput') {
      const gradOut = share(job.gradOut, sizes.output), w = share(job.w, sizes.weight);
      const gradInput = share(job.gradInput, sizes.input);
      for (const [start, end] of splitRange(job.g.batch, threads)) tasks.push({ kind: job.kind, path, implicit: job.implicit, g: job.g, gradOut, w, gradInput, start, end });
    } else if (job.kind === 'conv2dBackwardBias') {
      const gradOut = share(job.gradOut, sizes.output), gradBias = share(job.gradBias, job.g.outChannels);
      for (const [start, end] of splitRange(job.g.outChannels, threads)) tasks.push({ kind: job.kind, path, g: job.g, gradOut, gradBias, start, end });
    } else {
      const x = share(job.x, sizes.input), gradOut = share(job.gradOut, sizes.output);
      const gradWeight = share(job.gradWeight, sizes.weight);
      const units = backwardWeightUnits(job.g);
      if (job.implicit && units < FEW_TAPS_PER_THREAD * threads && job.g.outChannels >= 16) {
        // few taps (a first layer): split the output channels in blocks of 8 instead (even tiles)
        for (const [b0, b1] of splitRange(Math.ceil(job.g.outChannels / 8), threads)) {
          tasks.push({ kind: job.kind, path, implicit: true, g: job.g, x, gradOut, gradWeight, start: 0, end: units, o0: 8 * b0, o1: Math.min(job.g.outChannels, 8 * b1) });
        }
      } else {
        for (const [start, end] of splitRange(units, threads)) tasks.push({ kind: job.kind, path, implicit: job.implicit, g: job.g, x, gradOut, gradWeight, start, end });
      }
    }
    runTasks(tasks);
    // The output is the last operand shared.
    shared[shared.length - 1]!.copyBack();
  } finally {
    for (const s of shared) s.release();
  }
}
