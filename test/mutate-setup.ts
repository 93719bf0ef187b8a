// Vitest setup file of `npm run mutate` only (vitest.mutate.config.ts). Stryker's vitest runner forces
// `pool: 'threads'`, so the tests run in a worker thread, where the engine's defaultNumThreads() is 1 by
// design (it reads PQKD_THREADS only on a main thread). Under `npm test` (pool 'forks') tests run on a
// main thread; this shim restores that view for the engine alone: process.getBuiltinModule
// ('node:worker_threads'), which only src/tensor/parallel uses, reports isMainThread = true.
// Kernel workers spawned from here are unaffected (they recognize themselves by their workerData).
type GetBuiltin = (id: string) => object | undefined;
const proc = process as unknown as { getBuiltinModule: GetBuiltin };
const original: GetBuiltin = proc.getBuiltinModule.bind(process);
proc.getBuiltinModule = (id: string): object | undefined => {
  const module = original(id);
  if (module !== undefined && (id === 'node:worker_threads' || id === 'worker_threads')) return { ...module, isMainThread: true };
  return module;
};
