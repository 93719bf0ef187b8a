/**
 * A pool of released tensor storage, keyed by exact (element type, length, shared-or-not): a training
 * step repeats the same shapes, so a released gradient buffer is what the next step asks for.
 * `allocate` (storage.ts) takes from here before creating a new array and zero-fills what it takes.
 * Only arrays `allocate` made come back, "where safe", through `Storage.release` / `releaseAllocated`:
 *  - the autograd engine: gradients it created during a backward pass once nothing pending shares
 *    them, and op scratch (max-pool indices) once backward used it (src/autograd/engine.ts);
 *  - the caller, explicitly: `disposeGraph(root)` (a step's intermediate tensors) and `dispose(t)`;
 *    a released Storage throws on every later read, so a premature release is loud.
 * Bounds: at most MAX_PER_KEY arrays per key (releases beyond are dropped, left to the garbage
 * collector) and MAX_POOLED_BYTES in all. A dropped or evicted SharedArrayBuffer array is reported to
 * parallel/shared-gc.ts, which counts it towards its next collection (V8 does not see that garbage). When a release would pass the byte bound, the arrays of the
 * least recently used keys are evicted first (oldest release first): a workload that changes shapes
 * (a teacher trained, then a student; 1 thread, then 2 threads with shared arrays) would otherwise
 * keep a pool full of arrays nobody asks for and allocate every new array afresh.
 */
import { isSharedArray, type TypedArray } from './dtype.js';
import { noteSharedGarbage } from './parallel/shared-gc.js';

const MAX_PER_KEY = 16;
/** The pool's byte bound (its arrays together never hold more): a width-32 MNIST teacher or student step at
 * batch 128 releases about 113 MB per step, the CIFAR-lite steps more. (160 MiB left npm start's peak RSS
 * where it was, 749 vs 744 MB, so the pool is not what holds it.) */
export const MAX_POOLED_BYTES = 256 * 2 ** 20;
/** Arrays below this many elements are cheap to allocate: not pooled. */
export const POOL_MIN_ELEMENTS = 1024;

const pool = new Map<string, TypedArray[]>();
let pooledBytes = 0;
/** Per key, the tick of its last release or take: eviction goes to the smallest. */
const lastUse = new Map<string, number>();
let tick = 0;
const stats = { released: 0, reused: 0, dropped: 0, evicted: 0 };

function key(kind: string, length: number, shared: boolean): string {
  return `${kind}:${length}:${shared ? 's' : 'p'}`;
}

/** Evicts the oldest arrays of the least recently used keys other than `keep` until `bytes` more fit. */
function makeRoom(bytes: number, keep: string): boolean {
  while (pooledBytes + bytes > MAX_POOLED_BYTES) {
    let victim: string | undefined;
    for (const [k, list] of pool) {
      if (k !== keep && list.length > 0 && (victim === undefined || lastUse.get(k)! < lastUse.get(victim)!)) victim = k;
    }
    if (victim === undefined) return false;
    const evicted = pool.get(victim)!.shift()!;
    pooledBytes -= evicted.byteLength;
    stats.evicted++;
    if (isSharedArray(evicted)) noteSharedGarbage(evicted.byteLength);
  }
  return true;
}

/** Hands an array back for reuse. The caller guarantees nothing references it any more. */
export function releaseStorageArray(a: TypedArray): void {
  if (a.length < POOL_MIN_ELEMENTS || a.byteOffset !== 0 || a.byteLength !== a.buffer.byteLength) return;
  const k = key(a.constructor.name, a.length, isSharedArray(a));
  const list = pool.get(k) ?? [];
  if (list.length >= MAX_PER_KEY || a.byteLength > MAX_POOLED_BYTES || list.includes(a) || !makeRoom(a.byteLength, k)) {
    stats.dropped++;
    if (isSharedArray(a)) noteSharedGarbage(a.byteLength);
    return;
  }
  list.push(a);
  pool.set(k, list);
  lastUse.set(k, ++tick);
  pooledBytes += a.byteLength;
  stats.released++;
}

/** A pooled array of that kind and length, zero-filled unless `zeroed` is false, or null. */
export function takeStorageArray(kind: string, length: number, shared: boolean, zeroed = true): TypedArray | null {
  if (length < POOL_MIN_ELEMENTS) return null;
  const list = pool.get(key(kind, length, shared));
  const a = list?.pop();
  if (!a) return null;
  lastUse.set(key(kind, length, shared), ++tick);
  pooledBytes -= a.byteLength;
  stats.reused++;
  if (zeroed) a.fill(0);
  return a;
}

/** Counters for tests and benchmarks. */
export function storagePoolStats(): { released: number; reused: number; dropped: number; evicted: number; pooledBytes: number } {
  return { ...stats, pooledBytes };
}

/** Empties the pool (tests). */
export function clearStoragePool(): void {
  pool.clear();
  lastUse.clear();
  pooledBytes = 0;
}
