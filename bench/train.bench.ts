/**
 * Training-step benchmarks (issue #3, item 7) on the reference MNIST CNN at batch 64:
 *   conv(1→32, 3×3, pad 1)–ReLU–maxpool2–conv(32→64, 3×3, pad 1)–ReLU–maxpool2–flatten(3136)–
 *   linear(128)–ReLU–linear(10), softmax cross-entropy.
 * Cases: `cnn_forward_b64` (inference forward under noGrad), `train_step_sgd` (SGD lr 0.01) and
 * `train_step_adam` (Adam lr 1e-3): zeroGrad, forward, loss, backward, optimiser step. Input is a
 * fixed N(0, 1) batch with fixed labels (the cost does not depend on the values).
 * Systems: 'pqkd' = 1 engine thread, 'pqkd-2t' = 2 threads (same results, bit for bit), and for the
 * two training steps 'pqkd-dp2' = `DataParallel` on 2 threads (2 shards of 32 images, each thread a
 * whole forward and backward; its own bits, the same on 1 and 2 threads; bench/recipes/reference-cnn.ts).
 * flops = 2·MACs: forward 2·(c1 + c2 + f1 + f2) with c1 = 64·32·28²·9, c2 = 64·64·14²·32·9,
 * f1 = 64·3136·128, f2 = 64·128·10; a training step adds 2·c1 (weight grad only: the input needs
 * none) + 4·(c2 + f1 + f2) (input and weight grads). Pointwise ops, pools and the loss are not counted.
 */
import { crossEntropy } from '../src/autograd/functional/losses.js';
import { noGrad } from '../src/autograd/grad-mode.js';
import { Adam, DataParallel, SGD, type Module, type Optimizer, type Sequential } from '../src/nn/index.js';
import { randint, randn } from '../src/tensor/create.js';
import { Generator } from '../src/tensor/random.js';
import type { BenchCase, BenchSuite } from './harness.js';
import { PQKD_SYSTEMS, resetSystem, useSystem, type PqkdSystem } from './systems.js';
import { disposeGraph } from '../src/autograd/dispose-graph.js';

const BATCH = 64;
const C1 = BATCH * 32 * 28 * 28 * 9;
const C2 = BATCH * 64 * 14 * 14 * 32 * 9;
const F1 = BATCH * 3136 * 128;
const F2 = BATCH * 128 * 10;
export const FORWARD_FLOPS = 2 * (C1 + C2 + F1 + F2);
export const STEP_FLOPS = FORWARD_FLOPS + 2 * C1 + 4 * (C2 + F1 + F2);

import { referenceMnistCnn } from './recipes/reference-cnn.js';

export { referenceMnistCnn };

const imagesPerSecond = (ms: number): Record<string, number> => ({ images_per_s: Math.round((BATCH / ms) * 1000) });

function cases(config: PqkdSystem): BenchCase[] {
  const system = config.system;
  const g = new Generator(2024);
  const x = randn([BATCH, 1, 28, 28], { generator: g });
  const y = randint(0, 10, [BATCH], { generator: g });
  const setup = (): Promise<void> => useSystem(config);
  const teardown = resetSystem;
  const trainCase = (name: string, makeOptimizer: (m: Sequential) => Optimizer): BenchCase => {
    const model = referenceMnistCnn(1);
    const optimizer = makeOptimizer(model);
    return {
      name, system, flops: STEP_FLOPS, iterations: 10, setup, teardown, extra: imagesPerSecond,
      // The recommended loop: gradients zeroed in place and activations released after the step,
      // so a steady-state step takes all its large buffers from the storage pool.
      fn: () => {
        optimizer.zeroGrad({ setToNone: false });
        const loss = crossEntropy(model.forward(x), y);
        const value = loss.item();
        loss.backward();
        optimizer.step();
        disposeGraph(loss);
        return value;
      },
    };
  };
  const forwardModel = referenceMnistCnn(1).eval();
  return [
    { name: 'cnn_forward_b64', system, flops: FORWARD_FLOPS, iterations: 10, setup, teardown, extra: imagesPerSecond, fn: () => noGrad(() => forwardModel.forward(x)) },
    trainCase('train_step_sgd', (m) => new SGD(m.parameters(), { lr: 0.01 })),
    trainCase('train_step_adam', (m) => new Adam(m.parameters(), { lr: 1e-3 })),
  ];
}

/** The two training steps with `DataParallel` (2 shards) on 2 threads; the engine's own threads are 2 too (optimiser). */
function dataParallelCases(): BenchCase[] {
  const config = PQKD_SYSTEMS.find((s) => s.system === 'pqkd-2t');
  if (config === undefined) return [];
  const g = new Generator(2024);
  const x = randn([BATCH, 1, 28, 28], { generator: g });
  const y = randint(0, 10, [BATCH], { generator: g });
  const recipe = { module: new URL('./recipes/reference-cnn.ts', import.meta.url).href, export: 'referenceCnnTask', options: { seed: 1 } };
  const stepCase = (name: string, makeOptimizer: (m: Module) => Optimizer): BenchCase => {
    let dp: DataParallel | null = null;
    let optimizer: Optimizer | null = null;
    return {
      name, system: 'pqkd-dp2', flops: STEP_FLOPS, iterations: 10, extra: imagesPerSecond,
      setup: async () => {
        await useSystem(config);
        dp = await DataParallel.create(recipe, { threads: 2, shards: 2 });
        optimizer = makeOptimizer(dp.model);
      },
      fn: () => {
        optimizer!.zeroGrad({ setToNone: false });
        const value = dp!.backward([x, y]);
        optimizer!.step();
        return value;
      },
      teardown: async () => {
        await dp?.close();
        resetSystem();
      },
    };
  };
  return [
    stepCase('train_step_sgd', (m) => new SGD(m.parameters(), { lr: 0.01 })),
    stepCase('train_step_adam', (m) => new Adam(m.parameters(), { lr: 1e-3 })),
  ];
}

export const suite: BenchSuite = {
  name: 'train',
  cases: () => [...PQKD_SYSTEMS.flatMap(cases), ...dataParallelCases()],
};
