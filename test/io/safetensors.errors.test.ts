/** One targeted test per error code: the code, the tensor it names and a message that says what is wrong. */
import { describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors, readSafetensorsHeader } from '../../src/io/index.js';
import type { SafetensorsErrorCode, TensorRecord } from '../../src/io/index.js';
import { buildFile, catchSafetensorsError } from './safetensors-arbitraries.js';

const f32 = (shape: number[], offsets: [number, number]): string =>
  JSON.stringify({ dtype: 'F32', shape, data_offsets: offsets });

interface DecodeCase {
  name: string;
  file: Uint8Array;
  code: SafetensorsErrorCode;
  tensor?: string;
  message: RegExp;
}

function lengthPrefix(lo: number, hi: number, rest: number[] = []): Uint8Array {
  const out = new Uint8Array(8 + rest.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, lo, true);
  view.setUint32(4, hi, true);
  out.set(rest, 8);
  return out;
}

function rawHeader(bytes: number[]): Uint8Array {
  return lengthPrefix(bytes.length, 0, bytes);
}

const decodeCases: DecodeCase[] = [
  { name: 'empty input', file: new Uint8Array(0), code: 'truncated', message: /at least 8 bytes.*got 0/ },
  { name: '7 bytes', file: new Uint8Array(7), code: 'truncated', message: /got 7/ },
  { name: 'header past the end', file: lengthPrefix(100, 0, [0x7b, 0x7d]), code: 'truncated', message: /header length 100 needs 108 bytes but the file has 10/ },
  { name: 'header over 100 MB', file: lengthPrefix(100_000_001, 0), code: 'header-length', message: /100000001 exceeds the limit/ },
  { name: 'high word set', file: lengthPrefix(2, 1, [0x7b, 0x7d]), code: 'header-length', message: /4294967298/ },
  { name: 'all-ones length', file: lengthPrefix(0xffffffff, 0xffffffff), code: 'header-length', message: /exceeds/ },
  { name: 'invalid UTF-8', file: rawHeader([0x7b, 0xff, 0x7d]), code: 'bad-utf8', message: /not valid UTF-8/ },
  { name: 'UTF-8-encoded surrogate', file: rawHeader([0x7b, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d]), code: 'bad-utf8', message: /UTF-8/ },
  { name: 'UTF-8 BOM (not skipped)', file: rawHeader([0xef, 0xbb, 0xbf, 0x7b, 0x7d]), code: 'bad-json', message: /not valid JSON/ },
  { name: 'zero-length header', file: lengthPrefix(0, 0), code: 'bad-json', message: /not valid JSON/ },
  { name: 'unterminated JSON', file: buildFile('{"a":'), code: 'bad-json', message: /not valid JSON/ },
  { name: 'trailing garbage', file: buildFile('{} x'), code: 'bad-json', message: /not valid JSON/ },
  { name: 'array header', file: buildFile('[]'), code: 'bad-json', message: /must be a JSON object, got an array/ },
  { name: 'null header', file: buildFile('null'), code: 'bad-json', message: /got null/ },
  { name: 'string header', file: buildFile('"{}"'), code: 'bad-json', message: /got string/ },
  { name: 'duplicate tensor', file: buildFile(`{"a":${f32([1], [0, 4])},"a":${f32([1], [4, 8])}}`, new Array(8).fill(0)), code: 'duplicate', tensor: 'a', message: /key "a" occurs twice at the top level/ },
  { name: 'duplicate spelled with an escape', file: buildFile(`{"a":${f32([0], [0, 0])},"\\u0061":${f32([0], [0, 0])}}`), code: 'duplicate', tensor: 'a', message: /"a" occurs twice/ },
  { name: 'duplicate entry field', file: buildFile('{"w":{"dtype":"F32","dtype":"F64","shape":[],"data_offsets":[0,4]}}', [0, 0, 0, 0]), code: 'duplicate', tensor: 'w', message: /key "dtype" occurs twice inside "w"/ },
  { name: 'duplicate metadata key', file: buildFile('{"__metadata__":{"k":"1","k":"2"}}'), code: 'duplicate', tensor: '__metadata__', message: /"k" occurs twice inside "__metadata__"/ },
  { name: 'metadata array', file: buildFile('{"__metadata__":["x"]}'), code: 'bad-metadata', message: /must be an object of strings, got an array/ },
  { name: 'metadata null', file: buildFile('{"__metadata__":null}'), code: 'bad-metadata', message: /got null/ },
  { name: 'metadata number value', file: buildFile('{"__metadata__":{"step":3}}'), code: 'bad-metadata', message: /\["step"\] must be a string, got 3/ },
  { name: 'entry not an object', file: buildFile('{"w":5}'), code: 'bad-entry', tensor: 'w', message: /tensor "w": entry must be an object/ },
  { name: 'entry is an array', file: buildFile('{"w":[]}'), code: 'bad-entry', tensor: 'w', message: /entry must be an object/ },
  { name: 'missing shape', file: buildFile('{"w":{"dtype":"F32","data_offsets":[0,0]}}'), code: 'bad-entry', tensor: 'w', message: /missing field "shape"/ },
  { name: 'extra field', file: buildFile('{"w":{"dtype":"F32","shape":[0],"data_offsets":[0,0],"x":1}}'), code: 'bad-entry', tensor: 'w', message: /unexpected field "x"/ },
  { name: 'dtype not a string', file: buildFile('{"w":{"dtype":3,"shape":[0],"data_offsets":[0,0]}}'), code: 'bad-entry', tensor: 'w', message: /dtype must be a string, got 3/ },
  { name: 'negative dim', file: buildFile(`{"w":${f32([-1], [0, 0])}}`), code: 'bad-entry', tensor: 'w', message: /shape must be an array of non-negative integers, got \[-1\]/ },
  { name: 'fractional dim', file: buildFile(`{"w":${f32([1.5], [0, 6])}}`), code: 'bad-entry', tensor: 'w', message: /shape/ },
  { name: 'unsafe dim', file: buildFile('{"w":{"dtype":"F32","shape":[9007199254740993],"data_offsets":[0,0]}}'), code: 'bad-entry', tensor: 'w', message: /shape/ },
  { name: 'shape a string', file: buildFile('{"w":{"dtype":"F32","shape":"2","data_offsets":[0,8]}}'), code: 'bad-entry', tensor: 'w', message: /shape .* got "2"/ },
  { name: 'offsets reversed', file: buildFile(`{"w":${f32([1], [4, 0])}}`), code: 'bad-entry', tensor: 'w', message: /data_offsets must be \[begin, end\].*got \[4,0\]/ },
  { name: 'one offset', file: buildFile('{"w":{"dtype":"F32","shape":[],"data_offsets":[4]}}'), code: 'bad-entry', tensor: 'w', message: /data_offsets/ },
  { name: 'huge offset', file: buildFile('{"w":{"dtype":"F32","shape":[],"data_offsets":[0,1e300]}}'), code: 'bad-entry', tensor: 'w', message: /data_offsets/ },
  { name: 'unknown dtype', file: buildFile('{"w":{"dtype":"F128","shape":[],"data_offsets":[0,16]}}'), code: 'unknown-dtype', tensor: 'w', message: /unknown dtype "F128"/ },
  { name: 'lower-case dtype', file: buildFile('{"w":{"dtype":"f32","shape":[],"data_offsets":[0,4]}}'), code: 'unknown-dtype', tensor: 'w', message: /"f32"/ },
  { name: 'prototype-named dtype', file: buildFile('{"w":{"dtype":"toString","shape":[],"data_offsets":[0,4]}}'), code: 'unknown-dtype', tensor: 'w', message: /"toString"/ },
  { name: 'U8 dtype', file: buildFile('{"x":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}}', [3, 4]), code: 'unsupported-dtype', tensor: 'x', message: /unsupported dtype U8 for tensor "x"/ },
  { name: 'I64 dtype', file: buildFile('{"x":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}', new Array(8).fill(0)), code: 'unsupported-dtype', tensor: 'x', message: /I64/ },
  { name: 'BF16 dtype', file: buildFile('{"x":{"dtype":"BF16","shape":[1],"data_offsets":[0,2]}}', [0, 0]), code: 'unsupported-dtype', tensor: 'x', message: /BF16/ },
  { name: 'byte count too small', file: buildFile(`{"w":${f32([3], [0, 8])}}`, new Array(8).fill(0)), code: 'byte-count', tensor: 'w', message: /span 8 bytes but shape \[3\] of F32 needs 12/ },
  { name: 'byte count for huge shape', file: buildFile(`{"w":${f32([4294967296, 4294967296], [0, 4])}}`, [0, 0, 0, 0]), code: 'byte-count', tensor: 'w', message: /needs/ },
  { name: 'offsets past the data', file: buildFile(`{"w":${f32([2], [0, 8])}}`, [0, 0, 0, 0]), code: 'offsets-out-of-range', tensor: 'w', message: /\[0, 8\] reach past the end of the 4-byte data region/ },
  { name: 'overlapping tensors', file: buildFile(`{"a":${f32([2], [0, 8])},"b":${f32([2], [4, 12])}}`, new Array(12).fill(0)), code: 'offsets-overlap', tensor: 'b', message: /tensor "b" at \[4, 12\] overlaps tensor "a" at \[0, 8\]/ },
  { name: 'identical offsets', file: buildFile(`{"a":${f32([1], [0, 4])},"b":${f32([1], [0, 4])}}`, [0, 0, 0, 0]), code: 'offsets-overlap', tensor: 'b', message: /tensor "b" at \[0, 4\] overlaps tensor "a"/ },
  { name: 'empty tensor inside another', file: buildFile(`{"a":${f32([2], [0, 8])},"e":${f32([0], [4, 4])}}`, new Array(8).fill(0)), code: 'offsets-overlap', tensor: 'e', message: /"e" at \[4, 4\] overlaps/ },
  { name: 'gap between tensors', file: buildFile(`{"a":${f32([1], [0, 4])},"b":${f32([1], [8, 12])}}`, new Array(12).fill(0)), code: 'holes', tensor: 'b', message: /bytes \[4, 8\) before tensor "b" belong to no tensor/ },
  { name: 'gap before the first tensor', file: buildFile(`{"a":${f32([1], [4, 8])}}`, new Array(8).fill(0)), code: 'holes', tensor: 'a', message: /\[0, 4\)/ },
  { name: 'trailing bytes', file: buildFile(`{"a":${f32([1], [0, 4])}}`, new Array(5).fill(0)), code: 'holes', message: /bytes \[4, 5\) after the last tensor/ },
  { name: 'data with no tensors', file: buildFile('{}', [1]), code: 'holes', message: /\[0, 1\)/ },
  { name: 'bool byte 2', file: buildFile('{"m":{"dtype":"BOOL","shape":[3],"data_offsets":[0,3]}}', [1, 0, 2]), code: 'bool-value', tensor: 'm', message: /tensor "m": bool element 2 is 2, expected 0 or 1/ },
];

describe('decodeSafetensors errors', () => {
  it.each(decodeCases)('$name -> $code', ({ file, code, tensor, message }) => {
    const error = catchSafetensorsError(() => decodeSafetensors(file));
    expect(error.code).toBe(code);
    expect(error.tensor).toBe(tensor);
    expect(error.message).toMatch(message);
    expect(error.message).toMatch(/^decodeSafetensors: /);
    expect(error.name).toBe('SafetensorsError');
    expect(error).toBeInstanceOf(Error);
  });

  it('rejects arguments that are not a Uint8Array', () => {
    for (const bad of [null, undefined, [1, 2, 3], new ArrayBuffer(16), new Int8Array(16), 'file']) {
      const error = catchSafetensorsError(() => decodeSafetensors(bad as unknown as Uint8Array));
      expect(error.code).toBe('bad-argument');
      expect(error.message).toMatch(/bytes must be a Uint8Array/);
    }
  });

  it('readSafetensorsHeader lists files with dtypes the engine cannot load, and names itself in errors', () => {
    const file = buildFile('{"x":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}', new Array(8).fill(0));
    expect(readSafetensorsHeader(file).entries).toEqual([{ name: 'x', dtype: 'I64', shape: [1], dataOffsets: [0, 8] }]);
    expect(catchSafetensorsError(() => readSafetensorsHeader(new Uint8Array(2))).message).toMatch(/^readSafetensorsHeader: /);
  });

  it('does not mistake braces, commas and quotes inside strings for structure when looking for duplicates', () => {
    const header = JSON.stringify({ __metadata__: { a: '}{,"a":', 'b\\"': '[', c: ']"' }, 'x,{"y"': JSON.parse(f32([0], [0, 0])) });
    const { metadata, tensors } = decodeSafetensors(buildFile(header));
    expect(metadata).toEqual({ a: '}{,"a":', 'b\\"': '[', c: ']"' });
    expect(Object.keys(tensors)).toEqual(['x,{"y"']);
  });

  it('allows the same key at different levels (a tensor called "dtype")', () => {
    const { tensors } = decodeSafetensors(buildFile(`{"dtype":${f32([], [0, 4])},"shape":${f32([0], [4, 4])}}`, [0, 0, 0, 0]));
    expect(Object.keys(tensors)).toEqual(['dtype', 'shape']);
  });

  it('survives deeply nested header values (no stack overflow in parsing or in the error message)', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const cases: [string, SafetensorsErrorCode][] = [
      [deep, 'bad-json'],
      [`{"w":${deep}}`, 'bad-entry'],
      [`{"w":{"dtype":"F32","shape":${deep},"data_offsets":[0,0]}}`, 'bad-entry'],
      [`{"__metadata__":{"k":${deep}}}`, 'bad-metadata'],
    ];
    for (const [header, code] of cases) {
      const error = catchSafetensorsError(() => decodeSafetensors(buildFile(header)));
      expect(error.code).toBe(code);
      expect(error.message.length).toBeLessThan(200);
    }
  });

  it('accepts -0 in shapes and offsets as 0', () => {
    const { tensors } = decodeSafetensors(buildFile('{"w":{"dtype":"F32","shape":[-0],"data_offsets":[-0,0]}}'));
    expect(Object.is(tensors.w!.shape[0], 0)).toBe(true);
  });
});

const ok: TensorRecord = { dtype: 'float32', shape: [2], data: new Float32Array(2) };

interface EncodeCase {
  name: string;
  run: () => unknown;
  code: SafetensorsErrorCode;
  tensor?: string;
  message: RegExp;
}

const encodeCases: EncodeCase[] = [
  { name: 'tensors null', run: () => encodeSafetensors(null as never), code: 'bad-argument', message: /tensors must be an object/ },
  { name: 'reserved name', run: () => encodeSafetensors({ __metadata__: ok }), code: 'bad-entry', tensor: '__metadata__', message: /reserved/ },
  { name: 'lone surrogate name', run: () => encodeSafetensors({ ['w\ud800']: ok }), code: 'bad-entry', tensor: 'w\ud800', message: /lone UTF-16 surrogate/ },
  { name: 'record null', run: () => encodeSafetensors({ w: null as never }), code: 'bad-entry', tensor: 'w', message: /tensor "w": expected a \{dtype, shape, data\} record, got null/ },
  { name: 'unknown dtype', run: () => encodeSafetensors({ w: { ...ok, dtype: 'int64' as never } }), code: 'bad-entry', tensor: 'w', message: /dtype must be one of float32, float64, int32, bool, got "int64"/ },
  { name: 'negative dim', run: () => encodeSafetensors({ w: { ...ok, shape: [-2] } }), code: 'bad-entry', tensor: 'w', message: /shape must be an array of non-negative integers, got \[-2\]/ },
  { name: 'fractional dim', run: () => encodeSafetensors({ w: { ...ok, shape: [0.5, 4] } }), code: 'bad-entry', tensor: 'w', message: /\[0.5, 4\]/ },
  { name: 'array type mismatch', run: () => encodeSafetensors({ w: { ...ok, data: new Float64Array(2) } }), code: 'bad-entry', tensor: 'w', message: /dtype float32 needs data as a Float32Array, got Float64Array/ },
  { name: 'plain array data', run: () => encodeSafetensors({ w: { ...ok, data: [1, 2] as never } }), code: 'bad-entry', tensor: 'w', message: /got Array/ },
  { name: 'length mismatch', run: () => encodeSafetensors({ a: ok, w: { ...ok, shape: [2, 3] } }), code: 'byte-count', tensor: 'w', message: /tensor "w": shape \[2, 3\] has 6 elements but data has 2/ },
  { name: 'bool byte 7', run: () => encodeSafetensors({ m: { dtype: 'bool', shape: [2], data: new Uint8Array([0, 7]) } }), code: 'bool-value', tensor: 'm', message: /bool element 1 is 7/ },
  { name: 'metadata not an object', run: () => encodeSafetensors({}, 'x' as never), code: 'bad-metadata', message: /metadata must be an object of strings, got string/ },
  { name: 'metadata number', run: () => encodeSafetensors({}, { step: 3 as never }), code: 'bad-metadata', message: /metadata\["step"\] must be a string, got number/ },
  { name: 'metadata lone surrogate', run: () => encodeSafetensors({}, { k: '\udc00' }), code: 'bad-metadata', message: /lone UTF-16 surrogate/ },
];

describe('encodeSafetensors errors', () => {
  it.each(encodeCases)('$name -> $code', ({ run, code, tensor, message }) => {
    const error = catchSafetensorsError(run);
    expect(error.code).toBe(code);
    expect(error.tensor).toBe(tensor);
    expect(error.message).toMatch(message);
    expect(error.message).toMatch(/^encodeSafetensors: /);
  });

  it('encodes a view into a larger buffer using only the view', () => {
    const backing = new Float32Array([9, 1, 2, 9]);
    const { tensors } = decodeSafetensors(encodeSafetensors({ w: { dtype: 'float32', shape: [2], data: backing.subarray(1, 3) } }));
    expect(tensors.w!.data).toEqual(new Float32Array([1, 2]));
  });
});
