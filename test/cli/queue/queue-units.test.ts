// The parts of the queue that need no Redis: the --queue URL, job ids, the code version, and that
// commands without --queue never load BullMQ or its Redis client.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { sharedTeacher } from '../../../src/cli/queue/submit.js';
import { describe, expect, it } from 'vitest';
import { parseRedisUrl } from '../../../src/cli/queue/redis-url.js';
import { canonicalJson, queueJobId } from '../../../src/cli/queue/jobs.js';
import { codeVersion } from '../../../src/cli/queue/code-version.js';
import { buildConfig } from '../../../src/cli/args.js';
import { ROOT } from '../helpers.js';

describe('--queue URLs', () => {
  it('reads host, port, database and credentials, and hides the password in messages', () => {
    const t = parseRedisUrl('redis://alice:s3cret@10.0.0.5:6380/3');
    expect(t).toMatchObject({ host: '10.0.0.5', port: 6380, db: 3, username: 'alice', password: 's3cret', tls: false });
    expect(t.display).toBe('redis://alice:***@10.0.0.5:6380/3');
    expect(parseRedisUrl('redis://localhost')).toMatchObject({ host: 'localhost', port: 6379, db: 0 });
    expect(parseRedisUrl('rediss://[::1]:7000/0')).toMatchObject({ host: '::1', port: 7000, tls: true });
  });

  it.each([
    [undefined, /--queue: expected a Redis URL/],
    ['localhost:6379', /--queue: expected a redis:\/\/ or rediss:\/\/ URL, got the scheme 'localhost:'/],
    ['http://localhost:6379/0', /scheme 'http:'/],
    ['redis://localhost:6379/zero', /the database must be a number/],
    ['redis://localhost:6379/0?x=1', /query strings/],
    ['not a url', /not a URL/],
  ])('refuses %s with one line naming the flag', (raw, message) => {
    expect(() => parseRedisUrl(raw)).toThrow(message);
  });
});

describe('queue job ids', () => {
  const config = buildConfig({}, [], { dataset: 'mnist' });
  it('hash the resolved config and the run directory, independent of key order', () => {
    const id = queueJobId(config, '/shared/sweep/jobs/a');
    expect(id).toMatch(/^run-[0-9a-f]{24}$/);
    const reordered = JSON.parse(JSON.stringify(Object.fromEntries(Object.entries(config).reverse()))) as typeof config;
    expect(queueJobId(reordered, '/shared/sweep/jobs/a')).toBe(id);
    expect(queueJobId(config, '/shared/sweep/jobs/b')).not.toBe(id);
    expect(queueJobId({ ...config, seed: config.seed + 1 }, '/shared/sweep/jobs/a')).not.toBe(id);
  });

  it('canonical JSON sorts keys at every level and keeps array order', () => {
    expect(canonicalJson({ b: [2, { d: 1, c: 0 }], a: 'x', u: undefined })).toBe('{"a":"x","b":[2,{"c":0,"d":1}]}');
  });
});

describe('teachers on shared storage', () => {
  it('a teacher inside the sweep directory is used where it is; one from elsewhere is copied in (once)', () => {
    const root = mkdtempSync(join(tmpdir(), 'pqkd-teacher-copy-'));
    try {
      const sweep = join(root, 'sweep');
      const inside = join(sweep, 'teachers', 'mnist-w8-abc', 'checkpoint.safetensors');
      mkdirSync(dirname(inside), { recursive: true });
      writeFileSync(inside, 'inside');
      expect(sharedTeacher(inside, sweep)).toBe(inside);
      const cached = join(root, 'cache', 'mnist-w8-def', 'checkpoint.safetensors');
      mkdirSync(dirname(cached), { recursive: true });
      writeFileSync(cached, 'cached teacher bytes');
      const copy = sharedTeacher(cached, sweep);
      expect(copy).toBe(join(sweep, 'teachers', 'mnist-w8-def', 'checkpoint.safetensors'));
      expect(readFileSync(copy, 'utf8')).toBe('cached teacher bytes');
      writeFileSync(cached, 'retrained teacher bytes');
      expect(readFileSync(sharedTeacher(cached, sweep), 'utf8')).toBe('retrained teacher bytes');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('code version', () => {
  it('is the pqkd version plus a hash of the code that runs, overridable', () => {
    const computed = codeVersion();
    expect(computed).toMatch(/^0\.1\.0\+[0-9a-f]{16}$/);
    process.env.PQKD_CODE_VERSION = '9.9.9+by-hand';
    try {
      expect(codeVersion()).toBe('9.9.9+by-hand');
    } finally {
      delete process.env.PQKD_CODE_VERSION;
    }
    expect(codeVersion()).toBe(computed);
  });
});

describe('lazy loading', () => {
  // ioredis is CommonJS: once anything imports it (bullmq does), it sits in require.cache.
  const loadsQueue = (body: string): boolean => {
    const code = `
      import { createRequire } from 'node:module';
      ${body}
      const cache = Object.keys(createRequire(import.meta.url).cache);
      console.log(JSON.stringify({ loaded: cache.some((k) => /[\\\\/]node_modules[\\\\/](ioredis|bullmq)[\\\\/]/.test(k)) }));`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: ROOT, encoding: 'utf8' });
    const last = r.stdout.trim().split('\n').pop() ?? '';
    expect(last, r.stderr).toMatch(/^\{"loaded":(true|false)\}$/);
    return (JSON.parse(last) as { loaded: boolean }).loaded;
  };
  const runMain = (args: string[]): string => `const { main } = await import('./src/cli/main.ts'); await main(${JSON.stringify(args)});`;

  it('commands without --queue never load BullMQ or ioredis; the queue modules do', () => {
    expect(loadsQueue(runMain(['circuit', '--modes', '4', '--loops', '1', '--json']))).toBe(false);
    expect(loadsQueue(runMain(['sweep', '--help']))).toBe(false);
    expect(loadsQueue(runMain(['worker', '--help']))).toBe(false);
    // The control: what `sweep --queue` and `worker` import does load them, and the probe sees it.
    expect(loadsQueue(`await import('./src/cli/queue/submit.ts');`)).toBe(true);
  }, 60_000);
});
