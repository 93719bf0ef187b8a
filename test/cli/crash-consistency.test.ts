// Crash consistency: SIGKILL at seeded random moments of a whole tiny run (including before the
// first checkpoint and before the manifest exists), then --resume (or, when the run never claimed its
// directory, the same command again) ends bit-identical to an uninterrupted run. A torn last metrics
// line and orphan temp files are handled on resume; two runs on one --out: exactly one wins.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Generator } from '../../src/tensor/random.js';
import { cleanup, deterministicMetrics, pqkd, readResults, startPqkd, tempDir, TINY, waitFor } from './helpers.js';

let root: string;
let reference: string;
let referenceSeconds: number;

beforeAll(() => {
  root = tempDir('crash');
  reference = join(root, 'reference');
  const t0 = Date.now();
  const r = pqkd(['distill', ...TINY, '--out', reference]);
  referenceSeconds = (Date.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`reference run failed: ${r.stderr}`);
}, 600_000);
afterAll(() => cleanup(root));

/** Finishes a killed run: --resume when it has a manifest, else the same command again. */
function finish(dir: string): void {
  const r = existsSync(join(dir, 'manifest.json'))
    ? pqkd(['distill', '--resume', dir, '--quiet'])
    : pqkd(['distill', ...TINY, '--out', dir]);
  expect(r.status, r.stderr).toBe(0);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(readResults(dir).weightsSha256).toBe(readResults(reference).weightsSha256);
  expect(deterministicMetrics(dir)).toEqual(deterministicMetrics(reference));
  expect(readdirSync(dir).filter((f) => f.endsWith('.tmp') || f === 'run.lock')).toEqual([]);
}

async function killAt(dir: string, when: { ms?: number; ready?: () => boolean }): Promise<void> {
  const run = startPqkd(['distill', ...TINY, '--out', dir]);
  if (when.ready) await waitFor(run, when.ready);
  else await new Promise((r) => setTimeout(r, when.ms));
  run.child.kill('SIGKILL');
  await run.exited;
}

describe('kill at any point, then resume or restart', () => {
  it('before the first checkpoint (manifest written, nothing trained yet)', async () => {
    const dir = join(root, 'early');
    await killAt(dir, { ready: () => existsSync(join(dir, 'manifest.json')) });
    expect(existsSync(join(dir, 'teacher.safetensors'))).toBe(false);
    finish(dir);
  }, 300_000);

  it('at seeded random moments over the whole run', async () => {
    const gen = new Generator(1507);
    const points = Array.from({ length: 3 }, () => Math.round(gen.uniformArray(1, 0.05, 1.1)[0]! * referenceSeconds * 1000));
    for (const [i, ms] of points.entries()) {
      const dir = join(root, `random-${i}`);
      await killAt(dir, { ms });
      finish(dir);
    }
  }, 600_000);

  it('a torn last metrics line and orphan temp files are dropped on resume, with a warning', async () => {
    const dir = join(root, 'torn');
    await killAt(dir, { ready: () => existsSync(join(dir, 'teacher.safetensors')) });
    writeFileSync(join(dir, 'metrics.jsonl'), `${readFileSync(join(dir, 'metrics.jsonl'), 'utf8')}{"kind":"epoch","phase":"stu`);
    writeFileSync(join(dir, '.checkpoint.safetensors.999999.0.tmp'), 'half a checkpoint');
    const r = pqkd(['distill', '--resume', dir, '--quiet']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning: .*metrics\.jsonl: dropped a torn last line/);
    expect(r.stderr).toMatch(/warning: .*removed 1 temp file\(s\) of interrupted writes \(\.checkpoint\.safetensors\.999999\.0\.tmp\)/);
    expect(readResults(dir).weightsSha256).toBe(readResults(reference).weightsSha256);
    expect(deterministicMetrics(dir)).toEqual(deterministicMetrics(reference));
  }, 300_000);
});

describe('one --out, two runs', () => {
  it('exactly one of two simultaneous runs on one --out proceeds; the other is refused cleanly', async () => {
    const dir = join(root, 'shared');
    const a = startPqkd(['distill', ...TINY, '--out', dir]);
    const b = startPqkd(['distill', ...TINY, '--out', dir]);
    const [ra, rb] = await Promise.all([a.exited, b.exited]);
    const codes = [ra.code, rb.code].sort();
    expect(codes, ra.stderr + rb.stderr).toEqual([0, 2]);
    const loser = ra.code === 2 ? ra : rb;
    expect(loser.stderr).toMatch(/in use by another pqkd process|already holds a run/);
    expect(readResults(dir).weightsSha256).toBe(readResults(reference).weightsSha256);
  }, 300_000);

  it('a stale lock left by a killed process is taken over', () => {
    const dir = join(root, 'stale');
    // A directory holding only the lock of a dead process (pid far above pid_max) is free.
    mkdirSync(dir);
    writeFileSync(join(dir, 'run.lock'), '4194999\n');
    const r = pqkd(['distill', ...TINY, '--out', dir]);
    expect(r.status, r.stderr).toBe(0);
    expect(existsSync(join(dir, 'run.lock'))).toBe(false);
  }, 300_000);
});
