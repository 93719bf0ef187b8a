// Processes of the queue tests: `pqkd sweep` (local or --queue) and `pqkd worker`, run from source.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SweepResults } from '../../../src/cli/run-schema.js';
import { MAIN, ROOT } from '../helpers.js';

/** Tiny distill runs (2 student epochs, so a job can be stopped between its checkpoints). */
export const TINY_SWEEP = [
  '--width',
  '8',
  '--teacher-epochs',
  '1',
  '--epochs',
  '2',
  '--train-limit',
  '600',
  '--val-size',
  '200',
  '--test-limit',
  '200',
  '--spsa-updates',
  '1',
  '--spsa-batch',
  '50',
  '--batch-size',
  '50',
  '--teacher-batch-size',
  '50',
  '--threads',
  '1',
];
export const GRID = '{"student.rank":[2,4],"photonic.shots":[16,64]}';

export interface Proc {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startProc(args: string[], env: NodeJS.ProcessEnv = {}): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => out, exited };
}

export async function until(what: string, ready: () => boolean, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export function readSweep(dir: string): SweepResults {
  return JSON.parse(readFileSync(join(dir, 'sweep.json'), 'utf8')) as SweepResults;
}

/** sweep.json without what differs between two executions of the same runs (wall-clock times). */
export function comparable(sweep: SweepResults): unknown {
  return JSON.parse(JSON.stringify(sweep, (key, value: unknown) => (key === 'wallSeconds' ? undefined : value)));
}

/** The parent of a process (Linux /proc), or 0 when it is gone. */
export function parentPid(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return 0;
  }
}

/**
 * Job directories of a sweep in which a student epoch is checkpointed but the run is not finished,
 * with their run.lock owner (the job's process) and its parent (the worker).
 */
export function midJob(sweepDir: string): { name: string; pid: number; worker: number }[] {
  const jobs = join(sweepDir, 'jobs');
  if (!existsSync(jobs)) return [];
  const out: { name: string; pid: number; worker: number }[] = [];
  for (const name of readdirSync(jobs)) {
    const dir = join(jobs, name);
    try {
      if (existsSync(join(dir, 'results.json')) || !existsSync(join(dir, 'run.lock'))) continue;
      const metrics = readFileSync(join(dir, 'metrics.jsonl'), 'utf8');
      const studentEpoch = metrics.split('\n').some((l) => {
        try {
          const m = JSON.parse(l) as { kind?: string; phase?: string };
          return m.kind === 'epoch' && m.phase === 'student';
        } catch {
          return false; // a torn or empty line
        }
      });
      if (!studentEpoch) continue;
      const pid = Number.parseInt(readFileSync(join(dir, 'run.lock'), 'utf8'), 10);
      out.push({ name, pid, worker: parentPid(pid) });
    } catch {
      // a file vanished between the checks: not mid-job
    }
  }
  return out;
}
