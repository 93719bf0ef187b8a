/**
 * WebAssembly SIMD kernels (issue "SIMD kernels"): float32 GEMM on `wasmSgemm`, system 'pqkd-simd'.
 *
 * Workloads: the square matmuls shared with bench/kernels.bench.ts and bench/peers.bench.ts (same
 * names and data, so the table lines them up with 'pqkd', 'tfjs-wasm', ...), plus the per-image GEMMs
 * of the conv 32×14×14→64 (see WORKLOADS): what the conv kernels get from wasmSgemm, packing included.
 * Extra fields: `peak_fraction` = GFLOP/s ÷ 116 (the machine's measured fp32 AVX2-FMA peak per core).
 * Runs only when the runtime supports WebAssembly SIMD.
 */
import type { BenchCase, BenchSuite } from './harness.js';
import { Generator } from '../src/tensor/random.js';
import { wasmSimdSupported } from '../src/tensor/wasm/support.js';
import { wasmSgemm } from '../src/tensor/wasm/sgemm.js';

/**
 * Uniform(−1, 1) float32 data from a fixed seed: the same values as `benchData` in kernels.bench.ts
 * (not imported, so this suite does not load the JS kernels).
 */
function benchData(n: number, seed: number): Float32Array {
  return Float32Array.from(new Generator(seed).uniformArray(n, -1, 1));
}

/** Measured fp32 peak of one core of the benchmark machine (AVX2 FMA), GFLOP/s. */
const PEAK_GFLOPS = 116;

/** One GEMM call per image (`images` calls), operand b (and a when `perImageA`) advancing per image. */
interface GemmWorkload {
  name: string;
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
  beta: number;
  images: number;
  perImageA: boolean;
}

const square = (size: number): GemmWorkload => ({
  name: `matmul_${size}`, m: size, n: size, k: size, transA: false, transB: false, beta: 0, images: 1, perImageA: false,
});

/**
 * The conv 32×14×14→64 (3×3, pad 1, batch 64) GEMMs as src/tensor/kernels/conv2d.ts issues them,
 * one per image with P = 14·14 = 196 output positions and K = 32·9 = 288 (im2col itself excluded):
 * forward W[64×288]·col[288×196]; input gradient Wᵀ·dY[64×196]; weight gradient dY·colᵀ, summed.
 */
const WORKLOADS: readonly GemmWorkload[] = [
  square(256),
  square(1024),
  { name: 'sgemm_conv_forward_b64_32x14x14_64', m: 64, n: 196, k: 288, transA: false, transB: false, beta: 0, images: 64, perImageA: false },
  { name: 'sgemm_conv_input_grad_b64_32x14x14_64', m: 288, n: 196, k: 64, transA: true, transB: false, beta: 0, images: 64, perImageA: false },
  { name: 'sgemm_conv_weight_grad_b64_32x14x14_64', m: 64, n: 288, k: 196, transA: false, transB: true, beta: 1, images: 64, perImageA: true },
];

function gemmCase(wl: GemmWorkload): BenchCase {
  const { m, n, k, transA, transB, images } = wl;
  const flops = 2 * m * n * k * images;
  const a = benchData(m * k * (wl.perImageA ? images : 1), 1);
  const b = benchData(k * n * images, 2);
  const perImageC = wl.beta === 0 && images > 1;
  const c = new Float32Array(m * n * (perImageC ? images : 1));
  const run = (): void => {
    for (let image = 0; image < images; image++) {
      wasmSgemm({
        transA, transB, m, n, k, alpha: 1,
        a, aOffset: wl.perImageA ? image * m * k : 0, lda: transA ? m : k,
        b, bOffset: image * k * n, ldb: transB ? k : n,
        beta: wl.beta, c, cOffset: perImageC ? image * m * n : 0, ldc: n,
      });
    }
  };
  return {
    name: wl.name,
    system: 'pqkd-simd',
    flops,
    iterations: flops > 1e9 ? 5 : 20,
    setup: run, // compiles the kernel and lets V8 tier it up before timing
    fn: run,
    extra: (medianMs) => ({ peak_fraction: Number((flops / (medianMs * 1e6) / PEAK_GFLOPS).toFixed(3)) }),
  };
}

export const suite: BenchSuite = {
  name: 'wasm',
  cases: () => (wasmSimdSupported() ? WORKLOADS.map(gemmCase) : []),
};
