// disposeGraph: a training step's activations go back to the storage pool, so a steady-state step
// allocates no new large arrays; parameters, inputs and gradients are never touched; a released
// tensor fails loudly; and none of it changes a bit of training.
import { describe, expect, it } from 'vitest';
import { disposeGraph } from '../../src/autograd/dispose-graph.js';
import { crossEntropy } from '../../src/autograd/functional/losses.js';
import { linear } from '../../src/autograd/functional/linear.js';
import { mul } from '../../src/autograd/ops/mul.js';
import { relu } from '../../src/autograd/ops/relu.js';
import { sum } from '../../src/autograd/ops/sum.js';
import { detach } from '../../src/autograd/ops/compare.js';
import { BatchNorm2d, Conv2d, Dropout, Flatten, Linear, MaxPool2d, ReLU, SGD, Sequential } from '../../src/nn/index.js';
import { randint, randn } from '../../src/tensor/create.js';
import { dispose } from '../../src/tensor/dispose.js';
import { Generator } from '../../src/tensor/random.js';
import { freshLargeAllocations } from '../../src/tensor/storage.js';
import { clearStoragePool } from '../../src/tensor/storage-pool.js';

const bits = (a: ArrayLike<number>): Buffer => Buffer.from(Float32Array.from(a).buffer);

/** Takes every pooled array of these sizes and overwrites it, so a wrongly released buffer shows. */
function scribble(sizes: number[], g: Generator): void {
  for (const n of sizes) for (let i = 0; i < 16; i++) randn([n], { generator: g });
}

function smallCnn(seed: number): Sequential {
  const g = new Generator(seed);
  return new Sequential(
    new Conv2d(1, 8, 3, { padding: 1, generator: g }), new BatchNorm2d(8), new ReLU(), new MaxPool2d(2),
    new Flatten(), new Linear(8 * 14 * 14, 64, { generator: g }), new ReLU(), new Dropout({ p: 0.25, generator: g.fork('dropout') }),
    new Linear(64, 10, { generator: g }),
  );
}

type Loop = 'recommended' | 'plain';

/** Trains `steps` SGD steps; returns the weights and the fresh large arrays of each step. */
function train(steps: number, loop: Loop): { weights: Buffer[]; fresh: number[] } {
  clearStoragePool();
  const net = smallCnn(3);
  const opt = new SGD(net.parameters(), { lr: 0.05, momentum: 0.9 });
  const data = new Generator(4);
  const fresh: number[] = [];
  for (let s = 0; s < steps; s++) {
    const before = freshLargeAllocations();
    const x = randn([32, 1, 28, 28], { generator: data });
    const y = randint(0, 10, [32], { generator: data });
    const loss = crossEntropy(net.forward(x), y);
    loss.backward();
    opt.step();
    if (loop === 'recommended') {
      opt.zeroGrad({ setToNone: false });
      disposeGraph(loss);
      dispose(x, y);
    } else {
      opt.zeroGrad();
      clearStoragePool();
    }
    fresh.push(freshLargeAllocations() - before);
  }
  return { weights: net.parameters().map((p) => bits(p.data)), fresh };
}

describe('disposeGraph', () => {
  it('lets a steady-state training step allocate no new large array, without changing a bit', () => {
    const recommended = train(5, 'recommended');
    const plain = train(5, 'plain');
    expect(recommended.fresh[0]).toBeGreaterThan(0);
    expect(recommended.fresh.slice(2)).toEqual([0, 0, 0]);
    expect(plain.fresh.slice(2).every((n) => n > 5)).toBe(true);
    recommended.weights.forEach((w, i) => expect(w.equals(plain.weights[i]!), `parameter ${i}`).toBe(true));
  });

  it('releases intermediates only: parameters (also through transposed views), inputs and grads survive', () => {
    const g = new Generator(7);
    const w = randn([64, 48], { generator: g });
    const b = randn([64], { generator: g });
    w.requiresGrad = true;
    b.requiresGrad = true;
    const x = randn([32, 48], { generator: g });
    const h = relu(linear(x, w, b)); // linear reads w through a transpose view (a non-leaf sharing w's storage)
    const loss = sum(mul(h, h));
    loss.backward();
    const kept = { w: bits(w.data), b: bits(b.data), x: bits(x.data), gw: bits(w.grad!.data), gb: bits(b.grad!.data) };
    disposeGraph(loss);
    scribble([64 * 48, 32 * 64, 32 * 48], g);
    expect(bits(w.data).equals(kept.w)).toBe(true);
    expect(bits(b.data).equals(kept.b)).toBe(true);
    expect(bits(x.data).equals(kept.x)).toBe(true);
    expect(bits(w.grad!.data).equals(kept.gw)).toBe(true);
    expect(bits(b.grad!.data).equals(kept.gb)).toBe(true);
    expect(() => h.data).toThrow(/released by dispose\(\)\/disposeGraph\(\).*clone\(\)/);
    expect(() => loss.item()).toThrow(/released/);
  });

  it('fails loudly on a detached view of a released intermediate instead of reading reused memory', () => {
    const g = new Generator(8);
    const w = randn([40, 40], { generator: g });
    w.requiresGrad = true;
    const h = relu(linear(randn([40, 40], { generator: g }), w));
    const view = detach(h);
    const loss = sum(h);
    loss.backward();
    disposeGraph(loss);
    expect(() => view.toArray()).toThrow(/released/);
  });

  it('refuses a leaf, and a disposed graph cannot be backpropagated again', () => {
    const w = randn([3], { generator: new Generator(0) });
    w.requiresGrad = true;
    expect(() => disposeGraph(w)).toThrow(/disposeGraph: the tensor has no autograd graph/);
    const loss = sum(mul(w, w));
    loss.backward(undefined, { retainGraph: true });
    disposeGraph(loss);
    expect(() => loss.backward()).toThrow(/released|second time/);
  });

  it('returns max-pool indices to the pool after backward, and at once without a graph', async () => {
    const { maxPool2d } = await import('../../src/autograd/ops/pool2d.js');
    const { storagePoolStats } = await import('../../src/tensor/storage-pool.js');
    const { noGrad } = await import('../../src/autograd/grad-mode.js');
    const x = randn([2, 4, 32, 32], { generator: new Generator(1) });
    clearStoragePool();
    const r0 = storagePoolStats().released;
    noGrad(() => maxPool2d(x, { kernelSize: 2 }));
    expect(storagePoolStats().released - r0).toBe(1); // the 2·4·16·16 argmax indices
    x.requiresGrad = true;
    const r1 = storagePoolStats().released;
    const y = maxPool2d(x, { kernelSize: 2 });
    expect(storagePoolStats().released).toBe(r1); // kept for backward
    sum(y).backward();
    expect(storagePoolStats().released - r1).toBeGreaterThanOrEqual(1);
  });
});
