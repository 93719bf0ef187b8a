// Test isolation (docs/method.md §11.9): the test split is opened once, by the final evaluation,
// after every training and SPSA step.
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { cleanup, tempDir } from './helpers.js';

const log: string[] = [];

vi.mock('../../src/data/registry.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/data/registry.js')>();
  return {
    ...original,
    loadDataset: (name: Parameters<typeof original.loadDataset>[0], options: Parameters<typeof original.loadDataset>[1]) => {
      log.push(`load:${name}:${options.split}`);
      return original.loadDataset(name, options);
    },
  };
});

const { executeRun } = await import('../../src/cli/commands/train.js');
const { Progress } = await import('../../src/cli/progress.js');
const { resolveConfig } = await import('../../src/pqkd/config.js');

const root = tempDir('isolation');
afterAll(() => cleanup(root));

describe('test split isolation', () => {
  // The test split is opened once, and up front: every dataset file is verified before training
  // starts (issue 15), so a corrupt test split fails before any work rather than after it.
  it('opens the test split once, before any training', async () => {
    const progress = new Progress('quiet');
    const original = progress.event.bind(progress);
    progress.event = (e) => {
      log.push(`${e.kind}:${'phase' in e ? e.phase : 'spsa'}`);
      original(e);
    };
    const config = resolveConfig({
      teacher: { width: 8, epochs: 1, batchSize: 50 }, student: { epochs: 1, batchSize: 50 },
      spsa: { updatesPerEpoch: 2, batchSize: 64 }, data: { valSize: 200, trainLimit: 300, testLimit: 100 },
    });
    await executeRun({ command: 'distill', config, out: join(root, 'run'), resume: false, teacherCheckpoint: null, threads: 1, kernels: 'js', progress, report: false });
    const testLoads = log.filter((l) => l === 'load:mnist:test');
    expect(testLoads).toHaveLength(1);
    const firstTraining = log.findIndex((l) => l.startsWith('step') || l.startsWith('epoch') || l.startsWith('spsa'));
    expect(firstTraining).toBeGreaterThan(0);
    expect(log.indexOf('load:mnist:test')).toBeLessThan(firstTraining);
    expect(log[0]).toBe('load:mnist:train');
  });
});
