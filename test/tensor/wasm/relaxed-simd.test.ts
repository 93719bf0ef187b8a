import { afterEach, describe, expect, it } from 'vitest';
import { kernelInfo } from '../../../src/tensor/kernel-dispatch.js';
import { relaxedMaddFused, relaxedSimdInUse, relaxedSimdSupported, setRelaxedSimd } from '../../../src/tensor/wasm/relaxed-simd.js';
import { setKernelsMode } from '../../../src/tensor/wasm/support.js';

const saved = process.env['PQKD_RELAXED_SIMD'];
afterEach(() => {
  if (saved === undefined) delete process.env['PQKD_RELAXED_SIMD'];
  else process.env['PQKD_RELAXED_SIMD'] = saved;
  setRelaxedSimd(null);
  setKernelsMode(null);
});

describe('relaxed-SIMD detection and selection', () => {
  it('Node 20 validates f32x4.relaxed_madd once V8s flag is set; on x64 with FMA3 it fuses', async () => {
    expect(relaxedSimdSupported()).toBe(true);
    const { readFileSync } = await import('node:fs');
    const cpuHasFma = process.arch === 'x64' && /\bfma\b/.test(readFileSync('/proc/cpuinfo', 'utf8'));
    expect(relaxedMaddFused()).toBe(cpuHasFma);
  });

  it('follows PQKD_RELAXED_SIMD (on/off/1/0; unset = on where supported) and setRelaxedSimd, and rejects other values', () => {
    delete process.env['PQKD_RELAXED_SIMD'];
    expect(relaxedSimdInUse()).toBe(relaxedSimdSupported());
    expect(relaxedSimdInUse()).toBe(true); // Node 20 supports it once the flag is set (first test)
    for (const [value, expected] of [
      ['off', false],
      ['0', false],
      ['on', true],
      ['1', true],
    ] as const) {
      process.env['PQKD_RELAXED_SIMD'] = value;
      expect(relaxedSimdInUse()).toBe(expected);
    }
    process.env['PQKD_RELAXED_SIMD'] = 'fast';
    expect(() => relaxedSimdInUse()).toThrow(/relaxedSimdInUse: PQKD_RELAXED_SIMD must be 'on', 'off', '1' or '0' \(or unset\), got 'fast'/);
    setRelaxedSimd(false);
    expect(relaxedSimdInUse()).toBe(false);
    expect(() => setRelaxedSimd('yes' as unknown as boolean)).toThrow(/setRelaxedSimd: expected true, false or null, got "yes"/);
  });

  it('kernelInfo reports relaxed SIMD only when the SIMD path runs it, and whether it fused', () => {
    setRelaxedSimd(true);
    setKernelsMode('simd');
    expect(kernelInfo()).toMatchObject({ relaxedSimd: true, fusedMultiplyAdd: relaxedMaddFused() });
    setRelaxedSimd(false);
    expect(kernelInfo()).toMatchObject({ relaxedSimd: false, fusedMultiplyAdd: false });
    setRelaxedSimd(true);
    setKernelsMode('js');
    expect(kernelInfo()).toMatchObject({ relaxedSimd: false, fusedMultiplyAdd: false, path: 'js' });
  });
});
