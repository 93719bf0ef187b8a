/**
 * `DataLoader`: batches of a uint8 dataset as float32 tensors, normalised (and optionally augmented)
 * on the fly, in a seeded, resumable order.
 *
 * Order of epoch e: the sample indices (option `indices`, default 0..N−1) in their given order, or,
 * with `shuffle`, permuted by `generator.fork(\`epoch:${e}\`).permutation(n)`; batch b holds positions
 * [b·B, (b+1)·B) of that order (the last batch is shorter unless `dropLast`). Augmentation of batch b
 * of epoch e draws from `generator.fork(\`augment:${e}:${b}\`)`. Both depend only on (seed, e, b), so
 * a resumed run (same seed, same epoch and batch) sees exactly the same data, and the generator
 * passed in is never advanced.
 */
import { fromTypedArray } from '../tensor/create.js';
import type { Generator } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { augmentBatch, checkAugmentOptions, CIFAR_AUGMENT, type AugmentOptions } from './augment.js';
import type { Dataset } from './dataset.js';
import { DatasetError } from './errors.js';
import { normalizationTable, normalizeBatch } from './normalize.js';
import { indicesByClass } from './splits.js';

export interface DataLoaderOptions {
  batchSize: number;
  /** Reshuffle every epoch (needs `generator`). Default false. */
  shuffle?: boolean;
  /** Source of every random choice (shuffling, augmentation); never advanced, only forked. */
  generator?: Generator;
  /** Drop the last, incomplete batch. Default false. */
  dropLast?: boolean;
  /** `true` for the CIFAR recipe (4-pixel padded crop + flip), or explicit options (needs `generator`). */
  augment?: boolean | AugmentOptions;
  /** The samples to iterate (e.g. a train/validation split or a subset). Default all. */
  indices?: ArrayLike<number>;
  /** Apply the dataset's mean/std (default true); false scales pixels to [0, 1] only. */
  normalize?: boolean;
}

/** One batch: images [B, C, H, W] float32, labels [B] int32, and the dataset indices used. */
export interface Batch {
  images: Tensor;
  labels: Tensor;
  indices: Int32Array;
  epoch: number;
  batch: number;
}

/**
 * Iterates a dataset in batches.
 * @example
 * const loader = new DataLoader(mnistTrain, { batchSize: 64, shuffle: true, generator: new Generator(0) });
 * for (const { images, labels } of loader) { images.shape; } // [64, 1, 28, 28]
 */
export class DataLoader {
  readonly dataset: Dataset;
  readonly batchSize: number;
  readonly dropLast: boolean;
  /** The epoch the next `for … of` iterates; advanced by each full or partial iteration start. */
  epoch = 0;
  private readonly samples: Int32Array;
  private readonly shuffle: boolean;
  private readonly generator: Generator | undefined;
  private readonly augment: Required<AugmentOptions> | undefined;
  private readonly lut: Float32Array;
  private lastOrder: { epoch: number; order: Int32Array } | undefined;

  constructor(dataset: Dataset, options: DataLoaderOptions) {
    const op = 'DataLoader';
    const { batchSize } = options;
    if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
      throw new DatasetError('bad-argument', `${op}: batchSize must be a positive integer, got ${String(batchSize)}`);
    }
    const augment = options.augment === true ? CIFAR_AUGMENT : options.augment ? checkAugmentOptions(options.augment) : undefined;
    if ((options.shuffle || augment) && options.generator === undefined) {
      throw new DatasetError('bad-argument', `${op}: shuffle and augment draw from a seeded generator; pass options.generator (e.g. new Generator(seed))`);
    }
    if (options.indices !== undefined) indicesByClass(dataset, options.indices); // validates range
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.dropLast = options.dropLast ?? false;
    this.samples = options.indices === undefined ? Int32Array.from({ length: dataset.count }, (_, i) => i) : Int32Array.from(options.indices);
    this.shuffle = options.shuffle ?? false;
    this.generator = options.generator;
    this.augment = augment;
    this.lut = options.normalize === false ? normalizationTable(dataset.mean.map(() => 0), dataset.mean.map(() => 1)) : normalizationTable(dataset.mean, dataset.std);
  }

  /** Number of samples per epoch. */
  get size(): number {
    return this.samples.length;
  }

  /** Number of batches per epoch. */
  get length(): number {
    const n = this.samples.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** The sample order of `epoch` (dataset indices; a fresh array). */
  order(epoch: number): Int32Array {
    if (!Number.isSafeInteger(epoch) || epoch < 0) {
      throw new DatasetError('bad-argument', `DataLoader: epoch must be a non-negative integer, got ${String(epoch)}`);
    }
    if (!this.shuffle) return this.samples.slice();
    const perm = this.generator!.fork(`epoch:${epoch}`).permutation(this.samples.length);
    return perm.map((j) => this.samples[j]!);
  }

  /** The order of `epoch`, memoised for the most recent epoch (random access by batch). */
  private orderOf(epoch: number): Int32Array {
    if (this.lastOrder?.epoch !== epoch) this.lastOrder = { epoch, order: this.order(epoch) };
    return this.lastOrder.order;
  }

  /** Batch `batch` of `epoch` (random access; the same call always gives the same data). */
  batch(epoch: number, batch: number): Batch {
    const order = this.orderOf(epoch);
    if (!Number.isSafeInteger(batch) || batch < 0 || batch >= this.length) {
      throw new DatasetError('bad-argument', `DataLoader.batch: batch must be an integer in [0, ${this.length}), got ${String(batch)}`);
    }
    const d = this.dataset;
    const indices = order.slice(batch * this.batchSize, Math.min(order.length, (batch + 1) * this.batchSize));
    const pixels = this.augment
      ? augmentBatch(d, indices, this.lut, this.generator!.fork(`augment:${epoch}:${batch}`), this.augment)
      : normalizeBatch(d, indices, this.lut);
    const labels = new Int32Array(indices.length);
    for (let b = 0; b < indices.length; b++) labels[b] = d.labels[indices[b]!]!;
    return {
      images: fromTypedArray(pixels, [indices.length, d.channels, d.height, d.width]),
      labels: fromTypedArray(labels, [indices.length]),
      indices,
      epoch,
      batch,
    };
  }

  /** The batches of `epoch`, from batch `start` (default 0): for resuming inside an epoch. */
  *batches(epoch: number, start = 0): IterableIterator<Batch> {
    for (let b = start; b < this.length; b++) yield this.batch(epoch, b);
  }

  /** Iterates epoch `this.epoch`, then advances it. */
  [Symbol.iterator](): IterableIterator<Batch> {
    const epoch = this.epoch;
    this.epoch += 1;
    return this.batches(epoch);
  }
}
