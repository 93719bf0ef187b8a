/**
 * Kernel work units that a thread (the main one or a worker) executes. Messages carry typed arrays
 * on SharedArrayBuffers, so a worker reads and writes the caller's memory directly.
 * Each unit writes a disjoint part of its output (rows of C, images of y/dx, columns or channels of dw).
 */
import type { FloatArray } from '../dtype.js';
import type { Conv2dGeometry } from '../kernels/conv2d-geometry.js';
import { conv2dBackwardInputImages, conv2dBackwardWeightUnits, conv2dForwardImages } from '../kernels/conv2d-parts.js';
import { gemmSerialRows } from '../kernels/gemm-reference.js';
import type { GemmArgs } from '../kernels/matmul.js';

export type KernelTask =
  | { kind: 'gemmRows'; args: GemmArgs; start: number; end: number }
  | { kind: 'conv2dForward'; g: Conv2dGeometry; x: FloatArray; w: FloatArray; bias: FloatArray | null; out: FloatArray; start: number; end: number }
  | { kind: 'conv2dBackwardInput'; g: Conv2dGeometry; gradOut: FloatArray; w: FloatArray; gradInput: FloatArray; start: number; end: number }
  | { kind: 'conv2dBackwardWeight'; g: Conv2dGeometry; x: FloatArray; gradOut: FloatArray; gradWeight: FloatArray; start: number; end: number };

/**
 * Runs one work unit on the current thread.
 *
 * @example
 * executeTask({ kind: 'gemmRows', args, start: 0, end: args.m });
 */
export function executeTask(task: KernelTask): void {
  switch (task.kind) {
    case 'gemmRows':
      gemmSerialRows(task.args, task.start, task.end);
      return;
    case 'conv2dForward':
      conv2dForwardImages(task.g, task.x, task.w, task.bias, task.out, task.start, task.end);
      return;
    case 'conv2dBackwardInput':
      conv2dBackwardInputImages(task.g, task.gradOut, task.w, task.gradInput, task.start, task.end);
      return;
    case 'conv2dBackwardWeight':
      conv2dBackwardWeightUnits(task.g, task.x, task.gradOut, task.gradWeight, task.start, task.end);
      return;
    default:
      throw new TypeError(`executeTask: unknown task kind ${JSON.stringify((task as { kind: unknown }).kind)}`);
  }
}
