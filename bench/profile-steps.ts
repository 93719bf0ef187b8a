/**
 * Profile driver for "Where the time goes" (bench/README.md): runs one workload in a loop so that
 * `node --cpu-prof` sees a steady state. Usage:
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/profile-steps.ts <train|student|forward> [steps]
 * then `node --import tsx bench/profile-summary.ts /tmp/prof/<file>.cpuprofile` for self-time shares.
 * 1 engine thread, the default kernels (WebAssembly SIMD where supported).
 */
import { crossEntropy } from '../src/autograd/functional/losses.js';
import { distillationLoss } from '../src/autograd/functional/distillation.js';
import { noGrad } from '../src/autograd/grad-mode.js';
import { disposeGraph } from '../src/autograd/dispose-graph.js';
import { Adam, SGD } from '../src/nn/index.js';
import { resolveConfig } from '../src/pqkd/config.js';
import { createFeatureSource } from '../src/pqkd/feature-sources.js';
import { FeatureStream } from '../src/pqkd/feature-stream.js';
import { studentSpec, teacherSpec } from '../src/pqkd/model-spec.js';
import { buildModel } from '../src/pqkd/models.js';
import { randint, randn } from '../src/tensor/create.js';
import { Generator } from '../src/tensor/random.js';
import { setNumThreads } from '../src/tensor/parallel/threads.js';
import { referenceMnistCnn } from './train.bench.js';

const which = process.argv[2] ?? 'train';
const steps = Number(process.argv[3] ?? 60);
setNumThreads(Number(process.env.PQKD_THREADS ?? 1));
const g = new Generator(0);
const x = randn([64, 1, 28, 28], { generator: g });
const y = randint(0, 10, [64], { generator: g });
let step: () => void;
if (which === 'train') {
  const model = referenceMnistCnn(1);
  const opt = new SGD(model.parameters(), { lr: 0.01 });
  step = () => {
    opt.zeroGrad({ setToNone: false });
    const loss = crossEntropy(model.forward(x), y);
    loss.item();
    loss.backward();
    opt.step();
    disposeGraph(loss);
  };
} else if (which === 'forward') {
  const model = referenceMnistCnn(1).eval();
  step = () => void noGrad(() => model.forward(x));
} else {
  const config = resolveConfig({});
  const source = createFeatureSource(config.photonic, 0);
  const student = buildModel(studentSpec(teacherSpec('mnist', 32), 'partial', 4), {
    generator: new Generator(1), projectionSeed: config.projectionSeed, featureBins: source.bins,
  });
  const opt = new Adam(student.parameters(), { lr: 1e-3 });
  const teacherLogits = randn([64, 10], { generator: g });
  const theta = source.initialParams(g);
  const stream = new FeatureStream(source, g, { ema: { enabled: true, beta: 0.9 }, redraw: 'step' });
  let i = 0;
  step = () => {
    student.setFeature(stream.next(theta, i++, false));
    const loss = distillationLoss(student.forward(x), teacherLogits, y, { temperature: 4, alpha: 0.7 });
    loss.backward();
    opt.step();
    opt.zeroGrad({ setToNone: false });
    disposeGraph(loss);
  };
}
for (let i = 0; i < 5; i++) step();
const times: number[] = [];
for (let i = 0; i < steps; i++) {
  const t0 = performance.now();
  step();
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
console.log(`${which}: median ${times[times.length >> 1]!.toFixed(1)} ms over ${steps} steps`);
