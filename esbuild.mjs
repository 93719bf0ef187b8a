// Builds the two self-contained ESM bundles (engine-style.md rule 14): no external imports at all in
// the library bundle; only `node:` built-ins in the CLI bundle.
import { build } from 'esbuild';

const common = { bundle: true, format: 'esm', mainFields: ['module', 'main'], sourcemap: false, legalComments: 'eof' };

await build({ ...common, entryPoints: ['src/index.ts'], outfile: 'dist/index.mjs', platform: 'neutral' });
if (process.argv.includes('--lib-only')) process.exit(0);
try {
  await build({
    ...common,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/pqkd.mjs',
    platform: 'node',
    target: 'node20',
    banner: { js: "#!/usr/bin/env node\nimport { createRequire as __pqkdCreateRequire } from 'node:module'; const require = __pqkdCreateRequire(import.meta.url);" },
  });
} catch (error) {
  if (!String(error).includes('src/cli/main.ts')) throw error;
  console.warn('esbuild: src/cli/main.ts not present yet; built the library bundle only');
}
