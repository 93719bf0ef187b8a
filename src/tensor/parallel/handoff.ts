/**
 * The hand-off between the calling thread and a kernel worker (pool.ts): the control block's layout
 * and the short busy-waits that replace sleeping.
 *
 * The worker does not run its event loop: it sleeps in Atomics.wait on ctrl[POSTED], a counter the
 * caller bumps (and notifies) after each postMessage, and takes the message off its port with
 * receiveMessageOnPort. Waking a sleeping thread still costs about 0.1 ms on the two-core virtual
 * machines this project runs on, as much as half a small kernel, and one training step of the
 * reference CNN hands work over about 20 times. So after a task the worker spins up to WORKER_SPIN_MS
 * on ctrl[POSTED] before it sleeps, and the caller spins up to CALLER_SPIN_MS on ctrl[DONE] before it
 * sleeps in Atomics.wait. Neither spins when the pool has more threads than the machine has cores (a
 * spinning thread would take a core from a thread that has work). Spinning changes when a thread
 * looks, never what it computes.
 * Measured (reference CNN SGD step b64, 2 threads, Intel Xeon, quiet; medians of 3 runs of 50 steps):
 * event-loop worker 32.9 ms; futex worker 32.3 ms; + caller spin 0.3 ms 31.1 ms; + both spins 0.5 ms
 * 29.8 ms (2 ms: 29.6 ms); 1 thread 49.1 ms. Beside two `nice -n 19` busy loops: 34.1, 34.0, 34.9 and
 * 32.5 ms. (Beside a mutation-testing run, whose many processes sleep and wake all the time, every
 * 2-thread variant was slower than 1 thread, and the spinning ones more so: use 1 thread there.)
 */
import { coreCount } from './threads.js';

/** ctrl[READY] = 1 once the worker is listening. */
export const READY = 0;
/** ctrl[DONE]: sequence number of the last finished task (the caller waits on it). */
export const DONE = 1;
/** ctrl[FAILED] = 1 when the last task threw (the error text is then on the message port). */
export const FAILED = 2;
/** ctrl[EXITED] = 1 once the worker is gone. */
export const EXITED = 3;
/** ctrl[POSTED]: messages posted so far (the worker sleeps or spins on it). */
export const POSTED = 4;
/** Int32 entries of a control block. */
export const CTRL_LENGTH = 5;

/** How long a worker stays awake for its next task, in milliseconds. */
export const WORKER_SPIN_MS = 0.5;
/** How long the caller spins for a worker's result before it sleeps, in milliseconds. */
export const CALLER_SPIN_MS = 0.5;

/**
 * Whether a pool of `threads` threads (the caller included) may busy-wait: no more threads than cores.
 * @example spinAllowed(2); // true on a machine with at least two cores
 */
export function spinAllowed(threads: number): boolean {
  return threads <= coreCount();
}

/**
 * Busy-waits until `done()` or for `ms` milliseconds (the clock read every 64 polls); returns whether
 * `done()` held. @example spinUntil(() => Atomics.load(ctrl, DONE) === seq, 1)
 */
export function spinUntil(done: () => boolean, ms: number): boolean {
  const deadline = performance.now() + ms;
  for (let i = 1; ; i++) {
    if (done()) return true;
    if ((i & 63) === 0 && performance.now() > deadline) return false;
  }
}
