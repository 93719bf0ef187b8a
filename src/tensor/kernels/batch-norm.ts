/**
 * Batch-normalisation kernels over a row-major [N, C, S] view of the input (S = H·W for NCHW, 1 for
 * [N, C]); per channel c, with M = N·S values:
 *   stats:     μ_c = (1/M) Σ x,  σ²_c = (1/M) Σ (x − μ_c)²  (two passes, float64, reduction order below)
 *   forward:   y = (x − μ_c)·r_c·γ_c + β_c,  r_c = 1/√(σ²_c + ε)  (γ = 1, β = 0 when absent)
 *   backward:  x̂ = (x − μ_c)·r_c,  dβ_c = Σ g,  dγ_c = Σ g·x̂,
 *              training (batch statistics):  dx = γ_c·r_c·(g − dβ_c/M − x̂·dγ_c/M)
 *              eval (fixed statistics):      dx = γ_c·r_c·g
 * Reduction order (every Σ above, fixed so that the WebAssembly SIMD kernels, wasm/batchnorm-simd.ts,
 * give the same bits): eight float64 partial sums a0..a7 start at +0; rows n = 0..N−1 in turn, and in
 * each row the term at position s (0 ≤ s < S) is added to a[s mod 8], s ascending; the result is
 * ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)). With S = 1 this is the plain sequential sum.
 * (Eight independent chains: a single float64 accumulator is latency-bound, ≈ 1 add per 4 cycles.)
 * One rounding on every store. Cost: O(N·C·S) per pass (stats 2 passes, forward 1, backward 2).
 * Channels are independent, so a channel range is a thread's unit of work (parallel/batch-norm-parallel.ts).
 * Reference: torch.nn.functional.batch_norm and its autograd formula (native_batch_norm_backward).
 */
import type { FloatArray } from '../dtype.js';

/**
 * Per-channel mean and biased variance of x [N, C, S] into `mean`/`variance` (float64), for channels
 * [ch0, ch1) (all by default; a thread's share otherwise).
 */
export function batchNormStats(
  x: FloatArray, n: number, c: number, s: number, mean: Float64Array, variance: Float64Array, ch0 = 0, ch1 = c,
): void {
  const m = n * s;
  for (let ch = ch0; ch < ch1; ch++) {
    const mu = laneSum(x, c, n, s, ch, 0, false) / m;
    mean[ch] = mu;
    variance[ch] = laneSum(x, c, n, s, ch, mu, true) / m;
  }
}

/** The eight partial sums, for a row's tail (position mod 8 picks the lane). */
type Lanes = [number, number, number, number, number, number, number, number];

/** Σ x (or Σ (x − mu)² when `square`) over channel ch in the header's eight-lane order. */
function laneSum(x: FloatArray, c: number, n: number, s: number, ch: number, mu: number, square: boolean): number {
  let a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
  const full = s & ~7;
  for (let i = 0; i < n; i++) {
    const base = (i * c + ch) * s;
    if (square) {
      for (let j = base; j < base + full; j += 8) {
        const d0 = x[j]! - mu, d1 = x[j + 1]! - mu, d2 = x[j + 2]! - mu, d3 = x[j + 3]! - mu;
        const d4 = x[j + 4]! - mu, d5 = x[j + 5]! - mu, d6 = x[j + 6]! - mu, d7 = x[j + 7]! - mu;
        a0 += d0 * d0; a1 += d1 * d1; a2 += d2 * d2; a3 += d3 * d3; a4 += d4 * d4; a5 += d5 * d5; a6 += d6 * d6; a7 += d7 * d7;
      }
    } else {
      for (let j = base; j < base + full; j += 8) {
        a0 += x[j]!; a1 += x[j + 1]!; a2 += x[j + 2]!; a3 += x[j + 3]!; a4 += x[j + 4]!; a5 += x[j + 5]!; a6 += x[j + 6]!; a7 += x[j + 7]!;
      }
    }
    if (full === s) continue;
    const lanes: Lanes = [a0, a1, a2, a3, a4, a5, a6, a7];
    for (let j = full; j < s; j++) {
      const d = x[base + j]! - mu;
      lanes[j & 7] = lanes[j & 7]! + (square ? d * d : x[base + j]!);
    }
    [a0, a1, a2, a3, a4, a5, a6, a7] = lanes;
  }
  return ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7));
}

/** y = (x − mean)·invstd·weight + bias, per channel, for channels [ch0, ch1) (all by default). */
export function batchNormForward(
  x: FloatArray, n: number, c: number, s: number, mean: Float64Array, invstd: Float64Array,
  weight: FloatArray | null, bias: FloatArray | null, out: FloatArray, ch0 = 0, ch1 = c,
): void {
  for (let ch = ch0; ch < ch1; ch++) {
    const scale = invstd[ch]! * (weight ? weight[ch]! : 1);
    const shift = (bias ? bias[ch]! : 0) - mean[ch]! * scale;
    for (let i = 0; i < n; i++) {
      const base = (i * c + ch) * s;
      for (let j = 0; j < s; j++) out[base + j] = x[base + j]! * scale + shift;
    }
  }
}

/**
 * Gradients of batchNormForward (see the header) for channels [ch0, ch1) (all by default); any
 * output may be null when not needed.
 */
export function batchNormBackward(
  x: FloatArray, g: FloatArray, n: number, c: number, s: number, mean: Float64Array, invstd: Float64Array,
  weight: FloatArray | null, training: boolean,
  gradInput: FloatArray | null, gradWeight: FloatArray | null, gradBias: FloatArray | null, ch0 = 0, ch1 = c,
): void {
  const m = n * s;
  for (let ch = ch0; ch < ch1; ch++) {
    const mu = mean[ch]!;
    const r = invstd[ch]!;
    const sumG = laneSum(g, c, n, s, ch, 0, false);
    const sumGX = laneSumGX(x, g, c, n, s, ch, mu, r);
    if (gradBias) gradBias[ch] = sumG;
    if (gradWeight) gradWeight[ch] = sumGX;
    if (!gradInput) continue;
    const k = r * (weight ? weight[ch]! : 1);
    const meanG = training ? sumG / m : 0;
    const meanGX = training ? sumGX / m : 0;
    for (let i = 0; i < n; i++) {
      const base = (i * c + ch) * s;
      for (let j = 0; j < s; j++) {
        const xhat = (x[base + j]! - mu) * r;
        gradInput[base + j] = k * (g[base + j]! - meanG - xhat * meanGX);
      }
    }
  }
}

/** Σ g·(x − mu)·r (each term rounded as (g·(x − mu))·r) over channel ch in the header's eight-lane order. */
function laneSumGX(x: FloatArray, g: FloatArray, c: number, n: number, s: number, ch: number, mu: number, r: number): number {
  let a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
  const full = s & ~7;
  for (let i = 0; i < n; i++) {
    const base = (i * c + ch) * s;
    for (let j = base; j < base + full; j += 8) {
      a0 += g[j]! * (x[j]! - mu) * r; a1 += g[j + 1]! * (x[j + 1]! - mu) * r;
      a2 += g[j + 2]! * (x[j + 2]! - mu) * r; a3 += g[j + 3]! * (x[j + 3]! - mu) * r;
      a4 += g[j + 4]! * (x[j + 4]! - mu) * r; a5 += g[j + 5]! * (x[j + 5]! - mu) * r;
      a6 += g[j + 6]! * (x[j + 6]! - mu) * r; a7 += g[j + 7]! * (x[j + 7]! - mu) * r;
    }
    if (full === s) continue;
    const lanes: Lanes = [a0, a1, a2, a3, a4, a5, a6, a7];
    for (let j = full; j < s; j++) lanes[j & 7] = lanes[j & 7]! + g[base + j]! * (x[base + j]! - mu) * r;
    [a0, a1, a2, a3, a4, a5, a6, a7] = lanes;
  }
  return ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7));
}
