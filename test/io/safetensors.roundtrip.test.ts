import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors, readSafetensorsHeader, SAFETENSORS_ITEM_SIZE } from '../../src/io/index.js';
import type { TensorRecord } from '../../src/io/index.js';
import { dtypeArb, expectBitIdentical, metadataArb, recordArbOf, tensorsArb } from './safetensors-arbitraries.js';

describe('safetensors round trip', () => {
  it('decode(encode(t, m)) is bit-identical for random tensors of every dtype, with metadata', () => {
    fc.assert(
      fc.property(tensorsArb, metadataArb, (tensors, metadata) => {
        const decoded = decodeSafetensors(encodeSafetensors(tensors, metadata));
        expectBitIdentical(decoded.tensors, tensors);
        expect(decoded.metadata).toEqual({ ...metadata });
      }),
      { numRuns: 300 },
    );
  });

  it.each(['float32', 'float64', 'int32', 'bool'] as const)('round-trips a single %s tensor bit for bit', (dtype) => {
    fc.assert(
      fc.property(recordArbOf(dtype), (record) => {
        const decoded = decodeSafetensors(encodeSafetensors({ t: record })).tensors;
        expectBitIdentical(decoded, { t: record });
      }),
      { numRuns: 200 },
    );
  });

  it('keeps NaN payloads, -0, denormals and infinities exactly', () => {
    const f32 = new Float32Array(new Uint32Array([0x7fa00001, 0xffc12345, 0x80000000, 0x00000001, 0x807fffff, 0xff800000]).buffer);
    const f64 = new Float64Array(new Uint32Array([0x00000001, 0x7ff00000, 0, 0x80000000, 1, 0, 0xffffffff, 0x000fffff]).buffer);
    const tensors: Record<string, TensorRecord> = {
      f32: { dtype: 'float32', shape: [6], data: f32 },
      f64: { dtype: 'float64', shape: [2, 2], data: f64 },
    };
    const decoded = decodeSafetensors(encodeSafetensors(tensors)).tensors;
    expect(new Uint32Array(decoded.f32!.data.buffer)).toEqual(new Uint32Array(f32.buffer));
    expect(new Uint32Array(decoded.f64!.data.buffer)).toEqual(new Uint32Array(f64.buffer));
    expect(Object.is(decoded.f32!.data[2], -0)).toBe(true);
  });

  it('round-trips zero-dim, empty and no tensors at all', () => {
    const tensors: Record<string, TensorRecord> = {
      scalar: { dtype: 'float64', shape: [], data: new Float64Array([Math.PI]) },
      empty: { dtype: 'int32', shape: [3, 0, 2], data: new Int32Array(0) },
      none: { dtype: 'bool', shape: [0], data: new Uint8Array(0) },
    };
    expectBitIdentical(decodeSafetensors(encodeSafetensors(tensors)).tensors, tensors);
    const nothing = decodeSafetensors(encodeSafetensors({}));
    expect(nothing).toEqual({ tensors: {}, metadata: {} });
  });

  it('is deterministic: re-encoding a decoded file gives the same bytes, whatever the key insertion order', () => {
    fc.assert(
      fc.property(tensorsArb, metadataArb, (tensors, metadata) => {
        const bytes = encodeSafetensors(tensors, metadata);
        const decoded = decodeSafetensors(bytes);
        expect(encodeSafetensors(decoded.tensors, decoded.metadata)).toEqual(bytes);
        const reversed = Object.fromEntries(Object.entries(tensors).reverse());
        expect(encodeSafetensors(reversed, metadata)).toEqual(bytes);
      }),
      { numRuns: 100 },
    );
  });

  it('pads the header to a multiple of 8 and aligns every tensor to its item size', () => {
    fc.assert(
      fc.property(tensorsArb, metadataArb, (tensors, metadata) => {
        const bytes = encodeSafetensors(tensors, metadata);
        const header = readSafetensorsHeader(bytes);
        expect(header.dataStart % 8).toBe(0);
        const text = new TextDecoder().decode(bytes.subarray(8, header.dataStart));
        expect(text).toMatch(/^\{.*\} {0,7}$/su);
        for (const entry of header.entries) expect(entry.dataOffsets[0] % SAFETENSORS_ITEM_SIZE[entry.dtype]).toBe(0);
      }),
      { numRuns: 100 },
    );
  });

  it('decodes into fresh aligned arrays that do not alias the input (also from misaligned views and Buffers)', () => {
    fc.assert(
      fc.property(tensorsArb, fc.integer({ min: 1, max: 7 }), (tensors, shift) => {
        const bytes = encodeSafetensors(tensors);
        const shifted = new Uint8Array(bytes.length + shift).subarray(shift);
        shifted.set(bytes);
        for (const input of [shifted, Buffer.from(bytes)]) {
          const decoded = decodeSafetensors(input).tensors;
          expectBitIdentical(decoded, tensors);
          for (const record of Object.values(decoded)) {
            expect(record.data.byteOffset).toBe(0);
            expect(record.data.buffer.byteLength).toBe(record.data.byteLength);
            expect(record.data.buffer).not.toBe(input.buffer);
          }
          input.fill(0xff, 8); // scribble over header and data: the decoded values must not change
          expectBitIdentical(decoded, tensors);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('checks that the dtype arbitrary covers every engine dtype', () => {
    const seen = new Set(fc.sample(dtypeArb, { numRuns: 200, seed: 1 }));
    expect([...seen].sort()).toEqual(['bool', 'float32', 'float64', 'int32']);
  });
});
