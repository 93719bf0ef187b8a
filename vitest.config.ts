import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Test files run two at a time on two cores: kernels stay single-threaded unless a test sets
    // the thread count itself (the thread-identity tests do).
    env: { PQKD_THREADS: '1' },
  },
});
