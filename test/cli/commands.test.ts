// Each `pqkd` command on a tiny real MNIST slice, in a child process, as a user runs it.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunManifest, SweepResults } from '../../src/cli/run-schema.js';
import { cleanup, deterministicMetrics, pqkd, readResults, tempDir, TINY } from './helpers.js';

let root: string;
let run: string;

beforeAll(() => {
  root = tempDir('cli');
  run = join(root, 'distill');
  const r = pqkd(['distill', ...TINY, '--out', run]);
  if (r.status !== 0) throw new Error(`distill failed (${r.status}): ${r.stderr}\n${r.stdout}`);
});

afterAll(() => cleanup(root));

describe('pqkd distill', () => {
  it('writes the run directory: manifest, metrics, checkpoints, results', () => {
    for (const f of ['manifest.json', 'metrics.jsonl', 'results.json', 'checkpoint.safetensors', 'teacher.safetensors']) {
      expect(existsSync(join(run, f)), f).toBe(true);
    }
    const manifest = JSON.parse(readFileSync(join(run, 'manifest.json'), 'utf8')) as RunManifest;
    expect(manifest.status).toBe('finished');
    expect(manifest.config.student.epochs).toBe(2);
    expect(manifest.node).toBe(process.version);
    expect(Object.keys(manifest.datasets)).toEqual(['mnist/train', 'mnist/test']);
    expect(Object.values(manifest.datasets['mnist/train']!.sha256)[0]).toMatch(/^[0-9a-f]{64}$/);
    const results = readResults(run);
    expect(results.student!.testAccuracy).toBeGreaterThan(0.3);
    expect(results.exportFeature).toHaveLength(512);
    expect(results.theta).toHaveLength(29);
    // Classical inference of the compiled dense network reproduces the student's evaluation.
    expect(results.student!.compiledTestAccuracy).toBe(results.student!.testAccuracy);
    const kinds = deterministicMetrics(run).map((l) => JSON.parse(l).kind as string);
    // Two epochs with two SPSA updates each, but the first epoch is the SPSA warm-up (spsa.warmupEpochs = 1).
    expect(kinds.filter((k) => k === 'spsa')).toHaveLength(2);
    expect(kinds.filter((k) => k === 'epoch')).toHaveLength(3);
  });

  it('refuses to overwrite an existing run', () => {
    const r = pqkd(['distill', ...TINY, '--out', run]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/already holds a run; use --resume/);
  });

  it('verify reruns it bit for bit', () => {
    const r = pqkd(['verify', run, '--threads', '1']);
    expect(r.stdout).toMatch(/verify: identical/);
    expect(r.status).toBe(0);
  });

  it('verify notices a tampered metric', () => {
    const copy = join(root, 'tampered');
    pqkd(['distill', ...TINY, '--epochs', '1', '--out', copy]);
    const lines = readFileSync(join(copy, 'metrics.jsonl'), 'utf8').split('\n');
    lines[0] = lines[0]!.replace(/"trainLoss":[0-9.]+/, '"trainLoss":1.5');
    writeFileSync(join(copy, 'metrics.jsonl'), lines.join('\n'));
    const r = pqkd(['verify', copy, '--threads', '1']);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/DIFFERENT/);
  });
});

describe('pqkd teacher, then distill from its checkpoint', () => {
  it('trains a teacher and distils from it', () => {
    const teacherDir = join(root, 'teacher');
    const t = pqkd([
      'teacher',
      '--width',
      '8',
      '--teacher-epochs',
      '1',
      '--train-limit',
      '500',
      '--val-size',
      '300',
      '--test-limit',
      '200',
      '--quiet',
      '--out',
      teacherDir,
    ]);
    expect(t.status, t.stderr).toBe(0);
    expect(readResults(teacherDir).teacher.testAccuracy).toBeGreaterThan(0.3);
    const d = pqkd(['distill', ...TINY, '--epochs', '1', '--teacher', join(teacherDir, 'checkpoint.safetensors'), '--out', join(root, 'from-teacher')]);
    expect(d.status, d.stderr).toBe(0);
    expect(existsSync(join(root, 'from-teacher', 'teacher.safetensors'))).toBe(false);
  });
});

describe('pqkd sweep', () => {
  it('runs a grid, shares the teacher, and skips finished jobs on rerun', () => {
    const dir = join(root, 'sweep');
    const args = ['sweep', ...TINY, '--epochs', '1', '--grid', '{"student.rank":[2,4]}', '--teacher-cache', join(root, 'sweep-teachers'), '--out', dir];
    const first = pqkd(args);
    expect(first.status, first.stderr).toBe(0);
    const sweep = JSON.parse(readFileSync(join(dir, 'sweep.json'), 'utf8')) as SweepResults;
    expect(sweep.jobs.map((j) => j.status)).toEqual(['finished', 'finished']);
    expect(sweep.jobs[0]!.results!.accounting!.compression).toBeGreaterThan(sweep.jobs[1]!.results!.accounting!.compression);
    expect(readdirSync(join(root, 'sweep-teachers'))).toHaveLength(1); // one cached teacher for both jobs
    const again = pqkd(args.filter((a) => a !== '--quiet')); // --quiet prints only errors and the result line
    expect(again.status).toBe(0);
    expect((again.stdout + again.stderr).match(/already finished, skipped/g)).toHaveLength(2);
  });
});

describe('pqkd circuit and report', () => {
  it('circuit prints exact statistics as JSON', () => {
    const r = pqkd(['circuit', '--modes', '6', '--loops', '1,2', '--shots', '2000', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { nParams: number; unitarityError: number; top: { exact: number; sampled: number }[]; meanCounts: number[] };
    expect(out.nParams).toBe(9);
    expect(out.unitarityError).toBeLessThan(1e-12);
    expect(out.meanCounts.reduce((a, b) => a + b, 0)).toBeCloseTo(3, 10);
    // 2000 shots: the most likely pattern's frequency is within 5 standard errors of its probability.
    const top = out.top[0]!;
    expect(Math.abs(top.sampled - top.exact)).toBeLessThan(5 * Math.sqrt((top.exact * (1 - top.exact)) / 2000));
  });

  it('report rebuilds report.html', () => {
    const r = pqkd(['report', run]);
    expect(r.status, r.stderr).toBe(0);
    const html = readFileSync(join(run, 'report.html'), 'utf8');
    expect(html).toContain('<svg');
  });

  it('every command has --help', () => {
    for (const c of ['start', 'teacher', 'distill', 'sweep', 'report', 'verify', 'circuit', 'compare', 'ema-stats']) {
      const r = pqkd([c, '--help']);
      expect(r.status, c).toBe(0);
      expect(r.stdout).toContain(`pqkd ${c}`);
    }
  });
});
