/**
 * `BatchNorm1d` / `BatchNorm2d` (torch.nn.BatchNorm1d/2d) over the functional `batchNorm` composite:
 *   training: normalise with the batch mean and biased variance per channel; when tracking, update
 *             running ← (1 − f)·running + f·batch stat (unbiased variance), f = momentum, or
 *             f = 1/numBatchesTracked when momentum is null (cumulative average);
 *   eval:     normalise with the running statistics (batch statistics when not tracking).
 * State: weight γ (ones) and bias β (zeros) when affine; buffers runningMean (zeros), runningVar
 * (ones) and numBatchesTracked (int32 scalar; PyTorch uses int64) when trackRunningStats.
 */
import { batchNorm } from '../autograd/functional/batch-norm.js';
import { reshape } from '../autograd/ops/reshape.js';
import type { FloatDType } from '../tensor/dtype.js';
import { full } from '../tensor/create.js';
import { describe, shapeToString } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { checkSize, layerDType } from './default-init.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';

/** Options of the batch-norm layers (PyTorch defaults). */
export interface BatchNormModuleOptions {
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /** Weight of the new batch statistic in the running average (default 0.1); null: cumulative average. */
  momentum?: number | null;
  /** Learn γ and β (default true). */
  affine?: boolean;
  /** Keep running statistics for eval (default true). */
  trackRunningStats?: boolean;
  /** Parameter and buffer dtype (default float32). */
  dtype?: FloatDType;
}

abstract class BatchNormBase extends Module {
  readonly eps: number;
  readonly momentum: number | null;
  readonly weight: Parameter | null;
  readonly bias: Parameter | null;
  readonly runningMean: Tensor | null;
  readonly runningVar: Tensor | null;
  readonly numBatchesTracked: Tensor | null;

  protected constructor(readonly numFeatures: number, options: BatchNormModuleOptions, layer: string) {
    super();
    checkSize(numFeatures, layer, 'numFeatures');
    const dtype = layerDType(options.dtype, layer);
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum === undefined ? 0.1 : options.momentum;
    if (!(this.eps > 0)) throw new RangeError(`${layer}: options.eps must be positive, got ${describe(options.eps)}`);
    if (this.momentum !== null && !(this.momentum >= 0 && this.momentum <= 1)) {
      throw new RangeError(`${layer}: options.momentum must be in [0, 1] or null, got ${describe(options.momentum)}`);
    }
    const affine = options.affine ?? true;
    this.weight = this.registerParameter('weight', affine ? new Parameter(full([numFeatures], 1, { dtype })) : null);
    this.bias = this.registerParameter('bias', affine ? new Parameter(full([numFeatures], 0, { dtype })) : null);
    const track = options.trackRunningStats ?? true;
    this.runningMean = this.registerBuffer('runningMean', track ? full([numFeatures], 0, { dtype }) : null);
    this.runningVar = this.registerBuffer('runningVar', track ? full([numFeatures], 1, { dtype }) : null);
    this.numBatchesTracked = this.registerBuffer('numBatchesTracked', track ? full([], 0, { dtype: 'int32' }) : null);
  }

  /** Normalises an [N, C] or [N, C, H, W] input (the shapes the functional form takes). */
  protected normalize(x: Tensor): Tensor {
    let factor = this.momentum ?? 0;
    if (this.training && this.numBatchesTracked !== null) {
      this.numBatchesTracked.data[0]! += 1;
      this.numBatchesTracked.storage.bumpVersion();
      if (this.momentum === null) factor = 1 / this.numBatchesTracked.data[0]!;
    }
    const useBatchStats = this.training || this.runningMean === null;
    return batchNorm(x, this.runningMean, this.runningVar, this.weight, this.bias, {
      training: useBatchStats,
      momentum: factor,
      eps: this.eps,
    });
  }

  protected checkInput(x: Tensor, ranks: readonly number[], layout: string): void {
    if (!(x instanceof Tensor) || !ranks.includes(x.ndim) || x.shape[1] !== this.numFeatures) {
      const got = x instanceof Tensor ? shapeToString(x.shape) : describe(x);
      throw new RangeError(`${this.constructor.name}.forward: input must be ${layout} with C = ${this.numFeatures}, got ${got}`);
    }
  }
}

/**
 * Batch normalisation over [N, C, H, W] (statistics per channel over N, H, W).
 * @example
 * const bn = new BatchNorm2d(8);
 * bn.forward(x); // training: batch statistics; after bn.eval(): running statistics
 */
export class BatchNorm2d extends BatchNormBase {
  constructor(numFeatures: number, options: BatchNormModuleOptions = {}) {
    super(numFeatures, options, 'BatchNorm2d');
  }

  forward(input: Tensor): Tensor {
    this.checkInput(input, [4], '[N, C, H, W]');
    return this.normalize(input);
  }
}

/**
 * Batch normalisation over [N, C] or [N, C, L] (statistics per channel over N and L).
 * @example new BatchNorm1d(128).forward(zeros([32, 128])).shape // [32, 128]
 */
export class BatchNorm1d extends BatchNormBase {
  constructor(numFeatures: number, options: BatchNormModuleOptions = {}) {
    super(numFeatures, options, 'BatchNorm1d');
  }

  forward(input: Tensor): Tensor {
    this.checkInput(input, [2, 3], '[N, C] or [N, C, L]');
    if (input.ndim === 2) return this.normalize(input);
    const [n, c, l] = input.shape as [number, number, number];
    return reshape(this.normalize(reshape(input, [n, c, l, 1])), [n, c, l]);
  }
}
