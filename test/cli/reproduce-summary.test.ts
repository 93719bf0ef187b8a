// The summariser on small synthetic result files: seed statistics checked against a textbook t
// quantile, the controls' table is compare's own output, the shot fit and frontier sections appear,
// and regeneration is byte-for-byte identical.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveConfig, type PartialConfig } from '../../src/pqkd/config.js';
import { compareArms, formatComparison } from '../../src/cli/compare/compare.js';
import { experimentJobs, validateExperiment, type ExperimentDefinition } from '../../src/cli/reproduce/experiment.js';
import { RESULT_FORMAT, type JobResult } from '../../src/cli/reproduce/result-file.js';
import { seedStats } from '../../src/cli/reproduce/summarise.js';
import { writeSummaries } from '../../src/cli/reproduce/write-summary.js';
import { cleanup, mainInProcess, tempDir } from './helpers.js';

const root = tempDir('summary');
afterAll(() => cleanup(root));

function definition(
  name: string,
  summary: ExperimentDefinition['summary'],
  grid: Record<string, unknown[]>[],
  seeds: number[],
  config: PartialConfig = {},
): ExperimentDefinition {
  return validateExperiment(
    {
      name,
      version: 1,
      title: `synthetic ${name}`,
      description: 'synthetic result files for the summariser test',
      summary,
      config: { dataset: 'mnist', ...config },
      grid,
      seeds,
      paper: { source: 'test', values: [{ key: 'student', label: 'student accuracy', value: 97.5, unit: '%', source: 'test' }] },
      notes: ['synthetic'],
    },
    name,
  );
}

/** A result file with the given accuracies (fractions); everything else is plausible filler. */
function synthetic(def: ExperimentDefinition, jobIndex: number, student: number, teacher: number, loss: number): JobResult {
  const job = experimentJobs(def)[jobIndex]!;
  const c = resolveConfig(job.config);
  const accounting = { compression: 10 + c.student.rank } as unknown as JobResult['run']['accounting'];
  return {
    format: RESULT_FORMAT,
    experiment: def.name,
    experimentVersion: def.version,
    job: job.id,
    overrides: job.overrides,
    seed: job.seed,
    config: c,
    configSha256: job.configSha256,
    codeCommit: null,
    codeVersion: 'test',
    teacher: { sha256: `t${job.seed}`, cacheKey: 'k', testAccuracy: teacher, wallSeconds: 100, metrics: [] },
    metrics: [{ kind: 'eval', phase: 'student', split: 'test', loss, accuracy: student, count: 100 }],
    final: {
      teacher: { testAccuracy: teacher, testLoss: 0.1, valAccuracy: teacher },
      student: { testAccuracy: student, testLoss: loss, valAccuracy: student, valLoss: loss, compiledTestAccuracy: student, exactFeatureTestAccuracy: null },
    },
    run: {
      command: 'distill',
      dataset: 'mnist',
      datasetLabel: 'MNIST',
      teacher: { valAccuracy: teacher, testAccuracy: teacher, parameters: 1 },
      student: { valAccuracy: student, testAccuracy: student, exactFeatureTestAccuracy: null, compiledTestAccuracy: student },
      accounting,
      shots: c.photonic.shots,
      ema: c.ema.enabled,
      emaBeta: c.ema.beta,
      featureSource: c.photonic.featureSource,
      theta: [],
      exportFeature: [],
      exactFeature: null,
      featureRmsError: 1 / Math.sqrt(c.photonic.shots),
      weightsSha256: 'w',
      wallSeconds: 10,
    },
    weightsSha256: `w${jobIndex}`,
    machine: { cpu: 'test CPU', threads: 1, kernels: 'js', node: 'v20', platform: 'linux-x64' },
    wallSeconds: 10,
  };
}

function writeExperiment(dir: string, def: ExperimentDefinition, results: JobResult[]): void {
  mkdirSync(join(dir, 'experiments'), { recursive: true });
  mkdirSync(join(dir, 'results', def.name), { recursive: true });
  writeFileSync(join(dir, 'experiments', `${def.name}.json`), JSON.stringify(def));
  for (const r of results) writeFileSync(join(dir, 'results', def.name, `${r.job}.json`), JSON.stringify(r));
}

function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = { 'RESULTS.md': readFileSync(join(dir, 'RESULTS.md'), 'utf8') };
  for (const exp of readdirSync(join(dir, 'results'))) {
    for (const f of readdirSync(join(dir, 'results', exp))) out[`${exp}/${f}`] = readFileSync(join(dir, 'results', exp, f), 'utf8');
  }
  return out;
}

describe('seedStats', () => {
  it('gives mean, sample std and the t interval (t_{0.975, 2} = 4.303, a textbook table value)', () => {
    const s = seedStats([97, 98, 99]);
    expect(s.mean).toBe(98);
    expect(s.std).toBe(1);
    const half = (4.302653 * 1) / Math.sqrt(3);
    expect(s.ci![0]).toBeCloseTo(98 - half, 4);
    expect(s.ci![1]).toBeCloseTo(98 + half, 4);
    expect(seedStats([97]).ci).toBeNull();
  });
});

describe('reproduce --summarise', () => {
  const dir = join(root, 'repo');
  const controls = definition('syn-controls', 'controls', [{ 'photonic.featureSource': ['photonic', 'fixed-random', 'distinguishable'] }], [0, 1, 2]);
  const shots = definition('syn-shots', 'shots-ema', [{ 'photonic.shots': [16, 64, 256], 'ema.enabled': [true, false] }], [0, 1, 2]);
  const frontier = definition('syn-frontier', 'frontier', [{ 'student.rank': [2, 4], 'student.scope': ['partial', 'full'] }], [0, 1]);
  // Accuracies: arm a, seed s → fixed values, no pattern tuned to the code.
  const acc = [0.97, 0.975, 0.969, 0.971, 0.968, 0.98, 0.972, 0.966, 0.974];
  const controlResults = acc.map((a, i) => synthetic(controls, i, a, 0.99, 0.1 + i / 100));
  const shotResults = experimentJobs(shots).map((j, i) =>
    synthetic(shots, i, 0.95 - 0.2 / Math.sqrt(resolveConfig(j.config).photonic.shots) + (i % 3) * 0.001, 0.99, 0.2),
  );
  const frontierResults = experimentJobs(frontier).map((_, i) => synthetic(frontier, i, 0.96 + (i % 4) * 0.003, 0.99, 0.2));

  it('writes summary.json, plots and RESULTS.md, and regenerates them byte for byte', async () => {
    writeExperiment(dir, controls, controlResults);
    writeExperiment(dir, shots, shotResults);
    writeExperiment(dir, frontier, frontierResults);
    const opts = { experimentsDir: join(dir, 'experiments'), resultsDir: join(dir, 'results'), resultsMd: join(dir, 'RESULTS.md') };
    await writeSummaries(opts);
    const first = snapshot(dir);
    expect(Object.keys(first)).toEqual(
      expect.arrayContaining([
        'syn-controls/summary.json',
        'syn-controls/controls-forest.svg',
        'syn-shots/shots-accuracy.svg',
        'syn-frontier/compression-frontier.svg',
      ]),
    );
    for (const exp of ['syn-controls', 'syn-shots', 'syn-frontier']) {
      rmSync(join(dir, 'results', exp, 'summary.json'));
      for (const f of readdirSync(join(dir, 'results', exp))) if (f.endsWith('.svg')) rmSync(join(dir, 'results', exp, f));
    }
    rmSync(join(dir, 'RESULTS.md'));
    await writeSummaries(opts);
    expect(snapshot(dir)).toEqual(first);
  });

  it("puts compare's own table and the seed statistics in RESULTS.md", () => {
    const md = readFileSync(join(dir, 'RESULTS.md'), 'utf8');
    const runs = controlResults.map((r) => ({
      arm: r.config.photonic.featureSource,
      seed: r.seed,
      accuracy: 100 * r.final.student.testAccuracy,
      loss: r.final.student.testLoss!,
      dir: r.job,
    }));
    expect(md).toContain(formatComparison(compareArms(runs, 'photonic', { resamples: 10_000, seed: 0, sweeps: ['results/syn-controls'] })));
    // photonic arm: seeds 0..2 are the first three values (97.0, 97.5, 96.9).
    const photonic = seedStats([97, 97.5, 96.9]);
    expect(md).toContain(`${photonic.mean.toFixed(2)} ± ${photonic.std!.toFixed(2)}`);
    expect(md).toMatch(/δ\(S\) = δ∞ − k\/√S/);
    expect(md).toContain('Compression frontier');
  });

  it('refuses a result file of another experiment, and bad flags, with one line and exit 2', async () => {
    const bad = join(root, 'bad');
    writeExperiment(bad, controls, [{ ...controlResults[0]!, experiment: 'other' }]);
    const r = await mainInProcess([
      'reproduce',
      '--summarise',
      '--experiments',
      join(bad, 'experiments'),
      '--results',
      join(bad, 'results'),
      '--results-md',
      join(bad, 'R.md'),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain("holds a result of experiment 'other'");
    const extra = await mainInProcess(['reproduce', '--summarise', 'table1-mnist']);
    expect(extra.code).toBe(2);
  });
});
