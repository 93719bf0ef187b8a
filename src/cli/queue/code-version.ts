/**
 * The code version a queued job records and a worker must match: the pqkd version plus a SHA-256 of
 * the code that runs (the CLI bundle when running from dist/, every .ts file under src/ when running
 * from source). Equal code versions mean equal training code, so a job resumed on another machine
 * continues bit-identically. PQKD_CODE_VERSION overrides it (to test the refusal, or to vouch for a
 * build by hand).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PQKD_VERSION } from '../run-dir.js';

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (entry.name.endsWith('.ts')) out.push(path);
  }
  return out;
}

let cached: string | null = null;

export function codeVersion(): string {
  const override = process.env.PQKD_CODE_VERSION;
  if (override !== undefined && override !== '') return override;
  if (cached !== null) return cached;
  const self = fileURLToPath(import.meta.url);
  const hash = createHash('sha256');
  if (self.endsWith('.ts')) {
    // Running from source: src/cli/queue/code-version.ts → src/.
    const src = resolve(dirname(self), '..', '..');
    for (const file of sourceFiles(src)) hash.update(file.slice(src.length)).update('\0').update(readFileSync(file)).update('\0');
  } else {
    // Running from the CLI bundle (dist/pqkd.mjs), which holds all of the CLI's code.
    hash.update(readFileSync(self));
  }
  cached = `${PQKD_VERSION}+${hash.digest('hex').slice(0, 16)}`;
  return cached;
}
