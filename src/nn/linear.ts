/**
 * `Linear`: y = x·Wᵀ + b with W [outFeatures, inFeatures] and b [outFeatures] (torch.nn.Linear),
 * default-initialised as PyTorch does (default-init.ts) from the required `generator` option.
 */
import { linear } from '../autograd/functional/linear.js';
import type { FloatDType } from '../tensor/dtype.js';
import type { Generator } from '../tensor/random.js';
import { shapeToString } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { checkSize, layerDType, layerGenerator, resetLayerParameters } from './default-init.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';

/** Options of `new Linear`. */
export interface LinearOptions {
  /** Draws the initial weights and bias (required). */
  generator: Generator;
  /** Learn an additive bias (default true). */
  bias?: boolean;
  /** Parameter dtype (default float32). */
  dtype?: FloatDType;
}

/**
 * A fully connected layer.
 * @example
 * const fc = new Linear(784, 10, { generator: new Generator(0) });
 * fc.forward(zeros([32, 784])).shape; // [32, 10]
 */
export class Linear extends Module {
  readonly weight: Parameter;
  readonly bias: Parameter | null;

  constructor(readonly inFeatures: number, readonly outFeatures: number, options: LinearOptions) {
    super();
    checkSize(inFeatures, 'Linear', 'inFeatures', true);
    checkSize(outFeatures, 'Linear', 'outFeatures', true);
    const generator = layerGenerator(options?.generator, 'Linear');
    const dtype = layerDType(options.dtype, 'Linear');
    this.weight = this.registerParameter('weight', new Parameter(Tensor.zeroed([outFeatures, inFeatures], dtype)));
    this.bias = this.registerParameter('bias', options.bias === false ? null : new Parameter(Tensor.zeroed([outFeatures], dtype)));
    resetLayerParameters(this.weight, this.bias, generator);
  }

  forward(input: Tensor): Tensor {
    if (!(input instanceof Tensor) || input.ndim < 1 || input.shape[input.ndim - 1] !== this.inFeatures) {
      const got = input instanceof Tensor ? shapeToString(input.shape) : String(input);
      throw new RangeError(`Linear.forward: input must be [..., ${this.inFeatures}], got ${got}`);
    }
    return linear(input, this.weight, this.bias);
  }
}
