import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeF32, encodeF64, encodeName, encodeS32, encodeS64, encodeU32 } from '../../../src/tensor/wasm/leb128.js';

/** Reference decoders written from the spec's definition (independent of the encoders' loops). */
function decodeUnsigned(bytes: number[]): number {
  let value = 0;
  bytes.forEach((b, i) => {
    value += (b & 0x7f) * 2 ** (7 * i);
  });
  return value;
}
function decodeSigned(bytes: number[]): bigint {
  let value = 0n;
  bytes.forEach((b, i) => {
    value |= BigInt(b & 0x7f) << BigInt(7 * i);
  });
  const bits = BigInt(7 * bytes.length);
  return (bytes[bytes.length - 1]! & 0x40) !== 0 ? value - (1n << bits) : value;
}
/** Continuation bits set on all but the last byte. */
function wellFormed(bytes: number[]): boolean {
  return bytes.every((b, i) => (i < bytes.length - 1 ? b >= 0x80 : b < 0x80) && b <= 0xff);
}

describe('LEB128 encoders', () => {
  it('encode known unsigned values', () => {
    expect(encodeU32(0)).toEqual([0x00]);
    expect(encodeU32(127)).toEqual([0x7f]);
    expect(encodeU32(128)).toEqual([0x80, 0x01]);
    expect(encodeU32(624485)).toEqual([0xe5, 0x8e, 0x26]); // the example of the LEB128 article
    expect(encodeU32(0xffffffff)).toEqual([0xff, 0xff, 0xff, 0xff, 0x0f]);
  });

  it('encode known signed values', () => {
    expect(encodeS32(0)).toEqual([0x00]);
    expect(encodeS32(-1)).toEqual([0x7f]);
    expect(encodeS32(63)).toEqual([0x3f]);
    expect(encodeS32(64)).toEqual([0xc0, 0x00]); // bit 6 set would read as negative, so one more byte
    expect(encodeS32(-64)).toEqual([0x40]);
    expect(encodeS32(-65)).toEqual([0xbf, 0x7f]);
    expect(encodeS32(-123456)).toEqual([0xc0, 0xbb, 0x78]);
    expect(encodeS32(0x7fffffff)).toEqual([0xff, 0xff, 0xff, 0xff, 0x07]);
    expect(encodeS32(-0x80000000)).toEqual([0x80, 0x80, 0x80, 0x80, 0x78]);
    expect(encodeS64(-(1n << 63n))).toEqual([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f]);
  });

  it('round-trip every u32 and s32 through the reference decoders, with minimal length', () => {
    fc.assert(
      fc.property(fc.nat({ max: 0xffffffff }), (x) => {
        const bytes = encodeU32(x);
        expect(wellFormed(bytes)).toBe(true);
        expect(decodeUnsigned(bytes)).toBe(x);
        expect(bytes.length).toBe(Math.ceil(x.toString(2).length / 7)); // 7 bits per byte, no padding
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.integer({ min: -0x80000000, max: 0x7fffffff }), (x) => {
        const bytes = encodeS32(x);
        expect(wellFormed(bytes)).toBe(true);
        expect(decodeSigned(bytes)).toBe(BigInt(x));
        expect(bytes.length).toBeLessThanOrEqual(5);
      }),
      { numRuns: 500 },
    );
  });

  it('reject values out of range with the encoder name', () => {
    expect(() => encodeU32(-1)).toThrow(/encodeU32: value must be an integer in \[0, 2\^32\), got -1/);
    expect(() => encodeU32(2 ** 32)).toThrow(/encodeU32/);
    expect(() => encodeU32(1.5)).toThrow(/encodeU32/);
    expect(() => encodeS32(2 ** 31)).toThrow(/encodeS32/);
    expect(() => encodeS64(1n << 63n)).toThrow(/encodeS64/);
  });

  it('encode floats little-endian and names with their length', () => {
    expect(encodeF32(1)).toEqual([0x00, 0x00, 0x80, 0x3f]);
    expect(encodeF32(-2.5)).toEqual([0x00, 0x00, 0x20, 0xc0]);
    expect(encodeF64(1)).toEqual([0, 0, 0, 0, 0, 0, 0xf0, 0x3f]);
    expect(encodeName('mem')).toEqual([3, 0x6d, 0x65, 0x6d]);
    expect(encodeName('é')).toEqual([2, 0xc3, 0xa9]);
  });
});
