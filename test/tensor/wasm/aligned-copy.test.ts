import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alignedSlot, copyWords } from '../../../src/tensor/wasm/aligned-copy.js';
import { webAssemblyApi } from '../../../src/tensor/wasm/runtime.js';

// Views into ordinary, shared and WebAssembly memories at any element offset: the copy must give the
// bits of an element-by-element loop (NaN payloads and -0 included), whichever path it takes.
type Kind = 'plain' | 'shared' | 'wasm';
const KINDS: Kind[] = ['plain', 'shared', 'wasm'];

function buffer(kind: Kind, bytes: number): ArrayBuffer | SharedArrayBuffer {
  if (kind === 'plain') return new ArrayBuffer(bytes);
  if (kind === 'shared') return new SharedArrayBuffer(bytes);
  return new (webAssemblyApi()!.Memory)({ initial: Math.ceil(bytes / 65536) }).buffer;
}

/** A view of `len` int32 words starting `viewOffset` words into a fresh buffer, filled with distinct patterns. */
function view(kind: Kind, viewOffset: number, len: number, seed: number): Int32Array {
  const a = new Int32Array(buffer(kind, 4 * (viewOffset + len) + 8), 4 * viewOffset, len);
  for (let i = 0; i < len; i++) a[i] = Math.imul(i + 1, 0x9e3779b1) ^ seed;
  return a;
}

const lengthArb = fc.oneof(fc.integer({ min: 0, max: 40 }), fc.constantFrom(1000, (1 << 16) - 1, 1 << 16, (1 << 16) + 3, 3 * (1 << 16) + 1));

describe('copyWords', () => {
  it('equals an element loop for every memory kind pair, offset phase and length (staged copies included)', () => {
    fc.assert(fc.property(
      fc.constantFrom(...KINDS), fc.constantFrom(...KINDS), lengthArb,
      fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 5 }),
      (srcKind, dstKind, len, srcView, dstView, srcStart, dstStart) => {
        const src = view(srcKind, srcView, srcStart + len + 2, 0x1234);
        const dst = view(dstKind, dstView, dstStart + len + 2, 0x7777);
        const expected = Int32Array.from(dst);
        for (let i = 0; i < len; i++) expected[dstStart + i] = src[srcStart + i]!;
        copyWords(dst, dstStart, src, srcStart, len);
        expect(dst).toEqual(expected); // untouched around the range, copied inside it
      },
    ), { numRuns: 150 });
  });

  it.each(['plain', 'shared'] as const)('keeps float32 bits exactly (NaN payloads, -0, subnormals) from a shared source out of phase into %s memory', (dstKind) => {
    const bits = new Int32Array([0x7fc00001, 0x7f800001, -2147483648, 1, 0x80000001, 0x3f800000]);
    const src = new Float32Array(new SharedArrayBuffer(4 * 7), 4, 6);
    new Int32Array(src.buffer, 4, 6).set(bits);
    const dst = new Float32Array(buffer(dstKind, 32)); // byte phase 0 vs the source's 4
    copyWords(dst, 2, src, 0, 6);
    expect(Array.from(new Int32Array(dst.buffer, 8, 6))).toEqual(Array.from(bits));
  });

  it('alignedSlot: at or after the minimum, 16-byte aligned up to the 4-byte shift, in word phase with tensor[start]', () => {
    fc.assert(fc.property(fc.nat({ max: 10_000 }), fc.integer({ min: 0, max: 3 }), fc.nat({ max: 99 }), (minWords, viewOffset, start) => {
      const tensor = new Float32Array(new SharedArrayBuffer(4 * (viewOffset + 100)), 4 * viewOffset, 100);
      const minByte = 4 * minWords;
      const slot = alignedSlot(minByte, tensor, start);
      expect(slot).toBeGreaterThanOrEqual(minByte);
      expect(slot - minByte).toBeLessThan(20);
      expect(slot % 16 === 0 || slot % 16 === 4).toBe(true);
      expect((slot ^ (tensor.byteOffset + 4 * start)) & 7).toBe(0);
    }));
  });
});
