// `pqkd reproduce` on a tiny experiment (two jobs sharing one teacher): job-granular resumption
// (--max-jobs), the plan and its estimate from the measured cost, resumption of a job killed mid-run
// from its checkpoint, and `pqkd verify --result` passing on it and failing on a tampered copy.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { JobResult } from '../../src/cli/reproduce/result-file.js';
import { cleanup, MAIN, pqkd, ROOT, tempDir } from './helpers.js';

const root = tempDir('reproduce');
const repo = join(root, 'repo');
mkdirSync(join(repo, 'experiments'), { recursive: true });
copyFileSync(join(ROOT, 'test', 'cli', 'fixtures', 'reproduce-tiny.json'), join(repo, 'experiments', 'tiny.json'));
const env = { PQKD_TEACHER_CACHE: join(root, 'cache'), PQKD_THREADS: '1' };
// Paths as flags (the defaults are relative to the current directory, the repository root).
const PATHS = ['--experiments', join(repo, 'experiments'), '--results', join(repo, 'results'), '--runs', join(repo, 'runs', 'reproduce')];
const run = (args: string[]) => pqkd(args[0] === 'reproduce' ? [...args, ...PATHS] : args, { env });
const results = join(repo, 'results', 'tiny');
const job1 = 'student.rank=2,seed=0';
const job2 = 'student.rank=4,seed=0';
afterAll(() => cleanup(root));

async function killWhenCheckpointed(dir: string): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'reproduce', 'tiny', '--quiet', ...PATHS], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: 'ignore',
  });
  const exited = new Promise((r) => child.on('exit', r));
  const deadline = Date.now() + 240_000;
  while (!existsSync(join(dir, 'checkpoint.safetensors'))) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error('the job never reached its first student checkpoint');
    await new Promise((r) => setTimeout(r, 20));
  }
  child.kill('SIGKILL');
  await exited;
}

describe('pqkd reproduce', () => {
  it('runs, plans, resumes at job and checkpoint granularity, and verify --result checks a job', { timeout: 600_000 }, async () => {
    const first = run(['reproduce', 'tiny', '--max-jobs', '1', '--quiet']);
    expect(first.status, first.stderr).toBe(0);
    expect(readdirSync(results)).toEqual([`${job1}.json`]);
    const saved = readFileSync(join(results, `${job1}.json`), 'utf8');
    const r1 = JSON.parse(saved) as JobResult;
    expect(r1.teacher.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(r1.metrics.filter((m) => m.kind === 'epoch')).toHaveLength(2);

    const plan = run(['reproduce', 'tiny', '--plan']);
    expect(plan.status, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('jobs: 2 (1 done, 0 partial, 1 pending); teachers: 1 (1 cached');
    expect(plan.stdout).toMatch(/remaining: ≈ \d+\.\d\d h wall/);
    expect(plan.stdout).not.toContain('no measured cost');
    expect(plan.stdout).toMatch(/student mnist\/w8\/partial\/R2: \d+\.\d{3} ms\/image\/epoch \(n=1\)/);

    await killWhenCheckpointed(join(repo, 'runs', 'reproduce', 'tiny', job2));
    expect(run(['reproduce', 'tiny', '--plan']).stdout).toContain('1 done, 1 partial, 0 pending');
    const second = run(['reproduce', 'tiny', '--quiet']);
    expect(second.status, second.stderr).toBe(0);
    expect(second.stdout).toContain('2/2 done');
    expect(readdirSync(results).sort()).toEqual([`${job1}.json`, `${job2}.json`]);
    expect(readFileSync(join(results, `${job1}.json`), 'utf8')).toBe(saved); // not rerun
    const r2 = JSON.parse(readFileSync(join(results, `${job2}.json`), 'utf8')) as JobResult;
    expect(r2.teacher.sha256).toBe(r1.teacher.sha256); // one teacher, reused

    // The resumed job equals a fresh rerun, bit for bit.
    const verified = run(['verify', '--result', join(results, `${job2}.json`)]);
    expect(verified.status, verified.stderr + verified.stdout).toBe(0);
    expect(verified.stdout).toMatch(/^verify: identical/);

    const tampered = join(root, 'tampered.json');
    writeFileSync(
      tampered,
      JSON.stringify({ ...r2, final: { ...r2.final, student: { ...r2.final.student, testAccuracy: r2.final.student.testAccuracy + 0.01 } } }),
    );
    const failed = run(['verify', '--result', tampered]);
    expect(failed.status).toBe(1);
    expect(failed.stdout).toContain('verify: DIFFERENT');
    expect(failed.stdout).toContain('final.student.testAccuracy');

    const missing = run(['verify', '--result', join(root, 'nope.json')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('refuses an unknown experiment with one line and exit 2', () => {
    const r = run(['reproduce', 'no-such-experiment']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain("unknown experiment 'no-such-experiment'");
  });
});
