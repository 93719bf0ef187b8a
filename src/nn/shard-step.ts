/**
 * What one shard of a data-parallel step does, the same on the main thread and in a replica worker
 * (src/nn/data-parallel.ts, replica-worker.ts), so that the thread a shard runs on cannot change a bit:
 *
 *   shard k of a batch of N samples = rows [⌊kN/S⌋, ⌊(k+1)N/S⌋) of every sharded input (n_k rows);
 *   loss_k = task.loss(model, shard inputs, broadcast inputs)   (the mean over the shard's samples);
 *   backward from loss_k with the seed n_k / N, so that Σ_k (n_k/N)·loss_k is the batch's mean loss
 *   and the shards' gradients sum to the batch's gradient.
 *
 * Shard 0's gradients accumulate into the parameters' `.grad` as an ordinary backward does. Every
 * other shard k accumulates into zeroed arrays of its own (`gradientsInto`: 0 + g_k), which are added
 * to the parameters' `.grad` afterwards in shard order (`addGradients`): g = ((g₀ + g₁) + g₂) + …, one
 * float add per element and shard, whatever the thread count. A parameter that a shard's loss does
 * not reach gets zeros from that shard (as in PyTorch's DistributedDataParallel), not a missing grad;
 * a parameter that does not require grad (frozen) is left alone everywhere.
 */
import { disposeGraph } from '../autograd/dispose-graph.js';
import type { TypedArray } from '../tensor/dtype.js';
import { describe, shapeToString } from '../tensor/shape.js';
import { addInPlace } from '../tensor/ops/elementwise.js';
import { Tensor } from '../tensor/tensor.js';
import { BatchNorm1d, BatchNorm2d } from './batch-norm.js';
import { Dropout } from './activation.js';
import { Module } from './module.js';
import type { Parameter } from './parameter.js';

/**
 * What each thread builds from a recipe: the model and the loss of one shard.
 * `loss` returns the mean loss over the shard's samples, written as for a whole batch.
 */
export interface ReplicaTask {
  model: Module;
  loss(model: Module, inputs: Tensor[], broadcast: Tensor[]): Tensor;
}

/**
 * Where a replica comes from: a named export of an ES module that every thread imports, called with
 * `options`, returning a `ReplicaTask` (or a promise of one). The module must not run an application
 * at top level (see `isEngineWorkerThread`), and a module that names itself as the recipe must not
 * `await DataParallel.create` at top level: create imports it, which waits for it to finish loading.
 */
export interface ReplicaRecipe {
  /** URL of the module (e.g. `new URL('./recipe.ts', import.meta.url).href`). */
  module: string;
  /** Name of the export. */
  export: string;
  /** Passed to the export; must survive structured cloning (plain data). */
  options?: unknown;
}

/** Rows [start, end) of the batch that shard `k` of `shards` takes. */
export function shardBounds(batch: number, shards: number, k: number): [number, number] {
  return [Math.floor((k * batch) / shards), Math.floor(((k + 1) * batch) / shards)];
}

/**
 * Throws when the model holds a module whose training-mode forward couples the samples of a batch
 * (batch norm's statistics) or draws random numbers (dropout): its shards would not add up to the
 * batch, or would depend on which thread ran them.
 */
export function checkShardable(model: Module, op: string): void {
  for (const [name, m] of model.namedModules()) {
    if (!m.training) continue;
    const where = name === '' ? 'the model' : `'${name}'`;
    if (m instanceof BatchNorm1d || m instanceof BatchNorm2d) {
      throw new RangeError(`${op}: ${where} is a ${m.constructor.name} in training mode, whose batch statistics couple the shards; data-parallel steps need it in eval mode (or train with threads inside the kernels instead)`);
    }
    if (m instanceof Dropout && m.p > 0) {
      throw new RangeError(`${op}: ${where} is a Dropout in training mode, whose masks would depend on the thread a shard runs on; data-parallel steps need p = 0 or eval mode`);
    }
  }
}

/** Imports the recipe's module, calls its export with the options and checks what comes back. */
export async function loadTask(recipe: ReplicaRecipe, op: string): Promise<ReplicaTask> {
  let loaded: Record<string, unknown>;
  try {
    loaded = (await import(recipe.module)) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`${op}: cannot import the recipe module ${recipe.module}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const build = loaded[recipe.export];
  if (typeof build !== 'function') throw new TypeError(`${op}: ${recipe.module} has no function export '${recipe.export}'`);
  const task = (await (build as (o: unknown) => unknown)(recipe.options)) as Partial<ReplicaTask> | null;
  if (task === null || typeof task !== 'object' || !(task.model instanceof Module) || typeof task.loss !== 'function') {
    throw new TypeError(`${op}: ${recipe.export} of ${recipe.module} must return { model: Module, loss(model, inputs, broadcast) }, got ${describe(task)}`);
  }
  return task as ReplicaTask;
}

/**
 * Runs one shard: forward, loss, backward with the seed `scale` (n_k / N); returns loss_k (unscaled)
 * and releases the shard's graph. Gradients accumulate into the model's `.grad`s.
 */
export function runShard(task: ReplicaTask, inputs: Tensor[], broadcast: Tensor[], scale: number, op: string): number {
  const loss = task.loss(task.model, inputs, broadcast);
  if (!(loss instanceof Tensor) || loss.numel() !== 1 || !loss.requiresGrad) {
    throw new TypeError(`${op}: the recipe's loss must return a one-element tensor that requires grad, got ${loss instanceof Tensor ? `${loss.dtype} ${shapeToString(loss.shape)}${loss.requiresGrad ? '' : ' without grad'}` : describe(loss)}`);
  }
  const value = loss.item();
  const seed = Tensor.zeroed(loss.shape, loss.dtype);
  seed.data[0] = scale;
  loss.backward(seed);
  disposeGraph(loss);
  return value;
}

/**
 * Points each parameter's `.grad` at a zeroed tensor over `arrays[i]` (one array per parameter, of
 * its length), so that a shard's backward accumulates into them in place: 0 + g. Returns a function
 * that makes sure the gradients ended up there (copying one that the engine replaced) and puts the
 * `.grad`s that were there before back.
 */
export function gradientsInto(params: readonly Parameter[], arrays: readonly TypedArray[]): () => void {
  const kept = params.map((p) => p.grad);
  const targets = params.map((p, i) => {
    if (!p.requiresGrad) return null; // frozen: no gradient, its .grad stays as it is
    const a = arrays[i]!;
    a.fill(0);
    return (p.grad = Tensor.fromData(a, p.shape, p.dtype));
  });
  return () => {
    params.forEach((p, i) => {
      if (targets[i] === null) return;
      const g = p.grad;
      if (g !== targets[i] && g !== null) arrays[i]!.set(g.contiguousData());
      p.grad = kept[i]!;
    });
  };
}

/** Adds one shard's gradients (`gradientsInto`'s arrays) to the `.grad`s of the parameters that require grad, in place. */
export function addGradients(params: readonly Parameter[], arrays: readonly TypedArray[]): void {
  params.forEach((p, i) => {
    if (!p.requiresGrad) return;
    const source = Tensor.fromData(arrays[i]!, p.shape, p.dtype);
    let g = p.grad;
    if (g === null) {
      p.grad = Tensor.fromData(arrays[i]!.slice(), p.shape, p.dtype);
      return;
    }
    if (!g.ownsStorage() || g.dtype !== p.dtype) p.grad = g = Tensor.fromData(g.contiguousData().slice(), p.shape, p.dtype);
    addInPlace(g, source); // the engine's flat add: SIMD or JS, same bits
  });
}
