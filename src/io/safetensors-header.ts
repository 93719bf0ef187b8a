/**
 * Reading and validating a safetensors header (format: https://github.com/huggingface/safetensors,
 * README "Format"):
 *
 *   bytes [0, 8)        N, the header length, u64 little-endian
 *   bytes [8, 8 + N)    UTF-8 JSON: { name: { dtype, shape, data_offsets: [begin, end] }, ...,
 *                       "__metadata__"?: { string: string } }, possibly right-padded with spaces
 *   bytes [8 + N, end)  the data region; offsets are relative to its start; row-major, little-endian
 *
 * Validation follows the reference implementation's rules (its `validate` step): the header length is
 * capped at 100 000 000 bytes, each tensor's byte count is elements × item size, and the tensors,
 * sorted by offset, tile the data region exactly (no gaps, no overlaps, nothing left over). This file
 * adds: duplicate JSON keys are an error (JSON.parse would silently keep the last one), entries may
 * carry no fields beyond the three, and a UTF-8 BOM is not skipped. Cost: O(N + T log T) for T tensors.
 */
import { SafetensorsError, quoteName } from './safetensors-error.js';

/** Every dtype the safetensors format names (as listed in the brief; newer F8/F4 kinds are unknown). */
export type SafetensorsDType =
  | 'F32' | 'F64' | 'I32' | 'BOOL' | 'U8' | 'I64' | 'F16' | 'BF16' | 'I8' | 'I16' | 'U16' | 'U32' | 'U64';

/** Bytes per element of each safetensors dtype. */
export const SAFETENSORS_ITEM_SIZE: Readonly<Record<SafetensorsDType, number>> = {
  BOOL: 1, U8: 1, I8: 1, I16: 2, U16: 2, F16: 2, BF16: 2, I32: 4, U32: 4, F32: 4, I64: 8, U64: 8, F64: 8,
};

/** Largest header accepted or written, in bytes (the reference implementation's limit). */
export const MAX_HEADER_BYTES = 100_000_000;

/** One tensor entry of a header, validated. */
export interface SafetensorsEntry {
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
  /** `[begin, end)` relative to the start of the data region. */
  dataOffsets: [number, number];
}

/** A validated header: entries in file order (by offset, ties by name), metadata, and where data lives. */
export interface SafetensorsHeader {
  entries: SafetensorsEntry[];
  metadata: Record<string, string>;
  /** Absolute byte offset of the data region (8 + N). */
  dataStart: number;
  /** Length of the data region in bytes. */
  dataLength: number;
}

const METADATA_KEY = '__metadata__';
const ENTRY_FIELDS = ['dtype', 'shape', 'data_offsets'];
const TWO_POW_32 = 4294967296;

/**
 * Parse and fully validate the header of a safetensors file, for any safetensors dtype (this does not
 * read tensor data, so files with dtypes the engine cannot load can still be listed).
 *
 * @example
 * const { entries } = readSafetensorsHeader(encodeSafetensors({ w: { dtype: 'float32', shape: [2], data: new Float32Array(2) } }));
 * entries[0]; // { name: 'w', dtype: 'F32', shape: [2], dataOffsets: [0, 8] }
 */
export function readSafetensorsHeader(bytes: Uint8Array, op = 'readSafetensorsHeader'): SafetensorsHeader {
  if (!(bytes instanceof Uint8Array)) {
    throw new SafetensorsError('bad-argument', `${op}: bytes must be a Uint8Array, got ${describeType(bytes)}`);
  }
  if (bytes.length < 8) {
    throw new SafetensorsError('truncated', `${op}: a file needs at least 8 bytes (the header length), got ${bytes.length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, 8);
  const headerLength = view.getUint32(4, true) * TWO_POW_32 + view.getUint32(0, true);
  if (headerLength > MAX_HEADER_BYTES) {
    throw new SafetensorsError('header-length', `${op}: header length ${headerLength} exceeds the limit of ${MAX_HEADER_BYTES} bytes`);
  }
  if (headerLength > bytes.length - 8) {
    throw new SafetensorsError(
      'truncated',
      `${op}: header length ${headerLength} needs ${headerLength + 8} bytes but the file has ${bytes.length}`,
    );
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes.subarray(8, 8 + headerLength));
  } catch {
    throw new SafetensorsError('bad-utf8', `${op}: the ${headerLength}-byte header is not valid UTF-8`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new SafetensorsError('bad-json', `${op}: the header is not valid JSON (${(e as Error).message})`);
  }
  if (!isPlainObject(parsed)) {
    throw new SafetensorsError('bad-json', `${op}: the header must be a JSON object, got ${describeType(parsed)}`);
  }
  const duplicate = findDuplicateKey(text);
  if (duplicate !== undefined) {
    const where = duplicate.parent === undefined ? 'at the top level' : `inside ${quoteName(duplicate.parent)}`;
    throw new SafetensorsError('duplicate', `${op}: key ${quoteName(duplicate.key)} occurs twice ${where}`, duplicate.parent ?? duplicate.key);
  }
  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  let metadata: Record<string, string> = {};
  const entries: SafetensorsEntry[] = [];
  for (const name of Object.keys(parsed)) {
    if (name === METADATA_KEY) metadata = checkMetadata(parsed[name], op);
    else entries.push(checkEntry(name, parsed[name], dataLength, op));
  }
  entries.sort(compareByOffset);
  checkTiling(entries, dataLength, op);
  return { entries, metadata, dataStart, dataLength };
}

function checkMetadata(value: unknown, op: string): Record<string, string> {
  if (!isPlainObject(value)) {
    throw new SafetensorsError('bad-metadata', `${op}: ${METADATA_KEY} must be an object of strings, got ${describeType(value)}`);
  }
  const metadata: Record<string, string> = {};
  for (const key of Object.keys(value)) {
    const v = value[key];
    if (typeof v !== 'string') {
      throw new SafetensorsError('bad-metadata', `${op}: ${METADATA_KEY}[${quoteName(key)}] must be a string, got ${preview(v)}`);
    }
    defineOwn(metadata, key, v);
  }
  return metadata;
}

function checkEntry(name: string, value: unknown, dataLength: number, op: string): SafetensorsEntry {
  const at = `${op}: tensor ${quoteName(name)}`;
  const bad = (message: string): SafetensorsError => new SafetensorsError('bad-entry', `${at}: ${message}`, name);
  if (!isPlainObject(value)) throw bad(`entry must be an object {dtype, shape, data_offsets}, got ${preview(value)}`);
  for (const key of Object.keys(value)) {
    if (!ENTRY_FIELDS.includes(key)) throw bad(`unexpected field ${quoteName(key)} (allowed: ${ENTRY_FIELDS.join(', ')})`);
  }
  for (const key of ENTRY_FIELDS) if (!Object.hasOwn(value, key)) throw bad(`missing field ${quoteName(key)}`);
  const dtype = value['dtype'];
  if (typeof dtype !== 'string') throw bad(`dtype must be a string, got ${preview(dtype)}`);
  if (!isSafetensorsDType(dtype)) {
    throw new SafetensorsError('unknown-dtype', `${at}: unknown dtype ${quoteName(dtype)} (known: ${Object.keys(SAFETENSORS_ITEM_SIZE).join(', ')})`, name);
  }
  const shape = value['shape'];
  if (!Array.isArray(shape) || !shape.every(isCount)) {
    throw bad(`shape must be an array of non-negative integers, got ${preview(shape)}`);
  }
  const offsets = value['data_offsets'];
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[0]! > offsets[1]!) {
    throw bad(`data_offsets must be [begin, end] with 0 <= begin <= end integers, got ${preview(offsets)}`);
  }
  const begin = (offsets[0] as number) + 0; // + 0 turns a JSON -0 into 0
  const end = (offsets[1] as number) + 0;
  const dims = (shape).map((d) => d + 0);
  const itemSize = SAFETENSORS_ITEM_SIZE[dtype];
  const expectedBytes = dims.reduce((p, d) => p * d, 1) * itemSize; // exact when it could match: end - begin < 2^53
  if (expectedBytes !== end - begin) {
    throw new SafetensorsError(
      'byte-count',
      `${at}: data_offsets [${begin}, ${end}] span ${end - begin} bytes but shape ${preview(dims)} of ${dtype} needs ${expectedBytes}`,
      name,
    );
  }
  if (end > dataLength) {
    throw new SafetensorsError(
      'offsets-out-of-range',
      `${at}: data_offsets [${begin}, ${end}] reach past the end of the ${dataLength}-byte data region`,
      name,
    );
  }
  return { name, dtype, shape: dims, dataOffsets: [begin, end] };
}

/** The sorted entries must tile [0, dataLength) exactly; empty tensors may sit on any boundary. */
function checkTiling(sorted: SafetensorsEntry[], dataLength: number, op: string): void {
  let covered = 0;
  let previous: SafetensorsEntry | undefined;
  for (const entry of sorted) {
    const [begin, end] = entry.dataOffsets;
    if (begin < covered && previous !== undefined) {
      throw new SafetensorsError(
        'offsets-overlap',
        `${op}: tensor ${quoteName(entry.name)} at [${begin}, ${end}] overlaps tensor ${quoteName(previous.name)} at [${previous.dataOffsets[0]}, ${covered}]`,
        entry.name,
      );
    }
    if (begin > covered) {
      throw new SafetensorsError(
        'holes',
        `${op}: data bytes [${covered}, ${begin}) before tensor ${quoteName(entry.name)} belong to no tensor`,
        entry.name,
      );
    }
    covered = end;
    previous = entry;
  }
  if (covered < dataLength) {
    throw new SafetensorsError('holes', `${op}: data bytes [${covered}, ${dataLength}) after the last tensor belong to no tensor`);
  }
}

function compareByOffset(a: SafetensorsEntry, b: SafetensorsEntry): number {
  return a.dataOffsets[0] - b.dataOffsets[0] || a.dataOffsets[1] - b.dataOffsets[1] || compareCodeUnits(a.name, b.name);
}

/** Plain code-unit order (no locale): the deterministic key order of the encoder too. */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * First key repeated within one object of an already-valid JSON text, with the top-level key it sits
 * under (undefined at the top level). One left-to-right pass; a stack holds each open object's keys.
 */
function findDuplicateKey(json: string): { key: string; parent: string | undefined } | undefined {
  const stack: { keys: Set<string> | null; expectKey: boolean }[] = [];
  let topKey: string | undefined;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const start = i;
      for (i++; json.charCodeAt(i) !== 0x22; i++) if (json.charCodeAt(i) === 0x5c /* \ */) i++;
      const frame = stack[stack.length - 1];
      if (frame?.keys && frame.expectKey) {
        const key = JSON.parse(json.slice(start, i + 1)) as string;
        if (frame.keys.has(key)) return { key, parent: stack.length === 1 ? undefined : topKey };
        frame.keys.add(key);
        frame.expectKey = false;
        if (stack.length === 1) topKey = key;
      }
    } else if (c === 0x7b /* { */) stack.push({ keys: new Set(), expectKey: true });
    else if (c === 0x5b /* [ */) stack.push({ keys: null, expectKey: false });
    else if (c === 0x7d /* } */ || c === 0x5d /* ] */) stack.pop();
    else if (c === 0x2c /* , */) {
      const frame = stack[stack.length - 1];
      if (frame?.keys) frame.expectKey = true;
    }
  }
  return undefined;
}

export function isSafetensorsDType(s: string): s is SafetensorsDType {
  return Object.hasOwn(SAFETENSORS_ITEM_SIZE, s);
}

function isCount(v: unknown): v is number {
  return Number.isSafeInteger(v) && (v as number) >= 0;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Set an own enumerable property, also for the key "__proto__" (plain assignment would not). */
export function defineOwn<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function describeType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return (v).constructor?.name ?? 'an object';
  return typeof v;
}

/**
 * A short JSON-like rendering of a parsed value for messages. Bounded in depth and width rather than
 * calling JSON.stringify, which recurses and would overflow the stack on a deeply nested header value.
 */
function preview(v: unknown): string {
  const s = render(v, 0);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function render(v: unknown, depth: number): string {
  if (v === undefined) return 'undefined';
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? v.slice(0, 60) : v);
  if (typeof v !== 'object' || v === null) return String(v);
  const open = Array.isArray(v) ? '[' : '{';
  const close = Array.isArray(v) ? ']' : '}';
  if (depth >= 2) return `${open}...${close}`;
  const items = Array.isArray(v)
    ? v.slice(0, 8).map((x) => render(x, depth + 1))
    : Object.keys(v).slice(0, 8).map((k) => `${JSON.stringify(k)}:${render((v as Record<string, unknown>)[k], depth + 1)}`);
  const more = (Array.isArray(v) ? v.length : Object.keys(v).length) > 8 ? ',...' : '';
  return `${open}${items.join(',')}${more}${close}`;
}
