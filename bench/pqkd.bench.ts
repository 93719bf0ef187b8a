/**
 * PQKD-specific workloads: the fused batch norm against the composite it replaced (the reason for
 * the promotion, docs/engine.md rule 2), and one distillation step of the default PQKD student
 * (MNIST w = 32, partial scope, R = 4, b64, Adam, a fresh 200-shot photonic feature with EMA).
 */
import { batchNorm, batchNormComposite } from '../src/autograd/functional/batch-norm.js';
import { distillationLoss } from '../src/autograd/functional/distillation.js';
import { mul } from '../src/autograd/ops/mul.js';
import { sum } from '../src/autograd/ops/sum.js';
import { Adam } from '../src/nn/index.js';
import { resolveConfig } from '../src/pqkd/config.js';
import { createFeatureSource } from '../src/pqkd/feature-sources.js';
import { FeatureStream } from '../src/pqkd/feature-stream.js';
import { studentSpec, teacherSpec } from '../src/pqkd/model-spec.js';
import { buildModel } from '../src/pqkd/models.js';
import { ones, randint, randn, zeros } from '../src/tensor/create.js';
import { Generator } from '../src/tensor/random.js';
import type { BenchCase, BenchSuite } from './harness.js';
import { resetSystem, useSystem } from './systems.js';
import { disposeGraph } from '../src/autograd/dispose-graph.js';

const single = { system: 'pqkd', threads: 1, kernels: 'simd' as const };

function batchNormCase(name: string, fn: typeof batchNorm): BenchCase {
  const g = new Generator(3);
  const x = randn([64, 32, 28, 28], { generator: g });
  const w = ones([32]);
  const b = zeros([32]);
  const up = randn([64, 32, 28, 28], { generator: g });
  for (const t of [x, w, b]) t.requiresGrad = true;
  const rm = zeros([32]);
  const rv = ones([32]);
  return {
    name, system: 'pqkd', iterations: 10, setup: () => useSystem(single), teardown: resetSystem,
    fn: () => sum(mul(fn(x, rm, rv, w, b, { training: true }), up)).backward(),
  };
}

function studentStepCase(): BenchCase {
  const config = resolveConfig({});
  const source = createFeatureSource(config.photonic, 0);
  const student = buildModel(studentSpec(teacherSpec('mnist', 32), 'partial', 4), {
    generator: new Generator(1), projectionSeed: config.projectionSeed, featureBins: source.bins,
  });
  const optimizer = new Adam(student.parameters(), { lr: 1e-3 });
  const g = new Generator(0);
  const x = randn([64, 1, 28, 28], { generator: g });
  const y = randint(0, 10, [64], { generator: g });
  const teacherLogits = randn([64, 10], { generator: g });
  const theta = source.initialParams(g);
  const stream = new FeatureStream(source, g, { ema: { enabled: true, beta: 0.9 }, redraw: 'step' });
  let step = 0;
  return {
    name: 'pqkd_student_step_b64', system: 'pqkd', iterations: 10, setup: () => useSystem(single), teardown: resetSystem,
    extra: (ms) => ({ images_per_s: Math.round((64 / ms) * 1000) }),
    fn: () => {
      student.setFeature(stream.next(theta, step++, false));
      const loss = distillationLoss(student.forward(x), teacherLogits, y, { temperature: 4, alpha: 0.7 });
      loss.backward();
      optimizer.step();
      optimizer.zeroGrad({ setToNone: false });
      disposeGraph(loss);
    },
  };
}

export const suite: BenchSuite = {
  name: 'pqkd',
  cases: () => [
    batchNormCase('batchnorm_fused_train_b64_32x28x28', batchNorm),
    batchNormCase('batchnorm_composite_train_b64_32x28x28', batchNormComposite),
    studentStepCase(),
  ],
};
