// DataParallel (src/nn/data-parallel.ts): the shards' gradients add up, in shard order, to exactly what
// separate backward passes over the shards give; the bits do not depend on the thread count; the sum
// matches the full batch's gradient to rounding; and what cannot be split, or fails, says so.
import { afterAll, describe, expect, it } from 'vitest';
import { crossEntropy } from '../../src/autograd/functional/losses.js';
import { DataParallel, SGD, type ReplicaTask } from '../../src/nn/index.js';
import { fromTypedArray, randint, randn } from '../../src/tensor/create.js';
import { Generator } from '../../src/tensor/random.js';
import { getNumThreads, setNumThreads } from '../../src/tensor/parallel/threads.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { mlpTask } from './fixtures/data-parallel-recipes.js';

const recipes = new URL('./fixtures/data-parallel-recipes.ts', import.meta.url).href;
const recipe = (name: string, options?: unknown) => ({ module: recipes, export: name, options });
const before = getNumThreads();
const open: DataParallel[] = [];
afterAll(async () => {
  setNumThreads(before);
  await Promise.all(open.map((dp) => dp.close()));
});
async function create(name: string, options: { shards?: number; threads?: number } = {}, recipeOptions?: unknown): Promise<DataParallel> {
  const dp = await DataParallel.create(recipe(name, recipeOptions), options);
  open.push(dp);
  return dp;
}

function batch(n: number, seed: number): [Tensor, Tensor] {
  const g = new Generator(seed);
  return [randn([n, 6], { generator: g }), randint(0, 3, [n], { generator: g })];
}

const grads = (dp: { model: ReplicaTask['model'] }): Float32Array[] => dp.model.parameters().map((p) => Float32Array.from(p.grad!.data as Float32Array));
const bits = (arrays: Float32Array[]): number[] => arrays.flatMap((a) => [...new Uint32Array(a.slice().buffer)]);

/** The reference: one ordinary backward per shard (rows ⌊kN/S⌋…), seeded with n_k/N, summed in shard order. */
function shardReference(n: number, shards: number, [x, y]: [Tensor, Tensor]): { grads: Float32Array[]; loss: number } {
  const task = mlpTask();
  let sum: Float32Array[] | null = null;
  let loss = 0;
  for (let k = 0; k < shards; k++) {
    const [s, e] = [Math.floor((k * n) / shards), Math.floor(((k + 1) * n) / shards)];
    const xs = fromTypedArray((x.data as Float32Array).slice(s * 6, e * 6), [e - s, 6]);
    const ys = fromTypedArray((y.data as Int32Array).slice(s, e), [e - s]);
    task.model.zeroGrad();
    const l = crossEntropy(task.model.forward(xs), ys);
    loss += ((e - s) / n) * l.item();
    l.backward(fromTypedArray(new Float32Array([(e - s) / n]), []));
    const g = task.model.parameters().map((p) => p.grad!.data as Float32Array);
    sum = sum === null ? g.map((a) => Float32Array.from(a)) : sum.map((a, i) => a.map((v, j) => Math.fround(v + g[i]![j]!)));
  }
  return { grads: sum!, loss };
}

describe('DataParallel', () => {
  it.each([[1, 2], [2, 2], [2, 3]])('with %i thread(s) and %i shards, the gradient is the shards\' gradients summed in order, exactly', async (threads, shards) => {
    const dp = await create('mlpTask', { threads, shards });
    expect(dp.threads).toBe(Math.min(threads, shards));
    for (const n of [7, 12]) {
      const data = batch(n, n);
      dp.model.zeroGrad();
      const loss = dp.backward(data);
      const ref = shardReference(n, shards, data);
      const got = grads(dp);
      got.forEach((a, i) => a.forEach((v, j) => { if (v !== ref.grads[i]![j]) expect([i, j, v]).toEqual([i, j, ref.grads[i]![j]]); }));
      expect(loss).toBe(ref.loss);
    }
  });

  it('agrees with one backward over the whole batch to rounding', async () => {
    const dp = await create('mlpTask', { threads: 2 });
    const data = batch(16, 5);
    dp.model.zeroGrad();
    const loss = dp.backward(data);
    const whole = mlpTask();
    const l = crossEntropy(whole.model.forward(data[0]), data[1]);
    l.backward();
    expect(loss).toBeCloseTo(l.item(), 6);
    whole.model.parameters().forEach((p, i) => {
      const want = p.grad!.data as Float32Array;
      const got = dp.model.parameters()[i]!.grad!.data as Float32Array;
      want.forEach((v, j) => expect(Math.abs(got[j]! - v)).toBeLessThanOrEqual(1e-6 + 1e-5 * Math.abs(v)));
    });
  });

  it('gives the same bits on 1 and 2 threads over SGD steps, with uneven and uneven-per-thread shards', async () => {
    for (const shards of [2, 3]) {
      const run = async (threads: number): Promise<number[]> => {
        const dp = await create('mlpTask', { threads, shards });
        const opt = new SGD(dp.model.parameters(), { lr: 0.1, momentum: 0.9 });
        const losses: number[] = [];
        for (let step = 0; step < 4; step++) {
          opt.zeroGrad({ setToNone: false });
          losses.push(dp.backward(batch(9 + step, 20 + step)));
          opt.step();
        }
        return [...losses, ...bits(dp.model.parameters().map((p) => p.data as Float32Array))];
      };
      expect(await run(2)).toEqual(await run(1));
    }
  });

  it('puts the parameters on shared memory when threads are used, and leaves them alone on one thread', async () => {
    const two = await create('mlpTask', { threads: 2 });
    expect(two.model.parameters().every((p) => p.data.buffer instanceof SharedArrayBuffer)).toBe(true);
    const one = await create('mlpTask', { threads: 1 });
    expect(one.model.parameters().some((p) => p.data.buffer instanceof SharedArrayBuffer)).toBe(false);
  });

  it('sees weights loaded into the main model (loadStateDict writes in place) on every thread', async () => {
    const source = mlpTask({ seed: 11 }).model.stateDict();
    const results: number[][] = [];
    for (const threads of [1, 2]) {
      const dp = await create('mlpTask', { threads });
      dp.model.loadStateDict(source);
      dp.model.zeroGrad();
      results.push([dp.backward(batch(10, 3)), ...bits(grads(dp))]);
    }
    expect(results[1]).toEqual(results[0]);
    const fresh = await create('mlpTask', { threads: 2 });
    fresh.model.zeroGrad();
    expect(fresh.backward(batch(10, 3))).not.toBe(results[0]![0]); // the loaded weights changed the loss
  });

  it('leaves a frozen parameter without a gradient on every thread, and freezing follows the main model', async () => {
    const results: unknown[][] = [];
    for (const threads of [1, 2]) {
      const dp = await create('mlpTask', { threads });
      const [w0, b0] = dp.model.parameters();
      w0!.requiresGrad = false;
      dp.model.zeroGrad({ setToNone: true });
      const loss = dp.backward(batch(9, 4));
      expect(w0!.grad).toBeNull();
      expect(b0!.grad).not.toBeNull();
      results.push([loss, ...bits(dp.model.parameters().slice(1).map((p) => p.grad!.data as Float32Array))]);
      w0!.requiresGrad = true; // unfrozen again: the next step gives it a gradient everywhere
      dp.model.zeroGrad({ setToNone: true });
      dp.backward(batch(9, 4));
      results.push(bits(grads(dp)));
    }
    expect(results[2]).toEqual(results[0]);
    expect(results[3]).toEqual(results[1]);
  });

  it('passes broadcast tensors whole to every shard', async () => {
    const offset = fromTypedArray(new Float32Array([0.5, -1, 2]), [3]);
    const results: number[][] = [];
    for (const threads of [1, 2]) {
      const dp = await create('offsetTask', { threads });
      dp.model.zeroGrad();
      const loss = dp.backward(batch(8, 9), { broadcast: [offset] });
      results.push([loss, ...bits(grads(dp))]);
    }
    expect(results[1]).toEqual(results[0]);
    const plain = await create('mlpTask', { threads: 1 });
    plain.model.zeroGrad();
    expect(plain.backward(batch(8, 9))).not.toBe(results[0]![0]); // the offset changed the loss
  });

  it('reports a shard that throws in a worker, and the next step still runs and matches one thread', async () => {
    const dp = await create('failingTask', { threads: 2 });
    const y = fromTypedArray(new Int32Array([0, 1, 0, 1, 2, 0, 1, 0]), [8]); // shard 1 starts with label 2
    const x = batch(8, 4)[0];
    dp.model.zeroGrad();
    expect(() => dp.backward([x, y])).toThrow(/a shard failed in its replica worker: failingTask: label 2 at the start of a shard/);
    dp.model.zeroGrad();
    const ok = batch(8, 6);
    ok[1] = fromTypedArray(new Int32Array([0, 1, 0, 1, 0, 2, 1, 0]), [8]);
    const loss = dp.backward(ok);
    const one = await create('failingTask', { threads: 1 });
    one.model.zeroGrad();
    expect([loss, ...bits(grads(dp))]).toEqual([one.backward(ok), ...bits(grads(one))]);
  });

  it('reports a replica worker that exits during a step instead of waiting for it', async () => {
    const dp = await create('exitingTask', { threads: 2 });
    dp.model.zeroGrad();
    expect(() => dp.backward(batch(8, 2))).toThrow('DataParallel.backward: a replica worker exited during the step');
  });

  it('refuses batch norm and dropout in training mode, and runs batch norm in eval mode', async () => {
    const bn = await create('batchNormTask', { threads: 2 });
    expect(() => bn.backward(batch(8, 1))).toThrow(/DataParallel.backward: '1' is a BatchNorm1d in training mode, whose batch statistics couple the shards/);
    bn.model.eval();
    bn.model.zeroGrad();
    const one = await create('batchNormTask', { threads: 1 });
    one.model.eval();
    one.model.zeroGrad();
    expect([bn.backward(batch(8, 1)), ...bits(grads(bn))]).toEqual([one.backward(batch(8, 1)), ...bits(grads(one))]);
    const drop = await create('dropoutTask', { threads: 1 });
    expect(() => drop.backward(batch(8, 1))).toThrow(/'1' is a Dropout in training mode/);
  });

  it('names what is wrong with a recipe, an option or the inputs', async () => {
    await expect(DataParallel.create(recipe('mismatchTask'), { threads: 2 })).rejects.toThrow(/could not build its model: .*parameter 0 of the replica is '0.weight' float32 \[9,6\], of the main model '0.weight' float32 \[8,6\]; the recipe must build the same model on every thread/);
    await expect(DataParallel.create(recipe('notATask'), { threads: 1 })).rejects.toThrow(/notATask of .* must return \{ model: Module, loss\(model, inputs, broadcast\) \}/);
    await expect(DataParallel.create(recipe('noSuchExport'))).rejects.toThrow(/has no function export 'noSuchExport'/);
    await expect(DataParallel.create({ module: new URL('./fixtures/missing.ts', import.meta.url).href, export: 'x' })).rejects.toThrow(/cannot import the recipe module .*missing\.ts/);
    await expect(DataParallel.create(recipe('mlpTask'), { shards: 0 })).rejects.toThrow(/options.shards must be a positive integer, got 0/);
    await expect(DataParallel.create(recipe('mlpTask'), { threads: 1.5 })).rejects.toThrow(/options.threads must be a positive integer, got 1.5/);
    await expect(DataParallel.create(recipe('mlpTask'), { bootTimeoutMs: -1 })).rejects.toThrow(/options.bootTimeoutMs must be a positive integer, got -1/);
    await expect(DataParallel.create(null as never)).rejects.toThrow(/recipe must be \{ module: URL string, export: string, options\? \}/);
    const dp = await create('mlpTask', { threads: 1, shards: 4 });
    expect(() => dp.backward(batch(3, 1))).toThrow(/a batch of 3 cannot be split into 4 shards/);
    expect(() => dp.backward([batch(8, 1)[0], batch(6, 1)[1]])).toThrow(/every input must have the same batch size; got \[8,6\], \[6\]/);
    expect(() => dp.backward([])).toThrow(/inputs must be a non-empty array of Tensors/);
    expect(() => dp.backward(batch(8, 1), { broadcast: [1] as never })).toThrow(/options.broadcast must be an array of Tensors/);
    await dp.close();
    expect(() => dp.backward(batch(8, 1))).toThrow(/this DataParallel was closed/);
  });
});
