/**
 * Reader for the official CIFAR-10 binary batches (`cifar-10-binary.tar.gz`: `data_batch_1.bin` …
 * `data_batch_5.bin`, `test_batch.bin`, `batches.meta.txt`).
 *
 * Layout (Krizhevsky, "The CIFAR-10 dataset", binary version): records of 3073 bytes, one label
 * byte (0–9) then 3072 pixel bytes, channel-planar: 1024 red, 1024 green, 1024 blue, each 32×32
 * row-major. That is already NCHW, so decoding is one label byte plus a 3072-byte copy per record.
 * Cost: O(bytes), one pass.
 */
import { sha256Hex } from './bytes.js';
import { DatasetError } from './errors.js';
import type { FileSource } from './source.js';

export const CIFAR_IMAGE_BYTES = 3 * 32 * 32;
export const CIFAR_RECORD_BYTES = 1 + CIFAR_IMAGE_BYTES;
export const CIFAR_TRAIN_BATCHES = ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'];
export const CIFAR_TEST_BATCHES = ['test_batch.bin'];

/**
 * Number of records in a batch file, or a `truncated` / `bad-size` DatasetError naming `file`.
 * @example cifarRecordCount(new Uint8Array(2 * 3073), 'b.bin') // 2
 */
export function cifarRecordCount(bytes: Uint8Array, file: string): number {
  if (bytes.length < CIFAR_RECORD_BYTES) {
    throw new DatasetError('truncated', `${file}: CIFAR-10 batch is ${bytes.length} bytes, expected a multiple of ${CIFAR_RECORD_BYTES} (1 label + 3072 pixels per image)`, file);
  }
  if (bytes.length % CIFAR_RECORD_BYTES !== 0) {
    throw new DatasetError('bad-size', `${file}: CIFAR-10 batch is ${bytes.length} bytes, not a multiple of ${CIFAR_RECORD_BYTES} (1 label + 3072 pixels per image; ${bytes.length % CIFAR_RECORD_BYTES} bytes left over)`, file);
  }
  return bytes.length / CIFAR_RECORD_BYTES;
}

/**
 * Decodes the records of one batch into `images` (NCHW uint8) and `labels` starting at image
 * `offset`; a label ≥ `classes` is a `bad-label` DatasetError naming the file and record.
 * Returns the number of records.
 * @example decodeCifarRecords(bytes, 'data_batch_1.bin', images, labels, 0) // 10000
 */
export function decodeCifarRecords(bytes: Uint8Array, file: string, images: Uint8Array, labels: Uint8Array, offset: number, classes = 10): number {
  const count = cifarRecordCount(bytes, file);
  for (let n = 0; n < count; n++) {
    const record = n * CIFAR_RECORD_BYTES;
    const label = bytes[record]!;
    if (label >= classes) {
      throw new DatasetError('bad-label', `${file}: record ${n} has label ${label}, expected 0..${classes - 1}`, file);
    }
    labels[offset + n] = label;
    images.set(bytes.subarray(record + 1, record + CIFAR_RECORD_BYTES), (offset + n) * CIFAR_IMAGE_BYTES);
  }
  return count;
}

/**
 * One batch file's bytes as `{ count, images, labels }` (fresh arrays).
 * @example parseCifarBatch(readFileSync('test_batch.bin'), 'test_batch.bin').count // 10000
 */
export function parseCifarBatch(bytes: Uint8Array, file: string, classes = 10): { count: number; images: Uint8Array; labels: Uint8Array } {
  const count = cifarRecordCount(bytes, file);
  const images = new Uint8Array(count * CIFAR_IMAGE_BYTES);
  const labels = new Uint8Array(count);
  decodeCifarRecords(bytes, file, images, labels, 0, classes);
  return { count, images, labels };
}

/**
 * The member of `source` whose base name is `base` (at any depth); undefined if none, an error if several.
 * @example findByBaseName(tarSource('cifar-10-binary.tar.gz'), 'test_batch.bin') // 'cifar-10-batches-bin/test_batch.bin'
 */
export function findByBaseName(source: FileSource, base: string): string | undefined {
  const hits = source.paths.filter((p) => p === base || p.endsWith(`/${base}`));
  if (hits.length > 1) {
    throw new DatasetError('bad-archive', `${source.root}: ${base} occurs ${hits.length} times (${hits.join(', ')}); expected one`, source.root);
  }
  return hits[0];
}

/**
 * True when `source` looks like the official binary release (it has data_batch_1.bin).
 * @example isCifarBinarySource(directorySource('cifar-10-batches-bin')) // true
 */
export function isCifarBinarySource(source: FileSource): boolean {
  return findByBaseName(source, 'data_batch_1.bin') !== undefined;
}

/**
 * Reads a split from the official batches in a folder or archive; `sha256` maps each batch's
 * displayed path to the hash of its bytes, and `classes` comes from `batches.meta.txt` when present.
 * @example readCifarBinary(tarSource('cifar-10-binary.tar.gz'), 'test').count // 10000
 */
export function readCifarBinary(source: FileSource, split: 'train' | 'test'): {
  count: number; images: Uint8Array; labels: Uint8Array; sha256: Record<string, string>; classes: string[] | undefined;
} {
  const names = split === 'train' ? CIFAR_TRAIN_BATCHES : CIFAR_TEST_BATCHES;
  const batches = names.map((base) => {
    const path = findByBaseName(source, base);
    if (path === undefined) {
      throw new DatasetError('missing', `${source.root}: no ${base}; expected the official CIFAR-10 binary batches (${names.join(', ')})`, source.root);
    }
    const bytes = source.read(path);
    const file = source.display(path);
    return { file, bytes, count: cifarRecordCount(bytes, file) };
  });
  const count = batches.reduce((s, b) => s + b.count, 0);
  const images = new Uint8Array(count * CIFAR_IMAGE_BYTES);
  const labels = new Uint8Array(count);
  const sha256: Record<string, string> = {};
  let offset = 0;
  for (const b of batches) {
    offset += decodeCifarRecords(b.bytes, b.file, images, labels, offset);
    sha256[b.file] = sha256Hex(b.bytes);
  }
  const meta = findByBaseName(source, 'batches.meta.txt');
  const classes = meta === undefined ? undefined : Buffer.from(source.read(meta)).toString('utf8').split(/\r?\n/).map((s) => s.trim()).filter((s) => s !== '');
  return { count, images, labels, sha256, classes };
}
