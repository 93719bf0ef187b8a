/**
 * Kernel benchmarks (issue "Fast CPU kernels"): GEMM and conv2d forward/backward, float32, batch 64.
 * The workload list `KERNEL_WORKLOADS` is shared with bench/peers.bench.ts so every system runs the
 * same shapes under the same names. flops = 2·MACs.
 */
import type { BenchCase, BenchSuite } from './harness.js';
import { Generator } from '../src/tensor/random.js';
import { conv2dBackwardInput, conv2dBackwardWeight, conv2dForward, gemm } from '../src/tensor/kernel-dispatch.js';
import { conv2dGeometry } from '../src/tensor/kernels/conv2d.js';
import { PQKD_SYSTEMS, resetSystem, useSystem, type PqkdSystem } from './systems.js';

export type KernelWorkload =
  | { kind: 'matmul'; name: string; size: number }
  | { kind: 'conv2d_forward' | 'conv2d_backward_input' | 'conv2d_backward_weight'; name: string;
    input: [number, number, number, number]; weight: [number, number, number, number]; padding: number; };

const conv = (
  kind: 'conv2d_forward' | 'conv2d_backward_input' | 'conv2d_backward_weight',
  c: number, hw: number, o: number,
): KernelWorkload => ({ kind, name: `${kind}_b64_${c}x${hw}x${hw}_${o}_3x3p1`, input: [64, c, hw, hw], weight: [o, c, 3, 3], padding: 1 });

/** The benchmarked workloads (names are the JSON `name` field, shared by every system). */
export const KERNEL_WORKLOADS: readonly KernelWorkload[] = [
  { kind: 'matmul', name: 'matmul_256', size: 256 },
  { kind: 'matmul', name: 'matmul_1024', size: 1024 },
  conv('conv2d_forward', 1, 28, 32),
  conv('conv2d_forward', 32, 14, 64),
  conv('conv2d_forward', 3, 32, 64),
  conv('conv2d_backward_input', 32, 14, 64),
  conv('conv2d_backward_weight', 32, 14, 64),
];

/** 2·MACs of a workload. */
export function workloadFlops(wl: KernelWorkload): number {
  if (wl.kind === 'matmul') return 2 * wl.size ** 3;
  const [n, c, h, w] = wl.input;
  const [o, , kh, kw] = wl.weight;
  const oh = h + 2 * wl.padding - kh + 1, ow = w + 2 * wl.padding - kw + 1;
  return 2 * n * o * oh * ow * c * kh * kw;
}

/** Uniform(−1, 1) float32 data from a fixed seed. */
export function benchData(n: number, seed: number): Float32Array {
  return Float32Array.from(new Generator(seed).uniformArray(n, -1, 1));
}

const product = (s: readonly number[]): number => s.reduce((p, d) => p * d, 1);

/** A pqkd case for one workload in one configuration (bench/systems.ts). */
export function pqkdCase(wl: KernelWorkload, config: PqkdSystem): BenchCase {
  const system = config.system;
  const setup = (): Promise<void> => useSystem(config);
  const teardown = resetSystem;
  const flops = workloadFlops(wl);
  if (wl.kind === 'matmul') {
    const n = wl.size;
    const a = benchData(n * n, 1), b = benchData(n * n, 2), c = new Float32Array(n * n);
    return {
      name: wl.name, system, flops, iterations: n >= 1024 ? 3 : 20, setup, teardown,
      fn: () => gemm({ transA: false, transB: false, m: n, n, k: n, alpha: 1, a, aOffset: 0, lda: n, b, bOffset: 0, ldb: n, beta: 0, c, cOffset: 0, ldc: n }),
    };
  }
  const g = conv2dGeometry(wl.input, wl.weight, { padding: wl.padding });
  const x = benchData(product(wl.input), 3), w = benchData(product(wl.weight), 4);
  const dy = benchData(g.batch * g.outChannels * g.outHeight * g.outWidth, 5);
  const out = new Float32Array(dy.length), dx = new Float32Array(x.length), dw = new Float32Array(w.length);
  const fn = wl.kind === 'conv2d_forward' ? () => conv2dForward(g, x, w, null, out)
    : wl.kind === 'conv2d_backward_input' ? () => conv2dBackwardInput(g, dy, w, dx)
    : () => conv2dBackwardWeight(g, x, dy, dw);
  return { name: wl.name, system, flops, iterations: 5, setup, teardown, fn };
}

export const suite: BenchSuite = {
  name: 'kernels',
  cases: () => PQKD_SYSTEMS.flatMap((config) => KERNEL_WORKLOADS.map((wl) => pqkdCase(wl, config))),
};
