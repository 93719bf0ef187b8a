/**
 * Memory over one full MNIST epoch of the PQKD student at the default recipe (issue 21: peak RSS
 * ≤ 600 MB): the real trainer (Distiller.runEpoch, as `pqkd distill` runs it) — 10 SPSA updates
 * (batch 512), the teacher-logit cache filled for all 55,000 training images, 430 Adam steps at batch
 * 128 with a fresh 200-shot feature per step, the 5,000-image validation pass. The teacher is
 * untrained (its cost and memory are the same). Samples RSS and the V8 heap at every step event and
 * prints a JSON summary: peak RSS (the kernel's high-water mark, `process.resourceUsage().maxRSS`),
 * RSS and heap at the first and last step, wall seconds. No `--expose-gc`: like `npm start`.
 *
 * Usage: node --import tsx bench/memory-student-epoch.ts [--threads N (default 2)] [--train-limit N]
 */
import { loadDataset } from '../src/data/registry.js';
import { trainValSplit } from '../src/data/splits.js';
import { defaultConfig } from '../src/pqkd/config.js';
import { Distiller } from '../src/pqkd/distill.js';
import { createFeatureSource } from '../src/pqkd/feature-sources.js';
import { studentSpec, teacherSpec } from '../src/pqkd/model-spec.js';
import { buildModel } from '../src/pqkd/models.js';
import { setNumThreads } from '../src/tensor/parallel/threads.js';
import { Generator } from '../src/tensor/random.js';

function arg(flag: string): number | undefined {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? Number(process.argv[i + 1]) : undefined;
}

setNumThreads(arg('--threads') ?? 2);
const mb = (bytes: number): number => Math.round((bytes / 2 ** 20) * 10) / 10;
const config = defaultConfig('mnist');
const dataset = loadDataset('mnist', { split: 'train' });
const split = trainValSplit(dataset, { valSize: config.data.valSize, seed: config.splitSeed });
const limit = arg('--train-limit');
const train = limit !== undefined ? split.train.subarray(0, limit) : split.train;
const source = createFeatureSource(config.photonic, config.seed);
const tSpec = teacherSpec('mnist', config.teacher.width);
const teacher = buildModel(tSpec, { generator: new Generator(1) });
const student = buildModel(studentSpec(tSpec, config.student.scope, config.student.rank), {
  generator: new Generator(2), projectionSeed: config.projectionSeed, featureBins: source.bins,
});
const samples: { step: number; rssMB: number; heapMB: number }[] = [];
let step = 0;
const distiller = new Distiller(config, teacher, student, source, { dataset, train, val: split.val }, {
  onEvent: (e) => {
    if (e.kind !== 'step') return;
    const m = process.memoryUsage();
    samples.push({ step: step++, rssMB: mb(m.rss), heapMB: mb(m.heapUsed) });
  },
});
const start = Date.now();
distiller.runEpoch();
const seconds = (Date.now() - start) / 1000;
console.log(JSON.stringify({
  threads: arg('--threads') ?? 2, trainImages: train.length, steps: samples.length, seconds,
  peakRssMB: mb(process.resourceUsage().maxRSS * 1024),
  first: samples[0], last: samples[samples.length - 1],
  maxSampledRssMB: Math.max(...samples.map((s) => s.rssMB)),
}));
process.exit(0);
