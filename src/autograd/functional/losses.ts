/**
 * Losses as compositions of primitives (no hand-written gradients):
 *  - nllLoss(logp [N,C,d…], y [N,d…]) = Σ_i −w_i·logp[i, y_i] / Σ_i w_i, w_i = weight[y_i] (1 without
 *    weights), 0 where y_i = ignoreIndex                                          (torch F.nll_loss)
 *  - crossEntropy(z, y, {labelSmoothing ε}) = (1−ε)·nll(logsoftmax z, y) + (ε/C)·smooth, smooth_i =
 *    −Σ_c weight_c·logp[i,c] (0 where ignored), reduced like nll             (torch F.cross_entropy)
 *  - klDiv(logq, p, 'batchmean') = (1/N) Σ p·(ln p − logq), with 0·ln 0 = 0; the target is a constant
 *    unless options.differentiableTarget                                          (torch F.kl_div)
 *  - mseLoss(a, b) = mean (a − b)²                                               (torch F.mse_loss)
 * Stability: cross-entropy goes through the fused logSoftmax (max-subtraction inside).
 * Reductions: 'mean' (default; 'batchmean' for klDiv), 'sum', 'none'.
 */
import { binary, unary, where as whereRaw } from '../../tensor/ops/elementwise.js';
import { describe, shapeToString } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { isGradEnabled, noGrad } from '../grad-mode.js';
import { exp } from '../ops/exp.js';
import { log } from '../ops/log.js';
import { where } from '../ops/where.js';
import { gather } from '../ops/gather.js';
import { logSoftmax } from '../ops/log-softmax.js';
import { mean } from '../ops/mean.js';
import { mul } from '../ops/mul.js';
import { neg } from '../ops/neg.js';
import { add } from '../ops/add.js';
import { sub } from '../ops/sub.js';
import { sum } from '../ops/sum.js';
import { div } from '../ops/div.js';
import { indexSelect } from '../ops/index-select.js';
import { permute } from '../ops/permute.js';
import { reshape } from '../ops/reshape.js';
import { fromTypedArray } from '../../tensor/create.js';
import { squeeze, unsqueeze } from '../ops/squeeze.js';

export type Reduction = 'mean' | 'sum' | 'none';

function reduceLoss(perItem: Tensor, reduction: Reduction | 'batchmean', op: string, batch = 1): Tensor {
  switch (reduction) {
    case 'mean':
      return mean(perItem);
    case 'sum':
      return sum(perItem);
    case 'none':
      return perItem;
    case 'batchmean':
      return mul(sum(perItem), 1 / batch);
    default:
      throw new RangeError(`${op}: reduction must be 'mean', 'sum' or 'none', got ${describe(reduction)}`);
  }
}

export interface LossOptions {
  reduction?: Reduction;
}

export interface ClassLossOptions extends LossOptions {
  /** Per-class weights [C] (PyTorch `weight`); may require a gradient. */
  weight?: Tensor | null;
  /** Targets equal to this contribute nothing and are left out of the mean's divisor (default −100). */
  ignoreIndex?: number;
}

/**
 * Scores [N, C, d1, …] (or [C]) and int32 targets [N, d1, …] (or []) as rows [M, C] with the class last,
 * the targets' shape, per-row weights w_i = weight[y_i] (1 without weights; 0 where y_i = ignoreIndex), the
 * 0/1 mask of non-ignored rows and targets with ignored entries replaced by 0 (so they can be gathered).
 */
function classRows(scores: Tensor, target: Tensor, options: ClassLossOptions, op: string): { rows: Tensor; rowWeight: Tensor; mask: Tensor; safe: Tensor; shape: number[] } {
  if (!(scores instanceof Tensor) || !(target instanceof Tensor)) throw new TypeError(`${op}: input and target must be Tensors`);
  if (scores.ndim < 1) throw new RangeError(`${op}: input must be [N, C, d1, …] or [C], got ${shapeToString(scores.shape)}`);
  const classDim = scores.ndim === 1 ? 0 : 1;
  const c = scores.shape[classDim]!;
  const shape = scores.shape.filter((_, d) => d !== classDim);
  if (target.dtype !== 'int32' || target.shape.length !== shape.length || target.shape.some((s, d) => s !== shape[d])) {
    throw new RangeError(`${op}: target must be int32 of shape ${shapeToString(shape)}, got ${target.dtype} ${shapeToString(target.shape)} (the target is input ${shapeToString(scores.shape)} without its class dim ${classDim})`);
  }
  const ignoreIndex = options.ignoreIndex ?? -100;
  if (!Number.isInteger(ignoreIndex)) throw new RangeError(`${op}: ignoreIndex must be an integer, got ${describe(ignoreIndex)}`);
  const weight = options.weight ?? null;
  if (weight !== null && (!(weight instanceof Tensor) || weight.ndim !== 1 || weight.shape[0] !== c)) {
    throw new RangeError(`${op}: weight must be a Tensor of shape [${c}] (one per class), got ${weight instanceof Tensor ? shapeToString(weight.shape) : describe(weight)}`);
  }
  const labels = target.contiguousData();
  const safeLabels = new Int32Array(labels.length);
  const keep = new Float64Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i]!;
    if (y === ignoreIndex) continue;
    if (y < 0 || y >= c) throw new RangeError(`${op}: target[${i}] = ${y} is outside [0, ${c}) and is not ignoreIndex ${ignoreIndex}`);
    safeLabels[i] = y;
    keep[i] = 1;
  }
  // Class dim last, then one row per target element.
  const order = [0, ...Array.from({ length: scores.ndim - 2 }, (_, d) => d + 2), 1];
  const rows = scores.ndim === 1 ? reshape(scores, [1, c]) : reshape(scores.ndim === 2 ? scores : permute(scores, order), [-1, c]);
  const safe = fromTypedArray(safeLabels, [labels.length]);
  const mask = fromTypedArray(scores.dtype === 'float32' ? Float32Array.from(keep) : keep, [labels.length]);
  const rowWeight = weight === null ? mask : mul(indexSelect(weight, 0, safe), mask);
  return { rows, rowWeight, mask, safe, shape };
}

/** 'mean' divides by Σ w_i (PyTorch: the total weight of the non-ignored targets); 'none' keeps the target shape. */
function reduceClassLoss(perRow: Tensor, rowWeight: Tensor, shape: number[], reduction: Reduction | undefined, op: string): Tensor {
  switch (reduction ?? 'mean') {
    case 'mean': return div(sum(perRow), sum(rowWeight));
    case 'sum': return sum(perRow);
    case 'none': return reshape(perRow, shape);
    default: throw new RangeError(`${op}: reduction must be 'mean', 'sum' or 'none', got ${describe(reduction)}`);
  }
}

/** −w_i·logp[i, y_i] per row. */
function pickedNll(logpRows: Tensor, safe: Tensor, rowWeight: Tensor): Tensor {
  return neg(mul(squeeze(gather(logpRows, 1, unsqueeze(safe, 1)), 1), rowWeight));
}

/** Negative log-likelihood of int32 class targets [N, d1, …] given log-probabilities [N, C, d1, …]. */
export function nllLoss(logProbs: Tensor, target: Tensor, options: ClassLossOptions = {}): Tensor {
  const { rows, rowWeight, safe, shape } = classRows(logProbs, target, options, 'nllLoss');
  return reduceClassLoss(pickedNll(rows, safe, rowWeight), rowWeight, shape, options.reduction, 'nllLoss');
}

export interface CrossEntropyOptions extends ClassLossOptions {
  /** ε in [0, 1): mixes the one-hot target with the uniform distribution (PyTorch label_smoothing). */
  labelSmoothing?: number;
}

/**
 * Softmax cross-entropy of logits [N, C, d1, …] against int32 labels [N, d1, …] (PyTorch
 * F.cross_entropy): (1 − ε)·nll + (ε/C)·smooth, smooth_i = −Σ_c weight_c·logp[i, c] (0 where ignored),
 * both reduced alike ('mean' divides each by Σ w_i).
 */
export function crossEntropy(logits: Tensor, target: Tensor, options: CrossEntropyOptions = {}): Tensor {
  const eps = options.labelSmoothing ?? 0;
  if (!(eps >= 0 && eps < 1)) throw new RangeError(`crossEntropy: labelSmoothing must be in [0, 1), got ${eps}`);
  if (!(logits instanceof Tensor)) throw new TypeError('crossEntropy: input and target must be Tensors');
  if (logits.ndim < 1) throw new RangeError(`crossEntropy: input must be [N, C, d1, …] or [C], got ${shapeToString(logits.shape)}`);
  const logp = logSoftmax(logits, logits.ndim === 1 ? 0 : 1);
  const { rows, rowWeight, mask, safe, shape } = classRows(logp, target, options, 'crossEntropy');
  const nll = reduceClassLoss(pickedNll(rows, safe, rowWeight), rowWeight, shape, options.reduction, 'crossEntropy');
  if (eps === 0) return nll;
  const c = rows.shape[1]!;
  const weight = options.weight ?? null;
  const weighted = weight === null ? rows : mul(rows, reshape(weight, [1, c]));
  const smooth = mul(neg(sum(weighted, 1)), mask);
  const smoothReduced = reduceClassLoss(smooth, rowWeight, shape, options.reduction, 'crossEntropy');
  return add(mul(nll, 1 - eps), mul(smoothReduced, eps / c));
}

export interface KlDivOptions {
  reduction?: Reduction | 'batchmean';
  /** Target given as log-probabilities (PyTorch log_target). */
  logTarget?: boolean;
  /**
   * Differentiate the target too, as PyTorch always does: ∂/∂p = (ln p + 1 − input)·scale, or with
   * logTarget ∂/∂t = e^t·(t + 1 − input)·scale (NaN where p = 0, as in PyTorch). Default false: the
   * target is a constant (distillation), and a target that requires a gradient is an error.
   */
  differentiableTarget?: boolean;
}

/**
 * KL(p ‖ q) with q given as log-probabilities `input` and p as `target` (PyTorch argument order):
 * pointwise p·(ln p − input) with 0·ln 0 = 0 (torch.xlogy), or e^t·(t − input) with logTarget.
 */
export function klDiv(input: Tensor, target: Tensor, options: KlDivOptions = {}): Tensor {
  if (!(input instanceof Tensor) || !(target instanceof Tensor)) throw new TypeError('klDiv: input and target must be Tensors');
  const batch = input.ndim > 0 ? input.shape[0]! : 1;
  if (options.differentiableTarget === true) {
    const p = options.logTarget ? exp(target) : target;
    const logp = options.logTarget ? target : log(target);
    const plogp = options.logTarget ? mul(p, logp) : where(noGrad(() => binary('gt', target, 0)), mul(p, logp), 0);
    return reduceLoss(sub(plogp, mul(p, input)), options.reduction ?? 'mean', 'klDiv', batch);
  }
  if (target.requiresGrad && isGradEnabled()) {
    throw new RangeError(`klDiv: target ${shapeToString(target.shape)} requires a gradient, but the target is a constant unless options.differentiableTarget is true; pass { differentiableTarget: true } or detach the target`);
  }
  const [p, plogp] = noGrad(() => {
    const prob = options.logTarget ? unary('exp', target) : target;
    const logp = options.logTarget ? target : unary('log', target);
    // p·ln p with the 0·ln 0 = 0 convention (torch.xlogy).
    return [prob, whereRaw(binary('gt', prob, 0), binary('mul', prob, logp), 0)] as const;
  });
  const pointwise = sub(plogp, mul(p, input));
  return reduceLoss(pointwise, options.reduction ?? 'mean', 'klDiv', batch);
}

/** Mean squared error. */
export function mseLoss(input: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  const d = sub(input, target);
  return reduceLoss(mul(d, d), options.reduction ?? 'mean', 'mseLoss');
}
