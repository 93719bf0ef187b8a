/**
 * Run directories: an atomic claim of the directory (a lock file created exclusively, then the
 * manifest, before any work starts), the manifest, metrics.jsonl appends (a torn last line is dropped
 * on read, with a warning), atomic checkpoint and result writes, orphan temp-file cleanup. The data
 * a run needs is in run-data.ts (re-exported here).
 *
 * Paths recorded in a run directory (the teacher checkpoint, dataset files) are relative to it, so a
 * run directory can be moved or copied to another machine.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, closeSync, existsSync, openSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { PqkdConfig } from '../pqkd/config.js';
import { CliError } from './errors.js';
import { isOrphanTempFile, writeFileAtomic, writeJsonAtomic } from './fs-atomic.js';
import { parseMetricsText } from './metrics-file.js';
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

function errnoCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? String(error);
}

import { ensureDirectory } from './directories.js';

export { ensureDirectory };

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errnoCode(error) === 'EPERM';
  }
}

/** Names in a run directory that a killed process may leave behind and a new run may take over. */
const LOCK_FILE = 'run.lock';

export class RunDir {
  readonly path: string;
  private manifestCache: RunManifest | null = null;
  private locked = false;

  constructor(path: string) {
    if (path === '') throw new CliError('run directory: expected a path, got an empty string');
    this.path = resolve(path);
  }

  file(name: string): string {
    return join(this.path, name);
  }

  /**
   * Claims the directory for a new run: creates it (and its parents), takes the run lock and checks
   * that it holds no run. A directory left by a run killed before its manifest existed (only a
   * stale lock or temp files) is taken over; anything else is an error. Two processes racing for
   * one directory: exactly one gets the lock.
   */
  create(): void {
    ensureDirectory(this.path);
    this.lock();
    try {
      this.removeOrphans();
      const entries = readdirSync(this.path).filter((f) => f !== LOCK_FILE);
      if (entries.length > 0) {
        throw new CliError(existsSync(this.file('manifest.json'))
          ? `--out: ${this.path} already holds a run; use --resume ${this.path} to continue it or choose another --out`
          : `--out: ${this.path} is not empty (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', …' : ''}); choose an empty or new directory`);
      }
    } catch (error) {
      this.unlock();
      throw error;
    }
  }

  /**
   * Takes the run lock (run.lock, created exclusively, holding our pid). A lock whose process is
   * gone is stale and taken over; a live one is an error.
   */
  lock(): void {
    if (this.locked) return;
    const path = this.file(LOCK_FILE);
    for (let attempt = 0; attempt < 3; attempt++) {
      let fd: number;
      try {
        fd = openSync(path, 'wx');
      } catch (error) {
        if (errnoCode(error) !== 'EEXIST') throw new CliError(`--out: cannot write to ${this.path}: ${errnoCode(error)}`);
        const held = readWithAge(path);
        if (held === null) continue; // released meanwhile
        const owner = Number.parseInt(held.text, 10);
        // An empty lock is one a racer has created but not yet written its pid into (unless it is old).
        if ((Number.isSafeInteger(owner) && owner > 0 && owner !== process.pid && processAlive(owner)) || (held.text === '' && held.ageMs < 10_000)) {
          throw new CliError(`${this.path}: in use by another pqkd process (pid ${held.text.trim() || 'being written'}); wait for it or choose another --out`);
        }
        rmSync(path, { force: true }); // stale: its process is gone
        continue;
      }
      try {
        writeSync(fd, `${process.pid}\n`);
      } finally {
        closeSync(fd);
      }
      this.locked = true;
      return;
    }
    throw new CliError(`${this.path}: could not take the run lock (${LOCK_FILE}) after 3 attempts`);
  }

  /** Releases the run lock (if this process holds it). */
  unlock(): void {
    if (!this.locked) return;
    this.locked = false;
    try {
      unlinkSync(this.file(LOCK_FILE));
    } catch {
      // already gone
    }
  }

  /** Removes temp files of interrupted atomic writes (here and in plots/). */
  removeOrphans(): string[] {
    const removed: string[] = [];
    for (const dir of [this.path, this.file('plots')]) {
      if (!existsSync(dir)) continue;
      for (const name of readdirSync(dir)) {
        if (isOrphanTempFile(name)) {
          rmSync(join(dir, name), { force: true });
          removed.push(relative(this.path, join(dir, name)));
        }
      }
    }
    return removed;
  }

  /** A path as recorded in this run directory's files: relative to it. */
  portable(path: string): string {
    return relative(this.path, resolve(path)) || '.';
  }

  /** A path recorded in this run directory's files, made absolute (absolute ones stay as they are). */
  resolveRecorded(path: string): string {
    return isAbsolute(path) ? path : resolve(this.path, path);
  }

  /** The command line with the values of path flags made relative to the run directory. */
  private portableArgv(argv: string[]): string[] {
    const pathFlags = new Set(['--out', '--teacher', '--config', '--resume']);
    return argv.map((arg, i) => {
      const eq = arg.indexOf('=');
      if (arg.startsWith('--') && eq > 0 && pathFlags.has(arg.slice(0, eq))) return `${arg.slice(0, eq)}=${this.portable(arg.slice(eq + 1))}`;
      return i > 0 && pathFlags.has(argv[i - 1]!) && arg !== '' ? this.portable(arg) : arg;
    });
  }

  newManifest(command: RunCommand, config: PqkdConfig, extra: { teacherCheckpoint: string | null; threads: number; kernels: string }): RunManifest {
    const manifest: RunManifest = {
      pqkdVersion: PQKD_VERSION, command, config,
      teacherCheckpoint: extra.teacherCheckpoint === null ? null : this.portable(extra.teacherCheckpoint),
      gitCommit: gitCommit(), node: process.version, platform: `${process.platform}-${process.arch}`, threads: extra.threads,
      kernels: extra.kernels, datasets: {}, startedAt: new Date().toISOString(), finishedAt: null, status: 'running',
      argv: this.portableArgv(process.argv.slice(2)),
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
    if (!existsSync(this.path)) throw new CliError(`${this.path}: not a run directory (it does not exist)`);
    if (!existsSync(path)) {
      throw new CliError(`${this.path}: not a run directory (no manifest.json)${this.startedButEmpty() ? '; the run was stopped before it started: start it again with the same --out' : ''}`);
    }
    let m: unknown;
    try {
      m = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new CliError(`${path}: unreadable manifest: ${(error as Error).message}`);
    }
    const manifest = m as Partial<RunManifest> | null;
    if (!manifest || typeof manifest !== 'object' || (manifest.command !== 'teacher' && manifest.command !== 'distill') || !manifest.config || typeof manifest.config !== 'object') {
      throw new CliError(`${path}: not a pqkd run manifest (expected command 'teacher' or 'distill' and a config object)`);
    }
    this.manifestCache = manifest as RunManifest;
    return this.manifestCache;
  }

  /** Whether the directory holds nothing but what a run killed before its manifest leaves. */
  private startedButEmpty(): boolean {
    return readdirSync(this.path).every((f) => f === LOCK_FILE || isOrphanTempFile(f));
  }

  appendMetric(line: MetricLine): void {
    appendFileSync(this.file('metrics.jsonl'), `${JSON.stringify(line)}\n`);
  }

  /** The metric lines; a torn last line (a crash mid-append) is dropped and reported to `warn`. */
  readMetrics(warn: (message: string) => void = () => {}): MetricLine[] {
    const path = this.file('metrics.jsonl');
    if (!existsSync(path)) return [];
    const { lines, torn } = parseMetricsText(readFileSync(path, 'utf8'), path);
    if (torn !== null) warn(`${path}: dropped a torn last line (${torn.length} bytes, written when the run was killed)`);
    return lines;
  }

  /** Rewrites metrics.jsonl keeping only the lines `keep` accepts (atomically). */
  truncateMetrics(keep: (line: MetricLine) => boolean, warn?: (message: string) => void): void {
    const kept = this.readMetrics(warn).filter(keep);
    writeFileAtomic(this.file('metrics.jsonl'), kept.map((l) => `${JSON.stringify(l)}\n`).join(''));
  }

  /** Whether any checkpoint has been written. */
  hasCheckpoints(): boolean {
    return existsSync(this.file('checkpoint.safetensors')) || existsSync(this.file('teacher.safetensors'));
  }

  /** SHA-256 of each checkpoint file present (checkpoint.safetensors, teacher.safetensors). */
  checkpointHashes(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const name of ['checkpoint.safetensors', 'teacher.safetensors']) {
      const bytes = this.readCheckpoint(name);
      if (bytes) out[name] = sha256Hex(bytes);
    }
    return out;
  }

  /** Deletes the directory (used when a new run fails on bad input before training). */
  remove(): void {
    this.locked = false;
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

  /** results.json (null when absent); an unreadable file is a CliError naming it. */
  readResults(): RunResults | null {
    const path = this.file('results.json');
    if (!existsSync(path)) return null;
    let r: unknown;
    try {
      r = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new CliError(`${path}: unreadable results: ${(error as Error).message}`);
    }
    if (!r || typeof r !== 'object' || typeof (r as RunResults).weightsSha256 !== 'string') {
      throw new CliError(`${path}: not pqkd results (no weightsSha256)`);
    }
    return r as RunResults;
  }
}

export { loadTrainSplit, openTestSplit, randomSubset, verifyTestSplit } from './run-data.js';

/** A file's text and age (ms since its last change), or null when it does not exist (any more). */
function readWithAge(path: string): { text: string; ageMs: number } | null {
  try {
    return { text: readFileSync(path, 'utf8'), ageMs: Date.now() - statSync(path).mtimeMs };
  } catch {
    return null;
  }
}
