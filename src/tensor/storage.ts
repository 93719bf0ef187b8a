/**
 * Storage: a typed array plus a version counter. Several tensors (views) may share one storage.
 * The version counts in-place writes; autograd records it when it saves a tensor for backward and
 * refuses to run backward if it changed (see src/autograd).
 *
 * `allocate` is the one place where tensor memory is created: it takes released buffers from the
 * storage pool (storage-pool.ts) and puts large arrays on SharedArrayBuffers when threads are on.
 */
import type { DType, DTypeToArray, TypedArray } from './dtype.js';
import { noteSharedAllocation } from './parallel/shared-gc.js';
import { getNumThreads, threadsSupported } from './parallel/threads.js';
import { POOL_MIN_ELEMENTS, releaseStorageArray, takeStorageArray } from './storage-pool.js';

let storageCount = 0;

/** The id the next Storage will get minus one (storages created later have larger ids). */
export function lastStorageId(): number {
  return storageCount;
}

export class Storage {
  /** Incremented by every in-place write (`assign`, optimiser updates). */
  version = 0;
  readonly #id = ++storageCount;
  #data: TypedArray;
  #released = false;

  constructor(data: TypedArray) {
    this.#data = data;
  }

  /** The elements. Throws once the storage was released (`dispose`, `disposeGraph`). */
  get data(): TypedArray {
    if (this.#released) {
      throw new Error('tensor: this tensor\'s storage was released by dispose()/disposeGraph() and its memory reused; clone() a tensor you still need before releasing it');
    }
    return this.#data;
  }

  /** Creation order (the autograd engine recycles only storages created during its backward pass). */
  get id(): number {
    return this.#id;
  }

  bumpVersion(): void {
    this.version++;
  }

  /**
   * Makes this storage use `array` from now on (same kind and length), its elements as they are in
   * `array`; the old array goes back to the pool if it came from it. Data-parallel training uses it
   * to put a model's parameters on SharedArrayBuffers and to let each replica adopt those same arrays
   * (src/nn/data-parallel.ts). Counts as an in-place write. Throws on another kind or length.
   */
  replaceArray(array: TypedArray): void {
    const own = this.data;
    if (array === own) return;
    if (array.constructor !== own.constructor || array.length !== own.length) {
      throw new TypeError(`Storage.replaceArray: expected a ${own.constructor.name} of ${own.length} elements, got ${array.constructor.name} of ${array.length}`);
    }
    this.#data = array;
    releaseAllocated(own);
    this.version++;
  }

  /**
   * Hands the array to the storage pool and makes every later `data` read throw, so a tensor used
   * after its release fails loudly instead of reading memory that another tensor now owns. The
   * caller guarantees that no tensor still needed shares this storage. Idempotent.
   */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    releaseAllocated(this.#data);
  }
}

/**
 * Float and int32 arrays of at least this many elements live on a SharedArrayBuffer when the kernels
 * use more than one thread, so workers read and write them (and pooling indices) without copies.
 */
export const SHARED_STORAGE_MIN_ELEMENTS = 4096;

function wantShared(n: number): boolean {
  return n >= SHARED_STORAGE_MIN_ELEMENTS && getNumThreads() > 1 && threadsSupported();
}

function floatBuffer(n: number, bytes: number): ArrayBuffer | SharedArrayBuffer {
  if (!wantShared(n)) return new ArrayBuffer(n * bytes);
  noteSharedAllocation(n * bytes); // SABs are not external memory to V8: see parallel/shared-gc.ts
  return new SharedArrayBuffer(n * bytes);
}

let freshLargeArrays = 0;

/** How many arrays of at least POOL_MIN_ELEMENTS elements `allocate` had to create (not from the pool). */
export function freshLargeAllocations(): number {
  return freshLargeArrays;
}

const ARRAY_KIND: Record<DType, string> = { float32: 'Float32Array', float64: 'Float64Array', int32: 'Int32Array', bool: 'Uint8Array' };

/**
 * Large arrays made by `allocate`: only these go back to the pool on release (an array a caller
 * wrapped with `fromTypedArray` stays the caller's).
 */
const allocated = new WeakSet<TypedArray>();

/** Options of `allocate`. */
export interface AllocateOptions {
  /**
   * true (default): the array is zero-filled. false: a recycled array keeps its old contents, which
   * saves a pass over memory; only for kernels that then write every element.
   */
  zeroed?: boolean;
}

/** A zero-filled typed array of `n` elements of `dtype` (a released one from the pool when available). */
export function allocate<D extends DType>(dtype: D, n: number, options: AllocateOptions = {}): DTypeToArray[D] {
  const pooled = takeStorageArray(ARRAY_KIND[dtype] ?? '', n, dtype !== 'bool' && wantShared(n), options.zeroed ?? true);
  if (pooled) {
    allocated.add(pooled);
    return pooled as DTypeToArray[D];
  }
  const fresh = freshArray(dtype, n);
  if (n >= POOL_MIN_ELEMENTS) {
    freshLargeArrays++;
    allocated.add(fresh);
  }
  return fresh as DTypeToArray[D];
}

function freshArray(dtype: DType, n: number): TypedArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(floatBuffer(n, 4));
    case 'float64':
      return new Float64Array(floatBuffer(n, 8));
    case 'int32':
      return new Int32Array(floatBuffer(n, 4));
    case 'bool':
      return new Uint8Array(n);
    default:
      throw new TypeError(`allocate: unknown dtype ${String(dtype)}`);
  }
}

/**
 * Returns an array obtained from `allocate` that no storage wraps (e.g. op-internal indices kept for
 * backward) to the pool. The caller guarantees that nothing references it any more.
 */
export function releaseAllocated(a: TypedArray): void {
  if (allocated.delete(a)) releaseStorageArray(a);
}
