/**
 * File access for `src/data`: read a whole file (with a `missing` error that says how to get it),
 * transparently gunzip, and hash. Everything returns plain `Uint8Array` views over the bytes read;
 * nothing is copied beyond what `node:fs` / `node:zlib` allocate.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { DatasetError, describeThrown } from './errors.js';

/**
 * True when the bytes start with the gzip magic 1f 8b (RFC 1952 §2.3.1).
 * @example isGzip(Uint8Array.of(0x1f, 0x8b, 8)) // true
 */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * The whole file as bytes. A missing file is a `missing` DatasetError whose message ends with `hint`
 * (e.g. which package to install or which option to set).
 * @example readFileBytes('/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz').length // 5125
 */
export function readFileBytes(path: string, hint = ''): Uint8Array {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new DatasetError('missing', `${path}: file not found${hint ? `; ${hint}` : ''}`, path);
    }
    throw new DatasetError('missing', `${path}: cannot read (${describeThrown(e)})`, path);
  }
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/**
 * Gunzips `bytes` when they carry the gzip magic, otherwise returns them unchanged. A cut-off or
 * corrupt stream is a `truncated` / `bad-archive` DatasetError naming `file`.
 * @example maybeGunzip(gzipSync(Buffer.from('hi')), 'x.gz') // Uint8Array [104, 105]
 */
export function maybeGunzip(bytes: Uint8Array, file: string): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    const out = gunzipSync(bytes);
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (e) {
    const msg = describeThrown(e);
    const code = /unexpected end/i.test(msg) ? 'truncated' : 'bad-archive';
    throw new DatasetError(code, `${file}: gzip stream is ${code === 'truncated' ? 'cut off' : 'corrupt'} (${msg})`, file);
  }
}

/**
 * Lower-case hex SHA-256 of the bytes (FIPS 180-4, via node:crypto).
 * @example sha256Hex(new Uint8Array(0)) // 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
 */
export function sha256Hex(...parts: Uint8Array[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
}

/**
 * 'file' | 'dir' | undefined (missing) for a path; never throws.
 * @example pathKind('/usr/share/datasets/fashion-mnist') // 'dir'
 */
export function pathKind(path: string): 'file' | 'dir' | undefined {
  try {
    const s = statSync(path);
    return s.isDirectory() ? 'dir' : s.isFile() ? 'file' : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Throws a `checksum` DatasetError unless `actual` equals `expected` (both hex SHA-256).
 * @example verifySha256('a.bin', 'ab', 'ab') // ok, no throw
 */
export function verifySha256(file: string, actual: string, expected: string): void {
  if (actual !== expected) {
    throw new DatasetError(
      'checksum',
      `${file}: SHA-256 is ${actual}, expected ${expected} (the file is not the known release; ` +
        'pass { verify: false } to load custom data)',
      file,
    );
  }
}
