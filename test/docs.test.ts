// The repository is self-contained: README and docs/ link only to files inside it, and every
// "docs/<file>.md §N" / "docs/engine.md rule N" citation in src/, test/ and bench/ names a file and a
// section that exist.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const markdown = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ts|mjs|py|md)$/.test(f))
    .map((f) => join(dir, f));
}

describe('documentation inside the repository', () => {
  it.each(markdown)('%s: every relative link resolves to a file in the repository', (file) => {
    const text = readFileSync(join(root, file), 'utf8');
    const targets = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((t) => !/^(https?:|mailto:|#)/.test(t));
    for (const target of targets) {
      const path = resolve(root, dirname(file), target.replace(/#.*$/, ''));
      expect(relative(root, path).startsWith('..'), `${file}: link ${target} leaves the repository`).toBe(false);
      expect(existsSync(path), `${file}: link ${target} does not exist`).toBe(true);
    }
  });

  it('README, src/, test/ and bench/ do not refer to folders outside the repository', () => {
    const offenders: string[] = [];
    for (const file of ['README.md', ...sourceFiles('src'), ...sourceFiles('test'), ...sourceFiles('bench')]) {
      if (file === join('test', 'docs.test.ts')) continue;
      readFileSync(join(root, file), 'utf8').split('\n').forEach((line, i) => {
        if (/\.\.\/shared|shared\/design|shared\/datasets/.test(line)) offenders.push(`${file}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(offenders).toEqual([]);
  });

  it('every docs/ section cited from the code exists', () => {
    const headings = new Map<string, string>();
    for (const file of markdown.filter((f) => f.startsWith('docs/'))) headings.set(file, readFileSync(join(root, file), 'utf8'));
    const missing: string[] = [];
    let citations = 0;
    for (const file of [...sourceFiles('src'), ...sourceFiles('test'), ...sourceFiles('bench')]) {
      const text = readFileSync(join(root, file), 'utf8');
      for (const m of text.matchAll(/docs\/([a-z-]+\.md)(?: (§|rules? )(\d+))?/g)) {
        citations++;
        const doc = headings.get(`docs/${m[1]}`);
        if (doc === undefined) missing.push(`${file}: docs/${m[1]} does not exist`);
        else if (m[2] === '§' && !new RegExp(`^## ${m[3]}\\. `, 'm').test(doc)) missing.push(`${file}: docs/${m[1]} has no section §${m[3]}`);
        else if (m[2]?.startsWith('rule') && !doc.includes(`**Rule ${m[3]} —`)) missing.push(`${file}: docs/${m[1]} has no rule ${m[3]}`);
      }
    }
    expect(citations).toBeGreaterThan(50);
    expect(missing).toEqual([]);
  });
});
