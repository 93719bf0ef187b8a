/**
 * Options of `loadDataset` and the per-dataset loaders (its own module so that the registry and the
 * loaders it dispatches to do not import each other).
 */
import type { Split } from './dataset.js';

export interface LoadOptions {
  split: Split;
  /** Folder (MNIST, Fashion-MNIST) or folder/archive (CIFAR-10) to read instead of the default. */
  root?: string;
  /** Check SHA-256 values / structure against the known release (default true). */
  verify?: boolean;
  /** Folder of decoded caches (CIFAR-10 images); default `PQKD_CACHE_DIR` or `~/.cache/pqkd`. */
  cacheDir?: string;
  /** Use and write the decoded cache (default true). */
  cache?: boolean;
}
