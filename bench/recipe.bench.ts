/**
 * What the experiments really run (the default recipe, src/pqkd/config.ts: batch 128, Adam lr 1e-3):
 *   mnist_teacher_step_b128   width-32 MNIST teacher (conv–BN–ReLU–pool ×2, FC 3136→128→10),
 *                             cross-entropy, Adam: zeroGrad, forward, loss, backward, step;
 *   mnist_student_step_b128   its PQKD student (partial scope, rank 4: the second conv is a dictionary
 *                             conv) with a fresh 200-shot photonic feature per step (EMA β 0.9),
 *                             distillation loss (T 4, α 0.7) against fixed teacher logits, Adam;
 *   cifar_teacher_step_b128 / cifar_student_step_b128   the same for CIFAR-lite (5 convs, input
 *                             3×32×32; partial scope: convs 2–5 are dictionary convs).
 * Systems 'pqkd' (1 thread) and 'pqkd-2t'. Inputs are fixed N(0, 1) batches with fixed labels (the cost
 * does not depend on the values); augmentation and data loading are not part of a step.
 * bench/torch_reference.py runs the same four steps in PyTorch (the dictionary conv as the dense conv
 * it materialises, W = M ×_r D, rebuilt from D every step; M fixed, no photonic feature).
 *
 * `mnist_student_epoch_2t` (opt-in: `--epoch` or PQKD_BENCH_EPOCH=1, it takes minutes): one full
 * first epoch of the default MNIST recipe on 2 threads through the real trainer (Distiller.runEpoch):
 * 10 SPSA updates (batch 512), the teacher-logit cache filled for all 55,000 training images (once
 * per run: later epochs skip it), 430 Adam steps, the 5,000-image validation pass. The teacher is
 * untrained (same cost). Records wall seconds and training images per second.
 */
import { crossEntropy } from '../src/autograd/functional/losses.js';
import { distillationLoss } from '../src/autograd/functional/distillation.js';
import { disposeGraph } from '../src/autograd/dispose-graph.js';
import { loadDataset } from '../src/data/registry.js';
import { trainValSplit } from '../src/data/splits.js';
import { Adam } from '../src/nn/index.js';
import { defaultConfig, type DatasetName } from '../src/pqkd/config.js';
import { Distiller } from '../src/pqkd/distill.js';
import { createFeatureSource } from '../src/pqkd/feature-sources.js';
import { FeatureStream } from '../src/pqkd/feature-stream.js';
import { studentSpec, teacherSpec } from '../src/pqkd/model-spec.js';
import { buildModel, type PqkdNet } from '../src/pqkd/models.js';
import { randint, randn } from '../src/tensor/create.js';
import { Generator } from '../src/tensor/random.js';
import type { BenchCase, BenchSuite } from './harness.js';
import { PQKD_SYSTEMS, resetSystem, useSystem, type PqkdSystem } from './systems.js';

const BATCH = 128;

/** True when the long epoch case was asked for. */
export function epochRequested(argv: readonly string[] = process.argv, env: NodeJS.ProcessEnv = process.env): boolean {
  return argv.includes('--epoch') || env.PQKD_BENCH_EPOCH === '1';
}

function models(dataset: DatasetName): { teacher: PqkdNet; student: PqkdNet; source: ReturnType<typeof createFeatureSource> } {
  const config = defaultConfig(dataset);
  const source = createFeatureSource(config.photonic, 0);
  const tSpec = teacherSpec(dataset, config.teacher.width);
  const teacher = buildModel(tSpec, { generator: new Generator(1) });
  const student = buildModel(studentSpec(tSpec, config.student.scope, config.student.rank), {
    generator: new Generator(2), projectionSeed: config.projectionSeed, featureBins: source.bins,
  });
  return { teacher, student, source };
}

function stepCases(dataset: DatasetName, prefix: string, system: PqkdSystem): BenchCase[] {
  const config = defaultConfig(dataset);
  const { teacher, student, source } = models(dataset);
  const g = new Generator(0);
  const shape = dataset === 'cifar10' ? [BATCH, 3, 32, 32] : [BATCH, 1, 28, 28];
  const x = randn(shape, { generator: g });
  const y = randint(0, 10, [BATCH], { generator: g });
  const teacherLogits = randn([BATCH, 10], { generator: g });
  const teacherOpt = new Adam(teacher.parameters(), { lr: config.teacher.lr });
  const studentOpt = new Adam(student.parameters(), { lr: config.student.lr });
  const theta = source.initialParams(g);
  const stream = new FeatureStream(source, g, { ema: config.ema, redraw: 'step' });
  let step = 0;
  const common = {
    system: system.system, iterations: 5, setup: () => useSystem(system), teardown: resetSystem,
    extra: (ms: number) => ({ images_per_s: Math.round((BATCH / ms) * 1000) }),
  };
  return [
    {
      ...common, name: `${prefix}_teacher_step_b128`,
      fn: () => {
        teacherOpt.zeroGrad({ setToNone: false });
        const loss = crossEntropy(teacher.forward(x), y);
        const value = loss.item();
        loss.backward();
        teacherOpt.step();
        disposeGraph(loss);
        return value;
      },
    },
    {
      ...common, name: `${prefix}_student_step_b128`,
      fn: () => {
        student.setFeature(stream.next(theta, step++, false));
        const loss = distillationLoss(student.forward(x), teacherLogits, y, config.distill);
        const value = loss.item();
        loss.backward();
        studentOpt.step();
        studentOpt.zeroGrad({ setToNone: false });
        disposeGraph(loss);
        return value;
      },
    },
  ];
}

function epochCase(): BenchCase {
  const system = PQKD_SYSTEMS.find((s) => s.system === 'pqkd-2t') ?? { system: 'pqkd-2t', threads: 2, kernels: 'js' as const };
  let distiller: Distiller | null = null;
  let trainImages = 0;
  return {
    name: 'mnist_student_epoch_2t', system: 'pqkd-2t', iterations: 1,
    setup: async () => {
      await useSystem(system);
      const config = defaultConfig('mnist');
      const dataset = loadDataset('mnist', { split: 'train' });
      const { train, val } = trainValSplit(dataset, { valSize: config.data.valSize, seed: config.splitSeed });
      trainImages = train.length;
      const { teacher, student, source } = models('mnist');
      distiller = new Distiller(config, teacher, student, source, { dataset, train, val });
    },
    fn: () => distiller!.runEpoch(),
    teardown: resetSystem,
    extra: (ms) => ({ wall_s: Number((ms / 1000).toFixed(1)), images_per_s: Math.round((trainImages / ms) * 1000), train_images: trainImages }),
  };
}

export const suite: BenchSuite = {
  name: 'recipe',
  cases: () => {
    const systems = PQKD_SYSTEMS.filter((s) => s.kernels !== 'js');
    const cases = systems.flatMap((s) => [...stepCases('mnist', 'mnist', s), ...stepCases('cifar10', 'cifar', s)]);
    if (epochRequested()) cases.push(epochCase());
    return cases;
  },
};
