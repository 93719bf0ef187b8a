/**
 * Batch-norm folding for inference: a `batchNorm` step right after a `conv` step is merged into it.
 *
 * Math (eval-mode batch norm, per output channel o):
 *   y = γ_o·(conv(x)_o + b_o − μ_o)/√(σ²_o + ε) + β_o = conv'(x)_o with
 *   s_o = γ_o/√(σ²_o + ε),  W'[o, …] = W[o, …]·s_o,  b'_o = (b_o − μ_o)·s_o + β_o   (b_o = 0 without bias).
 * Computed in float64 and rounded once to float32. The folded conv keeps the conv's state_dict names
 * (`<conv>.weight`, `<conv>.bias`). Cost: O(|W|). Batch norms not preceded by a conv are kept.
 */
import type { ExportStep, NamedWeight } from './plan.js';

/** The steps with every conv + batch-norm pair folded into one conv with a bias. */
export function foldBatchNorm(steps: readonly ExportStep[]): ExportStep[] {
  const out: ExportStep[] = [];
  for (const step of steps) {
    const prev = out[out.length - 1];
    if (step.op !== 'batchNorm' || prev?.op !== 'conv') {
      out.push(step);
      continue;
    }
    const channels = prev.weight.shape[0]!;
    const perChannel = prev.weight.data.length / channels;
    const weight = new Float32Array(prev.weight.data.length);
    const bias = new Float32Array(channels);
    for (let o = 0; o < channels; o++) {
      const scale = step.weight.data[o]! / Math.sqrt(step.runningVar.data[o]! + step.eps);
      for (let j = 0; j < perChannel; j++) weight[o * perChannel + j] = prev.weight.data[o * perChannel + j]! * scale;
      const b = prev.bias ? prev.bias.data[o]! : 0;
      bias[o] = (b - step.runningMean.data[o]!) * scale + step.bias.data[o]!;
    }
    const biasName = prev.bias ? prev.bias.name : prev.weight.name.replace(/weight$/, 'bias');
    const folded: NamedWeight = { name: prev.weight.name, shape: [...prev.weight.shape], data: weight };
    out[out.length - 1] = { ...prev, weight: folded, bias: { name: biasName, shape: [channels], data: bias }, outShape: step.outShape };
  }
  return out;
}
