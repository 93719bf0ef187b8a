/**
 * An opt-in memory trace for finding what holds a run's memory: with `PQKD_MEMORY_TRACE=<file>` the
 * CLI appends one JSON line to <file> every `PQKD_MEMORY_TRACE_MS` milliseconds (default 1000) and at
 * every `memoryMark(label)`: seconds since start, the label of the last mark, and
 * `process.memoryUsage()` in MB (rss, heapTotal, heapUsed, external, arrayBuffers), the storage pool's
 * bytes (pool) and the count of shared-memory collections so far (sharedGcs). rss counts every
 * thread of the process (kernel workers, their heaps and wasm memories); the heap figures are the
 * main thread's only. Off (no timer, no file) when the variable is unset.
 */
import { appendFileSync } from 'node:fs';
import { storagePoolStats } from '../tensor/storage-pool.js';
import { sharedCollections } from '../tensor/parallel/shared-gc.js';

let file: string | null = null;
let label = 'start';
let t0 = 0;

const MB = 1 / (1024 * 1024);

function sample(): void {
  if (file === null) return;
  const m = process.memoryUsage();
  const row = {
    t: Math.round((performance.now() - t0) / 100) / 10,
    at: label,
    rss: Math.round(m.rss * MB),
    heapTotal: Math.round(m.heapTotal * MB),
    heapUsed: Math.round(m.heapUsed * MB),
    external: Math.round(m.external * MB),
    arrayBuffers: Math.round(m.arrayBuffers * MB),
    pool: Math.round(storagePoolStats().pooledBytes * MB),
    sharedGcs: sharedCollections(),
  };
  appendFileSync(file, `${JSON.stringify(row)}\n`);
}

/**
 * Starts the trace when `PQKD_MEMORY_TRACE` names a file (the timer is unref'd).
 * @example
 * startMemoryTrace(process.env); // no-op unless PQKD_MEMORY_TRACE is set
 */
export function startMemoryTrace(env: NodeJS.ProcessEnv): void {
  const target = env.PQKD_MEMORY_TRACE;
  if (target === undefined || target === '' || file !== null) return;
  file = target;
  t0 = performance.now();
  const ms = Number(env.PQKD_MEMORY_TRACE_MS ?? 1000);
  setInterval(sample, Number.isFinite(ms) && ms >= 10 ? ms : 1000).unref();
  sample();
}

/**
 * Labels the following samples and writes one now when the label changes (no-op when the trace is off).
 * @example
 * memoryMark('teacher trained');
 */
export function memoryMark(name: string): void {
  if (file === null || name === label) return;
  label = name;
  sample();
}
