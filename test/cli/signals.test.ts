// SIGINT / SIGTERM on a real child process: the run stops at a step boundary, keeps its last epoch
// checkpoint, marks the manifest `interrupted`, prints one line naming --resume and exits 130 / 143;
// a second SIGINT exits at once. Every interrupted run, resumed, ends bit-identical to an
// uninterrupted one (weights hash and every deterministic metric line).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunManifest } from '../../src/cli/run-schema.js';
import { cleanup, deterministicMetrics, pqkd, readResults, startPqkd, tempDir, TINY, waitFor } from './helpers.js';

const ARGS = [...TINY, '--teacher-epochs', '2', '--epochs', '3'];
let root: string;
let reference: string;

beforeAll(() => {
  root = tempDir('signals');
  reference = join(root, 'reference');
  const r = pqkd(['distill', ...ARGS, '--out', reference]);
  if (r.status !== 0) throw new Error(`reference run failed: ${r.stderr}`);
}, 600_000);
afterAll(() => cleanup(root));

function manifestStatus(dir: string): RunManifest['status'] {
  return (JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as RunManifest).status;
}

function epochLines(dir: string, phase: string): number {
  return readFileSync(join(dir, 'metrics.jsonl'), 'utf8').split('\n').filter((l) => l.includes('"kind":"epoch"') && l.includes(`"phase":"${phase}"`)).length;
}

function expectResumesToReference(dir: string): void {
  const resumed = pqkd(['distill', '--resume', dir, '--quiet']);
  expect(resumed.status, resumed.stderr).toBe(0);
  expect(readResults(dir).weightsSha256).toBe(readResults(reference).weightsSha256);
  expect(deterministicMetrics(dir)).toEqual(deterministicMetrics(reference));
  expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
}

describe('signals during training', () => {
  it('SIGINT in the student stage: exit 130, manifest interrupted, one line naming --resume, exact resume', async () => {
    const dir = join(root, 'sigint');
    const run = startPqkd(['distill', ...ARGS, '--out', dir]);
    await waitFor(run, () => existsSync(join(dir, 'checkpoint.safetensors')));
    run.child.kill('SIGINT');
    const { code, stderr } = await run.exited;
    expect(code, stderr).toBe(130);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/interrupted by SIGINT; the last epoch checkpoint is kept; resume with: pqkd distill --resume .*sigint/);
    expect(manifestStatus(dir)).toBe('interrupted');
    expect(existsSync(join(dir, 'results.json'))).toBe(false);
    // It stopped within the running epoch: fewer student epochs recorded than the finished run has.
    expect(epochLines(dir, 'student')).toBeLessThan(epochLines(reference, 'student'));
    expectResumesToReference(dir);
  }, 300_000);

  it('SIGTERM in the teacher stage: exit 143, exact resume', async () => {
    const dir = join(root, 'sigterm');
    const run = startPqkd(['distill', ...ARGS, '--out', dir]);
    await waitFor(run, () => existsSync(join(dir, 'teacher.safetensors')));
    run.child.kill('SIGTERM');
    const { code, stderr } = await run.exited;
    expect(code, stderr).toBe(143);
    expect(stderr).toMatch(/interrupted by SIGTERM.*--resume/);
    expect(manifestStatus(dir)).toBe('interrupted');
    expect(epochLines(dir, 'student')).toBe(0);
    expectResumesToReference(dir);
  }, 300_000);

  it('a second SIGINT exits at once, and the run still resumes exactly', async () => {
    const dir = join(root, 'double');
    const run = startPqkd(['distill', ...ARGS, '--out', dir]);
    await waitFor(run, () => existsSync(join(dir, 'teacher.safetensors')));
    run.child.kill('SIGINT');
    run.child.kill('SIGINT');
    const { code, stderr } = await run.exited;
    expect(code, stderr).toBe(130);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, 'results.json'))).toBe(false);
    expectResumesToReference(dir);
  }, 300_000);
});
