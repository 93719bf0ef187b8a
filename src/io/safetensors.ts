/**
 * safetensors read and write for the engine's four dtypes, Uint8Array in and out (no file access here).
 *
 * Dtype mapping (both directions): float32 ↔ F32, float64 ↔ F64, int32 ↔ I32, bool ↔ BOOL (one byte,
 * 0 or 1; any other byte is rejected with `bool-value`). Other safetensors dtypes (U8, I64, F16, BF16,
 * ...) fail with `unsupported-dtype`: U8 is *not* read as bool, because its values 2..255 have no
 * faithful bool meaning and silently widening or clamping would break the bit-exact round trip.
 * `readSafetensorsHeader` still lists such files.
 *
 * Encoding is deterministic: JSON keys in code-unit order of the names with `__metadata__` first
 * (omitted when empty), fixed field order, no spaces; the header is right-padded with spaces so that
 * 8 + N is a multiple of 8; data is laid out widest item first, then by name (as the reference
 * writer's `prepare` does, huggingface/safetensors safetensors/src/tensor.rs), so every tensor starts
 * at a multiple of its item size within the file. Decoding copies each tensor into a fresh
 * ArrayBuffer, so the result never aliases the input and is aligned whatever the input's alignment.
 *
 * Hosts must be little-endian (every mainstream JS engine is); big-endian hosts get `big-endian-host`.
 */
import type { DType, TypedArray } from '../tensor/dtype.js';
import { SafetensorsError, quoteName, requireLittleEndianHost } from './safetensors-error.js';
import {
  MAX_HEADER_BYTES,
  compareCodeUnits,
  defineOwn,
  isPlainObject,
  readSafetensorsHeader,
  type SafetensorsDType,
} from './safetensors-header.js';

/** One tensor as stored: dtype, row-major shape and the contiguous data (length = product of shape). */
export interface TensorRecord {
  dtype: DType;
  shape: number[];
  data: TypedArray;
}

/** A decoded file: tensors by name and the `__metadata__` strings ({} when absent). */
export interface DecodedSafetensors {
  tensors: Record<string, TensorRecord>;
  metadata: Record<string, string>;
}

const TO_SAFETENSORS: Readonly<Record<DType, SafetensorsDType>> = { float32: 'F32', float64: 'F64', int32: 'I32', bool: 'BOOL' };
const FROM_SAFETENSORS: Partial<Readonly<Record<SafetensorsDType, DType>>> = { F32: 'float32', F64: 'float64', I32: 'int32', BOOL: 'bool' };
const ARRAY_TYPE: Readonly<Record<DType, string>> = { float32: 'Float32Array', float64: 'Float64Array', int32: 'Int32Array', bool: 'Uint8Array' };
const LONE_SURROGATE = /\p{Surrogate}/u;
const SPACE = 0x20;

/**
 * Serialise tensors (and optional string metadata) into safetensors bytes. Throws a
 * `SafetensorsError` naming the tensor when a record is inconsistent (`bad-entry`: bad dtype, shape,
 * array type or name; `byte-count`: data length ≠ product of shape; `bool-value`: a bool byte not 0/1).
 * Names and metadata must be well-formed Unicode (no lone surrogates; other readers reject them), and
 * no tensor may be called `__metadata__`.
 *
 * @example
 * const bytes = encodeSafetensors({ w: { dtype: 'float32', shape: [2], data: new Float32Array([1, 2]) } }, { step: '3' });
 * decodeSafetensors(bytes).tensors.w.data; // Float32Array [1, 2]
 */
export function encodeSafetensors(tensors: Record<string, TensorRecord>, metadata?: Record<string, string>): Uint8Array {
  const op = 'encodeSafetensors';
  requireLittleEndianHost(op);
  if (!isPlainObject(tensors)) {
    throw new SafetensorsError('bad-argument', `${op}: tensors must be an object of tensor records, got ${tensors === null ? 'null' : typeof tensors}`);
  }
  const parts: string[] = [];
  const metadataJson = encodeMetadata(metadata, op);
  if (metadataJson !== undefined) parts.push(`"__metadata__":${metadataJson}`);
  const records = Object.keys(tensors)
    .sort(compareCodeUnits)
    .map((name) => ({ name, ...checkRecord(name, tensors[name], op), begin: 0 }));
  // Data layout: widest item first, then by name, so each tensor starts at a multiple of its item size.
  const layout = records.slice().sort((a, b) => b.bytesPerItem - a.bytesPerItem || compareCodeUnits(a.name, b.name));
  let dataLength = 0;
  for (const record of layout) {
    record.begin = dataLength;
    dataLength += record.bytes.length;
  }
  for (const { name, dtype, shape, bytes, begin } of records) {
    parts.push(`${JSON.stringify(name)}:{"dtype":"${dtype}","shape":[${shape.join(',')}],"data_offsets":[${begin},${begin + bytes.length}]}`);
  }
  const json = new TextEncoder().encode(`{${parts.join(',')}}`);
  const headerLength = Math.ceil(json.length / 8) * 8;
  if (headerLength > MAX_HEADER_BYTES) {
    throw new SafetensorsError('header-length', `${op}: the header would take ${headerLength} bytes, over the limit of ${MAX_HEADER_BYTES}`);
  }
  const out = new Uint8Array(8 + headerLength + dataLength);
  const view = new DataView(out.buffer);
  view.setUint32(0, headerLength, true); // headerLength <= MAX_HEADER_BYTES < 2^32: high word stays 0
  out.set(json, 8);
  out.fill(SPACE, 8 + json.length, 8 + headerLength);
  for (const { bytes, begin } of layout) out.set(bytes, 8 + headerLength + begin);
  return out;
}

/**
 * Parse safetensors bytes into fresh, aligned typed arrays. Every malformed input throws a
 * `SafetensorsError` whose `code` names the problem (see `SafetensorsErrorCode`) and whose message
 * names the tensor; dtypes other than F32, F64, I32 and BOOL give `unsupported-dtype`.
 *
 * @example
 * const { tensors, metadata } = decodeSafetensors(bytes);
 * tensors.w; // { dtype: 'float32', shape: [2], data: Float32Array [1, 2] }
 */
export function decodeSafetensors(bytes: Uint8Array): DecodedSafetensors {
  const op = 'decodeSafetensors';
  requireLittleEndianHost(op);
  const header = readSafetensorsHeader(bytes, op);
  const byName = header.entries.slice().sort((a, b) => compareCodeUnits(a.name, b.name));
  const tensors: Record<string, TensorRecord> = {};
  for (const entry of byName) {
    const dtype = FROM_SAFETENSORS[entry.dtype];
    if (dtype === undefined) {
      throw new SafetensorsError(
        'unsupported-dtype',
        `${op}: unsupported dtype ${entry.dtype} for tensor ${quoteName(entry.name)} (this engine loads F32, F64, I32 and BOOL)`,
        entry.name,
      );
    }
    const [begin, end] = entry.dataOffsets;
    const copy = new Uint8Array(end - begin); // fresh buffer at offset 0: aligned, never aliases `bytes`
    copy.set(bytes.subarray(header.dataStart + begin, header.dataStart + end));
    const data = viewAs(dtype, copy);
    if (dtype === 'bool') checkBoolBytes(copy, entry.name, op);
    defineOwn(tensors, entry.name, { dtype, shape: entry.shape, data });
  }
  return { tensors, metadata: header.metadata };
}

function viewAs(dtype: DType, bytes: Uint8Array): TypedArray {
  switch (dtype) {
    case 'float32': return new Float32Array(bytes.buffer, 0, bytes.length / 4);
    case 'float64': return new Float64Array(bytes.buffer, 0, bytes.length / 8);
    case 'int32': return new Int32Array(bytes.buffer, 0, bytes.length / 4);
    case 'bool': return bytes;
  }
}

/** Validates one record; returns its safetensors dtype, shape (-0 normalised) and data bytes (a view). */
function checkRecord(
  name: string,
  record: TensorRecord | undefined,
  op: string,
): { dtype: SafetensorsDType; shape: number[]; bytes: Uint8Array; bytesPerItem: number } {
  const at = `${op}: tensor ${quoteName(name)}`;
  const bad = (message: string): SafetensorsError => new SafetensorsError('bad-entry', `${at}: ${message}`, name);
  if (name === '__metadata__') throw bad('the name __metadata__ is reserved for the metadata block');
  if (LONE_SURROGATE.test(name)) throw bad('the name contains a lone UTF-16 surrogate (not valid Unicode)');
  if (typeof record !== 'object' || record === null) throw bad(`expected a {dtype, shape, data} record, got ${record === null ? 'null' : typeof record}`);
  const { dtype, shape, data } = record;
  if (typeof dtype !== 'string' || !Object.hasOwn(TO_SAFETENSORS, dtype)) {
    throw bad(`dtype must be one of float32, float64, int32, bool, got ${show(dtype)}`);
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw bad(`shape must be an array of non-negative integers, got ${Array.isArray(shape) ? `[${shape.map(show).join(', ')}]` : show(shape)}`);
  }
  const arrayType = ARRAY_TYPE[dtype];
  if (!isArrayOfType(data, dtype)) {
    throw bad(`dtype ${dtype} needs data as a ${arrayType}, got ${describe(data)}`);
  }
  const elements = shape.reduce((p, d) => p * d, 1);
  if (elements !== data.length) {
    throw new SafetensorsError(
      'byte-count',
      `${at}: shape [${shape.join(', ')}] has ${elements} elements but data has ${data.length}`,
      name,
    );
  }
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (dtype === 'bool') checkBoolBytes(bytes, name, op);
  return { dtype: TO_SAFETENSORS[dtype], shape: shape.map((d) => d + 0), bytes, bytesPerItem: data.BYTES_PER_ELEMENT };
}

function isArrayOfType(data: unknown, dtype: DType): data is TypedArray {
  switch (dtype) {
    case 'float32': return data instanceof Float32Array;
    case 'float64': return data instanceof Float64Array;
    case 'int32': return data instanceof Int32Array;
    case 'bool': return data instanceof Uint8Array;
  }
}

function checkBoolBytes(bytes: Uint8Array, name: string, op: string): void {
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i]! > 1) {
      throw new SafetensorsError('bool-value', `${op}: tensor ${quoteName(name)}: bool element ${i} is ${bytes[i]}, expected 0 or 1`, name);
    }
  }
}

/** The metadata object as JSON with sorted keys, or undefined when absent or empty. */
function encodeMetadata(metadata: Record<string, string> | undefined, op: string): string | undefined {
  if (metadata === undefined) return undefined;
  if (!isPlainObject(metadata)) {
    throw new SafetensorsError('bad-metadata', `${op}: metadata must be an object of strings, got ${metadata === null ? 'null' : typeof metadata}`);
  }
  const keys = Object.keys(metadata).sort(compareCodeUnits);
  if (keys.length === 0) return undefined;
  const fields = keys.map((key) => {
    const value = metadata[key];
    if (typeof value !== 'string') {
      throw new SafetensorsError('bad-metadata', `${op}: metadata[${quoteName(key)}] must be a string, got ${typeof value}`);
    }
    if (LONE_SURROGATE.test(key) || LONE_SURROGATE.test(value)) {
      throw new SafetensorsError('bad-metadata', `${op}: metadata[${quoteName(key)}] contains a lone UTF-16 surrogate (not valid Unicode)`);
    }
    return `${JSON.stringify(key)}:${JSON.stringify(value)}`;
  });
  return `{${fields.join(',')}}`;
}

function show(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : typeof v === 'number' ? String(v) : describe(v);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'object') return (v).constructor?.name ?? 'an object';
  return typeof v;
}
