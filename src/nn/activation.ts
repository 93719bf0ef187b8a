/**
 * Parameter-free layers: `ReLU` (torch.nn.ReLU, relu′(0) = 0), `Flatten` (torch.nn.Flatten, dims
 * startDim..endDim merged, default 1..−1) and `Dropout` (torch.nn.Dropout: inverted dropout in
 * training mode, identity in eval mode; the mask is drawn from the generator given at construction).
 */
import { dropout } from '../autograd/functional/dropout.js';
import { relu } from '../autograd/ops/relu.js';
import { flatten } from '../autograd/ops/reshape.js';
import type { Generator } from '../tensor/random.js';
import { describe } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module } from './module.js';

/**
 * max(x, 0) element-wise.
 * @example new ReLU().forward(tensor([-1, 2])).toArray() // [0, 2]
 */
export class ReLU extends Module {
  forward(input: Tensor): Tensor {
    return relu(input);
  }
}

/** Options of `new Flatten`. */
export interface FlattenOptions {
  /** First dim to merge (default 1, keeping the batch dim). */
  startDim?: number;
  /** Last dim to merge (default −1). */
  endDim?: number;
}

/**
 * Merges dims startDim..endDim.
 * @example new Flatten().forward(zeros([2, 16, 7, 7])).shape // [2, 784]
 */
export class Flatten extends Module {
  readonly startDim: number;
  readonly endDim: number;

  constructor(options: FlattenOptions = {}) {
    super();
    this.startDim = options.startDim ?? 1;
    this.endDim = options.endDim ?? -1;
    for (const [name, v] of [['startDim', this.startDim], ['endDim', this.endDim]] as const) {
      if (!Number.isSafeInteger(v)) throw new RangeError(`Flatten: options.${name} must be an integer, got ${describe(v)}`);
    }
  }

  forward(input: Tensor): Tensor {
    return flatten(input, this.startDim, this.endDim);
  }
}

/** Options of `new Dropout`. */
export interface DropoutModuleOptions {
  /** Probability of zeroing an element (default 0.5). */
  p?: number;
  /** Draws the masks (required); its state belongs in checkpoints for exact resumption. */
  generator: Generator;
}

/**
 * Inverted dropout: y = x·m/(1 − p), m ~ Bernoulli(1 − p), in training mode only.
 * @example const drop = new Dropout({ p: 0.25, generator: new Generator(1) });
 */
export class Dropout extends Module {
  readonly p: number;
  readonly generator: Generator;

  constructor(options: DropoutModuleOptions) {
    super();
    this.p = options?.p ?? 0.5;
    if (!(this.p >= 0 && this.p <= 1)) throw new RangeError(`Dropout: options.p must be in [0, 1], got ${describe(options?.p)}`);
    if (!options?.generator || typeof options.generator.uniform !== 'function') {
      throw new TypeError(`Dropout: options.generator is required (pqkd has no global random state), got ${describe(options?.generator)}`);
    }
    this.generator = options.generator;
  }

  forward(input: Tensor): Tensor {
    return dropout(input, { p: this.p, training: this.training, generator: this.generator });
  }
}
