// Mutation testing (StrykerJS + its vitest runner), NOT part of CI or `npm test`.
// Scope: the kernels, the differentiable ops and the photonics simulator (scripts/mutation-scope.mjs).
// `npm run mutate` (scripts/mutate-sample.mjs) mutates a seeded random sample of their code lines, which
// fits in under an hour on two cores; every mutant (`npm run mutate:full`, or scripts/mutate-chunks.mjs in
// chunks, one JSON report each, PQKD_MUTATE_JSON naming it) takes many hours, most of them in src/photonics.
// A partial run overrides the scope with Stryker's own flag and the tests with PQKD_MUTATE_TESTS:
//   PQKD_MUTATE_TESTS='test/photonics/**/*.test.ts' npx stryker run --mutate 'src/photonics/**/*.ts' && node scripts/mutation-summary.mjs
// vitest.mutate.config.ts limits each run to the test folders of the mutated code, and
// `coverageAnalysis: 'perTest'` then runs, for each mutant, only the tests that execute it.
// Reports go to reports/mutation/ (see its README.md; scripts/mutation-summary.mjs condenses Stryker's JSON).
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  // vitest.related finds no test files through the .js → .ts import mapping here, so the test set is
  // fixed by vitest.mutate.config.ts instead; perTest coverage still runs only the covering tests per mutant.
  vitest: { configFile: 'vitest.mutate.config.ts', related: false },
  coverageAnalysis: 'perTest',
  mutate: ['src/tensor/kernels/**/*.ts', 'src/autograd/ops/**/*.ts', 'src/photonics/**/*.ts', '!src/**/index.ts'],
  concurrency: 2,
  // A mutant that makes a test loop (a mutated bound) is a Timeout, counted as detected; waiting 60 s for each
  // cost photonics-1 about half its runner time (15 of its first 409 mutants, session 16), so 10 s: twice the
  // covering tests' own time plus 10 s is ample for a mutant that still terminates on an unloaded machine.
  timeoutMS: 10_000,
  timeoutFactor: 2,
  // the initial (unmutated) run of a niced chunk on a loaded 2-core machine takes longer than the default 5 min
  dryRunTimeoutMinutes: 30,
  ignoreStatic: true,
  reporters: ['clear-text', 'progress', 'json', 'html'],
  jsonReporter: { fileName: process.env.PQKD_MUTATE_JSON ?? 'reports/mutation/mutation.json' },
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  clearTextReporter: { allowColor: false, logTests: false },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
