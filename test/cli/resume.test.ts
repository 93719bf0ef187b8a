// Crash safety: a run killed with SIGKILL mid-epoch and resumed with --resume ends bit-identical to
// an uninterrupted run with the same seed (weights hash and every deterministic metric line).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunManifest } from '../../src/cli/run-schema.js';
import { cleanup, deterministicMetrics, pqkd, pqkdAsync, readResults, tempDir, TINY } from './helpers.js';

const ARGS = [...TINY, '--teacher-epochs', '2', '--epochs', '3'];
let root: string;

beforeAll(() => {
  root = tempDir('resume');
});
afterAll(() => cleanup(root));

async function killWhen(dir: string, ready: () => boolean): Promise<void> {
  const child = pqkdAsync(['distill', ...ARGS, '--out', dir]);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + 240_000;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error('the run never reached the kill point');
    if (child.exitCode !== null) throw new Error(`the run ended (code ${child.exitCode}) before the kill point`);
    await new Promise((r) => setTimeout(r, 25));
  }
  child.kill('SIGKILL');
  await exited;
}

function metricLines(dir: string): string[] {
  const f = join(dir, 'metrics.jsonl');
  return existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter(Boolean) : [];
}

describe('kill -9 and --resume', () => {
  it('resumes a run killed in the student stage to the same bits', async () => {
    const reference = join(root, 'reference');
    const r = pqkd(['distill', ...ARGS, '--out', reference]);
    expect(r.status, r.stderr).toBe(0);

    const killed = join(root, 'killed');
    // Kill as soon as the first student checkpoint exists: epoch 2 (its SPSA block or Adam steps) is running.
    await killWhen(killed, () => existsSync(join(killed, 'checkpoint.safetensors')));
    const manifest = JSON.parse(readFileSync(join(killed, 'manifest.json'), 'utf8')) as RunManifest;
    expect(manifest.status).toBe('running'); // SIGKILL leaves no chance to mark it
    expect(existsSync(join(killed, 'results.json'))).toBe(false);

    const resumed = pqkd(['distill', '--resume', killed, '--quiet']);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(readResults(killed).weightsSha256).toBe(readResults(reference).weightsSha256);
    expect(deterministicMetrics(killed)).toEqual(deterministicMetrics(reference));
  });

  it('resumes a run killed in the teacher stage to the same bits', async () => {
    const killed = join(root, 'killed-teacher');
    // Kill as soon as the first teacher checkpoint exists: teacher epoch 2 is running.
    await killWhen(killed, () => existsSync(join(killed, 'teacher.safetensors')));
    expect(metricLines(killed).some((l) => l.includes('"phase":"student"'))).toBe(false);
    const resumed = pqkd(['distill', '--resume', killed, '--quiet']);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(readResults(killed).weightsSha256).toBe(readResults(join(root, 'reference')).weightsSha256);
    expect(deterministicMetrics(killed)).toEqual(deterministicMetrics(join(root, 'reference')));
  });

  it('refuses flags other than --resume/--quiet/--threads when resuming', () => {
    const r = pqkd(['distill', '--resume', join(root, 'reference'), '--shots', '5']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/remove --shots/);
  });
});
