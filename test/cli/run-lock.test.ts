// The run lock under a race (issue 15, "two runs on one --out"): run.lock is created exclusively and
// only then gets its owner's pid, so a racer can find it empty. An empty lock that young belongs to a
// live process writing it and must not be taken over as stale (that let two runs share a directory);
// an empty lock left long ago by a process killed in that instant is stale and is taken over.
import { mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
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
