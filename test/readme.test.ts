// The README is the contract: every TypeScript example in it runs against the current source.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const dir = join(root, '.cache', `readme-${process.pid}`);
const blocks = [...readFileSync(join(root, 'README.md'), 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('README examples', () => {
  it('has TypeScript examples', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(4);
  });

  blocks.forEach((code, i) => {
    it(`example ${i + 1} runs`, () => {
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `example-${i + 1}.ts`);
      const source = code.replace(/from 'pqkd'/g, `from '${join(root, 'src', 'index.ts')}'`).replace(/from 'pqkd\/data'/g, `from '${join(root, 'src', 'data', 'index.ts')}'`);
      writeFileSync(file, source);
      const r = spawnSync(process.execPath, ['--import', 'tsx', file], { cwd: root, encoding: 'utf8', timeout: 120_000 });
      expect(r.status, `${r.stderr}\n--- example ${i + 1} ---\n${code}`).toBe(0);
    });
  });
});
