/**
 * Synchronous, import-free access to Node built-ins for the thread pool.
 *
 * `src/tensor` must load in a browser and bundle with no import specifiers (docs/engine.md rule 14), so
 * the pool reaches `worker_threads`, `os` and `module` through `process.getBuiltinModule` (Node
 * ≥ 20.16) instead of `import`. Everywhere else these return undefined and the engine stays on one
 * thread.
 */
import type * as WorkerThreads from 'node:worker_threads';
import type * as Os from 'node:os';
import type * as NodeModule from 'node:module';
import type * as Url from 'node:url';

interface ProcessLike {
  env?: Record<string, string | undefined>;
  execArgv?: string[];
  getBuiltinModule?: (id: string) => unknown;
  on?: (event: 'exit', listener: () => void) => unknown;
}

/** The Node `process` object, or undefined outside Node. */
export function nodeProcess(): ProcessLike | undefined {
  return (globalThis as { process?: ProcessLike }).process;
}

function builtin<T>(id: string): T | undefined {
  const proc = nodeProcess();
  if (typeof proc?.getBuiltinModule !== 'function') return undefined;
  try {
    return proc.getBuiltinModule(id) as T | undefined;
  } catch {
    return undefined;
  }
}

/** `node:worker_threads`, or undefined. */
export function workerThreadsModule(): typeof WorkerThreads | undefined {
  return builtin<typeof WorkerThreads>('node:worker_threads');
}

/** `node:os`, or undefined. */
export function osModule(): typeof Os | undefined {
  return builtin<typeof Os>('node:os');
}

/** `node:module`, or undefined. */
export function moduleModule(): typeof NodeModule | undefined {
  return builtin<typeof NodeModule>('node:module');
}

/** `node:url`, or undefined. */
export function urlModule(): typeof Url | undefined {
  return builtin<typeof Url>('node:url');
}

/**
 * The source a worker evaluates (with `eval: true`) to load the module at `moduleUrl`, whose top level
 * then starts serving. From .ts sources it first registers tsx's loader in the worker (Node 20
 * workers do not inherit loader hooks, and `--import tsx` in a worker's execArgv does not apply to its
 * entry); a bundle is imported as it is. Throws when a .ts module cannot find tsx.
 *
 * @example
 * new Worker(workerEntrySource(import.meta.url), { eval: true, workerData });
 */
export function workerEntrySource(moduleUrl: string): string {
  if (!moduleUrl.endsWith('.ts')) return `import(${JSON.stringify(moduleUrl)});`;
  // require.resolve picks the CommonJS build of tsx's API; its ESM twin sits beside it.
  const api = moduleModule()?.createRequire(moduleUrl).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs');
  const apiUrl = api === undefined ? undefined : urlModule()?.pathToFileURL(api).href;
  if (apiUrl === undefined) throw new Error('worker threads: cannot resolve tsx/esm/api to load .ts workers');
  return `import(${JSON.stringify(apiUrl)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(moduleUrl)}); });`;
}

/** workerData key that marks a kernel worker thread. */
export const KERNEL_WORKER_FLAG = 'pqkdKernelWorker';

/**
 * True inside a kernel worker thread. A bundled application whose entry point runs code at top
 * level (e.g. a CLI `main()`) must skip it when this is true: workers load the same bundle.
 *
 * @example
 * if (!isKernelWorkerThread()) await main(process.argv);
 */
export function isKernelWorkerThread(): boolean {
  return workerFlagSet(KERNEL_WORKER_FLAG);
}

/** True in a worker thread whose workerData has `flag` set to true. */
function workerFlagSet(flag: string): boolean {
  const wt = workerThreadsModule();
  if (wt === undefined || wt.isMainThread) return false;
  return (wt.workerData as Record<string, unknown> | null | undefined)?.[flag] === true;
}

/** workerData key that marks a data-parallel replica worker (src/nn/replica-worker.ts). */
export const REPLICA_WORKER_FLAG = 'pqkdReplicaWorker';

/**
 * True inside any worker the engine starts: a kernel worker or a data-parallel replica worker. Both
 * load the application's modules again (a bundle, or a replica recipe's module), so an entry point
 * that runs code at top level must skip it when this is true.
 *
 * @example
 * if (!isEngineWorkerThread()) await main(process.argv);
 */
export function isEngineWorkerThread(): boolean {
  return workerFlagSet(KERNEL_WORKER_FLAG) || workerFlagSet(REPLICA_WORKER_FLAG);
}
