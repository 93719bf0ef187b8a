import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addSimd, ELEMENTWISE_BLOCK, reluGradSimd, reluSimd } from '../../../src/tensor/wasm/elementwise-simd.js';
import { wasmSimdSupported } from '../../../src/tensor/wasm/support.js';

// The textbook definitions (torch.relu and its gradient with relu′(0) = 0, NaN passing through).
const naiveRelu = (v: number): number => (v > 0 || Number.isNaN(v) ? v : 0);
const naiveReluGrad = (g: number, x: number): number => (x <= 0 ? 0 : g);

const SPECIALS = [0, -0, NaN, Infinity, -Infinity, 1e-45, -1e-45, 3.4028234663852886e38, -3.4028234663852886e38];

/** float32 values: mostly random, some special (so every vector sees them in any lane). */
const valueArb = fc.oneof(
  { weight: 4, arbitrary: fc.float({ noNaN: false }) },
  { weight: 1, arbitrary: fc.constantFrom(...SPECIALS) },
);
// Lengths around vector tails and block boundaries.
const lengthArb = fc.oneof(fc.integer({ min: 0, max: 70 }), fc.constantFrom(ELEMENTWISE_BLOCK - 1, ELEMENTWISE_BLOCK, ELEMENTWISE_BLOCK + 5, 2 * ELEMENTWISE_BLOCK + 3));

function fill(n: number, values: number[], offset: number): Float32Array {
  const a = new Float32Array(n + offset).fill(NaN);
  for (let i = 0; i < n; i++) a[offset + i] = values[i % Math.max(1, values.length)] ?? 0;
  return a;
}

describe.runIf(wasmSimdSupported())('ReLU on WebAssembly SIMD', () => {
  it('relu equals max(x, 0) bit for bit (NaN, ±0, ±∞, subnormals), any length and offset, output fully written', () => {
    fc.assert(fc.property(lengthArb, fc.array(valueArb, { minLength: 1, maxLength: 64 }), fc.integer({ min: 0, max: 5 }), (n, values, offset) => {
      const x = fill(n, values, offset);
      const out = new Float32Array(n).fill(NaN); // every element must be overwritten
      reluSimd(x, offset, out, n);
      for (let i = 0; i < n; i++) {
        const expected = Math.fround(naiveRelu(x[offset + i]!));
        if (!Object.is(out[i], expected)) throw new Error(`relu(${x[offset + i]}) at ${i}: got ${out[i]}, expected ${expected}`);
      }
    }), { numRuns: 60 });
  });

  it('reluGrad passes g where x > 0 or x is NaN and gives +0 elsewhere, bit for bit', () => {
    fc.assert(fc.property(lengthArb, fc.array(valueArb, { minLength: 1, maxLength: 64 }), fc.array(valueArb, { minLength: 1, maxLength: 61 }), (n, xs, gs) => {
      const x = fill(n, xs, 3), g = fill(n, gs, 1);
      const out = new Float32Array(n).fill(NaN);
      reluGradSimd(g, 1, x, 3, out, n);
      for (let i = 0; i < n; i++) {
        const expected = Math.fround(naiveReluGrad(g[1 + i]!, x[3 + i]!));
        if (!Object.is(out[i], expected)) throw new Error(`reluGrad(g=${g[1 + i]}, x=${x[3 + i]}) at ${i}: got ${out[i]}, expected ${expected}`);
      }
    }), { numRuns: 60 });
  });

  it('relu may write over its input in place', () => {
    const x = new Float32Array([-2, -0, 3, NaN, 5]);
    reluSimd(x, 0, x, x.length);
    expect(Array.from(x)).toEqual([0, 0, 3, NaN, 5]);
    expect(Object.is(x[1], 0)).toBe(true);
  });

  it('add equals the float32 rounding of the exact sum bit for bit (±0, ±∞, subnormals, overflow), in place too', () => {
    fc.assert(fc.property(lengthArb, fc.array(valueArb, { minLength: 1, maxLength: 64 }), fc.array(valueArb, { minLength: 1, maxLength: 61 }), (n, as, bs) => {
      const a = fill(n, as, 2), b = fill(n, bs, 0);
      const out = new Float32Array(n).fill(NaN);
      addSimd(a, 2, b, 0, out, n);
      for (let i = 0; i < n; i++) {
        const expected = Math.fround(a[2 + i]! + b[i]!); // the double sum of two float32s is exact enough to round once
        const ok = Number.isNaN(expected) ? Number.isNaN(out[i]) : Object.is(out[i], expected);
        if (!ok) throw new Error(`add(${a[2 + i]}, ${b[i]}) at ${i}: got ${out[i]}, expected ${expected}`);
      }
      const inPlace = a.slice(2);
      addSimd(inPlace, 0, b, 0, inPlace, n);
      expect(Array.from(inPlace)).toEqual(Array.from(out));
    }), { numRuns: 60 });
  });
});
