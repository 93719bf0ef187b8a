// The interruptible epoch drivers: the async epoch equals the synchronous one bit for bit, yields to
// the event loop between steps (a timer set before the epoch fires during it), and an abort stops it
// at the next step boundary with the signal's reason.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { saveCheckpoint } from '../../src/nn/checkpoint.js';
import { Distiller } from '../../src/pqkd/distill.js';
import { createFeatureSource } from '../../src/pqkd/feature-sources.js';
import { studentSpec, teacherSpec } from '../../src/pqkd/model-spec.js';
import { buildModel, type PqkdNet } from '../../src/pqkd/models.js';
import { TeacherTrainer } from '../../src/pqkd/teacher.js';
import { runInterruptibly, runToEnd, TrainingAbortedError, type EpochSteps } from '../../src/pqkd/train-loop.js';
import type { TrainEvent } from '../../src/pqkd/events.js';
import { Generator } from '../../src/tensor/random.js';
import { mnistSlice, tinyConfig } from './helpers.js';

const data = mnistSlice(600, 300);
const config = tinyConfig({ seed: 5 });

function hash(m: PqkdNet): string {
  return createHash('sha256').update(saveCheckpoint({ model: m })).digest('hex');
}

function newTeacher(): PqkdNet {
  return buildModel(teacherSpec('mnist', 8), { generator: new Generator(3) });
}

function* counter(n: number, log: string[]): EpochSteps<number> {
  try {
    for (let i = 0; i < n; i++) {
      log.push(`step ${i}`);
      yield;
    }
    return n;
  } finally {
    log.push('closed');
  }
}

describe('train-loop drivers', () => {
  it('runToEnd and runInterruptibly return the generator result', async () => {
    expect(runToEnd(counter(4, []))).toBe(4);
    expect(await runInterruptibly(counter(4, []))).toBe(4);
  });

  it('an abort stops at the next step boundary, closes the generator and throws the reason', async () => {
    const log: string[] = [];
    const controller = new AbortController();
    const reason = new Error('stop here');
    // Abort from a macrotask, as a signal handler would: the driver must yield for it to run.
    setTimeout(() => controller.abort(reason), 0);
    const steps = (function* (): EpochSteps<number> {
      const inner = counter(1_000_000, log);
      for (;;) {
        const r = inner.next();
        if (r.done) return r.value;
        yield;
      }
    })();
    await expect(runInterruptibly(steps, controller.signal)).rejects.toBe(reason);
    expect(log.length).toBeLessThan(1_000_000);
    // A reason that is not an Error becomes a TrainingAbortedError.
    const c2 = new AbortController();
    c2.abort('user asked');
    await expect(runInterruptibly(counter(3, []), c2.signal)).rejects.toBeInstanceOf(TrainingAbortedError);
  });

  it('TeacherTrainer.runEpochAsync is bit-identical to runEpoch and lets timers run between steps', async () => {
    const a = newTeacher();
    new TeacherTrainer(a, data, config.teacher, 7).runEpoch(() => 0);
    const b = newTeacher();
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    try {
      await new TeacherTrainer(b, data, config.teacher, 7).runEpochAsync();
    } finally {
      clearInterval(timer);
    }
    expect(hash(b)).toBe(hash(a));
    expect(ticks).toBeGreaterThan(0);
  });

  it('Distiller: an aborted epoch leaves no epoch event; rerun from the start state it matches the straight run', async () => {
    const teacher = newTeacher();
    new TeacherTrainer(teacher, data, config.teacher, 7).runEpoch();
    teacher.eval();
    const make = (events: TrainEvent[] = []): { d: Distiller; s: PqkdNet } => {
      const source = createFeatureSource(config.photonic, config.seed);
      const s = buildModel(studentSpec(teacherSpec('mnist', 8), 'partial', 4), {
        generator: new Generator(config.seed).fork('student-init'), projectionSeed: config.projectionSeed, featureBins: source.bins,
      });
      return { d: new Distiller(config, teacher, s, source, data, { onEvent: (e) => events.push(e) }), s };
    };
    const straight = make();
    straight.d.runEpoch();

    const events: TrainEvent[] = [];
    const controller = new AbortController();
    const stop = new Error('interrupted');
    // Abort (from inside the trainer's own hook) once the third Adam step has been reported.
    const { d } = make(events);
    const record = events.push.bind(events);
    events.push = (...e: TrainEvent[]) => {
      const n = record(...e);
      if (events.filter((x) => x.kind === 'step').length === 3) controller.abort(stop);
      return n;
    };
    await expect(d.runEpochAsync({ signal: controller.signal })).rejects.toBe(stop);
    expect(events.filter((e) => e.kind === 'step')).toHaveLength(3);
    expect(events.some((e) => e.kind === 'epoch')).toBe(false);

    const rerun = make();
    await rerun.d.runEpochAsync();
    expect(hash(rerun.s)).toBe(hash(straight.s));
  });
});
