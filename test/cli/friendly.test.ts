// Portable, friendly runs: paths in the manifest are relative to the run directory (no absolute path
// of this machine in manifest.json or report.html), distill reads the teacher's width from its
// checkpoint, --quiet prints one result line, and epochs are numbered from 1 on screen and in
// metrics.jsonl alike.
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricLine, RunManifest } from '../../src/cli/run-schema.js';
import { cleanup, pqkd, readResults, tempDir, TINY } from './helpers.js';

let root: string;
let teacherDir: string;
let teacherOut: { stdout: string; stderr: string };
const TEACHER = ['--width', '8', '--teacher-epochs', '2', '--train-limit', '600', '--val-size', '300', '--test-limit', '300', '--teacher-batch-size', '50', '--threads', '1'];

beforeAll(() => {
  root = tempDir('friendly');
  teacherDir = join(root, 'teacher');
  const r = pqkd(['teacher', ...TEACHER, '--out', teacherDir]);
  if (r.status !== 0) throw new Error(`teacher run failed: ${r.stderr}`);
  teacherOut = r;
}, 600_000);
afterAll(() => cleanup(root));

describe('friendly runs', () => {
  it('numbers epochs from 1 on screen and in metrics.jsonl', () => {
    const screen = [...teacherOut.stdout.matchAll(/teacher epoch (\d+): /g)].map((m) => Number(m[1]));
    const metrics = readFileSync(join(teacherDir, 'metrics.jsonl'), 'utf8').split('\n').filter(Boolean)
      .map((l) => JSON.parse(l) as MetricLine).flatMap((l) => (l.kind === 'epoch' ? [l.epoch] : []));
    expect(screen).toEqual([1, 2]);
    expect(metrics).toEqual(screen);
  });

  it('distill --teacher takes the width from the checkpoint; --quiet prints only the result line', () => {
    const out = join(root, 'student');
    const student = TINY.filter((_, i, a) => a[i] !== '--width' && a[i - 1] !== '--width');
    const r = pqkd(['distill', ...student, '--teacher', join(teacherDir, 'checkpoint.safetensors'), '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toMatch(/^distill MNIST[^\n]*: student test accuracy [\d.]+% \(teacher [\d.]+%, compression [\d.]+×\), weights SHA-256 [0-9a-f]{16}, /);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as RunManifest;
    expect(manifest.config.teacher.width).toBe(8);
    expect(manifest.teacherCheckpoint).toBe('../teacher/checkpoint.safetensors');
    // No absolute path of this machine in what the run directory records.
    for (const file of ['manifest.json', 'report.html']) expect(readFileSync(join(out, file), 'utf8')).not.toContain(root);

    // The run directories move together: verify still finds the teacher and reruns identical.
    const moved = tempDir('friendly-moved');
    for (const d of ['teacher', 'student']) cpSync(join(root, d), join(moved, d), { recursive: true });
    const v = pqkd(['verify', join(moved, 'student')]);
    expect(v.status, v.stdout + v.stderr).toBe(0);
    expect(readResults(join(moved, 'student')).weightsSha256).toBe(readResults(out).weightsSha256);
    cleanup(moved);
  }, 300_000);

  it('a --width that contradicts the teacher checkpoint is an error naming both', () => {
    const r = pqkd(['distill', '--teacher', join(teacherDir, 'checkpoint.safetensors'), '--width', '16', '--out', join(root, 'x')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--width: 16 contradicts the teacher checkpoint .* \(width 8\)/);
  });
});
