// The layer checker rejects a deliberately wrong import: `.dependency-cruiser.cjs` (the rules
// `npm run lint` applies to src/) runs on the miniature tree in test/lint/fixtures and must report
// exactly its three mistakes (an upward import, a Node built-in in a browser-safe layer, a cycle)
// and nothing for the allowed imports.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..', '..');
const fixtures = join(import.meta.dirname, 'fixtures');

interface Violation {
  from: string;
  to: string;
  rule: { name: string; severity: string };
}

/** Runs the checker the way `npm run lint:deps` does, on the fixture tree. */
function cruise(outputType: 'json' | 'err'): SpawnSyncReturns<string> {
  const cli = join(root, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
  return spawnSync(process.execPath, [cli, 'src', '--config', join(root, '.dependency-cruiser.cjs'), '--output-type', outputType], { cwd: fixtures, encoding: 'utf8' });
}

describe('layer rules (.dependency-cruiser.cjs)', () => {
  it('report exactly the deliberate mistakes of test/lint/fixtures and fail', () => {
    const r = cruise('json');
    const report = JSON.parse(r.stdout) as { summary: { violations: Violation[]; error: number } };
    const found = report.summary.violations.map((v) => `${v.rule.severity} ${v.rule.name}: ${v.from} -> ${v.to}`).sort();
    expect(found).toEqual([
      'error browser-safe-no-node-builtins: src/photonics/uses-node.ts -> fs', // node:fs, reported by module name
      'error layer-tensor: src/tensor/wrong-upward.ts -> src/autograd/allowed.ts',
      'error no-circular: src/nn/cycle-a.ts -> src/nn/cycle-b.ts', // a cycle is reported once
    ]);
  });

  it('fail `npm run lint:deps` (the err reporter exits non-zero and names the rule)', () => {
    const r = cruise('err');
    expect(r.status).not.toBe(0);
    expect(r.stdout).toMatch(/error layer-tensor: src\/tensor\/wrong-upward\.ts → src\/autograd\/allowed\.ts/);
  });
});
