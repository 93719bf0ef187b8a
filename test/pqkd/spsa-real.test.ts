// Calibrated SPSA on a short real run (MNIST slice): the noise-free objective — the student's
// cross-entropy with the exact (S = ∞) feature on one fixed validation batch — should be lower at θ_T
// than at θ₀. Today it is not (issue 13 stays open): with the student fixed over the SPSA block the
// objective rises (0.4658 → 0.5050 on this seed), so that claim is kept as an expected failure that
// turns red the day SPSA starts lowering it, and the test that passes checks what does work.
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/pqkd/config.js';
import { Distiller } from '../../src/pqkd/distill.js';
import type { TrainEvent } from '../../src/pqkd/events.js';
import { createFeatureSource } from '../../src/pqkd/feature-sources.js';
import { studentSpec, teacherSpec } from '../../src/pqkd/model-spec.js';
import { buildModel } from '../../src/pqkd/models.js';
import { TeacherTrainer } from '../../src/pqkd/teacher.js';
import { Generator } from '../../src/tensor/random.js';
import { mnistSlice, tinyConfig } from './helpers.js';

describe('calibrated SPSA on a short real run (2,000 MNIST images, 2 epochs, photonic source)', () => {
  function shortRun(): { events: TrainEvent[]; d: Distiller; config: ReturnType<typeof tinyConfig>; source: ReturnType<typeof createFeatureSource> } {
    const data = mnistSlice(2000, 500);
    const config = tinyConfig({
      seed: 5,
      student: { epochs: 2, batchSize: 50, rank: 4, scope: 'partial', lr: 2e-3 },
      spsa: { updatesPerEpoch: 6, batchSize: 256, warmupEpochs: 1 },
    });
    // The defaults: calibrated a and c, blocking, one warm-up epoch.
    expect(config.spsa.a).toBeNull();
    expect(config.spsa.c).toBeNull();
    expect(config.spsa.blocking).toBe(true);
    expect(resolveConfig({}).spsa.warmupEpochs).toBe(1);
    const teacher = buildModel(teacherSpec('mnist', 8), { generator: new Generator(11) });
    new TeacherTrainer(teacher, data, config.teacher, 11).runEpoch();
    teacher.eval();
    const source = createFeatureSource(config.photonic, config.seed);
    const student = buildModel(studentSpec(teacherSpec('mnist', 8), 'partial', 4), {
      generator: new Generator(config.seed).fork('student-init'),
      projectionSeed: config.projectionSeed,
      featureBins: source.bins,
    });
    const events: TrainEvent[] = [];
    const d = new Distiller(config, teacher, student, source, data, { onEvent: (e) => e.kind !== 'step' && events.push(e) });
    d.runEpoch();
    expect(events.some((e) => e.kind === 'spsa')).toBe(false); // warm-up epoch: no SPSA on an untrained student
    d.runEpoch();
    return { events, d, config, source };
  }
  const run = (() => {
    let cached: ReturnType<typeof shortRun> | undefined;
    return () => (cached ??= shortRun());
  })();

  it('logs its calibration and moves θ by about the target step', () => {
    const { events, d, config, source } = run();
    const calibration = events.filter((e) => e.kind === 'spsa-calibration');
    expect(calibration.length).toBe(1);
    const cal = calibration[0]!;
    expect(cal.noise!.values.length).toBe(config.spsa.calibrationRepeats);
    expect(cal.noise!.std).toBeGreaterThan(0); // fresh shots change the objective
    expect(cal.targetStep).toBe(source.scale.step);
    const block = events.find((e) => e.kind === 'spsa-block') as Extract<TrainEvent, { kind: 'spsa-block' }>;
    console.log(
      `calibration: σ = ${cal.noise!.std.toExponential(2)}, c = ${cal.c}, a = ${cal.a.toFixed(3)}; block: |Δθ| = ${block.thetaL2.toFixed(3)} ` +
        `(max ${block.thetaMaxAbs.toFixed(3)}), objective ${block.objectiveStart!.toFixed(4)} → ${block.objectiveEnd!.toFixed(4)}`,
    );
    // Six updates of a calibrated size: θ moves by a fair fraction of a radian (the old gains: ~0.01).
    expect(block.thetaMaxAbs).toBeGreaterThan(0.15);
    expect(d.movement().featureL2!).toBeGreaterThan(0);
  });

  // Known defect (issue 13): calibrated SPSA does not yet lower the noise-free objective on a real run.
  it.fails('lowers the exact-feature objective over its block (expected to fail today)', () => {
    const { events } = run();
    const block = events.find((e) => e.kind === 'spsa-block') as Extract<TrainEvent, { kind: 'spsa-block' }>;
    expect(block.objectiveEnd!).toBeLessThan(block.objectiveStart!);
  });
});
