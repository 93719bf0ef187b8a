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
 * S = 1 and S < 8 (rows shorter than a group) run shorter loops that keep exactly this order.
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

/**
 * Σ x over channel ch of x [N, C, S] in the header's eight-lane order (float64); also the conv bias
 * gradient's sum (conv2d-direct.ts).
 * @example
 * channelSum(new Float32Array([1, 2, 3, 4]), 2, 1, 2, 0); // 10
 */
export function channelSum(x: FloatArray, n: number, c: number, s: number, ch: number): number {
  return laneSum(x, c, n, s, ch, 0, false);
}

/** Σ x (or Σ (x − mu)² when `square`) over channel ch in the header's eight-lane order. */
function laneSum(x: FloatArray, c: number, n: number, s: number, ch: number, mu: number, square: boolean): number {
  let a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
  if (s === 1) { // [N, C]: every term in a0, the plain sequential sum
    for (let i = ch; i < n * c; i += c) a0 += square ? (x[i]! - mu) * (x[i]! - mu) : x[i]!;
    return a0;
  }
  if (s < 8) return shortRowSum(x, c, n, s, ch, mu, square);
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
    for (let j = full; j < s; j++) {
      const v = x[base + j]!, t = square ? (v - mu) * (v - mu) : v;
      switch (j & 7) {
        case 0: a0 += t; break;
        case 1: a1 += t; break;
        case 2: a2 += t; break;
        case 3: a3 += t; break;
        case 4: a4 += t; break;
        case 5: a5 += t; break;
        default: a6 += t;
      }
    }
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
  const sums = new Float64Array(2);
  for (let ch = ch0; ch < ch1; ch++) {
    const mu = mean[ch]!;
    const r = invstd[ch]!;
    backwardSums(x, g, c, n, s, ch, mu, r, sums);
    const sumG = sums[0]!, sumGX = sums[1]!;
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

/**
 * out[0] = Σ g and out[1] = Σ g·(x − mu)·r (each term rounded as (g·(x − mu))·r) over channel ch, both
 * in the header's eight-lane order, in one pass over x and g.
 */
function backwardSums(x: FloatArray, g: FloatArray, c: number, n: number, s: number, ch: number, mu: number, r: number, out: Float64Array): void {
  let a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
  let b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0, b6 = 0, b7 = 0;
  if (s === 1) { // [N, C]: every term in a0 / b0, the plain sequential sums
    for (let i = ch; i < n * c; i += c) {
      a0 += g[i]!;
      b0 += g[i]! * (x[i]! - mu) * r;
    }
    [out[0], out[1]] = [a0, b0];
    return;
  }
  const lanes = new Float64Array(16); // a0..a7 (Σ g), then b0..b7 (Σ g·x̂) when S < 8
  const full = s & ~7;
  for (let i = 0; i < n; i++) {
    const base = (i * c + ch) * s;
    for (let j = base; j < base + full; j += 8) {
      const g0 = g[j]!, g1 = g[j + 1]!, g2 = g[j + 2]!, g3 = g[j + 3]!, g4 = g[j + 4]!, g5 = g[j + 5]!, g6 = g[j + 6]!, g7 = g[j + 7]!;
      a0 += g0; a1 += g1; a2 += g2; a3 += g3; a4 += g4; a5 += g5; a6 += g6; a7 += g7;
      b0 += g0 * (x[j]! - mu) * r; b1 += g1 * (x[j + 1]! - mu) * r;
      b2 += g2 * (x[j + 2]! - mu) * r; b3 += g3 * (x[j + 3]! - mu) * r;
      b4 += g4 * (x[j + 4]! - mu) * r; b5 += g5 * (x[j + 5]! - mu) * r;
      b6 += g6 * (x[j + 6]! - mu) * r; b7 += g7 * (x[j + 7]! - mu) * r;
    }
    for (let j = full; j < s; j++) {
      const gv = g[base + j]!, t = gv * (x[base + j]! - mu) * r;
      if (full === 0) { // S < 8: the locals stay +0, lane j sums here
        lanes[j] = lanes[j]! + gv;
        lanes[8 + j] = lanes[8 + j]! + t;
        continue;
      }
      switch (j & 7) {
        case 0: a0 += gv; b0 += t; break;
        case 1: a1 += gv; b1 += t; break;
        case 2: a2 += gv; b2 += t; break;
        case 3: a3 += gv; b3 += t; break;
        case 4: a4 += gv; b4 += t; break;
        case 5: a5 += gv; b5 += t; break;
        default: a6 += gv; b6 += t;
      }
    }
  }
  // Each lane's sum is in its local or in `lanes` (S < 8), the other one is +0, which adds nothing.
  const l = (k: number, v: number): number => v + lanes[k]!;
  out[0] = ((l(0, a0) + l(1, a1)) + (l(2, a2) + l(3, a3))) + ((l(4, a4) + l(5, a5)) + (l(6, a6) + l(7, a7)));
  out[1] = ((l(8, b0) + l(9, b1)) + (l(10, b2) + l(11, b3))) + ((l(12, b4) + l(13, b5)) + (l(14, b6) + l(15, b7)));
}

/**
 * The same eight-lane sum for 2 ≤ S < 8, where each row is one partial group: position j of every row
 * goes to a_j (j ≤ 6), rows in turn. Term: x, or (x − mu)² when `square`.
 */
function shortRowSum(x: FloatArray, c: number, n: number, s: number, ch: number, mu: number, square: boolean): number {
  const a = new Float64Array(8);
  for (let b = ch * s; b < n * c * s; b += c * s) {
    for (let j = 0; j < s; j++) a[j] = a[j]! + (square ? (x[b + j]! - mu) * (x[b + j]! - mu) : x[b + j]!);
  }
  return ((a[0]! + a[1]!) + (a[2]! + a[3]!)) + ((a[4]! + a[5]!) + (a[6]! + a[7]!));
}
