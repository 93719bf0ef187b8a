import { afterEach, describe, expect, it } from 'vitest';
import { kernelsMode, wasmSimdSupported } from '../../../src/tensor/wasm/support.js';

const saved = process.env['PQKD_KERNELS'];
afterEach(() => {
  if (saved === undefined) delete process.env['PQKD_KERNELS'];
  else process.env['PQKD_KERNELS'] = saved;
});

describe('kernel selection', () => {
  it('detects WebAssembly SIMD on Node 20', () => {
    expect(wasmSimdSupported()).toBe(true);
  });

  it("defaults to 'simd' when supported and follows PQKD_KERNELS", () => {
    delete process.env['PQKD_KERNELS'];
    expect(kernelsMode()).toBe('simd');
    process.env['PQKD_KERNELS'] = '';
    expect(kernelsMode()).toBe('simd');
    process.env['PQKD_KERNELS'] = 'js';
    expect(kernelsMode()).toBe('js');
    process.env['PQKD_KERNELS'] = 'simd';
    expect(kernelsMode()).toBe('simd');
  });

  it('rejects other values of PQKD_KERNELS', () => {
    process.env['PQKD_KERNELS'] = 'gpu';
    expect(() => kernelsMode()).toThrow(/kernelsMode: PQKD_KERNELS must be 'js' or 'simd' \(or unset\), got 'gpu'/);
  });
});
