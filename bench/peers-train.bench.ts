/**
 * Peer engines on the reference MNIST CNN of bench/train.bench.ts (batch 64): conv(1→32, 3×3 pad 1)–
 * ReLU–maxpool2–conv(32→64)–ReLU–maxpool2–flatten–linear(128)–ReLU–linear(10), softmax cross-entropy.
 * `cnn_forward_b64` is the forward pass; `train_step_sgd` one SGD step (lr 0.01) with tf.Optimizer.
 * tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter kernel, so it cannot train the CNN: reported
 * as unsupported, not timed. The tfjs-cpu train step takes about a minute: one timed iteration.
 */
import * as tf from '@tensorflow/tfjs';
import type { BenchCase, BenchSuite } from './harness.js';
import { benchData } from './kernels.bench.js';
import { FORWARD_FLOPS, STEP_FLOPS } from './train.bench.js';
import { useBackend, type PeerSystem } from './peers.bench.js';

const BATCH = 64;

function model(): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, padding: 'same', activation: 'relu' }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tf.layers.conv2d({ filters: 64, kernelSize: 3, padding: 'same', activation: 'relu' }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tf.layers.flatten());
  m.add(tf.layers.dense({ units: 128, activation: 'relu' }));
  m.add(tf.layers.dense({ units: 10 }));
  return m;
}

function peerCases(system: PeerSystem): BenchCase[] {
  let net: tf.Sequential | null = null;
  let x: tf.Tensor4D | null = null;
  let y: tf.Tensor2D | null = null;
  let optimizer: tf.Optimizer | null = null;
  const setup = async (): Promise<void> => {
    await useBackend(system);
    optimizer = tf.train.sgd(0.01);
    net = model();
    x = tf.tensor4d(benchData(BATCH * 784, 7), [BATCH, 28, 28, 1]);
    y = tf.oneHot(tf.tensor1d(Array.from({ length: BATCH }, (_, i) => i % 10), 'int32'), 10) as tf.Tensor2D;
  };
  const teardown = (): void => {
    optimizer?.dispose();
    net?.dispose();
    x?.dispose();
    y?.dispose();
  };
  const imagesPerSecond = (ms: number): Record<string, number> => ({ images_per_s: Math.round((BATCH / ms) * 1000) });
  const cases: BenchCase[] = [{
    name: 'cnn_forward_b64', system, flops: FORWARD_FLOPS, iterations: system === 'tfjs-cpu' ? 1 : 5, setup, teardown, extra: imagesPerSecond,
    fn: () => tf.tidy(() => (net!.predict(x!) as tf.Tensor).dataSync()),
  }];
  if (system === 'tfjs-cpu') {
    cases.push({
      name: 'train_step_sgd', system, flops: STEP_FLOPS, iterations: 1, setup, teardown, extra: imagesPerSecond,
      fn: () => {
        const loss = optimizer!.minimize(() => tf.losses.softmaxCrossEntropy(y!, net!.apply(x!) as tf.Tensor2D) as tf.Scalar, true);
        loss?.dataSync();
        loss?.dispose();
      },
    });
  }
  return cases;
}

export const suite: BenchSuite = {
  name: 'peers-train',
  unsupported: [{ name: 'train_step_sgd', system: 'tfjs-wasm', reason: 'no Conv2DBackpropFilter kernel in tfjs-backend-wasm 4.22' }],
  cases: () => [...peerCases('tfjs-wasm'), ...peerCases('tfjs-cpu')],
};
