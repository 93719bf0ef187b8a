// The teacher cache's claim file (src/cli/teacher-cache.ts tryClaim): who may take it. The race this
// guards: a claim is created exclusively and its pid written by a second system call, so a reader can see
// it empty; taking that as stale let two processes train the same teacher (seen once under a loaded run
// of test/cli/teacher-cache.test.ts).
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tryClaim } from '../../src/cli/teacher-cache.js';

const dir = mkdtempSync(join(tmpdir(), 'pqkd-claim-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('teacher cache claim', () => {
  it('takes a free claim and writes its pid', () => {
    const path = join(dir, '.claim-free');
    expect(tryClaim(path)).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe(`${process.pid}\n`);
  });

  it('leaves a claim held by a live process, and a fresh empty one (being written)', () => {
    const held = join(dir, '.claim-held');
    writeFileSync(held, `${process.ppid}\n`); // the test runner's parent: alive
    expect(tryClaim(held)).toBe(false);
    const fresh = join(dir, '.claim-empty');
    writeFileSync(fresh, '');
    expect(tryClaim(fresh)).toBe(false);
    expect(readFileSync(fresh, 'utf8')).toBe(''); // untouched
  });

  it('takes over an empty claim older than the grace time and one whose process is gone', () => {
    const old = join(dir, '.claim-old-empty');
    writeFileSync(old, '');
    const past = new Date(Date.now() - 60_000);
    utimesSync(old, past, past);
    expect(tryClaim(old)).toBe(true);
    const dead = join(dir, '.claim-dead');
    writeFileSync(dead, '2147483646\n'); // no such process
    expect(tryClaim(dead)).toBe(true);
    expect(readFileSync(dead, 'utf8')).toBe(`${process.pid}\n`);
  });
});
