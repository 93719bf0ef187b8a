/**
 * The playground's MNIST subset: a compact binary the browser fetches, checks and decodes.
 *
 * Layout (all integers little-endian uint32), gzipped as a whole for shipping:
 *   bytes 0–7   ASCII magic "PQKDMN01"
 *   bytes 8–11  train count T, bytes 12–15 test count E, bytes 16–19 rows (28), bytes 20–23 cols (28)
 *   then (T + E)·rows·cols image bytes (uint8, row-major, train images first), then T + E label bytes.
 * The SHA-256 of the gzipped file is committed beside it and checked before decoding.
 * Cost: O(bytes) to hash and gunzip; decoding is zero-copy views.
 */

export const SUBSET_MAGIC = 'PQKDMN01';
const HEADER_BYTES = 24;

export interface MnistSubset {
  trainCount: number;
  testCount: number;
  rows: number;
  cols: number;
  /** (trainCount + testCount)·rows·cols bytes, train images first. */
  images: Uint8Array;
  /** trainCount + testCount labels in 0…9. */
  labels: Uint8Array;
}

/** Packs a subset into the uncompressed layout above. */
export function encodeMnistSubset(s: MnistSubset): Uint8Array {
  const n = s.trainCount + s.testCount;
  const pixels = n * s.rows * s.cols;
  if (s.images.length !== pixels || s.labels.length !== n) {
    throw new RangeError(`encodeMnistSubset: expected ${pixels} image bytes and ${n} labels, got ${s.images.length} and ${s.labels.length}`);
  }
  const out = new Uint8Array(HEADER_BYTES + pixels + n);
  for (let i = 0; i < 8; i++) out[i] = SUBSET_MAGIC.charCodeAt(i);
  const view = new DataView(out.buffer);
  [s.trainCount, s.testCount, s.rows, s.cols].forEach((v, i) => view.setUint32(8 + 4 * i, v, true));
  out.set(s.images, HEADER_BYTES);
  out.set(s.labels, HEADER_BYTES + pixels);
  return out;
}

/** Parses the uncompressed layout; any inconsistency is a one-line error naming `file`. */
export function decodeMnistSubset(bytes: Uint8Array, file: string): MnistSubset {
  if (bytes.length < HEADER_BYTES) throw new Error(`${file}: ${bytes.length} bytes, shorter than the ${HEADER_BYTES}-byte header`);
  const magic = String.fromCharCode(...bytes.subarray(0, 8));
  if (magic !== SUBSET_MAGIC) throw new Error(`${file}: magic is ${JSON.stringify(magic)}, expected "${SUBSET_MAGIC}"`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const [trainCount, testCount, rows, cols] = [0, 1, 2, 3].map((i) => view.getUint32(8 + 4 * i, true)) as [number, number, number, number];
  const n = trainCount + testCount;
  const pixels = n * rows * cols;
  if (bytes.length !== HEADER_BYTES + pixels + n) {
    throw new Error(`${file}: header says ${trainCount} + ${testCount} images of ${rows}×${cols} (${HEADER_BYTES + pixels + n} bytes), file has ${bytes.length}`);
  }
  const labels = bytes.subarray(HEADER_BYTES + pixels);
  const bad = labels.findIndex((l) => l > 9);
  if (bad >= 0) throw new Error(`${file}: label ${bad} is ${labels[bad]}, expected 0…9`);
  return { trainCount, testCount, rows, cols, images: bytes.subarray(HEADER_BYTES, HEADER_BYTES + pixels), labels };
}

/** SHA-256 (lower-case hex) with WebCrypto, available in browsers (secure contexts) and Node ≥ 20. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const subtle = (globalThis as { crypto?: { subtle?: { digest(algorithm: string, data: Uint8Array): Promise<ArrayBuffer> } } }).crypto?.subtle;
  if (!subtle) throw new Error('sha256: WebCrypto is unavailable here (browsers offer it on https:// and http://localhost only)');
  const digest = new Uint8Array(await subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Checks the gzipped bytes against the committed checksum, gunzips and decodes them. */
export async function verifyAndDecode(gz: Uint8Array, expectedSha256: string, file: string, gunzip: (b: Uint8Array) => Promise<Uint8Array>): Promise<MnistSubset> {
  const actual = await sha256Hex(gz);
  if (actual !== expectedSha256) throw new Error(`${file}: SHA-256 is ${actual}, expected ${expectedSha256} (a damaged or different file)`);
  return decodeMnistSubset(await gunzip(gz), file);
}
