// 1-thread and 2-thread training steps give bit-identical weights (issue "Fast CPU kernels").
import { afterAll, describe, expect, it } from 'vitest';
import { crossEntropy } from '../../src/autograd/functional/losses.js';
import { disposeGraph } from '../../src/autograd/dispose-graph.js';
import { dispose } from '../../src/tensor/dispose.js';
import { randint, randn } from '../../src/tensor/create.js';
import { Generator } from '../../src/tensor/random.js';
import { threadPoolStats, warmUpThreads } from '../../src/tensor/parallel/pool.js';
import { getNumThreads, getParallelMinMacs, setNumThreads, setParallelMinMacs } from '../../src/tensor/parallel/threads.js';
import { Conv2d, Flatten, Linear, MaxPool2d, ReLU, SGD, Sequential } from '../../src/nn/index.js';

const before = getNumThreads();
const minMacs = getParallelMinMacs();
afterAll(() => {
  setNumThreads(before);
  setParallelMinMacs(minMacs);
});

function trainSteps(threads: number, recycle = false): Float32Array[] {
  setNumThreads(threads);
  const g = new Generator(1);
  const net = new Sequential(
    new Conv2d(1, 16, 3, { padding: 1, generator: g }), new ReLU(), new MaxPool2d(2),
    new Conv2d(16, 32, 3, { padding: 1, generator: g }), new ReLU(), new MaxPool2d(2),
    new Flatten(), new Linear(32 * 7 * 7, 10, { generator: g }),
  );
  const opt = new SGD(net.parameters(), { lr: 0.05, momentum: 0.9 });
  const data = new Generator(2);
  for (let step = 0; step < 3; step++) {
    const x = randn([16, 1, 28, 28], { generator: data });
    const y = randint(0, 10, [16], { generator: data });
    const loss = crossEntropy(net.forward(x), y);
    loss.backward();
    opt.step();
    if (recycle) {
      // The recommended loop: shared (SharedArrayBuffer) storage goes through the pool too.
      opt.zeroGrad({ setToNone: false });
      disposeGraph(loss);
      dispose(x, y);
    } else {
      opt.zeroGrad();
    }
  }
  return net.parameters().map((p) => Float32Array.from(p.data as Float32Array));
}

describe('thread count', () => {
  it('does not change a single bit of three SGD steps of a CNN (with and without buffer recycling)', async () => {
    setParallelMinMacs(0); // split every GEMM/conv over the workers
    setNumThreads(2);
    await warmUpThreads();
    const dispatchedBefore = threadPoolStats().dispatched;
    const two = trainSteps(2);
    expect(threadPoolStats().dispatched).toBeGreaterThan(dispatchedBefore);
    const one = trainSteps(1);
    const twoRecycled = trainSteps(2, true);
    const oneRecycled = trainSteps(1, true);
    for (const other of [two, twoRecycled, oneRecycled]) {
      expect(other.length).toBe(one.length);
      one.forEach((w, i) => {
        expect(Buffer.from(other[i]!.buffer).equals(Buffer.from(w.buffer)), `parameter ${i}`).toBe(true);
      });
    }
  });
});
