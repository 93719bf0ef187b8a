// Hostile and careless input: every case is one line on stderr, exit code 2, no stack trace, nothing
// left behind, Object.prototype untouched. Run in-process (each fails before any training).
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, mainInProcess, pqkd, tempDir } from './helpers.js';

let root: string;
const protoNames = Object.getOwnPropertyNames(Object.prototype).sort();
const toString = Object.prototype.toString;

beforeAll(() => {
  root = tempDir('hostile');
});
afterAll(() => cleanup(root));

async function expectRefused(args: string[], pattern: RegExp): Promise<void> {
  const r = await mainInProcess(args);
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(protoNames);
  expect(Object.prototype.toString).toBe(toString);
}

describe('hostile input', () => {
  it('prototype keys in --grid, --config and config paths are refused, at any depth', async () => {
    const out = join(root, 'grid-proto');
    await expectRefused(['sweep', '--grid', '{"__proto__.toString":[1]}', '--out', out], /--grid: "__proto__\.toString" is not allowed/);
    await expectRefused(['sweep', '--grid', '{"student.constructor":[1]}', '--out', out], /--grid: "student\.constructor" is not allowed/);
    await expectRefused(['sweep', '--grid', '{"photonic.groups":[[{"prototype":1}]]}', '--out', out], /prototype keys are refused/);
    await expectRefused(['sweep', '--grid', '{"student.nope":[1]}', '--out', out], /"student\.nope" is not a config field \(fields of student: rank, scope/);
    expect(existsSync(out)).toBe(false);
    const file = join(root, 'proto.json');
    writeFileSync(file, '{ "student": { "__proto__": { "rank": 2 } } }');
    await expectRefused(['distill', '--config', file, '--out', join(root, 'c1')], /key "student\.__proto__" is not allowed/);
    writeFileSync(file, '{ "__proto__": { "polluted": true } }');
    await expectRefused(['distill', '--config', file, '--out', join(root, 'c2')], /key "__proto__" is not allowed/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('bad grid values leave nothing behind', async () => {
    const out = join(root, 'grid-bad');
    await expectRefused(['sweep', '--grid', '{"student.rank":[2,0]}', '--out', out], /--grid: job .*rank.*expected an integer >= 1/);
    await expectRefused(['sweep', '--grid', '{"student.rank":[]}', '--out', out], /non-empty list/);
    expect(existsSync(out)).toBe(false);
  });

  it('unusable output paths fail fast; empty strings and stray arguments are errors', async () => {
    await expectRefused(['teacher', '--out', '/proc/pqkd-x/run'], /--out: cannot (write to|create|use) \/proc\/pqkd-x\/run/);
    await expectRefused(['teacher', '--out', ''], /--out: expected a non-empty value, got ''/);
    await expectRefused(['distill', '--teacher', ''], /--teacher: expected a non-empty value/);
    await expectRefused(['teacher', 'extra', '--out', join(root, 'stray')], /unexpected argument 'extra'/);
    await expectRefused(['verify', root, 'second'], /unexpected argument 'second'/);
    expect(existsSync(join(root, 'stray'))).toBe(false);
    const occupied = join(root, 'occupied');
    mkdirSync(occupied);
    writeFileSync(join(occupied, 'mine.txt'), 'x');
    await expectRefused(['teacher', '--out', occupied], /is not empty \(mine\.txt\)/);
    expect(readdirSync(occupied)).toEqual(['mine.txt']);
  });

  it('the resource guard refuses a model that cannot fit, with the estimate, before allocating', async () => {
    const out = join(root, 'huge');
    await expectRefused(['teacher', '--width', '1000000', '--out', out], /teacher: the run needs about [\d.]+ (TiB|PiB) \(models .*\), over the [\d.]+ GiB memory budget; .*widest teacher that fits is --width \d+/);
    expect(existsSync(out)).toBe(false);
  });

  it('usage with no command goes to stderr with exit 2; --version and --help with defaults go to stdout', async () => {
    const none = pqkd([]);
    expect(none.status).toBe(2);
    expect(none.stdout).toBe('');
    expect(none.stderr).toMatch(/Usage: pqkd <command>/);
    const version = await mainInProcess(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^pqkd \d+\.\d+\.\d+\n$/);
    const help = await mainInProcess(['distill', '--help']);
    expect(help.stdout).toMatch(/--rank <int>\s+dictionary rank R \[default: 4\]/);
    expect(help.stdout).toMatch(/--loops <list>\s+loop lengths, e\.g\. 1,2 \[default: 1,2\]/);
    expect(help.stdout).toMatch(/--threads <int>.*\[default: all cores\]/);
  });
});
