/**
 * `batchNormOp` — fused batch normalisation (forward and backward in src/tensor/kernels/batch-norm.ts).
 * Math: y = (x − μ)/√(σ² + ε)·γ + β per channel, with batch statistics (training) or given ones
 * (eval); gradients for x, γ and β (see the kernel file). Promoted from the composite in
 * functional/batch-norm.ts (kept as `batchNormComposite`) for speed: the composite makes ~12 full
 * passes and permuted copies per call, about half of a PQKD student's training step
 * (bench/pqkd.bench.ts `batchnorm_*`); test/autograd/batch-norm.test.ts checks that both agree
 * in value and gradient. Reference: torch.nn.functional.batch_norm.
 */
import type { FloatArray } from '../../tensor/dtype.js';
import { batchNorm } from '../../tensor/kernel-dispatch.js';
import { shapeToString } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { contiguous } from '../../tensor/views.js';
import { defineOp } from '../define-op.js';

export interface BatchNormOpAttrs {
  training: boolean;
  eps: number;
  /** Eval mode: the statistics to use (running mean and biased variance). */
  mean?: Float64Array;
  variance?: Float64Array;
  /** Training mode: receives the batch mean and biased variance (for running-statistics updates). */
  onStats?: (mean: Float64Array, variance: Float64Array, count: number) => void;
}

interface Layout {
  n: number;
  c: number;
  s: number;
}

function layout(x: Tensor): Layout {
  if (x.ndim !== 2 && x.ndim !== 4) throw new RangeError(`batchNorm: input must be [N, C] or [N, C, H, W], got ${shapeToString(x.shape)}`);
  return { n: x.shape[0]!, c: x.shape[1]!, s: x.ndim === 4 ? x.shape[2]! * x.shape[3]! : 1 };
}

const data = (t: Tensor | null): FloatArray | null => (t ? (contiguous(t).contiguousData() as FloatArray) : null);

export const batchNormOp = defineOp<BatchNormOpAttrs>({
  name: 'batchNorm',
  forward: ([x, weight, bias], a) => {
    const { n, c, s } = layout(x!);
    const xs = data(x!)!;
    let mean: Float64Array;
    let variance: Float64Array;
    if (a.training) {
      mean = new Float64Array(c);
      variance = new Float64Array(c);
      batchNorm({ kind: 'batchNormStats', x: xs, n, c, s, mean, variance });
      a.onStats?.(mean, variance, n * s);
    } else {
      if (!a.mean || !a.variance) throw new Error('batchNorm: eval mode needs the running mean and variance');
      mean = a.mean;
      variance = a.variance;
    }
    const invstd = variance.map((v) => 1 / Math.sqrt(v + a.eps));
    const out = Tensor.uninitialized(x!.shape, x!.dtype); // every element is written
    const y = out.data as FloatArray;
    batchNorm({ kind: 'batchNormForward', x: xs, n, c, s, mean, invstd, weight: data(weight!), bias: data(bias!), out: y });
    return { output: out, save: weight ? [x!, weight] : [x!], extra: { mean, invstd } };
  },
  backward: (g, { saved, extra, attrs, needsGrad, inputs }) => {
    const x = saved[0]!;
    const weight = inputs[1] ? saved[1]! : null;
    const { n, c, s } = layout(x);
    const { mean, invstd } = extra as { mean: Float64Array; invstd: Float64Array };
    const gx = needsGrad[0] ? Tensor.uninitialized(x.shape, x.dtype) : null; // every element is written
    const gw = needsGrad[1] ? Tensor.zeroed([c], inputs[1]!.dtype) : null;
    const gb = needsGrad[2] ? Tensor.zeroed([c], inputs[2]!.dtype) : null;
    const job = {
      kind: 'batchNormBackward' as const, x: data(x)!, g: data(g)!, n, c, s, mean, invstd, weight: data(weight), training: attrs.training,
      gradInput: (gx?.data as FloatArray | undefined) ?? null, gradWeight: (gw?.data as FloatArray | undefined) ?? null,
      gradBias: (gb?.data as FloatArray | undefined) ?? null,
    };
    batchNorm(job);
    return [gx, gw, gb];
  },
});
