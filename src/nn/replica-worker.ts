/**
 * The worker side of data-parallel training (data-parallel.ts): a thread that builds its own replica
 * of the model from the recipe, adopts the main model's parameters and buffers (the same
 * SharedArrayBuffers, so an optimiser step on the main thread updates it too), and then runs the
 * shards it is sent, one step at a time.
 *
 * Protocol: the boot result (ready, or the error text) goes to the parent port as an ordinary
 * message; steps use a control block like the kernel pool's (tensor/parallel/handoff.ts): the worker
 * sleeps in Atomics.wait on ctrl[POSTED], takes the step off its port with receiveMessageOnPort, runs
 * its shards, posts the reply (each shard's loss and gradient arrays) and then stores the step's
 * number in ctrl[DONE] (ctrl[FAILED] = 1 and the error text as the reply if it threw).
 * Inputs and gradient arrays are ordinary arrays *transferred* with the messages (no copy either way,
 * and kernels read and write them at full speed, unlike SharedArrayBuffers): the main thread sends a
 * shard's gradient arrays with the step and gets them back with the reply.
 * After a step the worker spins for the next one for up to REPLICA_SPIN_MS (the main thread's gradient
 * sum and optimiser step) before it sleeps, when the step says spinning is allowed (no more threads
 * than cores), so that the next step starts on both threads at once.
 */
import type { MessagePort } from 'node:worker_threads';
import { fromTypedArray } from '../tensor/create.js';
import type { TypedArray } from '../tensor/dtype.js';
import { DONE, EXITED, FAILED, POSTED, READY, spinUntil } from '../tensor/parallel/handoff.js';
import { REPLICA_WORKER_FLAG, nodeProcess, workerThreadsModule } from '../tensor/parallel/node-builtins.js';
import { setNumThreads } from '../tensor/parallel/threads.js';
import { shapeToString } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { setRelaxedSimd } from '../tensor/wasm/relaxed-simd.js';
import { setKernelsMode, type KernelsMode } from '../tensor/wasm/support.js';
import type { Module } from './module.js';
import { gradientsInto, loadTask, runShard, type ReplicaRecipe, type ReplicaTask } from './shard-step.js';

/** One tensor of the replica's state as the main model has it: name, shape, dtype. */
export type ManifestEntry = [name: string, shape: number[], dtype: string];

/** What the main thread hands a replica worker at start (workerData). */
export interface ReplicaWorkerData {
  /** Marks the thread as a replica worker. */
  [REPLICA_WORKER_FLAG]: true;
  recipe: ReplicaRecipe;
  port: MessagePort;
  ctrl: Int32Array;
  modules: string[];
  parameters: ManifestEntry[];
  buffers: ManifestEntry[];
  /** The main model's parameter and buffer arrays, in manifest order (all on SharedArrayBuffers). */
  parameterArrays: TypedArray[];
  bufferArrays: TypedArray[];
}

/** A tensor as it travels: its elements (a transferred array) and its shape. */
export interface ShippedTensor {
  array: TypedArray;
  shape: number[];
}

/** One step for one worker: the shards it runs, in order. */
export interface ReplicaStep {
  seq: number;
  kernels: KernelsMode;
  relaxed: boolean;
  training: boolean[];
  /** `requiresGrad` of each parameter of the main model, in `parameters()` order (frozen ones get no gradient). */
  requiresGrad: boolean[];
  /** Whether the worker may spin for the next step afterwards (threads ≤ cores). */
  spin: boolean;
  /** Shard k, its seed n_k/N, its rows of each input, and one array per parameter for its gradient. */
  shards: { k: number; scale: number; inputs: ShippedTensor[]; grads: TypedArray[] }[];
  broadcast: ShippedTensor[];
}

/** What comes back for each shard: its loss and its gradient arrays. */
export interface ShardResult {
  k: number;
  loss: number;
  grads: TypedArray[];
}

const OP = 'DataParallel (replica worker)';

/** How long a replica worker spins for the next step before it sleeps, in milliseconds. */
export const REPLICA_SPIN_MS = 2;

function manifestOf(entries: [string, Tensor][]): ManifestEntry[] {
  return entries.map(([name, t]) => [name, [...t.shape], t.dtype]);
}

/**
 * Checks that the replica has the main model's structure, entry by entry, and makes its parameters
 * and buffers use the main model's arrays. Throws naming the first difference.
 */
export function adoptState(model: Module, data: Pick<ReplicaWorkerData, 'modules' | 'parameters' | 'buffers' | 'parameterArrays' | 'bufferArrays'>): void {
  const modules = model.namedModules().map(([name]) => name);
  if (modules.join('\n') !== data.modules.join('\n')) {
    throw new Error(`${OP}: the replica's modules [${modules.join(', ')}] differ from the main model's [${data.modules.join(', ')}]; the recipe must build the same model on every thread`);
  }
  const pairs: [string, [string, Tensor][], ManifestEntry[], TypedArray[]][] = [
    ['parameter', model.namedParameters(), data.parameters, data.parameterArrays],
    ['buffer', model.namedBuffers(), data.buffers, data.bufferArrays],
  ];
  for (const [kind, entries, expected, arrays] of pairs) {
    const got = manifestOf(entries);
    for (let i = 0; i < Math.max(got.length, expected.length); i++) {
      const [gn, gs, gd] = got[i] ?? ['(none)', [], ''];
      const [en, es, ed] = expected[i] ?? ['(none)', [], ''];
      if (gn !== en || gd !== ed || shapeToString(gs) !== shapeToString(es)) {
        throw new Error(`${OP}: ${kind} ${i} of the replica is '${gn}' ${gd} ${shapeToString(gs)}, of the main model '${en}' ${ed} ${shapeToString(es)}; the recipe must build the same model on every thread`);
      }
    }
    entries.forEach(([, t], i) => t.storage.replaceArray(arrays[i]!));
  }
}

function tensorsOf(shipped: ShippedTensor[]): Tensor[] {
  return shipped.map((s) => fromTypedArray(s.array, s.shape));
}

/** Runs one step's shards on the replica and returns their results (also used by tests without a thread). */
export function runReplicaStep(task: ReplicaTask, step: ReplicaStep): ShardResult[] {
  setKernelsMode(step.kernels);
  setRelaxedSimd(step.relaxed);
  task.model.namedModules().forEach(([, m], i) => { m.training = step.training[i] ?? m.training; });
  const params = task.model.parameters();
  // Frozen as on the main thread (which adds no gradient for a frozen parameter anyway): no work for it here.
  params.forEach((p, i) => { p.requiresGrad = step.requiresGrad[i] ?? p.requiresGrad; });
  const broadcast = tensorsOf(step.broadcast);
  return step.shards.map((shard) => {
    const restore = gradientsInto(params, shard.grads);
    try {
      return { k: shard.k, loss: runShard(task, tensorsOf(shard.inputs), broadcast, shard.scale, OP), grads: shard.grads };
    } finally {
      restore();
    }
  });
}

async function boot(data: ReplicaWorkerData): Promise<ReplicaTask> {
  const task = await loadTask(data.recipe, OP);
  adoptState(task.model, data);
  return task;
}

function serve(task: ReplicaTask, data: ReplicaWorkerData): void {
  const wt = workerThreadsModule()!;
  const { port, ctrl } = data;
  let spin = false;
  for (let seen = 0; ;) {
    if (Atomics.load(ctrl, POSTED) === seen) {
      if (!(spin && spinUntil(() => Atomics.load(ctrl, POSTED) !== seen, REPLICA_SPIN_MS))) Atomics.wait(ctrl, POSTED, seen);
      spin = false;
      continue;
    }
    const next = wt.receiveMessageOnPort(port);
    if (next === undefined) {
      Atomics.wait(ctrl, POSTED, Atomics.load(ctrl, POSTED), 1); // counted but not yet readable
      continue;
    }
    seen++;
    const step = next.message as ReplicaStep;
    try {
      const results = runReplicaStep(task, step);
      port.postMessage({ results }, results.flatMap((r) => r.grads.map((g) => g.buffer as ArrayBuffer)));
    } catch (err) {
      port.postMessage({ error: err instanceof Error ? err.message : String(err) });
      Atomics.store(ctrl, FAILED, 1);
    }
    spin = step.spin;
    Atomics.store(ctrl, DONE, step.seq);
    Atomics.notify(ctrl, DONE);
  }
}

/**
 * In a replica worker (workerData carries REPLICA_WORKER_FLAG): builds the replica and serves steps.
 * Elsewhere it does nothing. data-parallel.ts calls it at its top level: workers load that module.
 */
export function startIfReplicaWorker(): void {
  const wt = workerThreadsModule();
  if (wt === undefined || wt.isMainThread) return;
  const data = wt.workerData as ReplicaWorkerData | null;
  if (data?.[REPLICA_WORKER_FLAG] !== true) return;
  setNumThreads(1);
  nodeProcess()?.on?.('exit', () => {
    Atomics.store(data.ctrl, EXITED, 1);
    Atomics.notify(data.ctrl, DONE);
  });
  boot(data).then((task) => {
    Atomics.store(data.ctrl, READY, 1);
    wt.parentPort?.postMessage({ ready: true });
    setImmediate(() => serve(task, data));
  }, (err: unknown) => {
    wt.parentPort?.postMessage({ bootError: err instanceof Error ? err.message : String(err) });
  });
}
