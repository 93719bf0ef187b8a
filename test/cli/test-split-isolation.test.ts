// Test isolation proved by its consequence (docs/method.md §11.9): the same tiny teacher + distill run,
// once with the real MNIST test split and once with a test split of the same shape but different
// contents (other images, other labels), must agree bit for bit in everything that training and
// SPSA produce — every checkpoint, every training/validation/SPSA metric, θ, the exported feature and
// the weights' hash — and differ only in the test metrics. Any path by which the test split reached
// training, SPSA scoring or validation would make the two runs diverge. (There is no best-epoch model
// selection to check: the final epoch is the result; every epoch's checkpoint is compared.)
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { Dataset } from '../../src/data/dataset.js';
import { cleanup, deterministicMetrics, readResults, tempDir } from './helpers.js';

let alterTest = false;

/** The test split with other contents: pixels inverted and reversed, labels rotated by 3; same shape. */
function altered(d: Dataset): Dataset {
  const images = Uint8Array.from(d.images, (v) => 255 - v).reverse();
  const labels = Uint8Array.from(d.labels, (l) => (l + 3) % d.classes.length);
  let sum = 0;
  let sq = 0;
  for (const v of images) {
    sum += v / 255;
    sq += (v / 255) ** 2;
  }
  const mean = sum / images.length;
  const sha256 = Object.fromEntries(Object.keys(d.sha256).map((k) => [k, 'f'.repeat(64)]));
  return { ...d, images, labels, mean: [mean], std: [Math.sqrt(sq / images.length - mean * mean)], sha256 };
}

vi.mock('../../src/data/registry.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/data/registry.js')>();
  return {
    ...original,
    loadDataset: (name: Parameters<typeof original.loadDataset>[0], options: Parameters<typeof original.loadDataset>[1]) => {
      const d = original.loadDataset(name, options);
      return alterTest && options.split === 'test' ? altered(d) : d;
    },
  };
});

const { executeRun } = await import('../../src/cli/commands/train.js');
const { RunDir } = await import('../../src/cli/run-dir.js');
const { sha256Hex } = await import('../../src/data/bytes.js');
const { Progress } = await import('../../src/cli/progress.js');
const { resolveConfig } = await import('../../src/pqkd/config.js');

const root = tempDir('test-split-isolation');
afterAll(() => cleanup(root));

/** SHA-256 of every checkpoint a run writes, in order (each epoch's, not only the last). */
const written: Record<string, string[]> = {};
let current = '';
const writeCheckpoint = RunDir.prototype.writeCheckpoint;
RunDir.prototype.writeCheckpoint = function (this: InstanceType<typeof RunDir>, name: string, bytes: Uint8Array): void {
  written[current]!.push(`${name}:${sha256Hex(bytes)}`);
  writeCheckpoint.call(this, name, bytes);
};

async function run(name: string): Promise<string> {
  current = name;
  written[name] = [];
  const config = resolveConfig({
    teacher: { width: 8, epochs: 2, batchSize: 50 },
    student: { epochs: 2, batchSize: 50 },
    spsa: { updatesPerEpoch: 2, batchSize: 64 },
    data: { valSize: 200, trainLimit: 300, testLimit: 200 },
  });
  const out = join(root, name);
  await executeRun({
    command: 'distill',
    config,
    out,
    resume: false,
    teacherCheckpoint: null,
    threads: 1,
    kernels: 'js',
    progress: new Progress('quiet'),
    report: false,
  });
  return out;
}

const isTestMetric = (line: string): boolean => (JSON.parse(line) as { split?: string }).split === 'test';

describe('the test split never reaches training, SPSA or validation', () => {
  it('a test split with other contents changes the test metrics and nothing else', async () => {
    alterTest = false;
    const real = await run('real');
    alterTest = true;
    const other = await run('other');
    alterTest = false;

    const checkpoints = readdirSync(real)
      .filter((f) => f.endsWith('.safetensors'))
      .sort();
    expect(checkpoints).toEqual(['checkpoint.safetensors', 'teacher.safetensors']);
    expect(
      readdirSync(other)
        .filter((f) => f.endsWith('.safetensors'))
        .sort(),
    ).toEqual(checkpoints);
    for (const f of checkpoints) expect(readFileSync(join(other, f)).equals(readFileSync(join(real, f))), f).toBe(true);
    // Every epoch's checkpoint (2 teacher + 2 student epochs), not only the last ones.
    expect(written.real!.length).toBeGreaterThanOrEqual(4);
    expect(written.other).toEqual(written.real);

    const a = deterministicMetrics(real);
    const b = deterministicMetrics(other);
    expect(b.length).toBe(a.length);
    const trainingLines = a.filter((l) => !isTestMetric(l));
    expect(trainingLines.length).toBeGreaterThan(4); // epochs of both stages and SPSA updates
    expect(b.filter((l) => !isTestMetric(l))).toEqual(trainingLines);
    const testA = a.filter(isTestMetric);
    const testB = b.filter(isTestMetric);
    expect(testA.length).toBeGreaterThan(0);
    expect(testB.length).toBe(testA.length);
    for (let i = 0; i < testA.length; i++) expect(testB[i], `test metric ${i}`).not.toBe(testA[i]);

    const ra = readResults(real);
    const rb = readResults(other);
    expect(rb.teacher.valAccuracy).toBe(ra.teacher.valAccuracy);
    expect(rb.student!.valAccuracy).toBe(ra.student!.valAccuracy);
    expect(rb.theta).toEqual(ra.theta);
    expect(rb.exportFeature).toEqual(ra.exportFeature);
    expect(rb.weightsSha256).toBe(ra.weightsSha256);
    expect(rb.checkpoints).toEqual(ra.checkpoints);
    expect(rb.teacher.testAccuracy).not.toBe(ra.teacher.testAccuracy);
    expect(rb.student!.testAccuracy).not.toBe(ra.student!.testAccuracy);
  });
});
