import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Adam, AdamW } from '../../../src/nn/optim/adam.js';
import type { Optimizer } from '../../../src/nn/optim/optimizer.js';
import { SGD } from '../../../src/nn/optim/sgd.js';
import { Parameter } from '../../../src/nn/parameter.js';
import { BANDWIDTH_PARALLEL_MIN_ELEMENTS, optimizerUpdate } from '../../../src/tensor/kernel-dispatch.js';
import { shutdownThreads, threadPoolStats, warmUpThreads } from '../../../src/tensor/parallel/pool.js';
import { createSharedArray } from '../../../src/tensor/parallel/share.js';
import { defaultNumThreads, setNumThreads } from '../../../src/tensor/parallel/threads.js';
import { Generator } from '../../../src/tensor/random.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { setKernelsMode, wasmSimdSupported } from '../../../src/tensor/wasm/support.js';
import { expectExactlyEqual } from '../kernels/helpers.js';

// Above the bandwidth threshold, not a multiple of 16 (the range unit) nor of the SIMD block.
const N = BANDWIDTH_PARALLEL_MIN_ELEMENTS + 37;
const MODES = wasmSimdSupported() ? (['js', 'simd'] as const) : (['js'] as const);

/** A shared float32 array of n seeded uniforms in [-2, 2), with a few special values. */
function sharedRandom(seed: number): Float32Array {
  const a = createSharedArray('float32', N);
  a.set(new Generator(seed).uniformArray(N, -2, 2));
  a[3] = 0; a[N - 1] = -0; a[N - 2] = 1e-40;
  return a;
}

/** Three steps of the optimizer on one shared parameter; returns p and the state buffers. */
function train(make: (p: Parameter) => Optimizer): Float32Array[] {
  const p = new Parameter(Tensor.fromData(sharedRandom(1), [N], 'float32'));
  const opt = make(p);
  for (let step = 0; step < 3; step++) {
    p.grad = Tensor.fromData(sharedRandom(10 + step), [N], 'float32');
    opt.step();
  }
  const buffers = opt.stateDict().state[0]!.buffers;
  return [Float32Array.from(p.data as Float32Array), ...Object.keys(buffers).sort().map((k) => Float32Array.from(buffers[k]!.data as Float32Array))];
}

const OPTIMIZERS: [string, (p: Parameter) => Optimizer][] = [
  ['SGD (momentum, Nesterov, weight decay)', (p) => new SGD([p], { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.01 })],
  ['SGD (plain)', (p) => new SGD([p], { lr: 0.05 })],
  ['Adam (L2, AMSGrad)', (p) => new Adam([p], { lr: 0.01, weightDecay: 0.1, amsgrad: true })],
  ['AdamW (β1 = 0.3)', (p) => new AdamW([p], { lr: 0.01, betas: [0.3, 0.99] })],
];

describe('optimiser updates over threads', () => {
  beforeAll(async () => {
    setNumThreads(2);
    await warmUpThreads();
  });
  afterAll(async () => {
    setKernelsMode(null);
    setNumThreads(defaultNumThreads());
    await shutdownThreads();
  });

  for (const mode of MODES) {
    for (const [name, make] of OPTIMIZERS) {
      it(`${name}, ${mode} kernels: 1 and 2 threads give the same bits, and the 2-thread run uses the workers`, () => {
        setKernelsMode(mode);
        setNumThreads(1);
        const reference = train(make);
        setNumThreads(2);
        const before = threadPoolStats().dispatched;
        const threaded = train(make); // the state buffers are created on shared storage now (threads on)
        expect(threadPoolStats().dispatched - before, 'update tasks sent to workers').toBeGreaterThanOrEqual(3);
        expect(threaded.length).toBe(reference.length);
        threaded.forEach((a, k) => expectExactlyEqual(a, reference[k]!, `${name} array ${k} with 2 threads`));
      });
    }
  }

  it('stays serial on unshared arrays or below the threshold', () => {
    setNumThreads(2);
    const o = { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, amsgrad: false, step: 1 };
    const before = threadPoolStats().dispatched;
    const local = (): Float32Array => new Float32Array(N).fill(0.5);
    optimizerUpdate({ kind: 'adamUpdate', p: local(), g: local(), m: local(), v: local(), vMax: null, o });
    optimizerUpdate({ kind: 'sgdUpdate', p: local(), g: local(), buf: null, o: { lr: 0.1, weightDecay: 0, momentum: 0, dampening: 0, nesterov: false, first: true } });
    const small = (): Float32Array => createSharedArray('float32', BANDWIDTH_PARALLEL_MIN_ELEMENTS - 1);
    optimizerUpdate({ kind: 'adamUpdate', p: small(), g: small(), m: small(), v: small(), vMax: null, o });
    expect(threadPoolStats().dispatched).toBe(before);
  });
});
