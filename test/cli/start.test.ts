// `pqkd start` (the main job) on a tiny real slice: it trains the teacher into the cache once, and
// the second run reuses it. The full default (npm start) is the same code with the embedded config.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanup, pqkd, readResults, tempDir } from './helpers.js';

const root = tempDir('start');
afterAll(() => cleanup(root));

describe('pqkd start', () => {
  it('runs the main job end to end and reuses the cached teacher', () => {
    const config = join(root, 'tiny.json');
    writeFileSync(config, JSON.stringify({
      teacher: { width: 8, epochs: 1 }, student: { epochs: 1 },
      spsa: { updatesPerEpoch: 1, batchSize: 64 }, data: { valSize: 300, trainLimit: 400, testLimit: 200 },
    }));
    const env = { PQKD_CACHE_DIR: join(root, 'cache') };
    const first = pqkd(['start', '--config', config, '--out', join(root, 'a'), '--threads', '1'], { env });
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/training the teacher/);
    for (const row of ['teacher test accuracy', 'student test accuracy', 'compression (conv blocks + θ)', 'shots', 'EMA', 'wall time', 'report']) {
      expect(first.stdout).toContain(row);
    }
    const second = pqkd(['start', '--config', config, '--out', join(root, 'b'), '--threads', '1'], { env });
    expect(second.status, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/using the cached teacher/);
    // Same seed, same cached teacher: the same student, bit for bit.
    expect(readResults(join(root, 'b')).weightsSha256).toBe(readResults(join(root, 'a')).weightsSha256);
  });
});
