// The scope of mutation testing (issue 20), shared by scripts/mutate-chunks.mjs (every mutant, in chunks)
// and scripts/mutate-sample.mjs (a seeded sample of lines): each mutated folder with the test files that
// exercise it (vitest.mutate.config.ts runs them; per-test coverage then runs only the covering tests).
export const tensorTests = ['test/tensor/*.test.ts', 'test/tensor/kernels/**/*.test.ts', 'test/tensor/wasm/**/*.test.ts', 'test/tensor/parallel/**/*.test.ts'];
export const autogradTests = ['test/autograd/**/*.test.ts', 'test/reference/**/*.test.ts', 'test/gradcheck.prop.test.ts'];
export const photonicsTests = ['test/photonics/**/*.test.ts'];

/** The three folders, by scope name. */
export const SCOPES = {
  kernels: { folder: 'src/tensor/kernels', tests: [...tensorTests, ...autogradTests] },
  ops: { folder: 'src/autograd/ops', tests: [...autogradTests, 'test/tensor/*.test.ts'] },
  photonics: { folder: 'src/photonics', tests: photonicsTests },
};
