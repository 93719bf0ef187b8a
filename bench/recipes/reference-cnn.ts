/**
 * The reference MNIST CNN as a data-parallel recipe (src/nn/data-parallel.ts): every thread imports
 * this module and calls `referenceCnnTask`, so it must stay free of top-level side effects.
 *   conv(1→32, 3×3, pad 1)–ReLU–maxpool2–conv(32→64, 3×3, pad 1)–ReLU–maxpool2–flatten(3136)–
 *   linear(128)–ReLU–linear(10), softmax cross-entropy (mean over the shard).
 */
import { crossEntropy } from '../../src/autograd/functional/losses.js';
import { Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential, type ReplicaTask } from '../../src/nn/index.js';
import { Generator } from '../../src/tensor/random.js';

/** The reference MNIST CNN with PyTorch's default initialisation from `seed`. */
export function referenceMnistCnn(seed: number): Sequential {
  const g = new Generator(seed);
  return new Sequential(
    new Conv2d(1, 32, 3, { padding: 1, generator: g }), new ReLU(), new MaxPool2d(2),
    new Conv2d(32, 64, 3, { padding: 1, generator: g }), new ReLU(), new MaxPool2d(2),
    new Flatten(), new Linear(3136, 128, { generator: g }), new ReLU(), new Linear(128, 10, { generator: g }),
  );
}

/** Recipe export: the CNN from `options.seed` (default 1) and its cross-entropy on [images, labels]. */
export function referenceCnnTask(options: { seed?: number } = {}): ReplicaTask {
  return {
    model: referenceMnistCnn(options?.seed ?? 1),
    loss: (model, [images, labels]) => crossEntropy(model.forward(images!), labels!),
  };
}
