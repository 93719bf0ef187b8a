// `pqkd verify` checks what it says: a rerun of an untouched run is identical; a flipped byte, a
// truncated or deleted checkpoint, a torn metrics line, a truncated results.json or manifest each fail
// with exit 1 naming the file, never "identical" and never a stack trace.
import { cpSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, pqkd, tempDir, TINY } from './helpers.js';

let root: string;
let reference: string;

beforeAll(() => {
  root = tempDir('verify');
  reference = join(root, 'reference');
  const r = pqkd(['distill', ...TINY, '--out', reference]);
  if (r.status !== 0) throw new Error(`reference run failed: ${r.stderr}`);
}, 600_000);
afterAll(() => cleanup(root));

function tampered(name: string, change: (dir: string) => void): string {
  const dir = join(root, name);
  cpSync(reference, dir, { recursive: true });
  change(dir);
  return dir;
}

function expectFails(dir: string, names: RegExp): void {
  const r = pqkd(['verify', dir]);
  expect(r.status, r.stdout + r.stderr).toBe(1);
  expect(r.stdout).toMatch(/verify: DIFFERENT/);
  expect(r.stdout).toMatch(names);
  expect(r.stdout + r.stderr).not.toMatch(/identical/);
  expect(r.stdout + r.stderr).not.toMatch(/\n\s+at /);
}

describe('pqkd verify', () => {
  it('an untouched run reruns identical, checkpoints included', () => {
    const r = pqkd(['verify', reference]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/verify: identical \(\d+ metric lines, 2 checkpoints checkpoint\.safetensors, teacher\.safetensors/);
  });

  it('fails on a flipped byte, a truncated checkpoint and deleted checkpoints', () => {
    expectFails(tampered('flip', (d) => {
      const f = join(d, 'checkpoint.safetensors');
      const bytes = readFileSync(f);
      bytes[bytes.length - 7] = bytes[bytes.length - 7]! ^ 0x01;
      writeFileSync(f, bytes);
    }), /checkpoint\.safetensors: SHA-256 \w+ differs from the \w+ recorded in results\.json/);
    expectFails(tampered('truncated', (d) => truncateSync(join(d, 'teacher.safetensors'), 1000)), /teacher\.safetensors: SHA-256 .* differs/);
    expectFails(tampered('deleted', (d) => {
      rmSync(join(d, 'checkpoint.safetensors'));
      rmSync(join(d, 'teacher.safetensors'));
    }), /checkpoint\.safetensors: missing\n\s+teacher\.safetensors: missing/);
  });

  it('fails on a torn metrics line, a truncated results.json and a garbled manifest', () => {
    expectFails(tampered('torn', (d) => {
      const f = join(d, 'metrics.jsonl');
      const text = readFileSync(f, 'utf8');
      writeFileSync(f, text.slice(0, text.length - 40));
    }), /metrics\.jsonl: the last line is torn/);
    expectFails(tampered('results', (d) => truncateSync(join(d, 'results.json'), 200)), /results\.json: unreadable results/);
    expectFails(tampered('manifest', (d) => writeFileSync(join(d, 'manifest.json'), '{"command": "distill", "conf')), /manifest\.json: unreadable manifest/);
  });

  it('fails when a metric differs from the rerun', () => {
    expectFails(tampered('metric', (d) => {
      const f = join(d, 'metrics.jsonl');
      writeFileSync(f, readFileSync(f, 'utf8').replace(/"valAccuracy":0\.(\d)/, (_, digit: string) => `"valAccuracy":0.${(Number(digit) + 1) % 10}`));
    }), /metrics line \d+:/);
  });
});
