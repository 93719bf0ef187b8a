/**
 * Making operands visible to worker threads: an array on a SharedArrayBuffer is used as is; any
 * other array has the addressed range [start, end) copied into shared scratch (and copied back for
 * outputs). Cost: O(end − start) per copied operand, nothing for shared ones.
 */
import { isSharedArray, type FloatArray } from '../dtype.js';
import { acquireScratch, releaseScratch } from '../kernels/scratch.js';

/** An operand as the workers see it: element i of the original is `array[i − shift]`. */
export interface SharedOperand {
  array: FloatArray;
  shift: number;
  /** Copies the shared copy back into the original range (no-op when no copy was made). */
  copyBack(): void;
  /** Returns the copy to the scratch pool (no-op when no copy was made). */
  release(): void;
}

export { isSharedArray };

/**
 * Shares elements [start, end) of `a` with workers, copying only if `a` is not already shared.
 *
 * @example
 * const s = shareRange(c, 0, c.length); try { ... } finally { s.copyBack(); s.release(); }
 */
export function shareRange(a: FloatArray, start: number, end: number): SharedOperand {
  if (isSharedArray(a)) return { array: a, shift: 0, copyBack: () => {}, release: () => {} };
  const length = Math.max(0, end - start);
  const copy = acquireScratch(a instanceof Float64Array ? 'float64' : 'float32', length, true);
  copy.set(a.subarray(start, end));
  let released = false;
  return {
    array: copy,
    shift: start,
    copyBack: () => { a.set(copy.subarray(0, length), start); },
    release: () => { if (!released) { released = true; releaseScratch(copy); } },
  };
}

/**
 * A new zeroed typed array on a SharedArrayBuffer (for tensor storage that threads read without copies).
 *
 * @example
 * const storage = createSharedArray('float32', 1024);
 */
export function createSharedArray(dtype: 'float32', length: number): Float32Array;
export function createSharedArray(dtype: 'float64', length: number): Float64Array;
export function createSharedArray(dtype: 'float32' | 'float64', length: number): FloatArray {
  const bytes = length * (dtype === 'float64' ? 8 : 4);
  return dtype === 'float64' ? new Float64Array(new SharedArrayBuffer(bytes)) : new Float32Array(new SharedArrayBuffer(bytes));
}
