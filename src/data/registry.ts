/**
 * The dataset registry: `loadDataset('mnist' | 'fashion-mnist' | 'cifar10', { split })` finds the
 * files (option `root`, else the dataset's environment variable, else the dataset's default location;
 * CIFAR-10 has none, see docs/datasets.md), reads and checks them, verifies SHA-256 values and returns a uint8 {@link Dataset}.
 */
import { join } from 'node:path';
import { pathKind, verifySha256 } from './bytes.js';
import { loadCifar10 } from './cifar10.js';
import { checkDataset, checkLabels, type Dataset } from './dataset.js';
import type { LoadOptions } from './load-options.js';
import { DatasetError } from './errors.js';
import { checkIdxPair, readIdx } from './idx.js';
import { DATASET_NAMES, FASHION_MNIST, FASHION_MNIST_DEFAULT_DIR, MNIST, type DatasetName, type IdxDatasetSpec } from './known.js';
import { defaultMnistDir, nonEmpty } from './locate.js';

export type { LoadOptions } from './load-options.js';

function checkOptions(name: unknown, options: LoadOptions | undefined): asserts options is LoadOptions {
  if (typeof name !== 'string' || !(DATASET_NAMES as readonly string[]).includes(name)) {
    throw new DatasetError('bad-argument', `loadDataset: name must be one of ${DATASET_NAMES.join(', ')}, got ${JSON.stringify(name)}`);
  }
  if (options === undefined || (options.split !== 'train' && options.split !== 'test')) {
    throw new DatasetError('bad-argument', `loadDataset('${name}'): options.split must be 'train' or 'test', got ${JSON.stringify(options?.split)}`);
  }
}

/**
 * Loads one split of a registered dataset.
 * @example
 * const train = loadDataset('mnist', { split: 'train' });
 * train.count; // 60000
 * train.images.length; // 60000 * 1 * 28 * 28
 */
export function loadDataset(name: DatasetName, options: LoadOptions): Dataset {
  checkOptions(name, options);
  if (name === 'cifar10') return loadCifar10(options);
  return loadIdxDataset(name === 'mnist' ? MNIST : FASHION_MNIST, options);
}

/** The raw file `base` or its gzipped form `base.gz` in `dir`, whichever exists. */
function findIdxFile(dir: string, base: string, missingHint: string): string {
  for (const candidate of [join(dir, base), join(dir, `${base}.gz`)]) {
    if (pathKind(candidate) === 'file') return candidate;
  }
  throw new DatasetError('missing', `${join(dir, base)}[.gz]: file not found; ${missingHint}`, join(dir, base));
}

function loadIdxDataset(spec: IdxDatasetSpec, options: LoadOptions): Dataset {
  const fromEnv = nonEmpty(process.env[spec.envVar]);
  const dir = options.root ?? fromEnv ?? (spec.name === 'mnist' ? defaultMnistDir() : FASHION_MNIST_DEFAULT_DIR);
  const how = options.root !== undefined ? 'the root option' : fromEnv !== undefined ? spec.envVar : 'the default location';
  const hint =
    `${spec.label} ${options.split} files not found in ${dir} (from ${how}). To get them, ${spec.install}, ` +
    `or point ${spec.envVar} (or the root option) at a folder with the official IDX files, raw or .gz`;
  if (pathKind(dir) !== 'dir') throw new DatasetError('missing', hint, dir);
  const names = spec.files[options.split];
  const images = readIdx(findIdxFile(dir, names.images, hint));
  const labels = readIdx(findIdxFile(dir, names.labels, hint));
  if (options.verify !== false) {
    verifySha256(images.path, images.sha256, spec.sha256[names.images]!);
    verifySha256(labels.path, labels.sha256, spec.sha256[names.labels]!);
  }
  const pair = checkIdxPair(images, labels);
  checkLabels(labels.data, spec.classes.length, labels.path);
  return checkDataset({
    name: spec.name,
    split: options.split,
    label: spec.label,
    images: images.data,
    labels: labels.data,
    count: pair.count,
    channels: 1,
    height: pair.height,
    width: pair.width,
    classes: [...spec.classes],
    mean: [...spec.mean],
    std: [...spec.std],
    sha256: { [images.path]: images.sha256, [labels.path]: labels.sha256 },
    source: dir,
  });
}
