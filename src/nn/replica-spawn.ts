/**
 * Starting and talking to one data-parallel replica worker from the main thread (the worker's side
 * is replica-worker.ts): spawn it, wait until its replica is built, post steps, wait for their results.
 */
import type { MessagePort, Worker } from 'node:worker_threads';
import { DONE, EXITED, FAILED, POSTED, spinUntil } from '../tensor/parallel/handoff.js';
import { workerThreadsModule } from '../tensor/parallel/node-builtins.js';
import type { ReplicaStep, ReplicaWorkerData, ShardResult } from './replica-worker.js';

/** A running replica worker. */
export interface ReplicaWorker {
  /** Posts a step (its number is assigned here), transferring the step's arrays; returns that number. */
  post(step: Omit<ReplicaStep, 'seq'>): number;
  /** Waits (spinning up to `spinMs` first) until step `seq` is done; returns its results or throws the worker's error. */
  wait(seq: number, spinMs: number): ShardResult[];
  terminate(): Promise<void>;
}

const OP = 'DataParallel';

/**
 * Spawns a worker evaluating `entry` with `data` (plus a fresh message port) and resolves once it
 * reports its replica built; rejects with the worker's boot error, or after `timeoutMs`.
 */
export async function startReplicaWorker(entry: string, data: Omit<ReplicaWorkerData, 'port'>, timeoutMs: number): Promise<ReplicaWorker> {
  const wt = workerThreadsModule();
  if (wt === undefined) throw new Error(`${OP}: node:worker_threads is not available`);
  const { port1, port2 } = new wt.MessageChannel();
  const worker: Worker = new wt.Worker(entry, { eval: true, workerData: { ...data, port: port2 }, transferList: [port2] });
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`${OP}.create: the replica worker did not build its model within ${timeoutMs} ms`)), timeoutMs);
      worker.on('message', (m: { ready?: boolean; bootError?: string }) => {
        if (m.ready === true) resolve();
        else reject(new Error(`${OP}.create: the replica worker could not build its model: ${m.bootError ?? 'unknown error'}`));
      });
      worker.once('error', (err: unknown) => reject(new Error(`${OP}.create: the replica worker failed: ${err instanceof Error ? err.message : String(err)}`)));
      worker.once('exit', (code: number) => reject(new Error(`${OP}.create: the replica worker exited (code ${code}) before its model was built`)));
    });
  } catch (err) {
    await worker.terminate();
    throw err;
  } finally {
    clearTimeout(timer);
  }
  worker.removeAllListeners('message');
  worker.removeAllListeners('exit');
  worker.on('error', () => {}); // reported to the waiting caller through ctrl[EXITED]
  worker.unref();
  return replicaWorker(worker, port1, data.ctrl);
}

function replicaWorker(worker: Worker, port: MessagePort, ctrl: Int32Array): ReplicaWorker {
  const wt = workerThreadsModule()!;
  let seq = 0;
  return {
    post(step) {
      seq++;
      const transfer = [...step.shards.flatMap((s) => [...s.inputs.map((t) => t.array.buffer), ...s.grads.map((g) => g.buffer)]), ...step.broadcast.map((t) => t.array.buffer)];
      port.postMessage({ ...step, seq }, transfer as ArrayBuffer[]);
      Atomics.add(ctrl, POSTED, 1);
      Atomics.notify(ctrl, POSTED);
      return seq;
    },
    wait(target, spinMs) {
      spinUntil(() => Atomics.load(ctrl, DONE) === target || Atomics.load(ctrl, EXITED) === 1, spinMs);
      for (;;) {
        const done = Atomics.load(ctrl, DONE);
        if (done === target) break;
        if (Atomics.load(ctrl, EXITED) === 1) throw new Error(`${OP}.backward: a replica worker exited during the step`);
        Atomics.wait(ctrl, DONE, done, 1000);
      }
      const reply = wt.receiveMessageOnPort(port)?.message as { results?: ShardResult[]; error?: string } | undefined;
      if (Atomics.load(ctrl, FAILED) === 1 || reply?.results === undefined) {
        Atomics.store(ctrl, FAILED, 0);
        throw new Error(`${OP}.backward: a shard failed in its replica worker: ${reply?.error ?? 'no reply'}`);
      }
      return reply.results;
    },
    terminate: async () => { await worker.terminate(); },
  };
}
