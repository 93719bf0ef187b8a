/**
 * Layer rules of src/ (docs/engine.md, "Layout and layering"), checked by `npm run lint:deps`
 * (part of `npm run lint`). Imports point down only:
 *
 *   tensor  <-  autograd  <-  nn  <-  pqkd  <-  export  <-  cli
 *     ^  ^---- io <------------'       ^
 *     |--- photonics ------------------'
 *     '--- data <------------------------------------------  cli
 *
 * - src/tensor imports nothing above it; src/autograd and src/io only tensor; src/nn tensor,
 *   autograd and io; src/photonics only tensor; src/pqkd everything but export, data and cli;
 *   src/export (ONNX / state-dict export) everything but data and cli; src/data only tensor;
 *   src/cli anything. src/index.ts (the browser-safe library) does not import data or cli.
 *   One explicit exception: the pqkd trainers batch data with `DataLoader`, so src/pqkd may import
 *   the in-memory, browser-safe part of src/data (DATA_IN_MEMORY below), which is held to the
 *   browser-safe rules too. (Moving those modules below pqkd would remove the exception.)
 * - No import cycles anywhere in src, and src/tensor/kernels import nothing from parallel/ or wasm/.
 *   (TENSOR_CYCLES_WARN = true would demote those two to warnings inside src/tensor; it is false since
 *   the kernel dispatch layer landed, and should stay so.)
 * - src/tensor … src/pqkd (and src/index.ts) import no Node built-in at run time (they run in
 *   browsers); type-only imports are erased and allowed.
 * - The engine core (tensor, autograd, nn, io, photonics, pqkd) imports no npm package except
 *   typed-function, and that only in src/tensor/dispatch.ts and src/autograd/ops/binary-op.ts
 *   (docs/engine.md rule 14).
 * - src never imports test/ or bench/.
 * A deliberately wrong import is rejected: test/lint/layers.test.ts runs this config on
 * test/lint/fixtures/.
 */
const layer = (name) => `^src/${name}/`;
const DATA_IN_MEMORY = '^src/data/(dataset|loader|augment|normalise|splits|errors)\\.ts$';
const TENSOR_CYCLES_WARN = false; // the dispatch layer landed: cycles in src/tensor are errors too
const BROWSER_SAFE = `^src/((tensor|autograd|io|nn|photonics|pqkd)/|index\\.ts$)|${DATA_IN_MEMORY}`;
const RUNTIME = { dependencyTypesNot: ['type-only'] };

/** from-layer -> the src layers it must not import. */
const forbiddenAbove = {
  tensor: ['autograd', 'io', 'nn', 'photonics', 'pqkd', 'export', 'data', 'cli'],
  autograd: ['io', 'nn', 'photonics', 'pqkd', 'export', 'data', 'cli'],
  io: ['autograd', 'nn', 'photonics', 'pqkd', 'export', 'data', 'cli'],
  nn: ['photonics', 'pqkd', 'export', 'data', 'cli'],
  photonics: ['autograd', 'io', 'nn', 'pqkd', 'export', 'data', 'cli'],
  pqkd: ['export', 'data', 'cli'],
  export: ['data', 'cli'],
  data: ['autograd', 'io', 'nn', 'photonics', 'pqkd', 'export', 'cli'],
};

module.exports = {
  forbidden: [
    ...Object.entries(forbiddenAbove).map(([from, above]) => ({
      name: `layer-${from}`,
      comment: `src/${from} may not import src/{${above.join(',')}}: imports point down only (docs/engine.md, "Layout and layering")`,
      severity: 'error',
      from: { path: layer(from) },
      to: { path: `^src/(${above.join('|')})/`, ...(from === 'pqkd' ? { pathNot: DATA_IN_MEMORY } : {}) },
    })),
    {
      name: 'layer-index',
      comment: 'src/index.ts is the browser-safe library: it may not import src/data or src/cli (those are the pqkd/data entry and the CLI)',
      severity: 'error',
      from: { path: '^src/index\\.ts$' },
      to: { path: '^src/(data|cli)/' },
    },
    {
      name: 'no-circular',
      comment: 'import cycle: break it by moving the shared piece down a layer or into its own module',
      severity: 'error',
      from: { path: '^src/', ...(TENSOR_CYCLES_WARN ? { pathNot: '^src/tensor/' } : {}) },
      to: { circular: true },
    },
    ...(TENSOR_CYCLES_WARN
      ? [{
          name: 'no-circular-tensor',
          comment: 'import cycle inside src/tensor (kernels/parallel/wasm): tolerated as a warning until the dispatch layer lands (issue 16)',
          severity: 'warn',
          from: { path: '^src/tensor/' },
          to: { circular: true },
        }]
      : []),
    {
      name: 'kernels-import-nothing-above',
      comment: 'src/tensor/kernels are pure serial functions: parallel/ and wasm/ import kernels, never the reverse (issue 16; a warning until the dispatch layer lands)',
      severity: TENSOR_CYCLES_WARN ? 'warn' : 'error',
      from: { path: '^src/tensor/kernels/' },
      to: { path: '^src/tensor/(parallel|wasm)/' },
    },
    {
      name: 'browser-safe-no-node-builtins',
      comment: 'src/tensor … src/pqkd run in browsers: no Node built-in at run time (reach them through process.getBuiltinModule as src/tensor/parallel/node-builtins.ts does, or move the code to src/data or src/cli)',
      severity: 'error',
      from: { path: BROWSER_SAFE },
      to: { dependencyTypes: ['core'], ...RUNTIME },
    },
    {
      name: 'engine-no-npm-packages',
      comment: 'the engine core is dependency-free; typed-function only in src/tensor/dispatch.ts and src/autograd/ops/binary-op.ts (docs/engine.md rule 14)',
      severity: 'error',
      from: { path: BROWSER_SAFE, pathNot: '^src/(tensor/dispatch|autograd/ops/binary-op)\\.ts$' },
      to: { dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown'], ...RUNTIME },
    },
    {
      name: 'src-not-to-test-or-bench',
      comment: 'src may not import test/ or bench/',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|bench)/' },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'this import does not resolve to a file or an installed package',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/|\\.d\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
