// Gradient buffers released by the engine are reused by later steps, without changing a single bit.
import { describe, expect, it } from 'vitest';
import { crossEntropy } from '../../src/autograd/functional/losses.js';
import { add } from '../../src/autograd/ops/add.js';
import { mul } from '../../src/autograd/ops/mul.js';
import { reshape } from '../../src/autograd/ops/reshape.js';
import { sum } from '../../src/autograd/ops/sum.js';
import { BatchNorm2d, Conv2d, Flatten, Linear, MaxPool2d, ReLU, SGD, Sequential } from '../../src/nn/index.js';
import { randint, randn } from '../../src/tensor/create.js';
import { Generator } from '../../src/tensor/random.js';
import { clearStoragePool, storagePoolStats } from '../../src/tensor/storage-pool.js';

function train(steps: number, disablePool: boolean): { weights: Float32Array[]; reused: number } {
  clearStoragePool();
  const before = storagePoolStats().reused;
  const g = new Generator(4);
  const net = new Sequential(
    new Conv2d(1, 8, 3, { padding: 1, generator: g }), new BatchNorm2d(8), new ReLU(), new MaxPool2d(2),
    new Flatten(), new Linear(8 * 14 * 14, 10, { generator: g }),
  );
  const opt = new SGD(net.parameters(), { lr: 0.1, momentum: 0.9 });
  const data = new Generator(5);
  for (let s = 0; s < steps; s++) {
    if (disablePool) clearStoragePool();
    const x = randn([16, 1, 28, 28], { generator: data });
    const y = randint(0, 10, [16], { generator: data });
    crossEntropy(net.forward(x), y).backward();
    opt.step();
    opt.zeroGrad();
  }
  return { weights: net.parameters().map((p) => Float32Array.from(p.data as Float32Array)), reused: storagePoolStats().reused - before };
}

describe('storage pool', () => {
  it('reuses gradient buffers across training steps and gives the same bits as without reuse', () => {
    const pooled = train(4, false);
    const fresh = train(4, true);
    expect(pooled.reused).toBeGreaterThan(0);
    pooled.weights.forEach((w, i) => expect(Buffer.from(w.buffer).equals(Buffer.from(fresh.weights[i]!.buffer)), `parameter ${i}`).toBe(true));
  });

  it('never recycles a gradient that is still shared (x + x, views) or kept by retainsGrad', () => {
    const g = new Generator(1);
    const x = randn([64, 64], { generator: g });
    x.requiresGrad = true;
    const h = reshape(mul(x, 2), [4096]);
    h.retainsGrad = true;
    const y = sum(mul(add(h, h), reshape(x, [4096])));
    y.backward();
    const kept = Float32Array.from(h.grad!.data as Float32Array);
    // Allocate enough same-sized tensors to take anything the pool holds, and overwrite them.
    for (let i = 0; i < 8; i++) randn([4096], { generator: g });
    expect(Array.from(h.grad!.data as Float32Array)).toEqual(Array.from(kept));
    // y = Σ (h + h)·x with h = 2x, i.e. 4·Σx²: x.grad = 8x, and h.grad = 2x.
    const xs = x.data as Float32Array;
    const gx = x.grad!.data as Float32Array;
    for (let i = 0; i < xs.length; i++) {
      expect(gx[i]).toBeCloseTo(8 * xs[i]!, 4);
      expect(kept[i]).toBeCloseTo(2 * xs[i]!, 5);
    }
  });

  it('gives two leaves that receive the same gradient buffers of their own (adoption never aliases)', () => {
    const g = new Generator(2);
    const a = randn([64, 32], { generator: g });
    const b = randn([64, 32], { generator: g });
    a.requiresGrad = true;
    b.requiresGrad = true;
    sum(add(a, b)).backward(); // add passes one gradient tensor to both inputs
    expect(a.grad!.data).not.toBe(b.grad!.data);
    (a.grad!.data as Float32Array).fill(5);
    expect(Array.from(b.grad!.data as Float32Array).every((v) => v === 1)).toBe(true);
  });

  it('accumulates into an existing .grad in place, with the bits of an out-of-place sum', () => {
    const g = new Generator(3);
    const w = randn([48, 40], { generator: g });
    w.requiresGrad = true;
    const c1 = randn([48, 40], { generator: g });
    const c2 = randn([48, 40], { generator: g });
    sum(mul(mul(w, 3), c1)).backward(); // ∂/∂w = 3·c1
    const first = w.grad!;
    const g1 = Float32Array.from(first.data as Float32Array);
    const v1 = first.storage.version;
    sum(mul(mul(w, 3), c2)).backward(); // adds 3·c2
    expect(w.grad).toBe(first); // same tensor, same buffer
    expect(first.storage.version).toBe(v1 + 1);
    const c2s = c2.data as Float32Array;
    const expected = Float32Array.from(g1, (v, i) => Math.fround(v + Math.fround(Math.fround(3) * c2s[i]!)));
    expect(Buffer.from((w.grad!.data as Float32Array).buffer).equals(Buffer.from(expected.buffer))).toBe(true);
  });
});
