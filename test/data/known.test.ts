import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CIFAR10_JPEG_ARCHIVE_SHA256, FASHION_MNIST, MNIST } from '../../src/data/known.js';
import { projectRoot } from '../../src/data/locate.js';

// docs/datasets.md records the hash prefixes published by the data's provider (not computed here).
const readme = readFileSync(resolve(projectRoot(), 'docs', 'datasets.md'), 'utf8');

describe('hard-coded hashes agree with docs/datasets.md', () => {
  /** The 8-digit prefixes the README documents, e.g. "train-images `ba891046…`", from one table row. */
  function prefixes(rowStart: string): Record<string, string> {
    const row = readme.split('\n').find((l) => l.startsWith(rowStart));
    expect(row, `README row starting with ${rowStart}`).toBeDefined();
    const out: Record<string, string> = {};
    for (const m of row!.matchAll(/(train|t10k)-(images|labels) `([0-9a-f]{8})…`/g)) out[`${m[1]}-${m[2]}`] = m[3]!;
    return out;
  }

  it('every full SHA-256 starts with the documented prefix', () => {
    for (const [row, spec] of [['| MNIST', MNIST], ['| Fashion-MNIST', FASHION_MNIST]] as const) {
      const documented = prefixes(row);
      expect(Object.keys(documented)).toHaveLength(4);
      for (const [file, full] of Object.entries(spec.sha256)) {
        const short = file.replace(/-idx\d-ubyte$/, '');
        expect(full.slice(0, 8), `${spec.name} ${file}`).toBe(documented[short]);
        expect(full).toMatch(/^[0-9a-f]{64}$/);
      }
    }
    expect(readme).toContain(CIFAR10_JPEG_ARCHIVE_SHA256);
  });
});
