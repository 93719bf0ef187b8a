// The kernel-path label that run manifests and result files record (src/cli/commands/context.ts):
// results are comparable bit for bit only between runs with the same label.
import { afterEach, describe, expect, it } from 'vitest';
import { defaultContext } from '../../src/cli/commands/context.js';
import { relaxedMaddFused, setRelaxedSimd } from '../../src/tensor/wasm/relaxed-simd.js';
import { setKernelsMode } from '../../src/tensor/wasm/support.js';

afterEach(() => {
  setRelaxedSimd(null);
  setKernelsMode(null);
});

describe('the recorded kernel path', () => {
  it("is 'simd-fma' when the SIMD kernels fuse multiply-adds, 'simd' without relaxed SIMD, 'js' on the JS path", () => {
    setKernelsMode('simd');
    setRelaxedSimd(true);
    expect(defaultContext.kernels()).toBe(relaxedMaddFused() ? 'simd-fma' : 'simd');
    setRelaxedSimd(false);
    expect(defaultContext.kernels()).toBe('simd');
    setKernelsMode('js');
    setRelaxedSimd(true);
    expect(defaultContext.kernels()).toBe('js');
  });
});
