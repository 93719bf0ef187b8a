/** Output directories, created one level at a time with errors that name the flag. */
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CliError } from './errors.js';

function errnoCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? String(error);
}

/**
 * Creates `path` and its missing parents one level at a time, failing fast with a CliError naming
 * `flag` (Node's recursive mkdir never returns on some pseudo file systems, e.g. under /proc).
 */
export function ensureDirectory(path: string, flag = '--out'): void {
  if (path === '') throw new CliError(`${flag}: expected a directory path, got an empty string`);
  const full = resolve(path);
  const missing: string[] = [];
  let p = full;
  for (;;) {
    let isDir: boolean | null = null;
    try {
      isDir = statSync(p).isDirectory();
    } catch (error) {
      if (errnoCode(error) !== 'ENOENT') throw new CliError(`${flag}: cannot use ${full}: ${errnoCode(error)} on ${p}`);
    }
    if (isDir === false) throw new CliError(`${flag}: cannot create ${full}: ${p} exists and is not a directory`);
    if (isDir) break;
    missing.push(p);
    const parent = dirname(p);
    if (parent === p) break;
    p = parent;
  }
  for (const dir of missing.reverse()) {
    try {
      mkdirSync(dir);
    } catch (error) {
      if (errnoCode(error) === 'EEXIST' && statSync(dir).isDirectory()) continue;
      throw new CliError(`--out: cannot write to ${full}: ${errnoCode(error)} creating ${dir}`.replace('--out', flag));
    }
  }
}
