// The non-finite-loss path, reached after a checkpoint through the documented fault injection
// (PQKD_FAULT_NONFINITE_AT): exit 3 with one line naming epoch, step and --resume; the last good
// checkpoint (epoch 1) is kept; resuming without the fault ends bit-identical to a clean run.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpointExtra } from '../../src/cli/commands/checkpoint-info.js';
import type { RunManifest } from '../../src/cli/run-schema.js';
import type { StudentExtra } from '../../src/cli/stages.js';
import { cleanup, deterministicMetrics, pqkd, readResults, tempDir, TINY } from './helpers.js';

const ARGS = [...TINY, '--epochs', '3'];
let root: string;

beforeAll(() => {
  root = tempDir('nan');
});
afterAll(() => cleanup(root));

describe('a loss that becomes NaN after the first checkpoint', () => {
  it('exits 3, keeps the last good checkpoint, and resumes to the clean run', () => {
    const reference = join(root, 'reference');
    expect(pqkd(['distill', ...ARGS, '--out', reference]).status).toBe(0);

    const dir = join(root, 'faulty');
    const r = pqkd(['distill', ...ARGS, '--out', dir], { env: { PQKD_FAULT_NONFINITE_AT: 'student:2:3' } });
    expect(r.status, r.stderr).toBe(3);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/student training: the loss became NaN at epoch 2, step 4; stopped, the last good checkpoint is kept \(resume with: pqkd distill --resume .*faulty\)/);
    const extra = loadCheckpointExtra(join(dir, 'checkpoint.safetensors')) as StudentExtra;
    expect(extra.state.epoch).toBe(1);
    expect(extra.complete).toBe(false);
    expect((JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as RunManifest).status).toBe('failed');

    const resumed = pqkd(['distill', '--resume', dir, '--quiet']);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(readResults(dir).weightsSha256).toBe(readResults(reference).weightsSha256);
    expect(deterministicMetrics(dir)).toEqual(deterministicMetrics(reference));
  }, 400_000);

  it('a malformed fault spec is a usage error', () => {
    const r = pqkd(['distill', ...TINY, '--out', join(root, 'bad-spec')], { env: { PQKD_FAULT_NONFINITE_AT: 'soon' } });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/PQKD_FAULT_NONFINITE_AT: expected phase:epoch:step/);
  });
});
