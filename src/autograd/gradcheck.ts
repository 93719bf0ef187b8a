/**
 * `gradcheck`: compares the analytic gradients of `fn` with float64 central differences, for
 * auditors and tests (PyTorch's torch.autograd.gradcheck, same default tolerances).
 *
 * Math: numeric J[:, j] ≈ (f(x + ε·e_j) − f(x − ε·e_j)) / 2ε with ε = 1e-6; analytic rows come
 * from one backward pass per output element (full mode). A pair passes when
 * |analytic − numeric| ≤ atol + rtol·|numeric| (atol 1e-5, rtol 1e-3).
 * Fast mode (large inputs): for random unit directions u (inputs) and v (output), compares the
 * scalar vᵀJu from backward with the central difference of vᵀf along u (PyTorch's fast_mode).
 * Inputs are cloned to float64 (their `requiresGrad` flags are kept); inputs whose strides overlap
 * (stride 0 on a dim of size > 1, e.g. `expand` views) are refused, as perturbing one element would
 * move several.
 */
import { Generator } from '../tensor/random.js';
import { shapeToString } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { cast } from '../tensor/ops/elementwise.js';
import { noGrad } from './grad-mode.js';

export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
  /** 'full' Jacobians, 'fast' random projections, or 'auto' (full when inputs·outputs ≤ maxFullEntries). */
  mode?: 'auto' | 'full' | 'fast';
  maxFullEntries?: number;
  /** Number of random directions in fast mode. */
  directions?: number;
  /** Seed of the random directions (fast mode). */
  seed?: number;
  /** Throw an Error describing the worst mismatch (default true); otherwise return the report. */
  raiseException?: boolean;
}

export interface GradcheckReport {
  ok: boolean;
  mode: 'full' | 'fast';
  maxAbsError: number;
  /** Where the worst mismatch was: input index, element (full mode) or direction (fast mode). */
  worst: { input: number; index: number; analytic: number; numeric: number } | null;
}

function toFloat64Leaf(t: Tensor, i: number): Tensor {
  for (let d = 0; d < t.ndim && t.numel() > 0; d++) {
    if (t.strides[d] === 0 && t.shape[d]! > 1) {
      throw new RangeError(`gradcheck: input ${i} (shape ${shapeToString(t.shape)}) has overlapping memory (stride 0 on dim ${d}); pass a contiguous copy`);
    }
  }
  const c = t.dtype === 'float64' ? Tensor.fromData(t.toTypedArray(), t.shape, 'float64') : cast(t, 'float64');
  c.requiresGrad = t.requiresGrad;
  return c;
}

function evaluate(fn: (...xs: Tensor[]) => Tensor, xs: Tensor[]): Float64Array {
  const y = noGrad(() => fn(...xs));
  if (y.dtype !== 'float64') throw new TypeError(`gradcheck: fn must return float64 for float64 inputs, got ${y.dtype}`);
  return y.toTypedArray() as Float64Array;
}

function analyticVjp(fn: (...xs: Tensor[]) => Tensor, xs: Tensor[], v: Float64Array): Float64Array[] {
  for (const x of xs) x.grad = null;
  const y = fn(...xs);
  if (!y.requiresGrad) return xs.map((x) => new Float64Array(x.numel()));
  y.backward(Tensor.fromData(Float64Array.from(v), y.shape, 'float64'));
  return xs.map((x) => (x.grad ? (x.grad.toTypedArray() as Float64Array) : new Float64Array(x.numel())));
}

/**
 * Checks `fn`'s gradients at `inputs` against central differences.
 * @example gradcheck((a, b) => mul(a, b), [x, y]) // throws on mismatch, else returns { ok: true, ... }
 */
export function gradcheck(fn: (...inputs: Tensor[]) => Tensor, inputs: readonly Tensor[], options: GradcheckOptions = {}): GradcheckReport {
  const eps = options.eps ?? 1e-6;
  const atol = options.atol ?? 1e-5;
  const rtol = options.rtol ?? 1e-3;
  const xs = inputs.map(toFloat64Leaf);
  const y0 = evaluate(fn, xs);
  const outN = y0.length;
  const inN = xs.reduce((acc, x) => acc + (x.requiresGrad ? x.numel() : 0), 0);
  const mode = options.mode === 'full' || options.mode === 'fast' ? options.mode : inN * outN <= (options.maxFullEntries ?? 20_000) ? 'full' : 'fast';
  const report: GradcheckReport = { ok: true, mode, maxAbsError: 0, worst: null };
  const judge = (input: number, index: number, analytic: number, numeric: number): void => {
    const err = Math.abs(analytic - numeric);
    const bad = !(err <= atol + rtol * Math.abs(numeric));
    if (err > report.maxAbsError || (bad && report.ok)) {
      report.maxAbsError = Math.max(report.maxAbsError, err);
      if (bad || report.ok) report.worst = { input, index, analytic, numeric };
    }
    if (bad) report.ok = false;
  };
  const perturbed = (x: Tensor, j: number, delta: number): Float64Array => {
    const data = x.data as Float64Array;
    const keep = data[j]!;
    data[j] = keep + delta;
    const f = evaluate(fn, xs);
    data[j] = keep;
    return f;
  };
  if (mode === 'full') {
    // Analytic Jacobian rows: one backward per output element.
    const rows: Float64Array[][] = [];
    for (let k = 0; k < outN; k++) {
      const v = new Float64Array(outN);
      v[k] = 1;
      rows.push(analyticVjp(fn, xs, v));
    }
    xs.forEach((x, i) => {
      if (!x.requiresGrad) return;
      for (let j = 0; j < x.numel(); j++) {
        const fp = perturbed(x, j, eps);
        const fm = perturbed(x, j, -eps);
        for (let k = 0; k < outN; k++) judge(i, j * outN + k, rows[k]![i]![j]!, (fp[k]! - fm[k]!) / (2 * eps));
      }
    });
  } else {
    const gen = new Generator(options.seed ?? 0);
    const directions = options.directions ?? 3;
    for (let t = 0; t < directions; t++) {
      const v = gen.normalArray(outN);
      const grads = analyticVjp(fn, xs, v);
      const us = xs.map((x) => (x.requiresGrad ? gen.normalArray(x.numel()) : new Float64Array(x.numel())));
      let analytic = 0;
      xs.forEach((_, i) => us[i]!.forEach((u, j) => (analytic += u * grads[i]![j]!)));
      const shift = (sign: number): number => {
        const saved = xs.map((x) => Float64Array.from(x.data as Float64Array));
        xs.forEach((x, i) => us[i]!.forEach((u, j) => ((x.data as Float64Array)[j]! += sign * eps * u)));
        const f = evaluate(fn, xs);
        xs.forEach((x, i) => (x.data as Float64Array).set(saved[i]!));
        return f.reduce((acc, fk, k) => acc + fk * v[k]!, 0);
      };
      judge(-1, t, analytic, (shift(1) - shift(-1)) / (2 * eps));
    }
  }
  if (!report.ok && (options.raiseException ?? true)) {
    const w = report.worst!;
    throw new Error(`gradcheck (${mode}): analytic ${w.analytic} vs numeric ${w.numeric} at input ${w.input}, entry ${w.index} (|err| ${Math.abs(w.analytic - w.numeric)} > atol ${atol} + rtol ${rtol}·|numeric|)`);
  }
  return report;
}
