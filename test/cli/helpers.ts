import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { MetricLine, RunResults } from '../../src/cli/run-schema.js';
import { deterministicPart } from '../../src/cli/commands/verify.js';

export const ROOT = resolve(import.meta.dirname, '..', '..');
export const MAIN = join(ROOT, 'src', 'cli', 'main.ts');

/** Flags of a tiny but real distill run on MNIST (seconds, not minutes). */
export const TINY = [
  '--width', '8', '--teacher-epochs', '1', '--epochs', '2', '--train-limit', '600', '--val-size', '300',
  '--test-limit', '300', '--spsa-updates', '2', '--spsa-batch', '64', '--batch-size', '50', '--teacher-batch-size', '50',
  '--threads', '1', '--quiet',
];

export function pqkd(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, ['--import', 'tsx', MAIN, ...args], {
    cwd: options.cwd ?? ROOT, encoding: 'utf8', env: { ...process.env, ...options.env }, timeout: 300_000,
  });
}

/** Starts pqkd in the background (for the kill test). */
export function pqkdAsync(args: string[]) {
  return spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT, stdio: 'ignore' });
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `pqkd-${prefix}-`));
}

export function cleanup(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export function readResults(dir: string): RunResults {
  return JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as RunResults;
}

export function deterministicMetrics(dir: string): string[] {
  return readFileSync(join(dir, 'metrics.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => deterministicPart(JSON.parse(l) as MetricLine));
}

export interface RunningPqkd {
  child: ReturnType<typeof spawn>;
  /** Resolves with the exit code (null when killed by a signal) and the captured stderr. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

/** Starts pqkd in the background, capturing stderr. */
export function startPqkd(args: string[]): RunningPqkd {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
  return { child, exited };
}

/** Polls `ready` every 20 ms until it holds; fails if the process ends first or after `timeoutMs`. */
export async function waitFor(run: RunningPqkd, ready: () => boolean, timeoutMs = 240_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error('the run never reached the awaited point');
    if (run.child.exitCode !== null) throw new Error(`the run ended (code ${run.child.exitCode}) before the awaited point`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Runs `main` in this process, capturing what it writes (for input errors, which fail before any training). */
export async function mainInProcess(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const { main } = await import('../../src/cli/main.js');
  let stdout = '';
  let stderr = '';
  const write = process.stderr.write.bind(process.stderr);
  const log = console.log;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  console.log = (...parts: unknown[]) => {
    stdout += `${parts.join(' ')}\n`;
  };
  try {
    const code = await main(args, { print: (t) => { stdout += t.endsWith('\n') ? t : `${t}\n`; }, kernels: () => 'js' });
    return { code, stdout, stderr };
  } finally {
    process.stderr.write = write;
    console.log = log;
  }
}
