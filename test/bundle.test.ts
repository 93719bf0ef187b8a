// The single-file bundles (docs/engine.md rule 14): the library bundle imports nothing; the CLI
// bundle names only `node:` built-ins; both run from an empty directory.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const out = mkdtempSync(join(tmpdir(), 'pqkd-bundle-'));

beforeAll(() => {
  execFileSync(process.execPath, [join(root, 'esbuild.mjs'), '--outdir', out], { cwd: root, stdio: 'pipe' });
}, 120_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** Module specifiers of static imports, dynamic imports and require calls. */
function specifiers(code: string): string[] {
  const found = new Set<string>();
  for (const re of [/^\s*(?:import|export)\b[^\n]*?\bfrom\s*["']([^"']+)["']/gm, /^\s*import\s*["']([^"']+)["']/gm, /\bimport\(\s*["']([^"']+)["']\s*\)/g, /\brequire\(\s*["']([^"']+)["']\s*\)/g]) {
    for (const m of code.matchAll(re)) found.add(m[1]!);
  }
  return [...found];
}

describe('bundles', () => {
  it('dist/index.mjs (library) has no imports at all', () => {
    const code = readFileSync(join(out, 'index.mjs'), 'utf8');
    // Quoted text such as error messages may contain the word "from"; real imports are statements.
    const statements = code.split('\n').filter((l) => /^\s*(import|export)\s.*from\s*["']/.test(l) || /^\s*import\s*["']/.test(l));
    expect(statements).toEqual([]);
    expect(specifiers(code).filter((s) => /^(node:|[a-z@])/.test(s) && !s.includes(' '))).toEqual([]);
  });

  it('dist/pqkd.mjs (CLI) names only node: built-ins', () => {
    const code = readFileSync(join(out, 'pqkd.mjs'), 'utf8');
    const bad = specifiers(code).filter((s) => !s.startsWith('node:') && /^[a-z@][\w@/.-]*$/.test(s));
    expect(bad).toEqual([]);
  });

  it('the library bundle works standalone: a gradient through a conv net', async () => {
    const lib = (await import(join(out, 'index.mjs'))) as typeof import('../src/index.js');
    const g = new lib.Generator(0);
    const x = lib.randn([2, 1, 6, 6], { generator: g });
    const conv = new lib.Conv2d(1, 2, 3, { padding: 1, generator: g });
    const loss = lib.sum(lib.relu(conv.forward(x)));
    loss.backward();
    expect(conv.weight.grad?.shape).toEqual([2, 1, 3, 3]);
  });

  it('node dist/pqkd.mjs --help runs from an empty directory', () => {
    const empty = mkdtempSync(join(tmpdir(), 'pqkd-empty-'));
    try {
      const text = execFileSync(process.execPath, [join(out, 'pqkd.mjs'), '--help'], { cwd: empty, encoding: 'utf8' });
      expect(text).toMatch(/Usage: pqkd <command>/);
      const circuit = execFileSync(process.execPath, [join(out, 'pqkd.mjs'), 'circuit', '--modes', '4', '--loops', '1', '--json'], { cwd: empty, encoding: 'utf8' });
      expect(JSON.parse(circuit).nParams).toBe(3);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
