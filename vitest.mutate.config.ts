// The vitest configuration of `npm run mutate` (stryker.config.mjs): the test folders that exercise
// the mutated code (kernels, ops, photonics), without the end-to-end, CLI and export suites and without
// test/tensor/parallel (its thread-count test reads PQKD_THREADS, which the Stryker runner's worker pins).
// A partial run narrows it with PQKD_MUTATE_TESTS (comma-separated globs), e.g.
// PQKD_MUTATE_TESTS='test/photonics/**/*.test.ts'.
import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

const include = process.env.PQKD_MUTATE_TESTS?.split(',').map((s) => s.trim()).filter(Boolean) ?? [
  'test/tensor/*.test.ts', 'test/tensor/kernels/**/*.test.ts', 'test/tensor/wasm/**/*.test.ts', 'test/autograd/**/*.test.ts',
  'test/photonics/**/*.test.ts', 'test/reference/**/*.test.ts', 'test/gradcheck.prop.test.ts',
];

// Not mergeConfig: it would concatenate `include` with the base list instead of replacing it.
export default defineConfig({ ...base, test: { ...base.test, include } });
