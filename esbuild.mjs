// Builds the self-contained ESM bundles (docs/engine.md rule 14): no external imports at all in the
// library bundle (`dist/index.mjs`); only `node:` built-ins in the data bundle (`dist/data.mjs`, the
// `pqkd/data` entry point) and the CLI bundle (`dist/pqkd.mjs`). Every package is inlined, so the
// published package has no runtime dependencies.
import { builtinModules } from 'node:module';
import { resolve as resolvePath, sep } from 'node:path';
import { build } from 'esbuild';

// Dependencies of the CLI (vega's loader) import Node built-ins without the `node:` prefix; rewrite
// them so the bundle names only `node:` built-ins.
const nodePrefix = {
  name: 'node-prefix',
  setup(b) {
    const names = new Set(builtinModules.filter((m) => !m.startsWith('_')));
    // Optional packages that vega and node-fetch try to require inside try/catch (node-canvas for PNG
    // output, encoding for legacy charsets): bundle a stub that throws, as if they were not installed.
    b.onResolve({ filter: /^(canvas|encoding)$/ }, (args) => ({ path: args.path, namespace: 'absent-optional' }));
    b.onLoad({ filter: /.*/, namespace: 'absent-optional' }, (args) => ({
      contents: `throw new Error(${JSON.stringify(`optional dependency ${args.path} is not bundled`)});`,
      loader: 'js',
    }));
    b.onResolve({ filter: /^[a-z_/]+$/ }, (args) => (names.has(args.path) ? { path: `node:${args.path}`, external: true } : undefined));
  },
};

const outIndex = process.argv.indexOf('--outdir');
const outdir = outIndex >= 0 ? process.argv[outIndex + 1] : 'dist';

const common = { bundle: true, format: 'esm', mainFields: ['module', 'main'], sourcemap: false, legalComments: 'eof' };

await build({ ...common, entryPoints: ['src/index.ts'], outfile: `${outdir}/index.mjs`, platform: 'neutral' });
if (process.argv.includes('--lib-only')) process.exit(0);
// `pqkd/data`: the dataset readers and loaders (Node only: they read files), with jpeg-js inlined.
// What they use from the engine (Generator, fromTypedArray, allocate) is imported from the library
// bundle, not copied: one Tensor class, one storage pool.
const srcDir = resolvePath('src');
const engineFromLibrary = {
  name: 'engine-from-library',
  setup(b) {
    b.onResolve({ filter: /^\.\.?\// }, (args) => {
      const target = resolvePath(args.resolveDir, args.path);
      const inData = target.startsWith(resolvePath(srcDir, 'data') + sep);
      return target.startsWith(srcDir + sep) && !inData ? { path: './index.mjs', external: true } : undefined;
    });
  },
};
await build({
  ...common,
  entryPoints: ['src/data/index.ts'],
  outfile: `${outdir}/data.mjs`,
  platform: 'node',
  target: 'node20',
  plugins: [nodePrefix, engineFromLibrary],
});
try {
  await build({
    ...common,
    entryPoints: ['src/cli/main.ts'],
    outfile: `${outdir}/pqkd.mjs`,
    platform: 'node',
    target: 'node20',
    plugins: [nodePrefix],
    banner: { js: "#!/usr/bin/env node\nimport { createRequire as __pqkdCreateRequire } from 'node:module'; const require = __pqkdCreateRequire(import.meta.url);" },
  });
} catch (error) {
  if (!String(error).includes('src/cli/main.ts')) throw error;
  console.warn('esbuild: src/cli/main.ts not present yet; built the library bundle only');
}
