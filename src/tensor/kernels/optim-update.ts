/**
 * The optimiser parameter updates as pure kernels over an element range [start, end) (so a thread can
 * run a part): the JavaScript loops of torch.optim.SGD and torch.optim.Adam / AdamW (single-tensor
 * path). Every operation is float64 (inputs widened exactly), each stored value is rounded once to
 * the array's dtype, and stored values that are read again (momentum buffer, m, v, v̂max, the decayed
 * p) are read back rounded, as PyTorch reads its float32 state.
 *
 * SGD, per element:
 *   d = g + λ·p (λ ≠ 0);  b = first ? d : μ·b + (1 − τ)·d;  d = nesterov ? d + μ·b : b;  p = p − lr·d
 * Adam at step t, with w = 1 − β1, stepSize = lr / (1 − β1^t), bc2Sqrt = √(1 − β2^t):
 *   g = g + λ·p (Adam, λ ≠ 0)   or   p = p·(1 − lr·λ) (AdamW, λ ≠ 0)
 *   m = w < 0.5 ? m + w·(g − m) : g − (g − m)·(1 − w)      (torch.lerp's two-branch form)
 *   v = β2·v + (1 − β2)·g·g
 *   s = v; AMSGrad: v̂max = (s > v̂max ? s : v̂max), s = v̂max
 *   p = p − stepSize·(m / (√s / bc2Sqrt + ε))
 * Layout: contiguous arrays of equal length, updated in place. Cost: one pass over [start, end).
 * wasm/sgd-simd.ts and wasm/adam-simd.ts compute the same bits on WebAssembly SIMD.
 */
import type { FloatArray } from '../dtype.js';

/** Options of one SGD step (the optimizer's hyperparameters; `first` is step 1, which seeds buf). */
export interface SgdStepOptions { lr: number; weightDecay: number; momentum: number; dampening: number; nesterov: boolean; first: boolean }

/** Options of one Adam step: the hyperparameters, `decoupled` for AdamW, `step` = t ≥ 1. */
export interface AdamStepOptions {
  lr: number; beta1: number; beta2: number; eps: number; weightDecay: number; decoupled: boolean; amsgrad: boolean; step: number;
}

/** The per-call constants of an Adam step (the JS loop and the SIMD kernel use the same values). */
export function adamConstants(o: AdamStepOptions): { stepSize: number; bc2Sqrt: number; w: number; decay: number } {
  return { stepSize: o.lr / (1 - o.beta1 ** o.step), bc2Sqrt: Math.sqrt(1 - o.beta2 ** o.step), w: 1 - o.beta1, decay: 1 - o.lr * o.weightDecay };
}

/**
 * SGD update of p[start, end) in place (and of buf there when given: momentum ≠ 0).
 *
 * @example
 * const p = new Float32Array([1, 2]);
 * sgdUpdateRange(p, new Float32Array([10, 10]), undefined, { lr: 0.1, weightDecay: 0, momentum: 0, dampening: 0, nesterov: false, first: true }, 0, 2);
 * // p = [0, 1]
 */
export function sgdUpdateRange(p: FloatArray, g: FloatArray, buf: FloatArray | undefined, o: SgdStepOptions, start: number, end: number): void {
  const { lr, weightDecay: wd, momentum: mu, dampening, nesterov, first } = o;
  for (let i = start; i < end; i++) {
    let d = wd !== 0 ? g[i]! + wd * p[i]! : g[i]!;
    if (buf !== undefined) {
      buf[i] = first ? d : mu * buf[i]! + (1 - dampening) * d;
      d = nesterov ? d + mu * buf[i]! : buf[i]!;
    }
    p[i] = p[i]! - lr * d;
  }
}

/**
 * Adam / AdamW update of p, m, v (and vMax when AMSGrad) over [start, end) in place.
 *
 * @example
 * const p = new Float32Array([1]), m = new Float32Array(1), v = new Float32Array(1);
 * adamUpdateRange(p, new Float32Array([1]), m, v, null, { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, amsgrad: false, step: 1 }, 0, 1);
 * // p ≈ [0.9] (the first step moves each weight by about lr)
 */
export function adamUpdateRange(
  p: FloatArray, g: FloatArray, m: FloatArray, v: FloatArray, vMax: FloatArray | null, o: AdamStepOptions, start: number, end: number,
): void {
  const { beta2, eps, weightDecay: wd, decoupled } = o;
  const { stepSize, bc2Sqrt, w, decay } = adamConstants(o);
  for (let i = start; i < end; i++) {
    let gi = g[i]!;
    if (wd !== 0) {
      if (decoupled) p[i] = p[i]! * decay;
      else gi += wd * p[i]!;
    }
    const mi = m[i]!;
    m[i] = w < 0.5 ? mi + w * (gi - mi) : gi - (gi - mi) * (1 - w);
    v[i] = beta2 * v[i]! + (1 - beta2) * gi * gi;
    let second = v[i]!;
    if (vMax !== null) {
      if (second > vMax[i]!) vMax[i] = second;
      second = vMax[i]!;
    }
    p[i] = p[i]! - stepSize * (m[i]! / (Math.sqrt(second) / bc2Sqrt + eps));
  }
}
