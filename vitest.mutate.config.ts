// The vitest configuration of `npm run mutate` (stryker.config.mjs): the test folders that exercise
// the mutated code (kernels, ops, photonics), without the end-to-end, CLI and export suites.
// test/tensor/parallel is included: Stryker's runner forces vitest's threads pool, where the engine
// would see a worker thread and ignore PQKD_THREADS; test/mutate-setup.ts restores the
// main-thread view the forks pool of `npm test` gives. Kernel workers run the unmutated code (a mutant
// is active only in the thread that runs the tests), so a split kernel's mutants are tested through
// the share the calling thread computes.
// A partial run narrows it with PQKD_MUTATE_TESTS (comma-separated globs), e.g.
// PQKD_MUTATE_TESTS='test/photonics/**/*.test.ts'.
import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

const include = process.env.PQKD_MUTATE_TESTS?.split(',')
  .map((s) => s.trim())
  .filter(Boolean) ?? [
  'test/tensor/*.test.ts',
  'test/tensor/kernels/**/*.test.ts',
  'test/tensor/wasm/**/*.test.ts',
  'test/tensor/parallel/**/*.test.ts',
  'test/autograd/**/*.test.ts',
  'test/photonics/**/*.test.ts',
  'test/reference/**/*.test.ts',
  'test/gradcheck.prop.test.ts',
];

// Not mergeConfig: it would concatenate `include` with the base list instead of replacing it.
// testTimeout: the run is niced and instrumented, so the slowest statistical tests (the shot-noise
// slope fit) can pass the 120 s of `npm test` in Stryker's initial run, which then refuses to start.
export default defineConfig({ ...base, test: { ...base.test, include, testTimeout: 900_000, setupFiles: ['./test/mutate-setup.ts'] } });
