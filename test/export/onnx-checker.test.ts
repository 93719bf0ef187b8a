/**
 * ONNX's own checker (Debian's python3-onnx 1.12: check_model with full_check, strict shape
 * inference) accepts every kind of file pqkd writes: teacher and compiled student, batch norm folded
 * and kept, dynamic and fixed batch, and a net with every supported layer. CI installs python3-onnx
 * (.ci/run); elsewhere the test is skipped with that instruction.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportOnnx } from '../../src/export/index.js';
import { Flatten, ReLU } from '../../src/nn/activation.js';
import { Conv2d } from '../../src/nn/conv2d.js';
import { Linear } from '../../src/nn/linear.js';
import { GlobalAvgPool2d } from '../../src/nn/pooling.js';
import { Sequential } from '../../src/nn/sequential.js';
import { resolveConfig } from '../../src/pqkd/config.js';
import { createFeatureSource } from '../../src/pqkd/feature-sources.js';
import { studentSpec, teacherSpec } from '../../src/pqkd/model-spec.js';
import { buildModel } from '../../src/pqkd/models.js';
import { Generator } from '../../src/tensor/random.js';
import { shouldSkipMissing } from '../data/fixtures.js';

const PYTHON = '/usr/bin/python3';
const hasOnnx = spawnSync(PYTHON, ['-c', 'import onnx'], { stdio: 'ignore' }).status === 0;
const skip = shouldSkipMissing(hasOnnx, `ONNX checker: /usr/bin/python3 has no onnx module (apt-get install python3-onnx)`);
const dir = mkdtempSync(join(tmpdir(), 'pqkd-onnx-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(skip)('ONNX checker (onnx.checker.check_model, full_check)', () => {
  it('accepts the teacher, the compiled student and an all-layers net in every export mode', () => {
    const config = resolveConfig({});
    const source = createFeatureSource(config.photonic, 0);
    const teacher = buildModel(teacherSpec('mnist', 8), { generator: new Generator(1) });
    const student = buildModel(studentSpec(teacherSpec('mnist', 8), 'partial', 4), {
      generator: new Generator(2), projectionSeed: config.projectionSeed, featureBins: source.bins,
    });
    const g = new Generator(3);
    student.setFeature(source.sample(source.initialParams(g), g));
    const net = new Sequential(new Conv2d(3, 6, 3, { stride: 2, groups: 3, generator: g }), new ReLU(), new GlobalAvgPool2d(), new Flatten(), new Linear(6, 4, { generator: g }));
    const files: [string, Uint8Array, (string | number)[], number][] = [];
    for (const batchNorm of ['fold', 'keep'] as const) {
      files.push([`teacher-${batchNorm}`, exportOnnx(teacher, { batchNorm }), ['batch', 10], batchNorm === 'fold' ? 10 : 12]);
      files.push([`student-${batchNorm}-b16`, exportOnnx(student, { batchNorm, batch: 16 }), [16, 10], batchNorm === 'fold' ? 10 : 12]);
    }
    files.push(['net', exportOnnx(net, { inputShape: [3, 9, 9] }), ['batch', 4], 5]);
    const paths = files.map(([name, bytes]) => {
      const path = join(dir, `${name}.onnx`);
      writeFileSync(path, bytes);
      return path;
    });
    const r = spawnSync(PYTHON, [resolve(import.meta.dirname, 'onnx_check.py'), ...paths], { encoding: 'utf8', timeout: 120_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const reports = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(reports).toHaveLength(files.length);
    reports.forEach((report, i) => {
      const [name, , output, nodes] = files[i]!;
      expect(report.opset, name).toEqual([['', 17]]);
      expect(report.output, name).toEqual(output);
      expect(report.nodes, name).toHaveLength(nodes);
      expect(report.intermediate_shapes, name).toBe(nodes - 1); // every intermediate value got a shape
    });
  });
});
