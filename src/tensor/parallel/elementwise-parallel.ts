/**
 * Element-wise ops over threads: a contiguous output is cut into contiguous element ranges
 * (element-ranges.ts), each thread running the serial kernel on its range (every element is computed
 * by exactly one thread with the same arithmetic, so the result is bit-identical to one thread). Used for the large
 * activations of a training step (ReLU forward and backward, arithmetic on same-shape tensors);
 * only operands that are contiguous, unbroadcast and on SharedArrayBuffers are split.
 * Cost: O(n) split over the threads, plus one dispatch (~tens of µs), hence the size threshold.
 */
import type { TypedArray } from '../dtype.js';
import type { BinaryOp, UnaryOp } from '../kernels/elementwise.js';
import { runTasks } from './pool.js';
import type { KernelTask } from './tasks.js';
import { elementRanges } from './element-ranges.js';

/** An operand as seen by the split: its array and the offset of its element 0. */
export interface FlatOperand {
  data: TypedArray;
  offset: number;
}

/**
 * out[i] = op(x[offset + i]) for i < n over `getNumThreads()` threads.
 * @example unaryParallel('relu', { data: x, offset: 0 }, out, out.length);
 */
export function unaryParallel(op: UnaryOp, x: FlatOperand, out: TypedArray, n: number, simd = false): void {
  const tasks: KernelTask[] = elementRanges(n).map(([start, end]) => ({ kind: 'unaryRange', op, simd, x: x.data, xOffset: x.offset, out, start, end }));
  runTasks(tasks);
}

/**
 * out[i] = op(a[aOffset + i], b[bOffset + i]) for i < n over `getNumThreads()` threads.
 * @example binaryParallel('reluGrad', { data: g, offset: 0 }, { data: x, offset: 0 }, out, out.length);
 */
export function binaryParallel(op: BinaryOp, a: FlatOperand, b: FlatOperand, out: TypedArray, n: number, simd = false): void {
  const tasks: KernelTask[] = elementRanges(n).map(([start, end]) => ({
    kind: 'binaryRange', op, simd, a: a.data, aOffset: a.offset, b: b.data, bOffset: b.offset, out, start, end,
  }));
  runTasks(tasks);
}
