// Bad input: one line on stderr naming the flag or file, exit code 2, no stack trace, no files left.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, pqkd, tempDir } from './helpers.js';

let root: string;
beforeAll(() => {
  root = tempDir('bad');
});
afterAll(() => cleanup(root));

function expectUsageError(args: string[], pattern: RegExp): void {
  const r = pqkd(args);
  expect(r.status, r.stderr).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('pqkd bad input', () => {
  it('unknown command and flag', () => {
    expectUsageError(['frobnicate'], /unknown command 'frobnicate'/);
    expectUsageError(['distill', '--frob', '1'], /unknown flag --frob/);
  });

  it('wrong types and out-of-range values name the flag', () => {
    expectUsageError(['distill', '--shots', 'many'], /--shots: expected an integer, got 'many'/);
    expectUsageError(['distill', '--shots', '0'], /--shots: expected an integer >= 1, got 0/);
    expectUsageError(['distill', '--ema-beta', '1'], /--ema-beta: expected a number in \[0, 1\), got 1/);
    expectUsageError(['distill', '--rank', '0'], /--rank: expected an integer >= 1/);
    expectUsageError(['distill', '--loops', '1,20'], /photonic.loopLengths\[1\].*shorter than the mode count/);
    expectUsageError(['distill', '--scope', 'most'], /--scope: expected one of partial, full/);
    expectUsageError(['distill', '--dataset', 'imagenet'], /--dataset: expected one of mnist, fashion-mnist, cifar10/);
  });

  it('config files: unreadable, invalid, unknown fields', () => {
    const bad = join(root, 'bad.json');
    writeFileSync(bad, '{ "student": { "rnak": 3 } }');
    expectUsageError(['distill', '--config', bad], /config\.student\.rnak: unknown field/);
    writeFileSync(bad, '{ nope');
    expectUsageError(['distill', '--config', bad], /--config: .* is not a valid config JSON file/);
    expectUsageError(['distill', '--config', join(root, 'missing.json')], /--config: cannot read/);
  });

  it('missing and mismatched checkpoints', () => {
    expectUsageError(['distill', '--teacher', join(root, 'nope.safetensors')], /--teacher: .* does not exist/);
    const junk = join(root, 'junk.safetensors');
    writeFileSync(junk, 'not a checkpoint at all');
    expectUsageError(['distill', '--teacher', junk, '--out', join(root, 'x')], /junk\.safetensors: not a readable pqkd checkpoint/);
    expect(existsSync(join(root, 'x'))).toBe(false);
  });

  it('unwritable or occupied output directories leave nothing behind', () => {
    const file = join(root, 'a-file');
    writeFileSync(file, 'x');
    expectUsageError(['distill', '--out', join(file, 'run')], /--out: cannot (use|create) .*(ENOTDIR|not a directory)/);
    const occupied = join(root, 'occupied');
    mkdirSync(occupied);
    writeFileSync(join(occupied, 'keep.txt'), 'mine');
    expectUsageError(['teacher', '--out', occupied], /is not empty \(keep\.txt\)/);
    expect(readdirSync(occupied)).toEqual(['keep.txt']);
  });

  it('resume and verify need a run directory', () => {
    expectUsageError(['distill', '--resume', root], /not a run directory \(no manifest\.json\)/);
    expectUsageError(['verify', root], /not a run directory/);
    expectUsageError(['report', root], /not a run or sweep directory/);
  });
});
