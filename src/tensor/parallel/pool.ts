/**
 * A persistent pool of worker threads for the numeric kernels.
 *
 * Protocol (one control block per worker, Int32Array on a SharedArrayBuffer):
 *   ctrl[READY]  = 1 once the worker is listening; ctrl[EXITED] = 1 once it is gone;
 *   ctrl[DONE]   = sequence number of the last finished task (the caller waits on it with
 *                  Atomics.wait, so a kernel call stays synchronous);
 *   ctrl[FAILED] = 1 when the last task threw (the error text is then on the message port);
 *   ctrl[POSTED] = messages posted so far (the worker sleeps in Atomics.wait on it, see handoff.ts).
 * Tasks travel by postMessage; their typed arrays live on SharedArrayBuffers, so nothing is copied.
 * A worker takes messages off its port itself (receiveMessageOnPort), not through its event loop; it
 * busy-waits briefly for the next one after a task, and the caller for the worker's result, before
 * either sleeps (handoff.ts says why, when, and what it gains).
 * The calling thread always runs the first task itself; a task whose worker is not ready yet (still
 * booting) also runs on the caller. Results do not depend on which thread runs a task.
 * Workers are unref'd (they never keep the process alive). A worker imports this very module: from
 * .ts sources (vitest, tsx) after registering tsx's loader, from a bundle the bundle itself, whose
 * copy of this module notices `workerData.pqkdKernelWorker` and starts serving (an application entry
 * point that runs code at top level must skip it when `isKernelWorkerThread()`; if it does not and
 * the worker dies, the waiting caller gets an error instead of hanging).
 */
import type { MessagePort, Worker } from 'node:worker_threads';
import { CALLER_SPIN_MS, CTRL_LENGTH, DONE, EXITED, FAILED, POSTED, READY, spinAllowed, spinUntil, WORKER_SPIN_MS } from './handoff.js';
import { KERNEL_WORKER_FLAG, isKernelWorkerThread, nodeProcess, workerEntrySource, workerThreadsModule } from './node-builtins.js';
import { executeTask, type KernelTask } from './tasks.js';
import { relaxedSimdInUse, setRelaxedSimd } from '../wasm/relaxed-simd.js';
import { kernelsMode, setKernelsMode, type KernelsMode } from '../wasm/support.js';
import { getNumThreads, setNumThreads, threadsSupported } from './threads.js';
import { garbageCollector, onSharedCollection } from './shared-gc.js';

export { KERNEL_WORKER_FLAG, isKernelWorkerThread } from './node-builtins.js';

interface Slot {
  worker: Worker;
  port: MessagePort;
  ctrl: Int32Array;
  seq: number;
  bootError: string | null;
  exited: boolean;
}

/** Counters for tests and diagnostics. */
export interface ThreadPoolStats {
  workers: number;
  readyWorkers: number;
  /** Tasks sent to workers. */
  dispatched: number;
  /** Tasks run on the calling thread (its own share plus any whose worker was not ready). */
  ranOnCaller: number;
  bootErrors: string[];
}

const slots: Slot[] = [];
const counters = { dispatched: 0, ranOnCaller: 0 };

function spawnSlot(): Slot {
  const wt = workerThreadsModule();
  if (wt === undefined) throw new Error('thread pool: node:worker_threads is not available');
  const { port1, port2 } = new wt.MessageChannel();
  const ctrl = new Int32Array(new SharedArrayBuffer(CTRL_LENGTH * Int32Array.BYTES_PER_ELEMENT));
  const worker = new wt.Worker(workerEntrySource(import.meta.url), {
    eval: true,
    workerData: { [KERNEL_WORKER_FLAG]: true, port: port2, ctrl },
    transferList: [port2],
  });
  worker.unref();
  const slot: Slot = { worker, port: port1, ctrl, seq: 0, bootError: null, exited: false };
  worker.on('error', (err: unknown) => {
    slot.bootError = err instanceof Error ? (err.stack ?? err.message) : String(err);
  });
  worker.on('exit', () => {
    slot.exited = true;
  });
  return slot;
}

let spawnError: string | null = null;

// When the caller collects shared garbage, the workers collect their copies too (shared-gc.ts).
onSharedCollection(() => {
  for (const slot of slots) if (isReady(slot)) post(slot, { collect: true });
});

/** Spawns workers up to `count`; a failure is recorded (tasks then run on the caller), not thrown. */
function ensureSlots(count: number): void {
  while (slots.length < count && spawnError === null) {
    try {
      slots.push(spawnSlot());
    } catch (err) {
      spawnError = err instanceof Error ? err.message : String(err);
    }
  }
}

/** Posts a message and counts it in ctrl[POSTED], waking the worker if it sleeps there. */
function post(slot: Slot, message: KernelMessage): void {
  slot.port.postMessage(message);
  Atomics.add(slot.ctrl, POSTED, 1);
  Atomics.notify(slot.ctrl, POSTED);
}

function isReady(slot: Slot): boolean {
  return !slot.exited && Atomics.load(slot.ctrl, EXITED) === 0 && Atomics.load(slot.ctrl, READY) === 1;
}

function waitFor(slot: Slot, spin: boolean): void {
  if (spin) {
    spinUntil(() => Atomics.load(slot.ctrl, DONE) === slot.seq || Atomics.load(slot.ctrl, EXITED) === 1, CALLER_SPIN_MS);
  }
  for (;;) {
    const done = Atomics.load(slot.ctrl, DONE);
    if (done === slot.seq) break;
    if (Atomics.load(slot.ctrl, EXITED) === 1) {
      slot.exited = true;
      throw new Error('kernel worker exited before finishing its task (did the application entry point run in the worker? see isKernelWorkerThread)');
    }
    Atomics.wait(slot.ctrl, DONE, done, 1000);
  }
  if (Atomics.load(slot.ctrl, FAILED) === 1) {
    Atomics.store(slot.ctrl, FAILED, 0);
    const reply = workerThreadsModule()?.receiveMessageOnPort(slot.port)?.message as { error?: string } | undefined;
    throw new Error(`kernel worker failed: ${reply?.error ?? 'unknown error'}`);
  }
}

/**
 * Runs the tasks, the first on the calling thread and the others on workers (or on the caller when
 * a worker is not ready), and returns when all are done. Rethrows the first error.
 *
 * @example
 * runTasks([{ kind: 'gemmRows', args, start: 0, end: 32 }, { kind: 'gemmRows', args, start: 32, end: 64 }]);
 */
export function runTasks(tasks: readonly KernelTask[]): void {
  ensureSlots(tasks.length - 1);
  // Workers run the caller's kernel path (SIMD or JS), whatever their own environment says.
  const mode = kernelsMode();
  const relaxed = relaxedSimdInUse(); // and the same multiply-add instructions
  const spin = spinAllowed(slots.length + 1);
  const pending: Slot[] = [];
  const local: KernelTask[] = tasks.length > 0 ? [tasks[0]!] : [];
  for (let i = 1; i < tasks.length; i++) {
    const slot = slots[i - 1];
    if (slot !== undefined && isReady(slot)) {
      slot.seq++;
      post(slot, { seq: slot.seq, task: tasks[i]!, kernels: mode, relaxed, spin });
      pending.push(slot);
      counters.dispatched++;
    } else {
      local.push(tasks[i]!);
    }
  }
  let firstError: unknown = null;
  try {
    for (const task of local) {
      executeTask(task);
      counters.ranOnCaller++;
    }
  } catch (err) {
    firstError = err;
  }
  for (const slot of pending) {
    try {
      waitFor(slot, spin);
    } catch (err) {
      firstError ??= err;
    }
  }
  // eslint-disable-next-line @typescript-eslint/only-throw-error -- re-throws the first task error exactly as it was caught
  if (firstError !== null) throw firstError;
}

/**
 * Starts the workers for the current thread count and resolves when they are all listening (call
 * before timing, or in tests that must exercise the workers). Rejects with the boot error if a
 * worker fails to start; resolves at once where threads are unsupported.
 *
 * @example
 * setNumThreads(2); await warmUpThreads();
 */
export async function warmUpThreads(timeoutMs = 30_000): Promise<void> {
  if (!threadsSupported() || isKernelWorkerThread()) return;
  ensureSlots(getNumThreads() - 1);
  if (spawnError !== null) throw new Error(`warmUpThreads: cannot start kernel workers: ${spawnError}`);
  const start = Date.now();
  for (;;) {
    const active = slots.slice(0, getNumThreads() - 1);
    const failed = active.find((s) => s.bootError !== null || s.exited);
    if (failed !== undefined) throw new Error(`warmUpThreads: a kernel worker failed to start: ${failed.bootError ?? 'exited'}`);
    if (active.every(isReady)) return;
    if (Date.now() - start > timeoutMs) throw new Error(`warmUpThreads: workers not ready after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * Pool counters.
 *
 * @example
 * threadPoolStats().dispatched; // tasks that ran on workers so far
 */
export function threadPoolStats(): ThreadPoolStats {
  return {
    workers: slots.length,
    readyWorkers: slots.filter(isReady).length,
    dispatched: counters.dispatched,
    ranOnCaller: counters.ranOnCaller,
    bootErrors: [...(spawnError === null ? [] : [spawnError]), ...slots.flatMap((s) => (s.bootError === null ? [] : [s.bootError]))],
  };
}

/**
 * Terminates every worker (they restart lazily on the next parallel call).
 *
 * @example
 * await shutdownThreads();
 */
export async function shutdownThreads(): Promise<void> {
  const all = slots.splice(0, slots.length);
  await Promise.all(all.map((s) => s.worker.terminate()));
}

type KernelMessage = { seq: number; task: KernelTask; kernels: KernelsMode; relaxed: boolean; spin: boolean } | { collect: true };
type KernelWorkerData = { port?: MessagePort; ctrl?: Int32Array } | null;

/**
 * In a kernel worker: serve messages from the port until the thread is terminated. The worker does not
 * use its event loop: it sleeps in Atomics.wait on ctrl[POSTED] (a futex, woken by the caller's
 * Atomics.notify, cheaper than an event-loop wake-up), or spins on it for a moment after a task, and
 * takes each message off the port with receiveMessageOnPort.
 */
function serveIfKernelWorker(): void {
  if (!isKernelWorkerThread()) return;
  const wt = workerThreadsModule()!;
  const data = wt.workerData as KernelWorkerData;
  if (data?.port === undefined || data.ctrl === undefined) return;
  const { port, ctrl } = data;
  setNumThreads(1);
  let spin = false;
  const serve = (msg: KernelMessage): void => {
    if ('collect' in msg) {
      garbageCollector()?.(); // drops this worker's copies of dead shared arrays (shared-gc.ts)
      return;
    }
    try {
      setKernelsMode(msg.kernels);
      setRelaxedSimd(msg.relaxed);
      executeTask(msg.task);
    } catch (err) {
      port.postMessage({ seq: msg.seq, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
      Atomics.store(ctrl, FAILED, 1);
    }
    spin = msg.spin;
    Atomics.store(ctrl, DONE, msg.seq);
    Atomics.notify(ctrl, DONE);
  };
  const loop = (): void => {
    for (let seen = 0; ;) {
      if (Atomics.load(ctrl, POSTED) === seen) {
        if (!(spin && spinUntil(() => Atomics.load(ctrl, POSTED) !== seen, WORKER_SPIN_MS))) Atomics.wait(ctrl, POSTED, seen);
        continue;
      }
      const next = wt.receiveMessageOnPort(port);
      if (next === undefined) {
        Atomics.wait(ctrl, POSTED, Atomics.load(ctrl, POSTED), 1); // counted but not yet readable: look again shortly
        continue;
      }
      seen++;
      serve(next.message as KernelMessage);
    }
  };
  // Tell a waiting caller when this thread dies (uncaught error, process.exit in the worker).
  nodeProcess()?.on?.('exit', () => {
    Atomics.store(ctrl, EXITED, 1);
    Atomics.notify(ctrl, DONE);
  });
  Atomics.store(ctrl, READY, 1);
  setImmediate(loop); // after this module (and the bundle importing it) has finished evaluating
}

serveIfKernelWorker();
