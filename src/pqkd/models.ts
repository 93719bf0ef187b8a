/**
 * Builds teacher and student networks from their specs (model-spec.ts). Parameter names follow
 * PyTorch's Sequential convention: `features.<i>.*` for the conv blocks (conv, BN, ReLU, optional
 * pool per spec entry) and `classifier.<i>.*` for the head.
 *
 * A student's dictionary convs share one feature: `setFeature(φ)` centres φ (g(φ), projection.ts) and
 * gives it to every DictConv2d, which recomputes its own M. `compile()` returns the equivalent dense
 * network (each DictConv2d → Conv2d with the frozen M), i.e. classical inference.
 */
import { BatchNorm2d } from '../nn/batch-norm.js';
import { Conv2d } from '../nn/conv2d.js';
import { Linear } from '../nn/linear.js';
import { Module } from '../nn/module.js';
import { Flatten, ReLU } from '../nn/activation.js';
import { GlobalAvgPool2d, MaxPool2d } from '../nn/pooling.js';
import { Sequential } from '../nn/sequential.js';
import { Generator } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import type { DictConvImpl } from '../autograd/functional/dict-conv2d.js';
import { DictConv2d } from './dict-conv.js';
import type { ModelSpec } from './model-spec.js';
import { centerFeature, centerFeatureTensor } from './projection.js';

export interface BuildOptions {
  generator: Generator;
  /** For students: the projection seed, feature layout and implementation choice. */
  projectionSeed?: number;
  featureBins?: readonly number[];
  dictConvImpl?: DictConvImpl;
}

export class PqkdNet extends Module {
  readonly features: Sequential;
  readonly classifier: Sequential;
  readonly dictLayers: DictConv2d[] = [];
  /** The feature currently driving the dictionary convs (raw φ, before centring). */
  feature: Float64Array | null = null;

  constructor(readonly spec: ModelSpec, readonly options: BuildOptions) {
    super();
    const gen = options.generator;
    const features = new Sequential();
    const classifier = new Sequential();
    let inHead = false;
    spec.layers.forEach((l, index) => {
      const layerGen = gen.fork(`layer${index}`);
      if (l.kind === 'conv') {
        if (l.dict) {
          const bins = options.featureBins ?? [256, 256];
          const dict = new DictConv2d(l.inChannels, l.outChannels, {
            rank: spec.rank, kernelSize: l.kernel, padding: l.padding, layerName: `features.${features.length}`,
            projectionSeed: options.projectionSeed ?? 0, featureDim: bins.reduce((a, b) => a + b, 0),
            generator: layerGen, impl: options.dictConvImpl ?? 'auto',
          });
          this.dictLayers.push(dict);
          features.append(dict);
        } else {
          features.append(new Conv2d(l.inChannels, l.outChannels, l.kernel, { padding: l.padding, bias: false, generator: layerGen }));
        }
        features.append(new BatchNorm2d(l.outChannels));
        features.append(new ReLU());
        if (l.pool) features.append(new MaxPool2d(2));
      } else if (l.kind === 'flatten' || l.kind === 'globalAvgPool') {
        inHead = true;
        // Global average pooling keeps [N, C, 1, 1] (like AdaptiveAvgPool2d(1)); flatten it for the head.
        if (l.kind === 'globalAvgPool') classifier.append(new GlobalAvgPool2d());
        classifier.append(new Flatten());
      } else {
        inHead = true;
        classifier.append(new Linear(l.inFeatures, l.outFeatures, { generator: layerGen }));
        if (l.relu) classifier.append(new ReLU());
      }
    });
    if (!inHead) throw new RangeError(`PqkdNet: spec ${spec.name} has no head`);
    this.features = this.registerModule('features', features);
    this.classifier = this.registerModule('classifier', classifier);
  }

  get isStudent(): boolean {
    return this.dictLayers.length > 0;
  }

  /** Sets the photonic feature φ (raw group histograms) of every dictionary conv. */
  setFeature(phi: ArrayLike<number>): void {
    const bins = this.options.featureBins ?? [256, 256];
    const centered = centerFeature(phi, bins);
    for (const layer of this.dictLayers) layer.setFeature(centered);
    this.feature = Float64Array.from(phi);
  }

  /**
   * Sets the feature from a tensor φ [D] through differentiable ops (the (e″) control: φ is trained
   * by the student's optimiser through P). Call it every step before forward.
   */
  setFeatureTensor(phi: Tensor): void {
    const centered = centerFeatureTensor(phi, this.options.featureBins ?? [256, 256]);
    for (const layer of this.dictLayers) layer.setFeatureTensor(centered);
    this.feature = Float64Array.from(phi.data);
  }

  forward(x: Tensor): Tensor {
    return this.classifier.forward(this.features.forward(x));
  }

  /**
   * The dense (teacher-topology) network computing the same function with the current feature:
   * every DictConv2d becomes a Conv2d; all other parameters and buffers are copied.
   */
  compile(): PqkdNet {
    const denseSpec: ModelSpec = { ...this.spec, rank: 0, layers: this.spec.layers.map((l) => (l.kind === 'conv' ? { ...l, dict: false } : l)) };
    const dense = new PqkdNet(denseSpec, { generator: new Generator(0) });
    const state = this.stateDict();
    const target = dense.stateDict();
    for (const [name] of Object.entries(target)) {
      if (name in state) target[name] = state[name]!;
    }
    this.features.namedChildren().forEach(([index, m]) => {
      if (m instanceof DictConv2d) target[`features.${index}.weight`] = m.denseKernel();
    });
    dense.loadStateDict(target);
    if (!this.training) dense.eval();
    return dense;
  }
}

/** Builds a network for a spec. */
export function buildModel(spec: ModelSpec, options: BuildOptions): PqkdNet {
  return new PqkdNet(spec, options);
}
