/**
 * Hand-written byte fixtures: a file whose every byte is spelled out here decodes to the expected values,
 * and a known input encodes to exactly the expected bytes (header text, space padding, data layout).
 */
import { describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors, readSafetensorsHeader } from '../../src/io/index.js';

const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));

// 308-byte header (0x134, deliberately not a multiple of 8, so F32/F64 data start misaligned at byte 316).
const FIXTURE_HEADER =
  '{"__metadata__":{"format":"pt"},' +
  '"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},' +
  '"b":{"dtype":"I32","shape":[],"data_offsets":[8,12]},' +
  '"c":{"dtype":"BOOL","shape":[3],"data_offsets":[12,15]},' +
  '"d":{"dtype":"F64","shape":[1,1],"data_offsets":[15,23]},' +
  '"e":{"dtype":"F32","shape":[0,3],"data_offsets":[23,23]}}';

const FIXTURE = Uint8Array.from([
  0x34, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // header length 308, u64 little-endian
  ...ascii(FIXTURE_HEADER),
  0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x20, 0xc0, // a: float32 1.0, -2.5
  0xfe, 0xff, 0xff, 0xff, //                         b: int32 -2
  0x01, 0x00, 0x01, //                               c: bool 1, 0, 1
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xe0, 0x3f, // d: float64 0.5 (starts at file byte 331, odd)
]);

describe('safetensors hand-made fixture', () => {
  it('has the header length it declares', () => {
    expect(FIXTURE_HEADER.length).toBe(0x134);
    expect(FIXTURE.length).toBe(8 + 308 + 23);
  });

  it('decodes to the expected tensors and metadata', () => {
    const { tensors, metadata } = decodeSafetensors(FIXTURE);
    expect(metadata).toEqual({ format: 'pt' });
    expect(Object.keys(tensors)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(tensors.a).toEqual({ dtype: 'float32', shape: [2], data: new Float32Array([1, -2.5]) });
    expect(tensors.b).toEqual({ dtype: 'int32', shape: [], data: new Int32Array([-2]) });
    expect(tensors.c).toEqual({ dtype: 'bool', shape: [3], data: new Uint8Array([1, 0, 1]) });
    expect(tensors.d).toEqual({ dtype: 'float64', shape: [1, 1], data: new Float64Array([0.5]) });
    expect(tensors.e).toEqual({ dtype: 'float32', shape: [0, 3], data: new Float32Array(0) });
  });

  it('lists the header entries in file order', () => {
    const header = readSafetensorsHeader(FIXTURE);
    expect(header.dataStart).toBe(316);
    expect(header.dataLength).toBe(23);
    expect(header.entries.map((e) => [e.name, e.dtype, e.dataOffsets])).toEqual([
      ['a', 'F32', [0, 8]], ['b', 'I32', [8, 12]], ['c', 'BOOL', [12, 15]], ['d', 'F64', [15, 23]], ['e', 'F32', [23, 23]],
    ]);
  });

  it('encodes a known input to exactly the expected bytes', () => {
    const bytes = encodeSafetensors(
      {
        w: { dtype: 'float32', shape: [2], data: new Float32Array([1, -2.5]) },
        flag: { dtype: 'bool', shape: [2], data: new Uint8Array([1, 0]) },
      },
      { k: 'v' },
    );
    // 137 bytes of JSON, padded with 7 spaces to 144; F32 "w" is laid out before BOOL "flag" (wider first).
    const header =
      '{"__metadata__":{"k":"v"},' +
      '"flag":{"dtype":"BOOL","shape":[2],"data_offsets":[8,10]},' +
      '"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}' +
      '       ';
    const expected = Uint8Array.from([
      0x90, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // 144
      ...ascii(header),
      0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x20, 0xc0, // w
      0x01, 0x00, //                                     flag
    ]);
    expect(header.length).toBe(144);
    expect(bytes).toEqual(expected);
  });

  it('accepts non-ASCII names and metadata (UTF-8 header)', () => {
    const header = '{"__metadata__":{"clé":"värde ✓"},"poids.ß":{"dtype":"I32","shape":[1],"data_offsets":[0,4]}}';
    const json = new TextEncoder().encode(header);
    const file = new Uint8Array(8 + json.length + 4);
    file[0] = json.length;
    file.set(json, 8);
    file.set([0x07, 0x00, 0x00, 0x00], 8 + json.length);
    const { tensors, metadata } = decodeSafetensors(file);
    expect(metadata).toEqual({ clé: 'värde ✓' });
    expect(tensors['poids.ß']!.data).toEqual(new Int32Array([7]));
  });
});
