import { describe, expect, it } from 'vitest';
import { noGrad } from '../../src/autograd/grad-mode.js';
import { BatchNorm2d, Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential } from '../../src/nn/index.js';
import { randn } from '../../src/tensor/create.js';
import { Generator } from '../../src/tensor/random.js';
import { freshLargeAllocations } from '../../src/tensor/storage.js';

function model(): Sequential {
  const g = new Generator(7);
  return new Sequential(
    new Conv2d(1, 8, 3, { padding: 1, generator: g }), new BatchNorm2d(8), new ReLU(), new MaxPool2d(2),
    new Flatten(), new Linear(8 * 14 * 14, 10, { generator: g }),
  );
}

describe('Sequential inference path (eval mode under noGrad)', () => {
  it('gives the same bits as a recorded eval forward, and a repeated forward allocates no new large array', () => {
    const m = model().eval();
    const x = randn([4, 1, 28, 28], { generator: new Generator(3) });
    const recorded = Array.from(m.forward(x).data); // grad mode on: nothing is released
    const first = noGrad(() => m.forward(x));
    expect(Array.from(first.data)).toEqual(recorded);
    const before = freshLargeAllocations();
    const second = noGrad(() => m.forward(x));
    expect(freshLargeAllocations()).toBe(before);
    expect(Array.from(second.data)).toEqual(recorded);
    expect(Array.from(x.data).length).toBe(4 * 28 * 28); // the caller's input stays readable
  });

  it('keeps intermediates in training mode (noGrad alone does not release them)', () => {
    const g = new Generator(1);
    const inner = new Linear(6, 6, { generator: g });
    const captured: { t: unknown } = { t: null };
    const capture = new (class extends ReLU {
      override forward(t: Parameters<ReLU['forward']>[0]) {
        captured.t = t;
        return super.forward(t);
      }
    })();
    const m = new Sequential(inner, capture, new Linear(6, 2, { generator: g }));
    noGrad(() => m.forward(randn([2, 6], { generator: g })));
    expect(() => Array.from((captured.t as { data: Float32Array }).data)).not.toThrow();
  });
});
