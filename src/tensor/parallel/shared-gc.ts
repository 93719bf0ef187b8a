/**
 * Garbage collection for tensor memory on SharedArrayBuffers.
 *
 * V8 counts an ordinary ArrayBuffer's backing store as external memory and collects garbage when it
 * grows, but not a SharedArrayBuffer's: with threads on, large tensors live on SABs (storage.ts), and
 * tensors nobody disposes — inference activations under `noGrad`, evaluation batches — pile up
 * while the JavaScript heap stays tiny and no collection runs. Every kernel worker also holds its
 * deserialised copy of each array a task sent it until *its* heap is collected, which, with a
 * worker's near-empty heap, is almost never. Measured: evaluating a width-32 MNIST teacher on 5,000
 * images (batches of 500) on 2 threads kept about 800 MB more per pass, growing without bound
 * (`npm start` passed 7 GB).
 *
 * So `allocate` reports every fresh SAB here, and the storage pool every shared array it evicts or
 * drops (garbage as well); once COLLECT_AFTER_BYTES of these have accumulated since the last
 * collection, the calling thread runs a full collection and asks every kernel worker to run one
 * (between tasks; pool.ts). The collector function comes from `--expose-gc` when present, else from
 * turning that V8 flag on at run time (`v8.setFlagsFromString`, then `gc` from a fresh `vm` context);
 * where neither exists (browsers) this does nothing. Collections change no result, only when memory
 * is returned. A steady-state training step that disposes its graph takes its arrays from the storage
 * pool and makes no fresh SAB, so it never triggers one.
 */
import type * as V8 from 'node:v8';
import type * as Vm from 'node:vm';
import { nodeProcess } from './node-builtins.js';

/** Fresh shared bytes between two collections. */
export const COLLECT_AFTER_BYTES = 64 * 2 ** 20;

let freshSharedBytes = 0;
let collector: (() => void) | null | undefined;
const listeners: (() => void)[] = [];
const counters = { collections: 0 };

function builtin<T>(id: string): T | undefined {
  const get = nodeProcess()?.getBuiltinModule;
  if (typeof get !== 'function') return undefined;
  try {
    return get(id) as T | undefined;
  } catch {
    return undefined;
  }
}

/** This thread's full-collection function, or null where there is none. */
export function garbageCollector(): (() => void) | null {
  if (collector !== undefined) return collector;
  const exposed = (globalThis as { gc?: unknown }).gc;
  if (typeof exposed === 'function') return (collector = exposed as () => void);
  const v8 = builtin<typeof V8>('node:v8');
  const vm = builtin<typeof Vm>('node:vm');
  try {
    if (v8 === undefined || vm === undefined) return (collector = null);
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as unknown;
    collector = typeof gc === 'function' ? (gc as () => void) : null;
  } catch {
    collector = null;
  }
  return collector;
}

/** Runs on every collection this module triggers (pool.ts: ask the workers to collect too). */
export function onSharedCollection(listener: () => void): void {
  listeners.push(listener);
}

/** Collects now: this thread, then every listener. */
export function collectSharedGarbage(): void {
  freshSharedBytes = 0;
  const gc = garbageCollector();
  if (gc === null) return;
  counters.collections++;
  gc();
  for (const listener of listeners) listener();
}

/** `allocate` made a fresh SharedArrayBuffer of `bytes`: collects once enough have been made. */
export function noteSharedAllocation(bytes: number): void {
  freshSharedBytes += bytes;
  if (freshSharedBytes >= COLLECT_AFTER_BYTES) collectSharedGarbage();
}

/**
 * A released shared array of `bytes` was not kept by the storage pool (evicted or dropped): it is
 * garbage now, counted like a fresh allocation (V8 would not count it either).
 */
export function noteSharedGarbage(bytes: number): void {
  noteSharedAllocation(bytes);
}

/** Collections run so far (tests, diagnostics). */
export function sharedCollections(): number {
  return counters.collections;
}
