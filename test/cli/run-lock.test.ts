// The run lock under a race (issue 15, "two runs on one --out"): run.lock is created exclusively and
// only then gets its owner's pid, so a racer can find it empty. An empty lock that young belongs to a
// live process writing it and must not be taken over as stale (that let two runs share a directory);
// an empty lock left long ago by a process killed in that instant is stale and is taken over.
import { existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RunDir } from '../../src/cli/run-dir.js';
import { cleanup, tempDir } from './helpers.js';

const root = tempDir('run-lock');
afterAll(() => cleanup(root));

describe('run.lock', () => {
  it('an empty lock being written by a racer is held: the directory is refused, the lock kept', () => {
    const dir = join(root, 'racing');
    mkdirSync(dir);
    writeFileSync(join(dir, 'run.lock'), '');
    expect(() => new RunDir(dir).create()).toThrow(/in use by another pqkd process \(pid being written\)/);
    expect(readFileSync(join(dir, 'run.lock'), 'utf8')).toBe('');
  });

  it('an empty lock a minute old is stale and taken over', () => {
    const dir = join(root, 'stale-empty');
    mkdirSync(dir);
    writeFileSync(join(dir, 'run.lock'), '');
    const minuteAgo = new Date(Date.now() - 60_000);
    utimesSync(join(dir, 'run.lock'), minuteAgo, minuteAgo);
    const run = new RunDir(dir);
    run.create();
    expect(readFileSync(join(dir, 'run.lock'), 'utf8')).toBe(`${process.pid}\n`);
    run.unlock();
  });
});

describe('a run killed after finishing', () => {
  it('--resume says it is finished and releases the stale lock it left', async () => {
    const { executeRun } = await import('../../src/cli/commands/train.js');
    const { Progress } = await import('../../src/cli/progress.js');
    const { resolveConfig } = await import('../../src/pqkd/config.js');
    const out = join(root, 'finished');
    const config = resolveConfig({ teacher: { width: 8, epochs: 1, batchSize: 50 }, data: { valSize: 100, trainLimit: 200, testLimit: 100 } });
    const base = { config, out, teacherCheckpoint: null, threads: 1, kernels: 'js', progress: new Progress('quiet'), report: false };
    const first = await executeRun({ ...base, command: 'teacher', resume: false });
    // What a SIGKILL while report.html was being written leaves: a finished manifest and a dead owner's lock.
    writeFileSync(join(out, 'run.lock'), '4194999\n');
    const again = await executeRun({ ...base, command: 'teacher', resume: true });
    expect(again.weightsSha256).toBe(first.weightsSha256);
    expect(existsSync(join(out, 'run.lock'))).toBe(false);
  });
});
