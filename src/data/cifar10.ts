/**
 * CIFAR-10 from a configured location (the `root` option, else `PQKD_CIFAR10_PATH`; there is no
 * default, see docs/datasets.md), which may be any of: the JPEG copy `cifar10-jpeg.tar.gz`, the official
 * `cifar-10-binary.tar.gz` or its extracted folder, or another image folder / tar of
 * `<split>/<class>/*.jpg|png`. Decoded images go through the decoded cache (./cache.ts).
 *
 * Verification (`verify`, default true): the JPEG copy is recognised by its archive SHA-256 and its
 * decoded pixels are checked against the known decoded SHA-256 (a file named `cifar10-jpeg.tar.gz`
 * must be the JPEG copy). Other sources have no known hashes here, so they are checked structurally: the ten
 * CIFAR-10 classes in the official order and exactly 5,000 (train) / 1,000 (test) images per class.
 */
import { createHash } from 'node:crypto';
import { basename, join } from 'node:path';
import { pathKind, readFileBytes, sha256Hex, verifySha256 } from './bytes.js';
import { readDecodedCache, writeDecodedCache, type CachedSplit } from './cache.js';
import { CIFAR_TEST_BATCHES, CIFAR_TRAIN_BATCHES, isCifarBinarySource, readCifarBinary } from './cifar-binary.js';
import { checkDataset, type Dataset, type Split } from './dataset.js';
import { DatasetError, describeThrown } from './errors.js';
import { IMAGE_DECODER_ID } from './image.js';
import { listImageFolder, readImageFolder } from './image-folder.js';
import {
  CIFAR10_CLASSES, CIFAR10_ENV_VAR, CIFAR10_JPEG_ARCHIVE_SHA256, CIFAR10_JPEG_DECODED_SHA256, CIFAR10_JPEG_LABEL,
  CIFAR10_JPEG_MEAN, CIFAR10_JPEG_STD, CIFAR10_LABEL, CIFAR10_MEAN, CIFAR10_PER_CLASS, CIFAR10_STD,
} from './known.js';
import { nonEmpty, resolveCacheDir } from './locate.js';
import type { LoadOptions } from './load-options.js';
import { directorySource, tarSource, type FileSource } from './source.js';

const JPEG_ARCHIVE_NAME = 'cifar10-jpeg.tar.gz';

/**
 * Loads one CIFAR-10 split (see the module comment for sources and checks).
 * @example loadCifar10({ split: 'test' }).label // 'CIFAR-10 (JPEG q75 copy)'
 */
export function loadCifar10(options: LoadOptions): Dataset {
  const fromEnv = nonEmpty(process.env[CIFAR10_ENV_VAR]);
  const path = options.root ?? fromEnv;
  const verify = options.verify !== false;
  const accepted = `the official cifar-10-binary.tar.gz, its extracted folder, the JPEG copy ${JPEG_ARCHIVE_NAME}, or an image folder / tar of <split>/<class>/*.jpg|png`;
  if (path === undefined) {
    throw new DatasetError('missing', `CIFAR-10 location not configured: set ${CIFAR10_ENV_VAR} (or the root option) to ${accepted}`, CIFAR10_ENV_VAR);
  }
  const kind = pathKind(path);
  if (kind === undefined) {
    const how = options.root !== undefined ? 'the root option' : CIFAR10_ENV_VAR;
    throw new DatasetError('missing', `CIFAR-10 not found at ${path} (from ${how}); expected ${accepted}`, path);
  }
  if (kind === 'file') {
    const bytes = readFileBytes(path);
    const archiveSha = sha256Hex(bytes);
    const isJpegCopy = archiveSha === CIFAR10_JPEG_ARCHIVE_SHA256;
    if (verify && !isJpegCopy && basename(path) === JPEG_ARCHIVE_NAME) verifySha256(path, archiveSha, CIFAR10_JPEG_ARCHIVE_SHA256);
    let source: FileSource | undefined;
    const open = (): FileSource => (source ??= tarSource(path, bytes));
    if (!isJpegCopy && isCifarBinarySource(open())) return fromBinary(open(), options.split, verify, { [path]: archiveSha });
    return fromImages(open, archiveSha, isJpegCopy, path, { [path]: archiveSha }, options);
  }
  const source = directorySource(path);
  if (isCifarBinarySource(source)) return fromBinary(source, options.split, verify, {});
  const folderSha = hashFolderSplit(source, options.split);
  return fromImages(() => source, folderSha, false, path, { [`${path}/${options.split}`]: folderSha }, options);
}

/** SHA-256 over (path, NUL, size, NUL, bytes) of every image of the split, in listing order. */
function hashFolderSplit(source: FileSource, split: Split): string {
  const h = createHash('sha256');
  for (const [, paths] of listImageFolder(source, split)) {
    for (const p of paths) {
      const bytes = source.read(p);
      h.update(`${p}\0${bytes.length}\0`).update(bytes);
    }
  }
  return h.digest('hex');
}

function checkStructure(where: string, split: Split, classes: string[], labels: Uint8Array): void {
  if (classes.join(',') !== CIFAR10_CLASSES.join(',')) {
    throw new DatasetError('count-mismatch', `${where}: classes are [${classes.join(', ')}], expected the CIFAR-10 classes [${CIFAR10_CLASSES.join(', ')}] (pass { verify: false } for custom data)`, where);
  }
  const counts = new Array<number>(classes.length).fill(0);
  for (let i = 0; i < labels.length; i++) counts[labels[i]!]! += 1;
  if (!counts.every((c) => c === CIFAR10_PER_CLASS[split])) {
    throw new DatasetError('count-mismatch', `${where}: ${split} images per class are [${counts.join(', ')}], expected ${CIFAR10_PER_CLASS[split]} each (pass { verify: false } for custom data)`, where);
  }
}

function fromBinary(source: FileSource, split: Split, verify: boolean, sha256: Record<string, string>): Dataset {
  const data = readCifarBinary(source, split);
  const classes = data.classes ?? [...CIFAR10_CLASSES];
  if (verify) checkStructure(source.root, split, classes, data.labels);
  const batches = (split === 'train' ? CIFAR_TRAIN_BATCHES : CIFAR_TEST_BATCHES).join(', ');
  return checkDataset({
    name: 'cifar10', split, label: CIFAR10_LABEL, images: data.images, labels: data.labels, count: data.count,
    channels: 3, height: 32, width: 32, classes, mean: [...CIFAR10_MEAN], std: [...CIFAR10_STD],
    sha256: { ...sha256, ...data.sha256 }, source: `${source.root} (${batches})`,
  });
}

function fromImages(
  open: () => FileSource, sourceSha: string, isJpegCopy: boolean, path: string, sha256: Record<string, string>, options: LoadOptions,
): Dataset {
  const { split } = options;
  const verify = options.verify !== false;
  const key = { sourceSha256: sourceSha, decoder: IMAGE_DECODER_ID, split };
  const decode = (): CachedSplit => readImageFolder(open(), { split, channels: 3, height: 32, width: 32 });
  let data: CachedSplit;
  let cache: Dataset['cache'];
  let decodedSha: string;
  if (options.cache === false) {
    data = decode();
    decodedSha = sha256Hex(data.labels, data.images);
  } else {
    const cachePath = join(resolveCacheDir(options.cacheDir), `cifar10-${split}-${sourceSha.slice(0, 16)}.u8cache`);
    ({ data, cache, decodedSha } = cached(cachePath, key, decode));
  }
  const decodedKey = `${path} (decoded ${split}: labels + NCHW pixels)`;
  if (verify && isJpegCopy) verifySha256(decodedKey, decodedSha, CIFAR10_JPEG_DECODED_SHA256[split]);
  const jpegCopy = isJpegCopy || decodedSha === CIFAR10_JPEG_DECODED_SHA256[split];
  if (verify && !jpegCopy) checkStructure(path, split, data.classes, data.labels);
  return checkDataset({
    name: 'cifar10', split, label: jpegCopy ? CIFAR10_JPEG_LABEL : `${CIFAR10_LABEL} (image folder)`,
    images: data.images, labels: data.labels, count: data.count, channels: data.channels, height: data.height, width: data.width,
    classes: data.classes, mean: [...(jpegCopy ? CIFAR10_JPEG_MEAN : CIFAR10_MEAN)], std: [...(jpegCopy ? CIFAR10_JPEG_STD : CIFAR10_STD)],
    sha256: { ...sha256, [decodedKey]: decodedSha }, source: path, ...(cache ? { cache } : {}),
  });
}

/** Reads the cache at `cachePath`, or decodes and writes it (a corrupt/stale cache is rebuilt). */
function cached(cachePath: string, key: { sourceSha256: string; decoder: string; split: string }, decode: () => CachedSplit): {
  data: CachedSplit; cache: NonNullable<Dataset['cache']>; decodedSha: string;
} {
  let status: 'built' | 'rebuilt' = 'built';
  let reason: string | undefined;
  try {
    const data = readDecodedCache(cachePath, key);
    return { data, cache: { path: cachePath, status: 'hit' }, decodedSha: data.contentSha256 };
  } catch (e) {
    if (!(e instanceof DatasetError) || (e.code !== 'missing' && e.code !== 'bad-cache')) throw e;
    if (e.code === 'bad-cache') [status, reason] = ['rebuilt', e.message];
  }
  const data = decode();
  let decodedSha: string;
  try {
    decodedSha = writeDecodedCache(cachePath, key, data);
  } catch (e) {
    const why = describeThrown(e);
    process.emitWarning(`pqkd: decoded cache not written: ${why}`);
    return { data, cache: { path: cachePath, status: 'unwritable', reason: why }, decodedSha: sha256Hex(data.labels, data.images) };
  }
  return { data, cache: reason === undefined ? { path: cachePath, status } : { path: cachePath, status, reason }, decodedSha };
}
