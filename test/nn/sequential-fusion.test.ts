import { afterEach, describe, expect, it, vi } from 'vitest';
import { noGrad } from '../../src/autograd/grad-mode.js';
import { sum } from '../../src/autograd/ops/sum.js';
import { Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential } from '../../src/nn/index.js';
import { randn } from '../../src/tensor/create.js';
import { Generator } from '../../src/tensor/random.js';
import type { Tensor } from '../../src/tensor/tensor.js';

/** A small reference-CNN-like chain: the first conv takes the small-C_in kernel, the second the implicit one. */
function model(): Sequential {
  const g = new Generator(11);
  return new Sequential(
    new Conv2d(1, 8, 3, { padding: 1, generator: g }), new ReLU(), new MaxPool2d(2),
    new Conv2d(8, 16, 3, { padding: 1, generator: g }), new ReLU(), new MaxPool2d(2),
    new Flatten(), new Linear(16 * 4 * 4, 10, { generator: g }),
  );
}

/** The modules applied one by one (no fusion). */
const unfused = (m: Sequential, x: Tensor): Tensor => [...m].reduce((t, layer) => layer.forward(t), x);

describe('Sequential: Conv2d + ReLU fusion under noGrad', () => {
  afterEach(() => vi.restoreAllMocks());

  it('runs each Conv2d → ReLU pair as one fused call under noGrad, with the bits of the two modules', () => {
    const m = model().eval();
    const x = randn([3, 1, 16, 16], { generator: new Generator(4) });
    const expected = Array.from(noGrad(() => unfused(m, x)).data);
    const spy = vi.spyOn(Conv2d.prototype, 'forwardRelu');
    const fused = noGrad(() => m.forward(x));
    expect(spy).toHaveBeenCalledTimes(2);
    expect(Array.from(fused.data)).toEqual(expected);
  });

  it('does not fuse when a graph is recorded: same values, and backward reaches the first conv', () => {
    const m = model();
    const x = randn([2, 1, 16, 16], { generator: new Generator(5) });
    const spy = vi.spyOn(Conv2d.prototype, 'forwardRelu');
    const y = m.forward(x);
    expect(spy).not.toHaveBeenCalled();
    expect(Array.from(y.data)).toEqual(Array.from(noGrad(() => m.forward(x)).data));
    sum(y).backward();
    const first = m.at(0) as Conv2d;
    expect(first.weight.grad?.shape).toEqual([8, 1, 3, 3]);
  });

  it('fuses only a Conv2d directly followed by a plain ReLU', () => {
    const g = new Generator(2);
    const custom = new (class extends ReLU {
      override forward(t: Tensor): Tensor {
        return super.forward(t);
      }
    })();
    const spy = vi.spyOn(Conv2d.prototype, 'forwardRelu');
    const x = randn([1, 2, 8, 8], { generator: g });
    noGrad(() => new Sequential(new Conv2d(2, 4, 3, { generator: g }), custom).forward(x));
    noGrad(() => new Sequential(new Conv2d(2, 4, 3, { generator: g }), new Flatten(), new ReLU()).forward(x));
    noGrad(() => new Sequential(new ReLU(), new Conv2d(2, 4, 3, { generator: g })).forward(x));
    expect(spy).not.toHaveBeenCalled();
    noGrad(() => new Sequential(new Conv2d(2, 4, 3, { generator: g }), new ReLU()).forward(x));
    expect(spy).toHaveBeenCalledTimes(1);
  });
});

describe('Sequential: ReLU + MaxPool2d fusion (training and inference)', () => {
  afterEach(() => vi.restoreAllMocks());

  it('training: each ReLU → MaxPool2d pair runs as one op, with the output and every parameter gradient of the two modules', () => {
    const fusedModel = model();
    const plainModel = model(); // the same seed: the same parameters
    const x = randn([3, 1, 16, 16], { generator: new Generator(6) });
    const spy = vi.spyOn(MaxPool2d.prototype, 'forwardAfterRelu');
    const fused = fusedModel.forward(x);
    expect(spy).toHaveBeenCalledTimes(2);
    const plain = unfused(plainModel, x);
    expect(Array.from(fused.data)).toEqual(Array.from(plain.data));
    sum(fused).backward();
    sum(plain).backward();
    const grads = (m: Sequential): number[][] => m.parameters().map((p) => Array.from(p.grad!.data));
    expect(grads(fusedModel)).toEqual(grads(plainModel));
  });

  it('inference keeps the Conv2d + ReLU fusion first (the ReLU is then consumed, the pool runs alone)', () => {
    const m = model().eval();
    const x = randn([2, 1, 16, 16], { generator: new Generator(7) });
    const convRelu = vi.spyOn(Conv2d.prototype, 'forwardRelu');
    const reluPool = vi.spyOn(MaxPool2d.prototype, 'forwardAfterRelu');
    const y = noGrad(() => m.forward(x));
    expect(convRelu).toHaveBeenCalledTimes(2);
    expect(reluPool).not.toHaveBeenCalled();
    expect(Array.from(y.data)).toEqual(Array.from(noGrad(() => unfused(m, x)).data));
  });

  it('fuses only a plain ReLU directly followed by a plain MaxPool2d (and in noGrad when no Conv2d precedes the ReLU)', () => {
    const g = new Generator(3);
    const x = randn([1, 2, 8, 8], { generator: g });
    const spy = vi.spyOn(MaxPool2d.prototype, 'forwardAfterRelu');
    const custom = new (class extends MaxPool2d {
      override forward(t: Tensor): Tensor {
        return super.forward(t);
      }
    })(2);
    new Sequential(new ReLU(), custom).forward(x);
    new Sequential(new ReLU(), new Flatten()).forward(x);
    new Sequential(new MaxPool2d(2), new ReLU()).forward(x);
    expect(spy).not.toHaveBeenCalled();
    new Sequential(new ReLU(), new MaxPool2d(2)).forward(x);
    noGrad(() => new Sequential(new ReLU(), new MaxPool2d(2)).forward(x));
    expect(spy).toHaveBeenCalledTimes(2);
  });
});
