/**
 * Data-parallel training steps: the batch is cut into a fixed number of shards (2 by default), each
 * run forward and backward as a whole model on one thread, and the shards' gradients summed in shard
 * order (shard-step.ts has the arithmetic). Unlike the kernel split (tensor/parallel), whose threads
 * meet at every large kernel, the threads here meet once per step, and the autograd bookkeeping,
 * losses and small ops run in parallel too.
 *
 * Every thread builds its own replica from a recipe (a module export, see `ReplicaRecipe`); the main
 * thread's replica is `model`, the one to give the optimiser. Its parameters and buffers move onto
 * SharedArrayBuffers that the workers' replicas adopt, so the optimiser's in-place update reaches every
 * replica. The shard count, not the thread count, fixes the arithmetic: the same seed and shard count
 * give the same bits on 1 thread (shards run one after another) as on 2. A model whose training-mode
 * forward couples samples (batch norm) or draws random numbers (dropout) is refused (checkShardable).
 */
import { narrow } from '../tensor/views.js';
import type { TypedArray } from '../tensor/dtype.js';
import { CTRL_LENGTH, spinAllowed } from '../tensor/parallel/handoff.js';
import { REPLICA_WORKER_FLAG, workerEntrySource, workerThreadsModule } from '../tensor/parallel/node-builtins.js';
import { getNumThreads, setNumThreads, threadsSupported } from '../tensor/parallel/threads.js';
import { describe, shapeToString } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { relaxedSimdInUse } from '../tensor/wasm/relaxed-simd.js';
import { kernelsMode } from '../tensor/wasm/support.js';
import type { Module } from './module.js';
import type { Parameter } from './parameter.js';
import { startIfReplicaWorker, type ManifestEntry, type ReplicaStep, type ShippedTensor } from './replica-worker.js';
import { addGradients, checkShardable, gradientsInto, loadTask, runShard, shardBounds, type ReplicaRecipe, type ReplicaTask } from './shard-step.js';
import { startReplicaWorker, type ReplicaWorker } from './replica-spawn.js';

export type { ReplicaRecipe, ReplicaTask } from './shard-step.js';

/** Options of `DataParallel.create`. */
export interface DataParallelOptions {
  /** Shards per batch (default 2). It fixes the arithmetic; keep it when comparing runs. */
  shards?: number;
  /** Threads, the calling one included (default: the engine's thread count), at most `shards`. */
  threads?: number;
  /** How long to wait for the workers to build their replicas (default 60 s). */
  bootTimeoutMs?: number;
}

/** Options of `DataParallel.backward`. */
export interface DataParallelBackwardOptions {
  /** Tensors every shard sees whole (e.g. a feature shared by the batch); passed to the loss. */
  broadcast?: Tensor[];
}

const OP = 'DataParallel';

function positiveInteger(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || (value as number) < 1) throw new RangeError(`${OP}.create: options.${name} must be a positive integer, got ${describe(value)}`);
  return value as number;
}

function shareArray(t: Tensor, kind: string, name: string): TypedArray {
  if (!t.ownsStorage()) throw new TypeError(`${OP}.create: ${kind} '${name}' is a view of a larger storage; replicas can only share tensors that own their storage`);
  const data = t.data;
  if (data.buffer instanceof SharedArrayBuffer) return data;
  const Ctor = data.constructor as new (buffer: SharedArrayBuffer) => TypedArray;
  const shared = new Ctor(new SharedArrayBuffer(data.byteLength));
  (shared as Float32Array).set(data);
  t.storage.replaceArray(shared);
  return shared;
}

/** A zeroed array of `like`'s kind on its own ArrayBuffer (so that it can be transferred). */
function newArray(like: TypedArray, length: number): TypedArray {
  const Ctor = like.constructor as new (length: number) => TypedArray;
  return new Ctor(length);
}

/** How long the main thread spins for a worker's shards before it sleeps, in milliseconds. */
const WAIT_SPIN_MS = 2;

/**
 * A model trained data-parallel. Create it with `await DataParallel.create(recipe)`, give
 * `dp.model.parameters()` to an optimiser, and per step: `zeroGrad`, `dp.backward([x, y])` (returns the
 * batch's loss), `opt.step()`. `await dp.close()` stops the workers.
 *
 * @example
 * const dp = await DataParallel.create({ module: new URL('./cnn.ts', import.meta.url).href, export: 'cnnTask' });
 * const opt = new SGD(dp.model.parameters(), { lr: 0.01 });
 * opt.zeroGrad(); const loss = dp.backward([images, labels]); opt.step();
 */
export class DataParallel {
  readonly model: Module;
  readonly shards: number;
  readonly threads: number;
  readonly #task: ReplicaTask;
  readonly #params: Parameter[];
  /** Per shard k ≥ 1, its gradient arrays (one per parameter) while they are on this thread, else null. */
  readonly #grads: (TypedArray[] | null)[];
  readonly #workers: ReplicaWorker[];
  #closed = false;

  private constructor(task: ReplicaTask, shards: number, threads: number, workers: ReplicaWorker[]) {
    this.#task = task;
    this.model = task.model;
    this.shards = shards;
    this.threads = threads;
    this.#params = task.model.parameters();
    this.#grads = Array.from({ length: shards }, () => null);
    this.#workers = workers;
  }

  /** Builds the main replica, moves its state to shared memory and starts the workers' replicas. */
  static async create(recipe: ReplicaRecipe, options: DataParallelOptions = {}): Promise<DataParallel> {
    if (recipe === null || typeof recipe !== 'object' || typeof recipe.module !== 'string' || typeof recipe.export !== 'string') {
      throw new TypeError(`${OP}.create: recipe must be { module: URL string, export: string, options? }, got ${describe(recipe)}`);
    }
    const shards = positiveInteger(options.shards, 'shards', 2);
    const wanted = positiveInteger(options.threads, 'threads', getNumThreads());
    const bootTimeoutMs = positiveInteger(options.bootTimeoutMs, 'bootTimeoutMs', 60_000);
    const threads = threadsSupported() && workerThreadsModule()?.isMainThread === true ? Math.min(shards, wanted) : 1;
    const task = await loadTask(recipe, `${OP}.create`);
    const workers: ReplicaWorker[] = [];
    if (threads > 1) {
      const parameters = task.model.namedParameters();
      const buffers = task.model.namedBuffers();
      const data = {
        [REPLICA_WORKER_FLAG]: true as const, recipe,
        modules: task.model.namedModules().map(([n]) => n),
        parameters: parameters.map(([n, p]): ManifestEntry => [n, [...p.shape], p.dtype]),
        buffers: buffers.map(([n, b]): ManifestEntry => [n, [...b.shape], b.dtype]),
        parameterArrays: parameters.map(([n, p]) => shareArray(p, 'parameter', n)),
        bufferArrays: buffers.map(([n, b]) => shareArray(b, 'buffer', n)),
      };
      // A worker loads this very module (from .ts sources, or the bundle that holds it), whose top
      // level starts the replica when it sees the flag.
      const entry = workerEntrySource(import.meta.url);
      try {
        for (let w = 1; w < threads; w++) {
          const ctrl = new Int32Array(new SharedArrayBuffer(4 * CTRL_LENGTH));
          workers.push(await startReplicaWorker(entry, { ...data, ctrl }, bootTimeoutMs));
        }
      } catch (err) {
        await Promise.all(workers.map((w) => w.terminate()));
        throw err;
      }
    }
    return new DataParallel(task, shards, threads, workers);
  }

  /**
   * Forward and backward over every shard of the batch: rows of each tensor of `inputs` (all with the
   * same first dimension N ≥ shards) are split into the shards; gradients accumulate into
   * `model`'s parameters' `.grad` as one backward over the batch would. Returns the batch's loss.
   * Inputs are data: no gradient flows back to them.
   */
  backward(inputs: Tensor[], options: DataParallelBackwardOptions = {}): number {
    if (this.#closed) throw new Error(`${OP}.backward: this DataParallel was closed`);
    const batch = this.#checkInputs(inputs);
    const broadcast = options.broadcast ?? [];
    if (!Array.isArray(broadcast) || broadcast.some((t) => !(t instanceof Tensor))) throw new TypeError(`${OP}.backward: options.broadcast must be an array of Tensors, got ${describe(broadcast)}`);
    checkShardable(this.model, `${OP}.backward`);
    const scale = (k: number): number => { const [s, e] = shardBounds(batch, this.shards, k); return (e - s) / batch; };
    const losses = new Float64Array(this.shards);
    const seqs = this.#workers.map((w, i) => w.post(this.#stepFor(i + 1, inputs, broadcast, batch, scale)));
    const saved = getNumThreads();
    // The other cores run shards now, and then the replica workers spin for the next step: the kernels
    // of this thread stay on it until the gradients are summed.
    if (this.threads > 1) setNumThreads(1);
    try {
      let error: unknown = null;
      try {
        this.#runLocalShards(inputs, broadcast, batch, losses, scale);
      } catch (err) {
        error = err;
      }
      this.#workers.forEach((w, i) => {
        try {
          for (const r of w.wait(seqs[i]!, WAIT_SPIN_MS)) {
            losses[r.k] = r.loss;
            this.#grads[r.k] = r.grads;
          }
        } catch (err) {
          error ??= err;
        }
      });
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- the first failure, as it was thrown
      if (error !== null) throw error;
      let loss = 0;
      for (let k = 0; k < this.shards; k++) {
        if (k > 0) addGradients(this.#params, this.#grads[k]!);
        loss += scale(k) * losses[k]!;
      }
      return loss;
    } finally {
      if (this.threads > 1) setNumThreads(saved);
    }
  }

  /** The shards this thread runs: 0, threads, 2·threads, … */
  #runLocalShards(inputs: Tensor[], broadcast: Tensor[], batch: number, losses: Float64Array, scale: (k: number) => number): void {
    for (let k = 0; k < this.shards; k += this.threads) {
      const [start, end] = shardBounds(batch, this.shards, k);
      const views = inputs.map((x) => narrow(x, 0, start, end - start));
      if (k === 0) {
        losses[0] = runShard(this.#task, views, broadcast, scale(0), `${OP}.backward`);
        continue;
      }
      const restore = gradientsInto(this.#params, this.#gradArrays(k));
      try {
        losses[k] = runShard(this.#task, views, broadcast, scale(k), `${OP}.backward`);
      } finally {
        restore();
      }
    }
  }

  /** Stops the workers (the model stays usable on the calling thread). */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }

  /** Shard k's gradient arrays, made anew if they are away (a worker failed while holding them). */
  #gradArrays(k: number): TypedArray[] {
    const held = this.#grads[k];
    if (held !== null && held !== undefined && held.every((a) => a.byteLength > 0 || a.length === 0)) return held;
    const made = this.#params.map((p) => newArray(p.data, p.numel()));
    this.#grads[k] = made;
    return made;
  }

  #checkInputs(inputs: Tensor[]): number {
    if (!Array.isArray(inputs) || inputs.length === 0 || inputs.some((t) => !(t instanceof Tensor) || t.ndim === 0)) {
      throw new TypeError(`${OP}.backward: inputs must be a non-empty array of Tensors with a batch dimension, got ${describe(inputs)}`);
    }
    const batch = inputs[0]!.shape[0]!;
    if (inputs.some((t) => t.shape[0] !== batch)) throw new RangeError(`${OP}.backward: every input must have the same batch size; got ${inputs.map((t) => shapeToString(t.shape)).join(', ')}`);
    if (batch < this.shards) throw new RangeError(`${OP}.backward: a batch of ${batch} cannot be split into ${this.shards} shards`);
    return batch;
  }

  #stepFor(thread: number, inputs: Tensor[], broadcast: Tensor[], batch: number, scale: (k: number) => number): Omit<ReplicaStep, 'seq'> {
    const shards: ReplicaStep['shards'] = [];
    for (let k = thread; k < this.shards; k += this.threads) {
      const [start, end] = shardBounds(batch, this.shards, k);
      const grads = this.#gradArrays(k);
      this.#grads[k] = null; // transferred to the worker until its reply
      shards.push({ k, scale: scale(k), inputs: inputs.map((x) => ship(x, start, end)), grads });
    }
    return {
      kernels: kernelsMode(), relaxed: relaxedSimdInUse(), spin: spinAllowed(this.threads), training: this.model.namedModules().map(([, m]) => m.training),
      requiresGrad: this.#params.map((p) => p.requiresGrad),
      shards, broadcast: broadcast.map((t) => ship(t, 0, t.ndim === 0 ? 1 : t.shape[0]!)),
    };
  }
}

/** Rows [start, end) of `t` (all of a 0-d tensor) as a fresh array to transfer, with their shape. */
function ship(t: Tensor, start: number, end: number): ShippedTensor {
  const data = t.contiguousData();
  const row = t.ndim === 0 ? 1 : t.numel() / Math.max(1, t.shape[0]!);
  return { array: data.slice(start * row, end * row), shape: t.ndim === 0 ? [] : [end - start, ...t.shape.slice(1)] };
}

startIfReplicaWorker();
