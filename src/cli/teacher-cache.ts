/**
 * The teacher cache: a teacher is trained once per campaign and found again by a content key of
 * everything that determines its weights, across sweep, distill, start and reproduce runs.
 *
 * Key (SHA-256 of the canonical JSON of): dataset, run seed, split seed, the teacher section (width,
 * epochs, learning rate, batch size), the data fields that shape the training set (valSize,
 * trainLimit; testLimit only changes the reported test accuracy and is left out), the augmentation
 * implied by the dataset, and the code version: the package version plus the SHA-256 of the sources
 * the teacher's training runs through (src/tensor, autograd, nn, io, data, pqkd and the CLI's stage
 * and data files; the bundle's own bytes when running from dist/). Not the git commit: committing a
 * result would otherwise invalidate every teacher; the commit is recorded in the entry, for reference.
 *
 * Location: --teacher-cache DIR, else $PQKD_TEACHER_CACHE, else $PQKD_CACHE_DIR/teachers, else
 * ~/.cache/pqkd/teachers. Each entry is a finished teacher run directory <dataset>-w<width>-<key16>/
 * with entry.json (key, key fields, the checkpoint's SHA-256). A teacher is trained in
 * .partial-<name>/ while holding .claim-<name> (a file created exclusively with the pid; a second process wanting the same teacher waits for it; a
 * killed training resumes from its checkpoint), then the directory is renamed into place in one step,
 * so a reader never sees half an entry. An entry whose checkpoint no longer has the recorded SHA-256
 * is reported, set aside and retrained.
 */
import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { PqkdConfig } from '../pqkd/config.js';
import type { FlagSpec } from './args.js';
import { canonicalJson, sourceCodeVersion } from './code-version.js';
import { ensureDirectory } from './directories.js';
import { CliError } from './errors.js';
import { writeJsonAtomic } from './fs-atomic.js';
import type { Progress } from './progress.js';
import { RunDir, sha256Hex } from './run-dir.js';
import { executeRun } from './commands/train.js';

export const TEACHER_CACHE_FLAG: FlagSpec = {
  name: 'teacher-cache',
  type: 'string',
  help: 'teacher cache directory (env PQKD_TEACHER_CACHE)',
  default: '$PQKD_CACHE_DIR/teachers or ~/.cache/pqkd/teachers',
};

const ENTRY_FORMAT = 'pqkd-teacher-cache/1';
/** Source paths (relative to src/) whose content is part of the code version. */
const TEACHER_SOURCES = ['tensor', 'autograd', 'nn', 'io', 'data', 'pqkd', 'cli/stages.ts', 'cli/run-data.ts', 'cli/commands/train.ts'];

/** The cache directory: the flag, else PQKD_TEACHER_CACHE, else PQKD_CACHE_DIR/teachers, else ~/.cache/pqkd/teachers. */
export function teacherCacheDir(flag?: unknown): string {
  if (typeof flag === 'string') return resolve(flag);
  const env = process.env.PQKD_TEACHER_CACHE;
  if (env) return resolve(env);
  return resolve(process.env.PQKD_CACHE_DIR ?? join(homedir(), '.cache', 'pqkd'), 'teachers');
}

/** The package version plus the SHA-256 (first 16 hex digits) of the sources a teacher's training runs through. */
export function codeVersion(): string {
  return sourceCodeVersion(TEACHER_SOURCES);
}

export { canonicalJson };

/** Everything that determines a teacher's weights. */
export function teacherKeyFields(config: PqkdConfig, code = codeVersion()): Record<string, unknown> {
  return {
    dataset: config.dataset,
    seed: config.seed,
    splitSeed: config.splitSeed,
    teacher: config.teacher,
    data: { valSize: config.data.valSize, trainLimit: config.data.trainLimit },
    augmentation: config.dataset === 'cifar10' ? 'random-crop-pad4+hflip' : 'none',
    codeVersion: code,
  };
}

/** The full content key (64 hex digits). */
export function teacherKey(config: PqkdConfig, code = codeVersion()): string {
  return sha256Hex(new TextEncoder().encode(canonicalJson(teacherKeyFields(config, code))));
}

export interface CacheEntry {
  format: string;
  key: string;
  fields: Record<string, unknown>;
  checkpoint: string;
  checkpointSha256: string;
  gitCommit: string | null;
  teacherTestAccuracy: number | null;
  wallSeconds: number;
}

export interface CachedTeacher {
  /** Absolute path of the teacher checkpoint. */
  file: string;
  sha256: string;
  dir: string;
  key: string;
  /** Whether this call trained (or finished training) it. */
  trained: boolean;
  entry: CacheEntry;
}

export interface ObtainOptions {
  cacheDir: string;
  threads: number;
  kernels: string;
  progress: Progress;
  signal?: AbortSignal;
  /** Poll interval while another process trains the same teacher (ms, default 1000). */
  pollMs?: number;
}

/** A complete, intact entry, or null (missing; or corrupted: then reported to `warn` and set aside). */
export function readCacheEntry(dir: string, key: string, warn: (message: string) => void): CachedTeacher | null {
  if (!existsSync(dir)) return null;
  const entryFile = join(dir, 'entry.json');
  let problem: string | null = null;
  let entry: CacheEntry | null = null;
  try {
    entry = JSON.parse(readFileSync(entryFile, 'utf8')) as CacheEntry;
  } catch (error) {
    problem = `entry.json unreadable (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
  }
  if (entry && (entry.format !== ENTRY_FORMAT || entry.key !== key)) problem = `entry.json is not the entry of key ${key.slice(0, 16)}`;
  const file = join(dir, entry?.checkpoint ?? 'checkpoint.safetensors');
  if (entry && problem === null) {
    const actual = existsSync(file) ? sha256Hex(new Uint8Array(readFileSync(file))) : null;
    if (actual === null) problem = `${entry.checkpoint} is missing`;
    else if (actual !== entry.checkpointSha256) problem = `${entry.checkpoint} has SHA-256 ${actual}, the entry records ${entry.checkpointSha256}`;
  }
  if (problem === null && entry) return { file, sha256: entry.checkpointSha256, dir, key, trained: false, entry };
  warn(`teacher cache: ${dir}: ${problem ?? 'damaged'} (corrupted); setting it aside and retraining`);
  const aside = join(dirname(dir), `.corrupt-${process.pid}-${Date.now()}-${dir.split(/[\\/]/).pop()}`);
  try {
    renameSync(dir, aside);
    rmSync(aside, { recursive: true, force: true });
  } catch {
    // another process set it aside first
  }
  return null;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** How long an empty claim file counts as being written by its creator (not stale). */
const EMPTY_CLAIM_GRACE_MS = 10_000;

/**
 * Takes the claim file of a cache entry (created exclusively, holding our pid); false while a live
 * process holds it. An empty claim is one a racer has created but not yet written its pid into (the
 * exclusive create and the write are two system calls): held, unless it is older than the grace time.
 * @example tryClaim(join(cacheDir, '.claim-mnist-w32-0123456789abcdef')) // true: ours now
 */
export function tryClaim(path: string): boolean {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(path, `${process.pid}\n`, { flag: 'wx' });
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST')
        throw new CliError(`--teacher-cache: cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
    let text: string, ageMs: number;
    try {
      text = readFileSync(path, 'utf8');
      ageMs = Date.now() - statSync(path).mtimeMs;
    } catch {
      continue; // released meanwhile
    }
    const owner = Number.parseInt(text, 10);
    if (Number.isSafeInteger(owner) && owner > 0 && owner !== process.pid && processAlive(owner)) return false;
    if (text === '' && ageMs < EMPTY_CLAIM_GRACE_MS) return false; // being written
    rmSync(path, { force: true }); // stale: its process is gone
  }
  return false;
}

/**
 * The cached teacher of `config` (a distill config: its teacher fields are used), trained into the
 * cache when absent. Concurrent callers for the same key: one trains, the others wait for its entry.
 */
export async function obtainTeacher(config: PqkdConfig, o: ObtainOptions): Promise<CachedTeacher> {
  const key = teacherKey(config);
  const name = `${config.dataset}-w${config.teacher.width}-${key.slice(0, 16)}`;
  ensureDirectory(o.cacheDir, '--teacher-cache');
  const final = join(o.cacheDir, name);
  const partial = join(o.cacheDir, `.partial-${name}`);
  const claim = join(o.cacheDir, `.claim-${name}`);
  const warn = (m: string): void => o.progress.warn(m);
  let waiting = false;
  for (;;) {
    const found = readCacheEntry(final, key, warn);
    if (found) {
      const acc = found.entry.teacherTestAccuracy;
      o.progress.log(`using the cached teacher ${found.file} (${acc === null ? 'n/a' : (100 * acc).toFixed(2)}% test accuracy)`);
      return found;
    }
    if (!tryClaim(claim)) {
      if (!waiting) o.progress.log(`teacher cache: another process is training ${name}; waiting for it`);
      waiting = true;
      await new Promise((r) => setTimeout(r, o.pollMs ?? 1000));
      continue;
    }
    try {
      if (existsSync(join(final, 'entry.json'))) continue; // finished by another process meanwhile
      const resume = existsSync(join(partial, 'manifest.json'));
      o.progress.log(resume ? `resuming the cached teacher in ${partial}` : `training the teacher (cached in ${final})`);
      const results = await executeRun({
        command: 'teacher',
        config,
        out: partial,
        resume,
        teacherCheckpoint: null,
        threads: o.threads,
        kernels: o.kernels,
        progress: o.progress,
        report: false,
        ...(o.signal ? { signal: o.signal } : {}),
      });
      const checkpoint = 'checkpoint.safetensors';
      const entry: CacheEntry = {
        format: ENTRY_FORMAT,
        key,
        fields: teacherKeyFields(config),
        checkpoint,
        checkpointSha256: sha256Hex(new Uint8Array(readFileSync(join(partial, checkpoint)))),
        gitCommit: new RunDir(partial).readManifest().gitCommit,
        teacherTestAccuracy: results.teacher.testAccuracy,
        wallSeconds: results.wallSeconds,
      };
      writeJsonAtomic(join(partial, 'entry.json'), entry);
      try {
        renameSync(partial, final); // one step: readers see no entry or a whole one
      } catch (error) {
        rmSync(partial, { recursive: true, force: true });
        if (!['ENOTEMPTY', 'EEXIST', 'EPERM'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
        continue; // the name is taken by an entry that appeared meanwhile: use that one
      }
      return { file: join(final, checkpoint), sha256: entry.checkpointSha256, dir: final, key, trained: true, entry };
    } finally {
      rmSync(claim, { force: true });
    }
  }
}
