/**
 * Run directories: creation (refusing to overwrite another run), the manifest, metrics.jsonl
 * appends, atomic checkpoint and result writes, and the data a run needs (train/validation split
 * from the training set; the test split is opened only by `openTestSplit`, called once at the end).
 */
import { execFileSync } from 'node:child_process';
import { accessSync, appendFileSync, constants, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { subsetFirst, trainValSplit } from '../data/splits.js';
import { loadDataset } from '../data/registry.js';
import type { Dataset } from '../data/dataset.js';
import type { PqkdConfig } from '../pqkd/config.js';
import type { SplitData } from '../pqkd/teacher.js';
import { CliError } from './errors.js';
import { writeFileAtomic, writeJsonAtomic } from './fs-atomic.js';
import { Generator } from '../tensor/random.js';
import type { MetricLine, RunCommand, RunManifest, RunResults } from './run-schema.js';

export const PQKD_VERSION = '0.1.0';

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { stdio: ['ignore', 'pipe', 'ignore'], timeout: 2000 }).toString().trim() || null;
  } catch {
    return null;
  }
}

export class RunDir {
  readonly path: string;
  private manifestCache: RunManifest | null = null;

  constructor(path: string) {
    this.path = resolve(path);
  }

  file(name: string): string {
    return join(this.path, name);
  }

  /** Creates the directory for a new run; an existing non-empty directory is an error. */
  create(): void {
    if (existsSync(this.path)) {
      if (!statSync(this.path).isDirectory()) throw new CliError(`--out: ${this.path} exists and is not a directory`);
      if (readdirSync(this.path).length > 0) {
        throw new CliError(`--out: ${this.path} already holds a run; use --resume ${this.path} to continue it or choose another --out`);
      }
    }
    try {
      mkdirSync(this.path, { recursive: true });
      accessSync(this.path, constants.W_OK);
    } catch (error) {
      throw new CliError(`--out: cannot write to ${this.path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
  }

  newManifest(command: RunCommand, config: PqkdConfig, extra: { teacherCheckpoint: string | null; threads: number; kernels: string }): RunManifest {
    const manifest: RunManifest = {
      pqkdVersion: PQKD_VERSION, command, config, teacherCheckpoint: extra.teacherCheckpoint, gitCommit: gitCommit(),
      node: process.version, platform: `${process.platform}-${process.arch}`, threads: extra.threads, kernels: extra.kernels,
      datasets: {}, startedAt: new Date().toISOString(), finishedAt: null, status: 'running', argv: process.argv.slice(2),
    };
    this.writeManifest(manifest);
    return manifest;
  }

  writeManifest(m: RunManifest): void {
    this.manifestCache = m;
    writeJsonAtomic(this.file('manifest.json'), m);
  }

  readManifest(): RunManifest {
    if (this.manifestCache) return this.manifestCache;
    const path = this.file('manifest.json');
    if (!existsSync(path)) throw new CliError(`${this.path}: not a run directory (no manifest.json)`);
    try {
      this.manifestCache = JSON.parse(readFileSync(path, 'utf8')) as RunManifest;
    } catch (error) {
      throw new CliError(`${path}: unreadable manifest: ${(error as Error).message}`);
    }
    return this.manifestCache;
  }

  appendMetric(line: MetricLine): void {
    appendFileSync(this.file('metrics.jsonl'), `${JSON.stringify(line)}\n`);
  }

  readMetrics(): MetricLine[] {
    const path = this.file('metrics.jsonl');
    if (!existsSync(path)) return [];
    return readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as MetricLine);
  }

  /** Rewrites metrics.jsonl keeping only the lines `keep` accepts (atomically). */
  truncateMetrics(keep: (line: MetricLine) => boolean): void {
    const kept = this.readMetrics().filter(keep);
    writeFileAtomic(this.file('metrics.jsonl'), kept.map((l) => `${JSON.stringify(l)}\n`).join(''));
  }

  /** Whether any checkpoint has been written. */
  hasCheckpoints(): boolean {
    return existsSync(this.file('checkpoint.safetensors')) || existsSync(this.file('teacher.safetensors'));
  }

  /** Deletes the directory (used when a new run fails on bad input before training). */
  remove(): void {
    rmSync(this.path, { recursive: true, force: true });
  }

  writeCheckpoint(name: string, bytes: Uint8Array): void {
    writeFileAtomic(this.file(name), bytes);
  }

  readCheckpoint(name: string): Uint8Array | null {
    const path = this.file(name);
    return existsSync(path) ? new Uint8Array(readFileSync(path)) : null;
  }

  writeResults(r: RunResults): void {
    writeJsonAtomic(this.file('results.json'), r);
  }

  readResults(): RunResults | null {
    const path = this.file('results.json');
    return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as RunResults) : null;
  }
}

/** Loads the training set and carves the fixed train/validation split. */
export function loadTrainSplit(config: PqkdConfig, manifest?: RunManifest): SplitData {
  const dataset = loadDataset(config.dataset, { split: 'train' });
  if (manifest) manifest.datasets[`${config.dataset}/train`] = { label: dataset.label, sha256: dataset.sha256 };
  const { train, val } = trainValSplit(dataset, { valSize: config.data.valSize, seed: config.splitSeed });
  const limited = config.data.trainLimit > 0 ? randomSubset(train, config.data.trainLimit, new Generator(config.splitSeed).fork('train-limit')) : train;
  return { dataset, train: limited, val, augment: config.dataset === 'cifar10' };
}

/**
 * `n` of `indices` chosen uniformly at random (seeded), in ascending order. A "first N" subset would
 * be a single class for datasets stored class by class (the CIFAR-10 copy is in folder order).
 */
export function randomSubset(indices: Int32Array, n: number, gen: Generator): Int32Array {
  if (n >= indices.length) return indices;
  const perm = gen.permutation(indices.length);
  const chosen = new Int32Array(n);
  for (let i = 0; i < n; i++) chosen[i] = indices[perm[i]!]!;
  return chosen.sort();
}

/** Opens the test split (only the final evaluation calls this). */
export function openTestSplit(config: PqkdConfig, manifest?: RunManifest): { dataset: Dataset; indices: Int32Array } {
  const dataset = loadDataset(config.dataset, { split: 'test' });
  if (manifest) manifest.datasets[`${config.dataset}/test`] = { label: dataset.label, sha256: dataset.sha256 };
  const all = subsetFirst(dataset, dataset.count);
  const indices = config.data.testLimit > 0 ? randomSubset(all, config.data.testLimit, new Generator(config.splitSeed).fork('test-limit')) : all;
  return { dataset, indices };
}
