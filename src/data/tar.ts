/**
 * A small tar reader over an in-memory (already gunzipped) archive: POSIX ustar headers, pax
 * extended headers (`x` per entry, `g` global; the `path` and `size` keys are honoured) and GNU
 * long names (`L`). Layout (POSIX.1-2008 `pax` / ustar): 512-byte header blocks, each followed by its
 * data padded to a multiple of 512; fields are NUL/space-terminated octal ASCII (GNU base-256 sizes
 * accepted); the archive ends with two zero blocks (an end at a block boundary is also accepted).
 * Every header's checksum (sum of its bytes, the checksum field counted as 8 spaces) is verified.
 * Cost: O(number of entries); file contents are zero-copy views of the archive buffer.
 */
import { DatasetError } from './errors.js';

const BLOCK = 512;

/** One archive member: its full path, kind and (for files) contents. */
export interface TarEntry {
  name: string;
  type: 'file' | 'dir' | 'other';
  data: Uint8Array;
}

function text(bytes: Uint8Array, start: number, length: number): string {
  let end = start;
  while (end < start + length && bytes[end] !== 0) end++;
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('utf8');
}

function octal(bytes: Uint8Array, start: number, length: number, field: string, where: string, archive: string): number {
  if (bytes[start]! & 0x80) {
    // GNU base-256: the remaining bits, big-endian.
    let v = bytes[start]! & 0x7f;
    for (let i = start + 1; i < start + length; i++) v = v * 256 + bytes[i]!;
    return v;
  }
  const s = text(bytes, start, length).trim();
  if (s === '') return 0;
  if (!/^[0-7]+$/.test(s)) {
    throw new DatasetError('bad-archive', `${archive}: tar header at byte ${where} has ${field} field ${JSON.stringify(s)}, expected octal digits`, archive);
  }
  return parseInt(s, 8);
}

function isZeroBlock(bytes: Uint8Array, offset: number): boolean {
  for (let i = offset; i < offset + BLOCK; i++) if (bytes[i] !== 0) return false;
  return true;
}

/** Parses pax records "<len> <key>=<value>\n" (POSIX.1-2008 pax, "pax Extended Header"). */
function parsePax(data: Uint8Array, where: number, archive: string): Map<string, string> {
  const out = new Map<string, string>();
  const utf8 = (a: number, b: number): string => Buffer.from(data.buffer, data.byteOffset + a, b - a).toString('utf8');
  let i = 0;
  while (i < data.length) {
    const space = data.indexOf(0x20, i);
    const digits = space > i ? utf8(i, space) : '';
    const len = /^[0-9]+$/.test(digits) ? Number(digits) : NaN;
    const end = i + len; // the record length counts its own digits, the space and the newline
    const eq = space > 0 && end <= data.length ? data.indexOf(0x3d, space) : -1;
    if (!(len > 0) || end > data.length || data[end - 1] !== 0x0a || eq < 0 || eq >= end) {
      throw new DatasetError('bad-archive', `${archive}: malformed pax header record in the entry at byte ${where}`, archive);
    }
    out.set(utf8(space + 1, eq), utf8(eq + 1, end - 1));
    i = end;
  }
  return out;
}

/**
 * All entries of a tar archive, in archive order. Malformed headers (bad checksum, non-octal fields)
 * are `bad-archive` and an archive cut off inside a header or a member is `truncated`, both naming
 * `archive` and the byte offset.
 * @example parseTar(gunzipSync(readFileSync('x.tar.gz')), 'x.tar.gz').map((e) => e.name)
 */
export function parseTar(bytes: Uint8Array, archive: string): TarEntry[] {
  const entries: TarEntry[] = [];
  let offset = 0;
  let longName: string | undefined;
  let pax: Map<string, string> | undefined;
  while (offset + BLOCK <= bytes.length) {
    if (isZeroBlock(bytes, offset)) return entries;
    const header = bytes.subarray(offset, offset + BLOCK);
    const where = String(offset);
    const stored = octal(header, 148, 8, 'checksum', where, archive);
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : header[i]!;
    if (sum !== stored) {
      throw new DatasetError('bad-archive', `${archive}: tar header at byte ${where} has checksum ${stored}, computed ${sum}; not a tar archive or corrupt`, archive);
    }
    const typeflag = String.fromCharCode(header[156]!);
    const paxSize = pax?.get('size');
    const size = paxSize !== undefined ? Number(paxSize) : octal(header, 124, 12, 'size', where, archive);
    const dataStart = offset + BLOCK;
    if (!Number.isSafeInteger(size) || size < 0 || dataStart + size > bytes.length) {
      throw new DatasetError('truncated', `${archive}: tar entry at byte ${where} declares ${size} bytes of data, only ${Math.max(0, bytes.length - dataStart)} remain`, archive);
    }
    const data = bytes.subarray(dataStart, dataStart + size);
    offset = dataStart + Math.ceil(size / BLOCK) * BLOCK;
    if (typeflag === 'x') {
      pax = parsePax(data, dataStart - BLOCK, archive);
      continue;
    }
    if (typeflag === 'g') continue; // global pax (e.g. git-archive's commit comment): no key we use
    if (typeflag === 'L') {
      longName = text(data, 0, data.length);
      continue;
    }
    const posix = text(header, 257, 6) === 'ustar' && header[262] === 0; // "ustar\0" (GNU is "ustar  ")
    const prefix = posix ? text(header, 345, 155) : '';
    const short = text(header, 0, 100);
    const name = pax?.get('path') ?? longName ?? (prefix ? `${prefix}/${short}` : short);
    const type = typeflag === '0' || typeflag === '\0' || typeflag === '7' ? 'file' : typeflag === '5' ? 'dir' : 'other';
    entries.push({ name, type, data });
    pax = undefined;
    longName = undefined;
  }
  if (offset < bytes.length) {
    throw new DatasetError('truncated', `${archive}: tar archive ends inside a header at byte ${offset} (${bytes.length - offset} of 512 bytes)`, archive);
  }
  return entries;
}
