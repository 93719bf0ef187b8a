// A loss that becomes NaN/Inf stops training with a clear error (the CLI keeps the last checkpoint).
import { describe, expect, it } from 'vitest';
import { NonFiniteLossError } from '../../src/pqkd/events.js';
import { teacherSpec } from '../../src/pqkd/model-spec.js';
import { buildModel } from '../../src/pqkd/models.js';
import { TeacherTrainer } from '../../src/pqkd/teacher.js';
import { Generator } from '../../src/tensor/random.js';
import { mnistSlice, tinyConfig } from './helpers.js';

describe('non-finite loss', () => {
  it('throws NonFiniteLossError naming the phase, epoch and batch', () => {
    const model = buildModel(teacherSpec('mnist', 8), { generator: new Generator(0) });
    const fc = model.parameters().at(-2)!; // the last Linear's weight
    fc.data[0] = NaN;
    const trainer = new TeacherTrainer(model, mnistSlice(100, 50), tinyConfig().teacher, 0);
    expect(() => trainer.runEpoch()).toThrow(NonFiniteLossError);
    expect(() => trainer.runEpoch()).toThrow(/teacher training: the loss became NaN at epoch 0, batch 0/);
  });
});
