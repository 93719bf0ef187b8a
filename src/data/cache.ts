/**
 * The decoded-image cache: a dataset split decoded once (e.g. the CIFAR-10 JPEGs) is stored as one
 * compact uint8 file and read back in a fraction of a second.
 *
 * File layout (format 1): 8-byte magic "PQKDDEC1"; uint32 LE header length L; L bytes of UTF-8 JSON
 * `{ format, sourceSha256, decoder, split, count, channels, height, width, classes, contentSha256 }`;
 * then the payload: `count` label bytes followed by count·C·H·W image bytes (NCHW).
 * A file is used only when its magic, format, source hash, decoder, split, total size and the
 * SHA-256 of its payload all match; otherwise `readDecodedCache` throws `bad-cache` and the caller
 * rebuilds. Writes go to a temporary file in the same folder, then `rename` (atomic on POSIX), so a
 * crash never leaves a half-written cache under the final name.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { readFileBytes, sha256Hex } from './bytes.js';
import { DatasetError, describeThrown } from './errors.js';

const MAGIC = 'PQKDDEC1';
export const DECODED_CACHE_FORMAT = 1;

/** What a cache must have been built from. */
export interface CacheKey {
  sourceSha256: string;
  decoder: string;
  split: string;
}

/** The cached arrays of one split. */
export interface CachedSplit {
  count: number;
  channels: number;
  height: number;
  width: number;
  classes: string[];
  labels: Uint8Array;
  images: Uint8Array;
}

function stale(path: string, why: string): DatasetError {
  return new DatasetError('bad-cache', `${path}: decoded cache is unusable (${why})`, path);
}

/**
 * Reads a cache file and checks it against `key`; any mismatch or corruption is `bad-cache`
 * (a missing file is `missing`). Labels and images are views of the file buffer; `contentSha256`
 * is the verified SHA-256 of the payload (labels then images).
 * @example readDecodedCache(path, { sourceSha256, decoder: IMAGE_DECODER_ID, split: 'train' }).count
 */
export function readDecodedCache(path: string, key: CacheKey): CachedSplit & { contentSha256: string } {
  const bytes = readFileBytes(path);
  const text = (a: number, b: number): string => Buffer.from(bytes.buffer, bytes.byteOffset + a, b - a).toString('utf8');
  if (bytes.length < 12 || text(0, 8) !== MAGIC) throw stale(path, 'bad magic');
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset + 8, 4).getUint32(0, true);
  if (12 + headerLength > bytes.length) throw stale(path, 'header runs past the end');
  let h: Record<string, unknown>;
  try {
    h = JSON.parse(text(12, 12 + headerLength)) as Record<string, unknown>;
  } catch {
    throw stale(path, 'header is not JSON');
  }
  for (const [field, want] of [['format', DECODED_CACHE_FORMAT], ['sourceSha256', key.sourceSha256], ['decoder', key.decoder], ['split', key.split]] as const) {
    if (h[field] !== want) throw stale(path, `${field} is ${JSON.stringify(h[field])}, expected ${JSON.stringify(want)}`);
  }
  const [count, channels, height, width] = [h.count, h.channels, h.height, h.width].map(Number) as [number, number, number, number];
  const classes = h.classes;
  if (![count, channels, height, width].every((v) => Number.isSafeInteger(v) && v > 0) || !Array.isArray(classes) || !classes.every((c) => typeof c === 'string')) {
    throw stale(path, 'header fields count/channels/height/width/classes are malformed');
  }
  const start = 12 + headerLength;
  const expected = start + count + count * channels * height * width;
  if (bytes.length !== expected) throw stale(path, `file is ${bytes.length} bytes, header implies ${expected}`);
  const payload = bytes.subarray(start);
  const contentSha = sha256Hex(payload);
  if (contentSha !== h.contentSha256) throw stale(path, `payload SHA-256 is ${contentSha}, header records ${String(h.contentSha256)}`);
  return {
    count, channels, height, width, classes: classes, labels: payload.subarray(0, count), images: payload.subarray(count), contentSha256: contentSha,
  };
}

/**
 * Writes a cache file atomically (temporary file, fsync, rename); returns the payload SHA-256.
 * Failure to write is a `bad-cache` DatasetError naming the path (the temporary file is removed).
 * @example writeDecodedCache(path, key, split) // '9f…'
 */
export function writeDecodedCache(path: string, key: CacheKey, data: CachedSplit): string {
  const contentSha256 = sha256Hex(data.labels, data.images);
  const { count, channels, height, width, classes } = data;
  const header = Buffer.from(JSON.stringify({ format: DECODED_CACHE_FORMAT, ...key, count, channels, height, width, classes, contentSha256 }), 'utf8');
  const prefix = Buffer.alloc(12);
  prefix.write(MAGIC, 0, 'latin1');
  prefix.writeUInt32LE(header.length, 8);
  const temp = `${path}.tmp-${process.pid}-${Date.now()}`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    const fd = openSync(temp, 'w');
    try {
      for (const part of [prefix, header, data.labels, data.images]) {
        for (let done = 0; done < part.length;) done += writeSync(fd, part, done, part.length - done);
      }
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (e) {
    try {
      rmSync(temp, { force: true });
    } catch {
      // the folder itself is unusable; nothing was written
    }
    throw new DatasetError('bad-cache', `${path}: cannot write decoded cache (${describeThrown(e)})`, path);
  }
  return contentSha256;
}
