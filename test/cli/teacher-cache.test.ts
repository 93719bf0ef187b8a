// The teacher cache: the content key covers what determines a teacher (and nothing else); two
// concurrent distill runs wanting the same teacher train it once and both record its SHA-256; a
// corrupted entry is detected, reported and retrained to the same bits.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultConfig, type PqkdConfig } from '../../src/pqkd/config.js';
import type { RunManifest } from '../../src/cli/run-schema.js';
import { canonicalJson, codeVersion, teacherKey, type CacheEntry } from '../../src/cli/teacher-cache.js';
import { cleanup, MAIN, pqkd, ROOT, tempDir, TINY } from './helpers.js';

const root = tempDir('teacher-cache');
afterAll(() => cleanup(root));

describe('teacherKey', () => {
  it('changes with every field that determines the teacher and with the code version, not with the others', () => {
    const base = defaultConfig('mnist');
    const key = teacherKey(base, 'v1');
    const variants: [string, (c: PqkdConfig) => void][] = [
      ['dataset', (c) => (c.dataset = 'fashion-mnist')],
      ['seed', (c) => (c.seed = 1)],
      ['splitSeed', (c) => (c.splitSeed = 1)],
      ['width', (c) => (c.teacher.width = 16)],
      ['epochs', (c) => (c.teacher.epochs = 9)],
      ['lr', (c) => (c.teacher.lr = 2e-3)],
      ['batchSize', (c) => (c.teacher.batchSize = 64)],
      ['valSize', (c) => (c.data.valSize = 4000)],
      ['trainLimit', (c) => (c.data.trainLimit = 1000)],
    ];
    for (const [name, change] of variants) {
      const c = structuredClone(base);
      change(c);
      expect(teacherKey(c, 'v1'), name).not.toBe(key);
    }
    expect(teacherKey(base, 'v2')).not.toBe(key);
    const unrelated = structuredClone(base);
    unrelated.student.rank = 9;
    unrelated.photonic.shots = 16;
    unrelated.data.testLimit = 100;
    expect(teacherKey(unrelated, 'v1')).toBe(key);
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] })).toBe(canonicalJson({ a: [{ c: 3, d: 2 }], b: 1 }));
    expect(codeVersion()).toMatch(/^\d+\.\d+\.\d+\+[0-9a-f]{16}$/);
  });
});

function distill(out: string, cache: string): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', MAIN, 'distill', ...TINY, '--epochs', '1', '--teacher', 'cache', '--teacher-cache', cache, '--out', out],
    {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((r) => child.on('close', (code) => r({ code, stderr })));
}

const manifest = (dir: string): RunManifest & { teacherSha256?: string } => JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as RunManifest;

describe('distill --teacher cache', () => {
  it('trains a teacher once for two concurrent runs, records its SHA-256, and retrains a corrupted entry', async () => {
    const cache = join(root, 'cache');
    const [a, b] = await Promise.all([distill(join(root, 'a'), cache), distill(join(root, 'b'), cache)]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    const entries = readdirSync(cache);
    expect(entries).toHaveLength(1); // no .partial or second entry left
    const entryDir = join(cache, entries[0]!);
    const entry = JSON.parse(readFileSync(join(entryDir, 'entry.json'), 'utf8')) as CacheEntry;
    expect(entry.checkpointSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest(join(root, 'a')).teacherSha256).toBe(entry.checkpointSha256);
    expect(manifest(join(root, 'b')).teacherSha256).toBe(entry.checkpointSha256);
    expect(readFileSync(join(root, 'a', 'results.json'), 'utf8')).toContain(
      readFileSync(join(root, 'b', 'results.json'), 'utf8').match(/"weightsSha256": "[0-9a-f]+"/)![0],
    );

    // Flip one byte of the cached checkpoint: the next run notices, retrains, and gets the same bits.
    const file = join(entryDir, 'checkpoint.safetensors');
    const bytes = readFileSync(file);
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff;
    writeFileSync(file, bytes);
    const c = await distill(join(root, 'c'), cache);
    expect(c.code, c.stderr).toBe(0);
    expect(c.stderr).toMatch(
      /warning: teacher cache: .*checkpoint\.safetensors has SHA-256 [0-9a-f]{64}, the entry records [0-9a-f]{64} \(corrupted\); setting it aside and retraining/,
    );
    expect(readdirSync(cache)).toEqual(entries);
    const retrained = JSON.parse(readFileSync(join(entryDir, 'entry.json'), 'utf8')) as CacheEntry;
    expect(retrained.checkpointSha256).toBe(entry.checkpointSha256);
    expect(manifest(join(root, 'c')).teacherSha256).toBe(entry.checkpointSha256);
  });

  it('sweep takes its teachers from the cache', () => {
    const cache = join(root, 'sweep-cache');
    const r = pqkd(['sweep', ...TINY, '--epochs', '1', '--grid', '{"student.rank":[2,4]}', '--teacher-cache', cache, '--out', join(root, 'sweep')]);
    expect(r.status, r.stderr).toBe(0);
    expect(readdirSync(cache)).toHaveLength(1);
    const sha = (JSON.parse(readFileSync(join(cache, readdirSync(cache)[0]!, 'entry.json'), 'utf8')) as CacheEntry).checkpointSha256;
    for (const job of readdirSync(join(root, 'sweep', 'jobs'))) expect(manifest(join(root, 'sweep', 'jobs', job)).teacherSha256).toBe(sha);
  });
});
