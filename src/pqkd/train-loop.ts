/**
 * Interruptible training loops. A trainer writes its epoch as a generator that yields after every
 * unit of work (one Adam step, one SPSA update); `runToEnd` drives it synchronously (tests, benches),
 * `runInterruptibly` drives it asynchronously: after every unit it hands the event loop one
 * macrotask, so that signal handlers, timers and queue heartbeats run, then checks the AbortSignal.
 * An aborted epoch stops at a step boundary and throws the signal's reason (or a TrainingAbortedError);
 * the trainer's state is then that of the epoch's start plus some steps, so callers discard it and
 * resume from the last epoch checkpoint (which re-runs the epoch bit for bit).
 *
 * No Node built-ins: the macrotask is setImmediate where it exists (Node), else a MessageChannel
 * message (browsers), else setTimeout(0).
 */

/** Options of the asynchronous epoch drivers (`runEpochAsync`). */
export interface TrainLoopOptions {
  /** Checked after every step; once aborted the epoch throws `signal.reason` at the next step boundary. */
  signal?: AbortSignal;
  /** Clock for the reported timings (default Date.now). */
  now?: () => number;
}

/** An epoch written as a generator: yields after every step, returns the epoch's result. */
export type EpochSteps<T> = Generator<void, T, void>;

/** What an aborted epoch throws when the signal carries no Error as its reason. */
export class TrainingAbortedError extends Error {
  constructor(readonly reason?: unknown) {
    super(`training aborted${reason === undefined ? '' : `: ${String(reason)}`}`);
    this.name = 'TrainingAbortedError';
  }
}

/** Throws the abort reason when `signal` is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (!signal?.aborted) return;
  const reason: unknown = signal.reason;
  throw reason instanceof Error ? reason : new TrainingAbortedError(reason);
}

type MacrotaskScheduler = (callback: () => void) => void;

function pickScheduler(): MacrotaskScheduler {
  const g = globalThis as { setImmediate?: (cb: () => void) => unknown };
  if (typeof g.setImmediate === 'function') {
    const setImmediateFn = g.setImmediate;
    return (cb) => {
      setImmediateFn(cb);
    };
  }
  if (typeof MessageChannel === 'function') {
    const channel = new MessageChannel();
    const queue: (() => void)[] = [];
    (channel.port1 as unknown as { onmessage: () => void }).onmessage = () => queue.shift()?.();
    return (cb) => {
      queue.push(cb);
      channel.port2.postMessage(null);
    };
  }
  return (cb) => {
    setTimeout(cb, 0);
  };
}

let scheduler: MacrotaskScheduler | null = null;

/** Resolves after one macrotask: pending I/O callbacks and signal handlers run before it does. */
export function yieldToEventLoop(): Promise<void> {
  scheduler ??= pickScheduler();
  const schedule = scheduler;
  return new Promise((resolve) => schedule(resolve));
}

/** Runs an epoch generator to its end without yielding to the event loop. */
export function runToEnd<T>(steps: EpochSteps<T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** Runs an epoch generator, yielding to the event loop and checking `signal` after every step. */
export async function runInterruptibly<T>(steps: EpochSteps<T>, signal?: AbortSignal): Promise<T> {
  throwIfAborted(signal);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    await yieldToEventLoop();
    if (signal?.aborted) {
      steps.return(undefined as T);
      throwIfAborted(signal);
    }
  }
}
