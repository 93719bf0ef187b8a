/**
 * Storage: a typed array plus a version counter. Several tensors (views) may share one storage.
 * The version counts in-place writes; autograd records it when it saves a tensor for backward and
 * refuses to run backward if it changed (see src/autograd).
 *
 * `allocate` is the one place where tensor memory is created, so that a later change of allocator
 * (pooling, SharedArrayBuffer for the worker pool) touches a single function.
 */
import type { DType, DTypeToArray, TypedArray } from './dtype.js';
import { getNumThreads, threadsSupported } from './parallel/threads.js';

export class Storage {
  /** Incremented by every in-place write (`assign`, optimiser updates). */
  version = 0;
  constructor(readonly data: TypedArray) {}

  bumpVersion(): void {
    this.version++;
  }
}

/**
 * Float and int32 arrays of at least this many elements live on a SharedArrayBuffer when the kernels
 * use more than one thread, so workers read and write them (and pooling indices) without copies.
 */
export const SHARED_STORAGE_MIN_ELEMENTS = 4096;

function floatBuffer(n: number, bytes: number): ArrayBuffer | SharedArrayBuffer {
  return n >= SHARED_STORAGE_MIN_ELEMENTS && getNumThreads() > 1 && threadsSupported()
    ? new SharedArrayBuffer(n * bytes)
    : new ArrayBuffer(n * bytes);
}

/** A zero-filled typed array of `n` elements of `dtype`. */
export function allocate<D extends DType>(dtype: D, n: number): DTypeToArray[D] {
  switch (dtype) {
    case 'float32':
      return new Float32Array(floatBuffer(n, 4)) as DTypeToArray[D];
    case 'float64':
      return new Float64Array(floatBuffer(n, 8)) as DTypeToArray[D];
    case 'int32':
      return new Int32Array(floatBuffer(n, 4)) as DTypeToArray[D];
    case 'bool':
      return new Uint8Array(n) as DTypeToArray[D];
    default:
      throw new TypeError(`allocate: unknown dtype ${String(dtype)}`);
  }
}
