// `pqkd sweep --queue` and `pqkd worker` against a real redis-server (Debian's), with worker processes
// that finish, die (SIGKILL), stop (SIGTERM) and refuse jobs, and a Redis restart mid-sweep. The
// reference is the same sweep run locally (`pqkd sweep` without --queue) in this file.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, pqkd, tempDir } from '../helpers.js';
import { comparable, GRID, midJob, readSweep, startProc, TINY_SWEEP, until, type Proc } from './queue-helpers.js';
import { HAVE_REDIS, REDIS_MISSING, RedisServer } from './redis-server.js';

const FAST_STALL = ['--lock-seconds', '8', '--stalled-check', '2'];
const root = tempDir('queue');
const local = join(root, 'local');
const redis = new RedisServer();
const started: Proc[] = [];

function worker(name: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}): Proc {
  const p = startProc(['worker', '--queue', redis.url, '--name', name, '--threads', '1', '--idle-exit', '4', ...FAST_STALL, ...extra], env);
  started.push(p);
  return p;
}

function submit(name: string, out: string, env: NodeJS.ProcessEnv = {}, grid = GRID): Proc {
  const p = startProc(['sweep', '--queue', redis.url, '--name', name, '--grid', grid, ...TINY_SWEEP, '--out', out], env);
  started.push(p);
  return p;
}

if (!HAVE_REDIS && process.env.CI === 'true') throw new Error(REDIS_MISSING);

describe.skipIf(!HAVE_REDIS)(`pqkd sweep --queue with real workers (${HAVE_REDIS ? 'redis-server' : REDIS_MISSING})`, () => {
  beforeAll(async () => {
    await redis.start();
    const r = pqkd(['sweep', '--grid', GRID, ...TINY_SWEEP, '--quiet', '--out', local]);
    expect(r.status, r.stderr).toBe(0);
  }, 300_000);

  afterAll(async () => {
    for (const p of started) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await redis.dispose();
    cleanup(root);
  });

  it('two workers produce the local sweep: same sweep.json (but wall times), weights and checkpoint hashes, and a report', async () => {
    const out = join(root, 'queued');
    const sweep = submit('same', out);
    await until('the jobs are enqueued', () => /job\(s\) on queue/.test(sweep.output()));
    const workers = [worker('same'), worker('same')];
    const { code } = await sweep.exited;
    expect(code, sweep.output()).toBe(0);
    for (const w of workers) expect((await w.exited).code, w.output()).toBe(0);
    const queued = readSweep(out);
    expect(queued.jobs.map((j) => j.status)).toEqual(['finished', 'finished', 'finished', 'finished']);
    expect(comparable(queued)).toEqual(comparable(readSweep(local)));
    // Both workers ran jobs (each prints the jobs it takes).
    for (const w of workers) expect(w.output()).toMatch(/: job \S+ \(run-[0-9a-f]{24}\)/);
    expect(existsSync(join(out, 'report.html'))).toBe(true);
  }, 300_000);

  it('a SIGKILLed worker, a SIGTERMed worker, a poisoned job and a Redis restart: the rest finishes bit-identically', async () => {
    const out = join(root, 'hostile');
    const reference = readSweep(local);
    const poisoned = reference.jobs[1]!.id;
    const fault = { PQKD_FAULT_NONFINITE_AT: 'student:1:2', PQKD_FAULT_JOB: poisoned };
    const sweep = submit('hostile', out);
    await until('the jobs are enqueued', () => /job\(s\) on queue/.test(sweep.output()));
    const [w1, w2] = [worker('hostile', [], fault), worker('hostile', [], fault)] as [Proc, Proc];
    const pids = new Set([w1.child.pid, w2.child.pid]);
    // SIGKILL the first worker seen between two epoch checkpoints of a job.
    let victim: { name: string; worker: number } | undefined;
    await until('a job between its epoch checkpoints', () => (victim = midJob(out).find((j) => pids.has(j.worker) && j.name !== poisoned)) !== undefined);
    const killed = victim!.worker === w1.child.pid ? w1 : w2;
    const other = killed === w1 ? w2 : w1;
    killed.child.kill('SIGKILL');
    expect((await killed.exited).signal).toBe('SIGKILL');
    // Redis restarts (append-only file on) while the killed job waits to be found stalled.
    await redis.stop();
    await redis.start();
    // SIGTERM the other worker between the checkpoints of a job it runs: it hands the job back.
    await until('the other worker mid-job', () => midJob(out).some((j) => j.worker === other.child.pid));
    other.child.kill('SIGTERM');
    const stopped = await other.exited;
    expect(stopped.code, other.output()).toBe(143);
    expect(other.output()).toMatch(/handed back to the queue \(SIGTERM\)/);
    // A third worker finishes everything: the handed-back job and the stalled one resume from their checkpoints.
    const w3 = worker('hostile', [], fault);
    const { code } = await sweep.exited;
    expect(code, sweep.output()).toBe(1);
    expect((await w3.exited).code, w3.output()).toBe(0);
    expect((w3.output().match(/, resuming/g) ?? []).length).toBeGreaterThanOrEqual(2);
    const queued = readSweep(out);
    for (const [i, job] of queued.jobs.entries()) {
      if (job.id === poisoned) {
        expect(job.status).toBe('failed');
        expect(job.error).toMatch(/loss became NaN/);
      } else {
        expect(job.status, job.error).toBe('finished');
        expect(job.results!.weightsSha256).toBe(reference.jobs[i]!.results!.weightsSha256);
        expect(job.results!.checkpoints).toEqual(reference.jobs[i]!.results!.checkpoints);
      }
    }
    expect(sweep.output()).toMatch(new RegExp(`${poisoned.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s+failed`));
  }, 400_000);

  it('a worker refuses a job enqueued by other code, and says why', async () => {
    const out = join(root, 'queued');
    const sweep = submit('version', out, { PQKD_CODE_VERSION: '0.0.1+elsewhere' }, '{"student.rank":[2],"photonic.shots":[16,32]}');
    await until('the jobs are enqueued', () => /job\(s\) on queue/.test(sweep.output()));
    const w = worker('version');
    expect((await sweep.exited).code, sweep.output()).toBe(1);
    await w.exited;
    const job = readSweep(out).jobs.find((j) => j.id.endsWith('shots=32'))!;
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/enqueued by pqkd code 0\.0\.1\+elsewhere, this worker .* runs 0\.1\.0\+[0-9a-f]{16}/);
    expect(existsSync(join(out, 'jobs', job.id, 'manifest.json'))).toBe(false);
  }, 200_000);
});
