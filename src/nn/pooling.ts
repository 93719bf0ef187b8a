/**
 * Pooling layers over NCHW input: `MaxPool2d`, `AvgPool2d` (torch.nn.MaxPool2d/AvgPool2d, stride
 * defaulting to the kernel size) and `GlobalAvgPool2d`, the mean over H and W keeping [N, C, 1, 1]
 * (torch.nn.AdaptiveAvgPool2d(1)).
 */
import { mean } from '../autograd/ops/mean.js';
import { avgPool2d, maxPool2d } from '../autograd/ops/pool2d.js';
import { reluMaxPool2d } from '../autograd/ops/relu-max-pool2d.js';
import type { Pool2dOptions } from '../tensor/kernels/pool2d-geometry.js';
import { pairOption } from '../tensor/kernels/conv2d-geometry.js';
import { describe, shapeToString } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { Module } from './module.js';

/** Options of MaxPool2d: stride (default kernelSize), padding, dilation, ceilMode. */
export type MaxPool2dOptions = Omit<Pool2dOptions, 'kernelSize' | 'countIncludePad'>;
/** Options of AvgPool2d: stride (default kernelSize), padding, ceilMode, countIncludePad. */
export type AvgPool2dOptions = Omit<Pool2dOptions, 'kernelSize' | 'dilation'>;

function checkNCHW(x: Tensor, layer: string): void {
  if (!(x instanceof Tensor) || x.ndim !== 4) {
    throw new RangeError(`${layer}.forward: input must be [N, C, H, W], got ${x instanceof Tensor ? shapeToString(x.shape) : describe(x)}`);
  }
}

/**
 * Max over each window; gradient to the first maximum.
 * @example new MaxPool2d(2).forward(zeros([1, 8, 28, 28])).shape // [1, 8, 14, 14]
 */
export class MaxPool2d extends Module {
  readonly options: Pool2dOptions;

  constructor(kernelSize: number | [number, number], options: MaxPool2dOptions = {}) {
    super();
    pairOption('MaxPool2d', 'kernelSize', kernelSize, 1, 1);
    this.options = { ...options, kernelSize };
  }

  forward(input: Tensor): Tensor {
    checkNCHW(input, 'MaxPool2d');
    return maxPool2d(input, this.options);
  }

  /**
   * this.forward(relu(input)) as one op (autograd/ops/relu-max-pool2d.ts: the same values and
   * gradients, the ReLU done on the pooled values). `Sequential` calls it for a ReLU followed by a MaxPool2d.
   */
  forwardAfterRelu(input: Tensor): Tensor {
    checkNCHW(input, 'MaxPool2d');
    return reluMaxPool2d(input, this.options);
  }
}

/**
 * Mean over each window.
 * @example new AvgPool2d(2).forward(zeros([1, 8, 28, 28])).shape // [1, 8, 14, 14]
 */
export class AvgPool2d extends Module {
  readonly options: Pool2dOptions;

  constructor(kernelSize: number | [number, number], options: AvgPool2dOptions = {}) {
    super();
    pairOption('AvgPool2d', 'kernelSize', kernelSize, 1, 1);
    this.options = { ...options, kernelSize };
  }

  forward(input: Tensor): Tensor {
    checkNCHW(input, 'AvgPool2d');
    return avgPool2d(input, this.options);
  }
}

/**
 * Mean over all of H and W: [N, C, H, W] → [N, C, 1, 1].
 * @example new GlobalAvgPool2d().forward(zeros([2, 16, 7, 7])).shape // [2, 16, 1, 1]
 */
export class GlobalAvgPool2d extends Module {
  forward(input: Tensor): Tensor {
    checkNCHW(input, 'GlobalAvgPool2d');
    return mean(input, [2, 3], { keepDim: true });
  }
}
