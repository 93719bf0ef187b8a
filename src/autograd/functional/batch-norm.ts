/**
 * `batchNorm` (fused primitive, ops/batch-norm.ts) and `batchNormComposite` (the same function
 * written with primitives, kept as the fused op's oracle), NCHW or NC input,
 * torch.nn.functional.batch_norm semantics:
 *   training: μ, σ² = mean and biased variance over (N, H, W) per channel;
 *             x̂ = (x − μ)/√(σ² + ε); y = γ·x̂ + β;
 *             running ← (1 − f)·running + f·batch stat (the variance with Bessel's correction
 *             n/(n−1)), updated in place without gradient; f = momentum, or with momentum null the
 *             cumulative average f = 1/numBatchesTracked (the counter is incremented first);
 *   eval:     the running statistics replace μ and σ².
 * The gradient follows from the primitives (mean, variance, sub, div, sqrt, mul, add).
 */
import { binary } from '../../tensor/ops/elementwise.js';
import { reduce } from '../../tensor/ops/reduce.js';
import { shapeToString } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { noGrad } from '../grad-mode.js';
import { add } from '../ops/add.js';
import { div } from '../ops/div.js';
import { mean } from '../ops/mean.js';
import { mul } from '../ops/mul.js';
import { reshape } from '../ops/reshape.js';
import { sqrt } from '../ops/sqrt.js';
import { sub } from '../ops/sub.js';
import { variance } from '../ops/variance.js';
import { batchNormOp } from '../ops/batch-norm.js';

export interface BatchNormOptions {
  training: boolean;
  /**
   * Weight of the batch statistic in the running update (default 0.1); null = cumulative moving
   * average, factor 1/numBatchesTracked after this batch is counted (PyTorch momentum=None).
   */
  momentum?: number | null;
  eps?: number;
  /** int32 scalar counting training batches; incremented in place by every training call (required with momentum null). */
  numBatchesTracked?: Tensor | null;
}

/** The running-average factor of a training call, counting the batch in numBatchesTracked (see BatchNormOptions). */
function runningFactor(options: BatchNormOptions, updatesRunning: boolean): number {
  const momentum = options.momentum === undefined ? 0.1 : options.momentum;
  if (momentum !== null && !(momentum >= 0 && momentum <= 1)) throw new RangeError(`batchNorm: momentum must be in [0, 1] or null, got ${momentum}`);
  const counter = options.numBatchesTracked ?? null;
  if (counter !== null && (counter.dtype !== 'int32' || counter.numel() !== 1)) {
    throw new RangeError(`batchNorm: numBatchesTracked must be an int32 scalar tensor, got ${counter.dtype} ${shapeToString(counter.shape)}`);
  }
  if (momentum === null && counter === null && updatesRunning) {
    throw new RangeError('batchNorm: momentum null (cumulative moving average) needs options.numBatchesTracked, an int32 scalar tensor counting the batches');
  }
  if (!options.training || counter === null) return momentum ?? 0;
  counter.data[counter.offset] = counter.data[counter.offset]! + 1;
  counter.storage.bumpVersion();
  return momentum ?? 1 / counter.data[counter.offset]!;
}

/** Batch normalisation with the fused kernels (see the file header). */
export function batchNorm(
  x: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, weight: Tensor | null, bias: Tensor | null,
  options: BatchNormOptions,
): Tensor {
  if (x.ndim !== 2 && x.ndim !== 4) throw new RangeError(`batchNorm: input must be [N, C] or [N, C, H, W], got ${shapeToString(x.shape)}`);
  const eps = options.eps ?? 1e-5;
  const momentum = runningFactor(options, options.training && runningMean !== null && runningVar !== null);
  if (options.training) {
    const count = x.numel() / x.shape[1]!;
    if (count <= 1) throw new RangeError(`batchNorm: expected more than 1 value per channel when training, got input ${shapeToString(x.shape)}`);
    return batchNormOp([x, weight, bias], {
      training: true, eps,
      onStats: (mean, variance, m) => {
        if (!runningMean || !runningVar) return;
        const rm = runningMean.data;
        const rv = runningVar.data;
        for (let c = 0; c < mean.length; c++) {
          rm[runningMean.offset + c] = (1 - momentum) * rm[runningMean.offset + c]! + momentum * mean[c]!;
          rv[runningVar.offset + c] = (1 - momentum) * rv[runningVar.offset + c]! + momentum * variance[c]! * (m / (m - 1));
        }
        runningMean.storage.bumpVersion();
        runningVar.storage.bumpVersion();
      },
    });
  }
  if (!runningMean || !runningVar) throw new Error('batchNorm: running statistics are required in eval mode');
  return batchNormOp([x, weight, bias], {
    training: false, eps, mean: Float64Array.from(runningMean.contiguousData()), variance: Float64Array.from(runningVar.contiguousData()),
  });
}

/** The composite form of `batchNorm` (the fused op's reference in tests). */
export function batchNormComposite(
  x: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, weight: Tensor | null, bias: Tensor | null,
  options: BatchNormOptions,
): Tensor {
  if (x.ndim !== 2 && x.ndim !== 4) throw new RangeError(`batchNorm: input must be [N, C] or [N, C, H, W], got ${shapeToString(x.shape)}`);
  const c = x.shape[1]!;
  const statShape = x.ndim === 4 ? [1, c, 1, 1] : [1, c];
  const dims = x.ndim === 4 ? [0, 2, 3] : [0];
  const eps = options.eps ?? 1e-5;
  const momentum = runningFactor(options, options.training && runningMean !== null && runningVar !== null);
  let mu: Tensor;
  let sigma2: Tensor;
  if (options.training) {
    const n = x.numel() / c;
    if (n <= 1) throw new RangeError(`batchNorm: expected more than 1 value per channel when training, got input ${shapeToString(x.shape)}`);
    mu = mean(x, dims, { keepDim: true });
    sigma2 = variance(x, dims, { keepDim: true, correction: 0 });
    if (runningMean && runningVar) {
      noGrad(() => {
        const batchMean = reduce('mean', x, dims);
        const unbiased = binary('mul', reduce('var', x, dims, { correction: 0 }), n / (n - 1));
        updateInPlace(runningMean, binary('add', binary('mul', runningMean, 1 - momentum), binary('mul', batchMean, momentum)));
        updateInPlace(runningVar, binary('add', binary('mul', runningVar, 1 - momentum), binary('mul', unbiased, momentum)));
      });
    }
  } else {
    if (!runningMean || !runningVar) throw new Error('batchNorm: running statistics are required in eval mode');
    mu = reshape(runningMean, statShape);
    sigma2 = reshape(runningVar, statShape);
  }
  let y = div(sub(x, mu), sqrt(add(sigma2, eps)));
  if (weight) y = mul(y, reshape(weight, statShape));
  if (bias) y = add(y, reshape(bias, statShape));
  return y;
}

function updateInPlace(target: Tensor, value: Tensor): void {
  target.data.set(value.contiguousData(), target.offset);
  target.storage.bumpVersion();
}
