/**
 * Scratch pool: reusable typed arrays for kernel temporaries (GEMM packing panels, im2col patch
 * buffers, float64 accumulators).
 *
 * Buckets: one free list per (dtype, b) holding arrays of exactly 2^b elements. `acquireScratch(d, n)`
 * returns an array from bucket ⌈log2 n⌉ (or allocates one), so the result may be LONGER than asked:
 * callers use `subarray(0, n)` or index below n. `releaseScratch(buf)` returns it. After a warm-up
 * call, a kernel that acquires and releases the same sizes allocates nothing new (tests check
 * `scratchStats().allocations`).
 *
 * Contents of an acquired array are unspecified (whatever the previous user left): kernels must
 * overwrite before reading. Memory: at most the peak simultaneous demand, rounded up to powers of two
 * (< 2× the peak), is retained; `clearScratch()` drops everything.
 *
 * Shared memory: `acquireScratch(dtype, n, true)` returns an array on a SharedArrayBuffer (the
 * worker pool copies ordinary operands into such arrays). Shared and unshared arrays live in
 * separate buckets.
 */
import { isSharedArray } from '../dtype.js';

export type ScratchDType = 'float32' | 'float64';
export type ScratchArray = Float32Array | Float64Array;

/** Counters for tests and diagnostics. */
export interface ScratchStats {
  /** New typed arrays allocated by the pool since the last reset. */
  allocations: number;
  /** Acquisitions served from a free list. */
  hits: number;
  /** Arrays returned with `releaseScratch`. */
  releases: number;
  /** Elements currently held in free lists (all buckets). */
  pooledElements: number;
}

const MAX_BUCKET = 31;
const freeLists = new Map<string, ScratchArray[]>();
const stats: ScratchStats = { allocations: 0, hits: 0, releases: 0, pooledElements: 0 };

function bucketOf(length: number): number {
  let b = 0;
  while (2 ** b < length) b++;
  return b;
}

function keyOf(dtype: ScratchDType, shared: boolean, bucket: number): string {
  return `${dtype}:${shared ? 's' : 'p'}:${bucket}`;
}

/**
 * Takes a scratch array of at least `length` elements (exactly a power of two), on a
 * SharedArrayBuffer when `shared` is true.
 *
 * @example
 * const buf = acquireScratch('float64', 1000); // buf.length === 1024
 * try { buf.fill(0, 0, 1000); } finally { releaseScratch(buf); }
 */
export function acquireScratch(dtype: 'float32', length: number, shared?: boolean): Float32Array;
export function acquireScratch(dtype: 'float64', length: number, shared?: boolean): Float64Array;
export function acquireScratch(dtype: ScratchDType, length: number, shared?: boolean): ScratchArray;
export function acquireScratch(dtype: ScratchDType, length: number, shared = false): ScratchArray {
  if (dtype !== 'float32' && dtype !== 'float64') {
    throw new TypeError(`acquireScratch: dtype must be 'float32' or 'float64', got ${JSON.stringify(dtype)}`);
  }
  if (!Number.isSafeInteger(length) || length < 0) {
    throw new RangeError(`acquireScratch: length must be a non-negative integer, got ${String(length)}`);
  }
  const bucket = bucketOf(Math.max(1, length));
  if (bucket > MAX_BUCKET) throw new RangeError(`acquireScratch: length ${length} exceeds 2^${MAX_BUCKET}`);
  if (shared && typeof SharedArrayBuffer === 'undefined') {
    throw new Error('acquireScratch: shared scratch requested but SharedArrayBuffer is not available');
  }
  const list = freeLists.get(keyOf(dtype, shared, bucket));
  const reused = list?.pop();
  if (reused !== undefined) {
    stats.hits++;
    stats.pooledElements -= reused.length;
    return reused;
  }
  stats.allocations++;
  const size = 2 ** bucket;
  const bytes = size * (dtype === 'float64' ? 8 : 4);
  const buffer = shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
  return dtype === 'float64' ? new Float64Array(buffer) : new Float32Array(buffer);
}

/**
 * Returns an array obtained from `acquireScratch` to the pool. Releasing a subarray or an array the
 * pool did not hand out is an error (its length is not a power of two or its buffer is a view).
 *
 * @example
 * const buf = acquireScratch('float32', 64);
 * releaseScratch(buf);
 */
export function releaseScratch(buf: ScratchArray): void {
  const dtype: ScratchDType | null =
    buf instanceof Float64Array ? 'float64' : buf instanceof Float32Array ? 'float32' : null;
  if (dtype === null) throw new TypeError('releaseScratch: expected a Float32Array or Float64Array');
  const bucket = bucketOf(buf.length);
  if (2 ** bucket !== buf.length || buf.byteOffset !== 0 || buf.byteLength !== buf.buffer.byteLength) {
    throw new RangeError(
      `releaseScratch: array of length ${buf.length} (byteOffset ${buf.byteOffset}) was not acquired from the pool`,
    );
  }
  const key = keyOf(dtype, isSharedArray(buf), bucket);
  let list = freeLists.get(key);
  if (list === undefined) {
    list = [];
    freeLists.set(key, list);
  }
  if (list.includes(buf)) throw new Error('releaseScratch: array released twice');
  list.push(buf);
  stats.releases++;
  stats.pooledElements += buf.length;
}

/**
 * A snapshot of the pool counters.
 *
 * @example
 * const before = scratchStats().allocations;
 */
export function scratchStats(): ScratchStats {
  return { ...stats };
}

/**
 * Zeroes the counters (the pooled arrays stay).
 *
 * @example
 * resetScratchStats();
 */
export function resetScratchStats(): void {
  stats.allocations = 0;
  stats.hits = 0;
  stats.releases = 0;
}

/**
 * Drops every pooled array (memory goes back to the garbage collector).
 *
 * @example
 * clearScratch();
 */
export function clearScratch(): void {
  freeLists.clear();
  stats.pooledElements = 0;
}
