/**
 * Hashing helpers shared by the teacher cache, `pqkd reproduce` and the queue: a canonical JSON text
 * for content keys, and the code version — the pqkd version plus the SHA-256 (first 16 hex digits)
 * of the TypeScript sources under the given roots of src/ when running from source, or of the CLI
 * bundle's own bytes when running from dist/ (the bundle holds all of the CLI's code).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PQKD_VERSION } from './run-dir.js';

/** JSON with object keys sorted at every level and undefined members left out (a stable text for hashing). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function typeScriptFiles(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return path.endsWith('.ts') ? [path] : [];
  return readdirSync(path)
    .sort()
    .flatMap((name) => typeScriptFiles(join(path, name)));
}

const memo = new Map<string, string>();

/**
 * The code version of the sources under `roots` (paths relative to src/; `['.']` for all of it).
 * @example
 * sourceCodeVersion(['.']); // '0.1.0+3f2a…' (16 hex digits)
 */
export function sourceCodeVersion(roots: readonly string[]): string {
  const key = roots.join('\0');
  const known = memo.get(key);
  if (known !== undefined) return known;
  const here = fileURLToPath(import.meta.url);
  const hash = createHash('sha256');
  if (here.endsWith('.ts')) {
    const src = resolve(dirname(here), '..');
    for (const file of roots.flatMap((root) => typeScriptFiles(join(src, root)))) {
      hash.update(`${relative(src, file).split('\\').join('/')}\0`);
      hash.update(readFileSync(file));
      hash.update('\0');
    }
  } else {
    hash.update(readFileSync(here));
  }
  const version = `${PQKD_VERSION}+${hash.digest('hex').slice(0, 16)}`;
  memo.set(key, version);
  return version;
}
