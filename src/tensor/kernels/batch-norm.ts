/**
 * Batch-normalisation kernels over a row-major [N, C, S] view of the input (S = H·W for NCHW, 1 for
 * [N, C]); per channel c, with M = N·S values:
 *   stats:     μ_c = (1/M) Σ x,  σ²_c = (1/M) Σ (x − μ_c)²  (two passes, float64, n then s ascending)
 *   forward:   y = (x − μ_c)·r_c·γ_c + β_c,  r_c = 1/√(σ²_c + ε)  (γ = 1, β = 0 when absent)
 *   backward:  x̂ = (x − μ_c)·r_c,  dβ_c = Σ g,  dγ_c = Σ g·x̂,
 *              training (batch statistics):  dx = γ_c·r_c·(g − dβ_c/M − x̂·dγ_c/M)
 *              eval (fixed statistics):      dx = γ_c·r_c·g
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
    let acc = 0;
    for (let i = 0; i < n; i++) {
      const base = (i * c + ch) * s;
      for (let j = 0; j < s; j++) acc += x[base + j]!;
    }
    const mu = acc / m;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      const base = (i * c + ch) * s;
      for (let j = 0; j < s; j++) {
        const d = x[base + j]! - mu;
        sq += d * d;
      }
    }
    mean[ch] = mu;
    variance[ch] = sq / m;
  }
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
    let sumG = 0;
    let sumGX = 0;
    for (let i = 0; i < n; i++) {
      const base = (i * c + ch) * s;
      for (let j = 0; j < s; j++) {
        const gv = g[base + j]!;
        sumG += gv;
        sumGX += gv * (x[base + j]! - mu) * r;
      }
    }
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
