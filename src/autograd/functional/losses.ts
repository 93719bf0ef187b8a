/**
 * Losses as compositions of primitives (no hand-written gradients):
 *  - nllLoss(logp [N,C], y [N]) = −(1/N) Σ_n logp[n, y_n]                        (torch F.nll_loss)
 *  - crossEntropy(z, y, {labelSmoothing ε}) = (1−ε)·nll(logsoftmax z, y) + ε·mean_n (1/C) Σ_c −logp[n,c]
 *                                                                               (torch F.cross_entropy)
 *  - klDiv(logq, p, 'batchmean') = (1/N) Σ p·(ln p − logq), with 0·ln 0 = 0       (torch F.kl_div)
 *  - mseLoss(a, b) = mean (a − b)²                                               (torch F.mse_loss)
 * Stability: cross-entropy goes through the fused logSoftmax (max-subtraction inside).
 * Reductions: 'mean' (default; 'batchmean' for klDiv), 'sum', 'none'.
 */
import { binary, unary, where as whereRaw } from '../../tensor/ops/elementwise.js';
import { describe, shapeToString } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { noGrad } from '../grad-mode.js';
import { detach } from '../ops/compare.js';
import { gather } from '../ops/gather.js';
import { logSoftmax } from '../ops/log-softmax.js';
import { mean } from '../ops/mean.js';
import { mul } from '../ops/mul.js';
import { neg } from '../ops/neg.js';
import { add } from '../ops/add.js';
import { sub } from '../ops/sub.js';
import { sum } from '../ops/sum.js';
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

function checkClassTargets(logits: Tensor, target: Tensor, op: string): void {
  if (!(logits instanceof Tensor) || !(target instanceof Tensor)) throw new TypeError(`${op}: input and target must be Tensors`);
  if (logits.ndim !== 2) throw new RangeError(`${op}: input must be [N, C], got ${shapeToString(logits.shape)}`);
  if (target.dtype !== 'int32' || target.ndim !== 1 || target.shape[0] !== logits.shape[0]) {
    throw new RangeError(`${op}: target must be int32 of shape [${logits.shape[0]}], got ${target.dtype} ${shapeToString(target.shape)}`);
  }
  const c = logits.shape[1]!;
  const labels = target.contiguousData();
  for (let i = 0; i < labels.length; i++) {
    if (labels[i]! < 0 || labels[i]! >= c) throw new RangeError(`${op}: target[${i}] = ${labels[i]} is outside [0, ${c})`);
  }
}

export interface LossOptions {
  reduction?: Reduction;
}

/** Negative log-likelihood of int32 class targets given log-probabilities [N, C]. */
export function nllLoss(logProbs: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  checkClassTargets(logProbs, target, 'nllLoss');
  const picked = squeeze(gather(logProbs, 1, unsqueeze(target, 1)), 1);
  return reduceLoss(neg(picked), options.reduction ?? 'mean', 'nllLoss');
}

export interface CrossEntropyOptions extends LossOptions {
  /** ε in [0, 1): mixes the one-hot target with the uniform distribution (PyTorch label_smoothing). */
  labelSmoothing?: number;
}

/** Softmax cross-entropy of logits [N, C] against int32 labels [N]. */
export function crossEntropy(logits: Tensor, target: Tensor, options: CrossEntropyOptions = {}): Tensor {
  checkClassTargets(logits, target, 'crossEntropy');
  const eps = options.labelSmoothing ?? 0;
  if (!(eps >= 0 && eps < 1)) throw new RangeError(`crossEntropy: labelSmoothing must be in [0, 1), got ${eps}`);
  const logp = logSoftmax(logits, 1);
  let perItem = neg(squeeze(gather(logp, 1, unsqueeze(target, 1)), 1));
  if (eps > 0) {
    const uniform = mul(sum(logp, 1), -1 / logits.shape[1]!);
    perItem = add(mul(perItem, 1 - eps), mul(uniform, eps));
  }
  return reduceLoss(perItem, options.reduction ?? 'mean', 'crossEntropy');
}

export interface KlDivOptions {
  reduction?: Reduction | 'batchmean';
  /** Target given as log-probabilities (PyTorch log_target). */
  logTarget?: boolean;
}

/**
 * KL(p ‖ q) with q given as log-probabilities `input` and p as `target` (PyTorch argument order).
 * The target is treated as a constant (no gradient flows into it), as in distillation.
 */
export function klDiv(input: Tensor, target: Tensor, options: KlDivOptions = {}): Tensor {
  if (!(input instanceof Tensor) || !(target instanceof Tensor)) throw new TypeError('klDiv: input and target must be Tensors');
  const [p, plogp] = noGrad(() => {
    // detach: `prob` multiplies `input` below, and the raw target would carry a partial gradient
    // (−input/N without the ∂(p ln p)/∂p term) into a target that requires grad.
    const prob = options.logTarget ? unary('exp', target) : detach(target);
    const logp = options.logTarget ? target : unary('log', target);
    // p·ln p with the 0·ln 0 = 0 convention (torch.xlogy).
    return [prob, whereRaw(binary('gt', prob, 0), binary('mul', prob, logp), 0)] as const;
  });
  const pointwise = sub(plogp, mul(p, input));
  const batch = input.ndim > 0 ? input.shape[0]! : 1;
  return reduceLoss(pointwise, options.reduction ?? 'mean', 'klDiv', batch);
}

/** Mean squared error. */
export function mseLoss(input: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  const d = sub(input, target);
  return reduceLoss(mul(d, d), options.reduction ?? 'mean', 'mseLoss');
}
