/**
 * `DictConv2d`, the student's dictionary convolution as a module (docs/method.md §2–§3):
 * trainable basis D [R, k, k] (init N(0, 1/k²)), and a mixing tensor M [C_out, C_in, R] that is
 * NOT a parameter: `setFeature(gφ)` recomputes it from the centred feature through the layer's fixed
 * projection (regenerated from the projection seed, never stored) and the per-layer standardisation.
 * `toConv2d()` compiles the layer with its current M into an ordinary dense `Conv2d` for classical
 * inference (W = M ×_r D).
 */
import { chooseDictConvImpl, dictConv2d, dictKernel, type DictConvImpl } from '../autograd/functional/dict-conv2d.js';
import { noGrad } from '../autograd/grad-mode.js';
import { Conv2d } from '../nn/conv2d.js';
import { Module } from '../nn/module.js';
import { Parameter } from '../nn/parameter.js';
import type { Generator } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { matmul } from '../autograd/ops/matmul.js';
import { reshape } from '../autograd/ops/reshape.js';
import { FixedProjection, standardizeMixing, standardizeMixingTensor } from './projection.js';

export interface DictConv2dOptions {
  rank: number;
  kernelSize: number;
  padding?: number;
  stride?: number;
  /** Name of the layer in the projection stream (e.g. 'features.4'). */
  layerName: string;
  projectionSeed: number;
  featureDim: number;
  generator: Generator;
  impl?: DictConvImpl;
}

export class DictConv2d extends Module {
  readonly basis: Parameter;
  readonly projection: FixedProjection;
  readonly rank: number;
  readonly kernelSize: number;
  readonly padding: number;
  readonly stride: number;
  readonly impl: 'two-stage' | 'materialize';
  /** Current mixing tensor [C_out, C_in, R] (float32, no gradient); null until setFeature. */
  mixing: Tensor | null = null;

  constructor(readonly inChannels: number, readonly outChannels: number, options: DictConv2dOptions) {
    super();
    const { rank, kernelSize } = options;
    if (!Number.isSafeInteger(rank) || rank < 1) throw new RangeError(`DictConv2d: rank must be an integer >= 1, got ${rank}`);
    this.rank = rank;
    this.kernelSize = kernelSize;
    this.padding = options.padding ?? 0;
    this.stride = options.stride ?? 1;
    const k2 = kernelSize * kernelSize;
    const basis = Tensor.zeroed([rank, kernelSize, kernelSize], 'float32');
    options.generator.normalArray(basis.numel(), 0, 1 / kernelSize, basis.data as Float32Array);
    this.basis = this.registerParameter('basis', new Parameter(basis));
    this.projection = new FixedProjection(options.projectionSeed, options.layerName, outChannels * inChannels * rank, options.featureDim);
    const choice = options.impl ?? 'auto';
    this.impl = choice === 'auto' ? chooseDictConvImpl(rank, k2, outChannels) : choice;
  }

  /** Recomputes M from the centred feature g(φ) (docs/method.md §3). */
  setFeature(centered: ArrayLike<number>): void {
    const m = this.projection.apply(centered);
    const M = standardizeMixing(m, this.inChannels, this.rank);
    const t = Tensor.zeroed([this.outChannels, this.inChannels, this.rank], 'float32');
    (t.data as Float32Array).set(M);
    this.mixing = t;
  }

  /**
   * Sets M from a centred feature TENSOR through differentiable ops (M = standardise(P·gφ)), so a
   * loss computed with this layer has a gradient with respect to the feature (the (e″) control).
   * Call it every step: M is an intermediate of that step's graph.
   */
  setFeatureTensor(centered: Tensor): void {
    const m = matmul(this.projection.matrixTensor(), centered);
    const M = standardizeMixingTensor(m, this.inChannels, this.rank);
    this.mixing = reshape(M, [this.outChannels, this.inChannels, this.rank]);
  }

  forward(x: Tensor): Tensor {
    if (this.mixing === null) throw new Error('DictConv2d.forward: no mixing tensor yet; call setFeature(g(φ)) first');
    return dictConv2d(x, this.basis, this.mixing, null, { padding: this.padding, stride: this.stride, impl: this.impl });
  }

  /** The dense kernel W [C_out, C_in, k, k] for the current M. */
  denseKernel(): Tensor {
    if (this.mixing === null) throw new Error('DictConv2d.denseKernel: no mixing tensor yet; call setFeature first');
    return noGrad(() => dictKernel(this.basis, this.mixing!));
  }

  /** An ordinary Conv2d computing the same function with the current (frozen) M. */
  toConv2d(generator: Generator): Conv2d {
    const conv = new Conv2d(this.inChannels, this.outChannels, this.kernelSize, {
      padding: this.padding, stride: this.stride, bias: false, generator,
    });
    conv.weight.data.set(this.denseKernel().contiguousData());
    conv.weight.storage.bumpVersion();
    return conv;
  }
}
