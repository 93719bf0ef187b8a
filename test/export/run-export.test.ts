/**
 * `pqkd export` on a real (tiny) distill run on MNIST: the compiled student and the teacher as ONNX
 * run in onnxruntime-node on real MNIST test images (graph optimisations off and on) and match pqkd;
 * the PyTorch state_dict matches the module docs/export.md writes down (names, dtypes, shapes) and,
 * where /usr/bin/python3 has torch, loads into that module with load_state_dict and gives the same
 * logits; round trips give identical weights; bad input is one line and exit code 2.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFinishedStudent, loadRunTeacher } from '../../src/cli/commands/export.js';
import { openTestSplit, RunDir } from '../../src/cli/run-dir.js';
import { DataLoader } from '../../src/data/loader.js';
import { importOnnx, importTorchStateDict } from '../../src/export/index.js';
import { decodeSafetensors } from '../../src/io/safetensors.js';
import { teacherSpec } from '../../src/pqkd/model-spec.js';
import { buildModel, type PqkdNet } from '../../src/pqkd/models.js';
import { Generator } from '../../src/tensor/random.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { cleanup, pqkd, tempDir, TINY } from '../cli/helpers.js';
import { compareLogits, pqkdForward, runOrt } from './helpers.js';

const PYTHON = '/usr/bin/python3';
const hasTorch = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;

let dir: string;
let run: string;
let images: Tensor;
let labels: Int32Array;

beforeAll(() => {
  dir = tempDir('export');
  run = join(dir, 'run');
  const r = pqkd(['distill', ...TINY, '--out', run]);
  if (r.status !== 0) throw new Error(`tiny distill run failed: ${r.stderr}`);
  // The run's own test subset (300 seeded MNIST test images), normalised as its loader does.
  const manifest = new RunDir(run).readManifest();
  const test = openTestSplit(manifest.config);
  const batch = new DataLoader(test.dataset, { batchSize: test.indices.length, indices: test.indices }).batch(0, 0);
  images = batch.images;
  labels = Int32Array.from(batch.labels.data);
}, 300_000);
afterAll(() => cleanup(dir));

function exportFile(args: string[]): Uint8Array {
  const r = pqkd(['export', run, ...args]);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const out = args[args.indexOf('--out') + 1]!;
  return new Uint8Array(readFileSync(out));
}

function accuracy(logits: Float32Array): number {
  let correct = 0;
  for (let r = 0; r < labels.length; r++) {
    let best = 0;
    for (let j = 1; j < 10; j++) if (logits[r * 10 + j]! > logits[r * 10 + best]!) best = j;
    if (best === labels[r]) correct++;
  }
  return correct / labels.length;
}

describe('pqkd export RUN --format onnx', () => {
  for (const which of ['student', 'teacher'] as const) {
    for (const batchNorm of ['fold', 'keep'] as const) {
      it(`the ${which} (batch norm ${batchNorm}) runs in onnxruntime-node on 300 MNIST test images like pqkd`, async () => {
        const out = join(dir, `${which}-${batchNorm}.onnx`);
        const bytes = exportFile(['--format', 'onnx', '--model', which, '--batch-norm', batchNorm, '--out', out]);
        const model = which === 'student' ? loadFinishedStudent(new RunDir(run)) : loadRunTeacher(new RunDir(run));
        const want = pqkdForward(model, images);
        for (const level of ['disabled', 'all'] as const) {
          const got = await runOrt(bytes, images, level);
          const c = compareLogits(got, want, 10);
          expect(c.worstRelative, `${which} ${batchNorm} ${level}`).toBeLessThan(1e-5);
          expect(c.argmaxDiffers).toEqual([]);
          console.log(`onnxruntime-node ${which} (batch norm ${batchNorm}, optimisation ${level}): worst row-relative logit error ${c.worstRelative.toExponential(2)} on ${labels.length} MNIST test images`);
          if (which === 'student') {
            // The accuracy the run itself recorded for its compiled student on the same images.
            const results = JSON.parse(readFileSync(join(run, 'results.json'), 'utf8'));
            expect(accuracy(got)).toBe(results.student.compiledTestAccuracy);
          }
        }
      });
    }
  }

  it('records names, batch and normalisation; a static batch is honoured; importOnnx round-trips the weights', () => {
    const out = join(dir, 'student-b64.onnx');
    const bytes = exportFile(['--format', 'onnx', '--batch', '64', '--batch-norm', 'keep', '--out', out]);
    const back = importOnnx(bytes, out);
    expect(back.batch).toBe(64);
    expect(back.inputShape).toEqual([1, 28, 28]);
    expect(back.graphName).toBe('mnist-cnn-w8-student-partial-r4');
    expect(JSON.parse(back.metadata.normalisation!)).toMatchObject({ mean: [0.1307], std: [0.3081] });
    const compiled = loadFinishedStudent(new RunDir(run)).stateDict();
    const names = Object.keys(compiled).filter((k) => !k.endsWith('numBatchesTracked'));
    expect(Object.keys(back.weights).map((k) => k.replace('running_mean', 'runningMean').replace('running_var', 'runningVar'))).toEqual(names);
    for (const [name, w] of Object.entries(back.weights)) {
      const key = name.replace('running_mean', 'runningMean').replace('running_var', 'runningVar');
      expect(w.contiguousData(), name).toEqual(compiled[key]!.contiguousData());
    }
  });
});

/** The PyTorch module of docs/export.md for width w: its state_dict names, dtypes and shapes. */
function torchDescription(w: number): Record<string, [string, number[]]> {
  const bn = (p: string, c: number): Record<string, [string, number[]]> => ({
    [`${p}.weight`]: ['F32', [c]], [`${p}.bias`]: ['F32', [c]], [`${p}.running_mean`]: ['F32', [c]], [`${p}.running_var`]: ['F32', [c]],
    [`${p}.num_batches_tracked`]: ['I32', []], // torch: int64; load_state_dict copies the I32 value into it
  });
  return {
    'features.0.weight': ['F32', [w, 1, 3, 3]], ...bn('features.1', w),
    'features.4.weight': ['F32', [2 * w, w, 3, 3]], ...bn('features.5', 2 * w),
    'classifier.1.weight': ['F32', [128, 2 * w * 49]], 'classifier.1.bias': ['F32', [128]],
    'classifier.3.weight': ['F32', [10, 128]], 'classifier.3.bias': ['F32', [10]],
  };
}

describe('pqkd export RUN --format safetensors', () => {
  it('names, dtypes and shapes are those of the documented torch.nn module; import gives the weights back bit for bit', () => {
    const out = join(dir, 'student.torch.safetensors');
    const bytes = exportFile(['--format', 'safetensors', '--out', out]);
    const decoded = decodeSafetensors(bytes);
    const got = Object.fromEntries(Object.entries(decoded.tensors).map(([k, t]) => [k, [t.dtype === 'float32' ? 'F32' : t.dtype === 'int32' ? 'I32' : t.dtype, t.shape]]));
    expect(got).toEqual(torchDescription(8));
    expect(decoded.metadata.format).toBe('pt');
    // Round trip into a fresh network of the same topology: every parameter and buffer identical.
    const compiled = loadFinishedStudent(new RunDir(run));
    const fresh: PqkdNet = buildModel(teacherSpec('mnist', 8), { generator: new Generator(99) });
    fresh.loadStateDict(importTorchStateDict(bytes, out).stateDict);
    const a = compiled.stateDict();
    const b = fresh.stateDict();
    expect(Object.keys(b)).toEqual(Object.keys(a));
    for (const k of Object.keys(a)) expect(b[k]!.contiguousData(), k).toEqual(a[k]!.contiguousData());
  });

  it.skipIf(!hasTorch)('loads into the torch.nn module with load_state_dict(strict=True) and gives pqkd\'s logits (needs torch for /usr/bin/python3; CI has none and skips)', () => {
    for (const which of ['student', 'teacher'] as const) {
      const out = join(dir, `${which}.torch.safetensors`);
      exportFile(['--format', 'safetensors', '--model', which, '--out', out]);
      const model = which === 'student' ? loadFinishedStudent(new RunDir(run)) : loadRunTeacher(new RunDir(run));
      const want = pqkdForward(model, images);
      writeFileSync(join(dir, 'images.f32'), images.contiguousData());
      writeFileSync(join(dir, 'logits.f32'), want);
      const r = spawnSync(PYTHON, [resolve(import.meta.dirname, 'torch_check.py'), out, join(dir, 'images.f32'), join(dir, 'logits.f32'), '8'], { encoding: 'utf8', timeout: 120_000 });
      expect(r.stderr).toBe('');
      const report = JSON.parse(r.stdout);
      expect(report.missing).toEqual([]);
      expect(report.unexpected).toEqual([]);
      expect(Object.keys(report.file).sort()).toEqual(Object.keys(report.torch_state_dict).sort()); // the safetensors header is sorted by name
      for (const [k, [shape]] of Object.entries(report.torch_state_dict as Record<string, [number[], string]>)) expect(report.file[k][0], k).toEqual(shape);
      expect(report.num_batches_tracked[1]).toBe('torch.int64');
      expect(report.images).toBe(300);
      expect(report.worst_row_relative, which).toBeLessThan(1e-5);
      expect(report.argmax_differs).toBe(0);
      console.log(`torch ${report.torch} (${which}): worst row-relative logit error ${report.worst_row_relative.toExponential(2)} on ${report.images} MNIST test images`);
    }
  });
});

describe('pqkd export: bad input is one line and exit code 2', () => {
  const oneLine = (args: string[], message: RegExp): void => {
    const r = pqkd(['export', ...args]);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  };

  it('a run without a finished student', () => {
    const unfinished = join(dir, 'unfinished');
    cpSync(run, unfinished, { recursive: true });
    const manifest = JSON.parse(readFileSync(join(unfinished, 'manifest.json'), 'utf8'));
    writeFileSync(join(unfinished, 'manifest.json'), JSON.stringify({ ...manifest, status: 'interrupted' }));
    rmSync(join(unfinished, 'results.json'));
    oneLine([unfinished, '--format', 'onnx'], /^pqkd export: export: .*unfinished has no finished student \(run status interrupted\); finish it with 'pqkd distill --resume/);
    expect(existsSync(join(unfinished, 'student.onnx'))).toBe(false);
    oneLine([join(dir, 'nowhere'), '--format', 'onnx'], /nowhere: not a run directory \(it does not exist\)/);
  });

  it('an unwritable output path, a bad flag, a missing format', () => {
    oneLine([run, '--format', 'onnx', '--out', join(dir, 'no-such-dir', 'x.onnx')], /--out: cannot write .*x\.onnx: directory .*no-such-dir does not exist/);
    oneLine([run, '--format', 'onnx', '--out', join(run, 'manifest.json', 'x.onnx')], /--out: cannot write .*manifest\.json\/x\.onnx: ENOTDIR/);
    oneLine([run, '--format', 'tflite'], /--format: expected one of onnx, safetensors, got 'tflite'/);
    oneLine([run], /--format: required/);
    oneLine([run, '--format', 'onnx', '--batch', 'many'], /--batch: expected 'dynamic' or an integer >= 1, got 'many'/);
    oneLine([run, '--format', 'safetensors', '--batch-norm', 'fold'], /--batch and --batch-norm apply to --format onnx only/);
  });
});
