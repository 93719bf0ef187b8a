/**
 * `Conv2d`: 2-D cross-correlation over NCHW input with an OIHW weight
 * [outChannels, inChannels/groups, kH, kW] and optional bias [outChannels] (torch.nn.Conv2d, zero
 * padding), default-initialised as PyTorch does (default-init.ts) from the required `generator`.
 */
import { conv2d, conv2dRelu } from '../autograd/ops/conv2d.js';
import type { FloatDType } from '../tensor/dtype.js';
import { pairOption, type Conv2dOptions } from '../tensor/kernels/conv2d-geometry.js';
import type { Generator } from '../tensor/random.js';
import { shapeToString } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { checkSize, layerDType, layerGenerator, resetLayerParameters } from './default-init.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';

/** Options of `new Conv2d`: the conv2d options plus initialisation and bias. */
export interface Conv2dModuleOptions extends Conv2dOptions {
  /** Draws the initial weights and bias (required). */
  generator: Generator;
  /** Learn an additive bias per output channel (default true). */
  bias?: boolean;
  /** Parameter dtype (default float32). */
  dtype?: FloatDType;
}

/**
 * A 2-D convolution layer.
 * @example
 * const conv = new Conv2d(1, 8, 3, { padding: 1, generator: new Generator(0) });
 * conv.forward(zeros([2, 1, 28, 28])).shape; // [2, 8, 28, 28]
 */
export class Conv2d extends Module {
  readonly weight: Parameter;
  readonly bias: Parameter | null;
  readonly kernelSize: [number, number];
  /** stride, padding, dilation, groups as given (validated by conv2d at forward). */
  readonly options: Conv2dOptions;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: number | [number, number],
    options: Conv2dModuleOptions,
  ) {
    super();
    checkSize(inChannels, 'Conv2d', 'inChannels');
    checkSize(outChannels, 'Conv2d', 'outChannels');
    this.kernelSize = pairOption('Conv2d', 'kernelSize', kernelSize, 1, 1);
    const generator = layerGenerator(options?.generator, 'Conv2d');
    const dtype = layerDType(options.dtype, 'Conv2d');
    const groups = checkSize(options.groups ?? 1, 'Conv2d', 'options.groups');
    if (inChannels % groups !== 0 || outChannels % groups !== 0) {
      throw new RangeError(`Conv2d: inChannels (${inChannels}) and outChannels (${outChannels}) must both be divisible by groups (${groups})`);
    }
    // Validate the pairs now so a bad option fails at construction, not at the first forward.
    pairOption('Conv2d', 'options.stride', options.stride, 1, 1);
    pairOption('Conv2d', 'options.padding', options.padding, 0, 0);
    pairOption('Conv2d', 'options.dilation', options.dilation, 1, 1);
    this.options = { stride: options.stride ?? 1, padding: options.padding ?? 0, dilation: options.dilation ?? 1, groups };
    const [kh, kw] = this.kernelSize;
    this.weight = this.registerParameter('weight', new Parameter(Tensor.zeroed([outChannels, inChannels / groups, kh, kw], dtype)));
    this.bias = this.registerParameter('bias', options.bias === false ? null : new Parameter(Tensor.zeroed([outChannels], dtype)));
    resetLayerParameters(this.weight, this.bias, generator);
  }

  forward(input: Tensor): Tensor {
    this.checkInput('forward', input);
    return conv2d(input, this.weight, this.bias, this.options);
  }

  /**
   * relu(this.forward(input)), fused into the conv kernel's store when no graph is recorded (the same
   * bits; autograd/ops/conv2d.ts `conv2dRelu`). `Sequential` calls it for a Conv2d followed by a ReLU.
   */
  forwardRelu(input: Tensor): Tensor {
    this.checkInput('forwardRelu', input);
    return conv2dRelu(input, this.weight, this.bias, this.options);
  }

  private checkInput(method: string, input: Tensor): void {
    if (!(input instanceof Tensor) || input.ndim !== 4 || input.shape[1] !== this.inChannels) {
      const got = input instanceof Tensor ? shapeToString(input.shape) : String(input);
      throw new RangeError(`Conv2d.${method}: input must be [N, ${this.inChannels}, H, W], got ${got}`);
    }
  }
}
