// The 'ema-ratio' kind: its jobs are `pqkd ema-stats` measurements (a small circuit here), written as
// result files, summarised per (S, β) over seeds, and re-checked by verify --result (a tampered file fails).
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EmaJobResult } from '../../src/cli/reproduce/ema-job.js';
import { seedStats } from '../../src/cli/reproduce/summarise.js';
import { cleanup, mainInProcess, tempDir } from './helpers.js';

const root = tempDir('reproduce-ema');
afterAll(() => cleanup(root));

const definition = {
  name: 'tiny-ema', version: 1, title: 'tiny EMA ratio', description: 'a 4-mode circuit, short windows', summary: 'ema-ratio',
  config: { dataset: 'mnist', photonic: { modes: 4, loopLengths: [1], shots: 50, groups: [[0, 1], [2, 3]] } },
  grid: [{ 'ema.beta': [0.5, 0.9] }], seeds: [0, 1], emaStats: { steps: 200, windows: 2, burnIn: 20 },
  paper: { source: 'test', values: [{ key: 'ratio beta=0.9', label: 'median ratio', value: 0.0406, unit: 'ratio', source: 'test' }] }, notes: [],
};

describe('reproduce ema-ratio', () => {
  it('measures, summarises per (S, β) and verifies', async () => {
    mkdirSync(join(root, 'experiments'));
    writeFileSync(join(root, 'experiments', 'tiny-ema.json'), JSON.stringify(definition));
    const paths = ['--experiments', join(root, 'experiments'), '--results', join(root, 'results'), '--runs', join(root, 'runs')];
    const run = await mainInProcess(['reproduce', 'tiny-ema', '--quiet', ...paths]);
    expect(run.code, run.stderr).toBe(0);
    const dir = join(root, 'results', 'tiny-ema');
    const files = readdirSync(dir).sort();
    expect(files).toHaveLength(4);
    const results = files.map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as EmaJobResult);
    const summarised = await mainInProcess(['reproduce', '--summarise', ...paths, '--results-md', join(root, 'RESULTS.md')]);
    expect(summarised.code, summarised.stderr).toBe(0);
    const md = readFileSync(join(root, 'RESULTS.md'), 'utf8');
    const at09 = seedStats(results.filter((r) => r.config.ema.beta === 0.9).map((r) => r.measurement.results[0]!.medianRatio.mean));
    expect(md).toContain(`| 50 | 0.9 | 2 | ${at09.mean.toFixed(4)} ± ${at09.std!.toFixed(4)} |`);
    expect(md).toContain('0.0406');

    const one = join(dir, files[0]!);
    const ok = await mainInProcess(['verify', '--result', one]);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    const tampered = join(root, 'tampered.json');
    const r = results[0]!;
    r.measurement.results[0]!.medianRatio.mean += 1e-3;
    writeFileSync(tampered, JSON.stringify(r));
    const bad = await mainInProcess(['verify', '--result', tampered]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('verify: DIFFERENT');
  });
});
