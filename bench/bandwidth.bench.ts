/**
 * Bandwidth-bound kernels against the memory-bandwidth reference (issue 21): copying bytes with
 * `TypedArray.prototype.set` is the floor; each kernel's time is divided by the copy time of the same
 * number of bytes, giving `x_copy` (1 = as fast as a copy of the bytes the kernel moves; run.ts computes
 * it with copyMultiples(), bench/results.ts). Data: x [64, 32, 28, 28] float32 (N = 1,605,632 values,
 * 6.4 MB, the MNIST teacher's first activation at batch 64), 1 thread, default kernels, called through
 * the dispatch layer (src/tensor/kernel-dispatch.ts) or the optimisers, outputs preallocated.
 * Bytes per call (`bytes`), with N the input's element count, 4 bytes a float32 or int32:
 *   bandwidth_copy_set            read x, write y                                   8N
 *   relu_forward                  read x, write y                                   8N
 *   relu_backward                 read g and x, write dx                           12N
 *   maxpool2_forward              read x (4N), write y and argmax (N/4 each, ×4 B)   6N
 *   maxpool2_backward             read gy and argmax (N/4 each), write dx (4N)       6N
 *   batchnorm_train_forward       statistics: 2 reads of x; normalise: read x, write y       16N
 *   batchnorm_train_backward      sums: read x and g; dx: read x and g, write dx              20N
 *   sgd_update                    read p and g, write p (lr only: no momentum)               12N
 *   adam_update                   read p, g, m, v; write p, m, v                             28N
 */
import { Adam, SGD } from '../src/nn/index.js';
import { Parameter } from '../src/nn/parameter.js';
import { batchNorm, binaryElementwise, maxPool2dForward, maxPool2dBackward, unaryElementwise } from '../src/tensor/kernel-dispatch.js';
import { pool2dGeometry } from '../src/tensor/kernels/pool2d-geometry.js';
import { Tensor } from '../src/tensor/tensor.js';
import type { BenchCase, BenchSuite } from './harness.js';
import { benchData } from './kernels.bench.js';
import { PQKD_SYSTEMS, resetSystem, useSystem } from './systems.js';

const SHAPE = [64, 32, 28, 28] as const;
const N = SHAPE.reduce((p, d) => p * d, 1);
export const COPY_CASE = 'bandwidth_copy_set';

function cases(): BenchCase[] {
  const system = PQKD_SYSTEMS[0]!; // 1 thread, default kernels
  const x = benchData(N, 11), g = benchData(N, 12), y = new Float32Array(N), dx = new Float32Array(N);
  const [n, c, h, w] = SHAPE;
  const s = h * w;
  const pool = pool2dGeometry(SHAPE, { kernelSize: 2 }, 'maxPool2d');
  const pooled = N / 4;
  const py = new Float32Array(pooled), argmax = new Int32Array(pooled), gy = benchData(pooled, 13);
  const mean = new Float64Array(c), variance = new Float64Array(c), invstd = new Float64Array(c);
  const gamma = Float32Array.from({ length: c }, () => 1), beta = new Float32Array(c);
  const dGamma = new Float32Array(c), dBeta = new Float32Array(c);
  const param = (seed: number): Parameter => {
    const p = new Parameter(Tensor.fromData(benchData(N, seed), [N], 'float32'));
    p.grad = Tensor.fromData(benchData(N, seed + 1), [N], 'float32');
    return p;
  };
  const pSgd = param(20), pAdam = param(30);
  const sgd = new SGD([pSgd], { lr: 1e-6 }), adam = new Adam([pAdam], { lr: 1e-6 });
  const bnStats = (): void => {
    batchNorm({ kind: 'batchNormStats', x, n, c, s, mean, variance });
    for (let i = 0; i < c; i++) invstd[i] = 1 / Math.sqrt(variance[i]! + 1e-5);
  };
  bnStats(); // the backward case reads the statistics
  const make = (name: string, bytesPerElement: number, fn: () => unknown): BenchCase => ({
    name, system: system.system, iterations: 20, setup: () => useSystem(system), teardown: resetSystem,
    extra: () => ({ bytes: bytesPerElement * N }), fn,
  });
  return [
    make(COPY_CASE, 8, () => y.set(x)),
    make('relu_forward', 8, () => unaryElementwise('relu', x, 0, [1], [N], y, true)),
    make('relu_backward', 12, () => binaryElementwise('reluGrad', g, 0, [1], x, 0, [1], [N], dx, true)),
    make('maxpool2_forward', 6, () => maxPool2dForward(pool, x, py, argmax)),
    make('maxpool2_backward', 6, () => maxPool2dBackward(pool, gy, argmax, dx)),
    make('batchnorm_train_forward', 16, () => {
      bnStats();
      batchNorm({ kind: 'batchNormForward', x, n, c, s, mean, invstd, weight: gamma, bias: beta, out: y });
    }),
    make('batchnorm_train_backward', 20, () => batchNorm({
      kind: 'batchNormBackward', x, g, n, c, s, mean, invstd, weight: gamma, training: true, gradInput: dx, gradWeight: dGamma, gradBias: dBeta,
    })),
    make('sgd_update', 12, () => sgd.step()),
    make('adam_update', 28, () => adam.step()),
  ];
}

export const suite: BenchSuite = { name: 'bandwidth', cases };
