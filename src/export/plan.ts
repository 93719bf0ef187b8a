/**
 * The export plan: a model as a straight chain of inference steps with their weights and PyTorch
 * state_dict names, read from the module tree without running it.
 *
 * Supported: `Sequential` (children in order), a PQKD `PqkdNet` (features then classifier; a student
 * is compiled first, so its dictionary convs become dense convs with the frozen feature), and the
 * leaves `Conv2d`, `BatchNorm2d` (eval: running statistics), `ReLU`, `MaxPool2d` (floor mode),
 * `GlobalAvgPool2d`, `Flatten` (from dim 1 to the end) and `Linear` (on [N, F]). Anything else is an
 * `ExportError` naming the module's class and its dotted path. Shapes are propagated from the
 * input shape [C, H, W] so every step knows its output shape and bad geometry fails here.
 */
import { BatchNorm2d } from '../nn/batch-norm.js';
import { Conv2d } from '../nn/conv2d.js';
import { Flatten, ReLU } from '../nn/activation.js';
import { Linear } from '../nn/linear.js';
import type { Module } from '../nn/module.js';
import { GlobalAvgPool2d, MaxPool2d } from '../nn/pooling.js';
import { Sequential } from '../nn/sequential.js';
import { PqkdNet } from '../pqkd/models.js';
import { pairOption } from '../tensor/kernels/conv2d-geometry.js';
import { poolOutputSize } from '../tensor/kernels/pool2d-geometry.js';
import type { Tensor } from '../tensor/tensor.js';
import { isArray } from '../tensor/shape.js';
import { ExportError } from './errors.js';

/** A float32 weight with its state_dict name and shape. */
export interface NamedWeight {
  name: string;
  shape: number[];
  data: Float32Array;
}

export type ExportStep =
  | { op: 'conv'; path: string; weight: NamedWeight; bias: NamedWeight | null; stride: [number, number]; padding: [number, number]; dilation: [number, number]; groups: number; outShape: number[] }
  | { op: 'batchNorm'; path: string; weight: NamedWeight; bias: NamedWeight; runningMean: NamedWeight; runningVar: NamedWeight; numBatchesTracked: number; eps: number; outShape: number[] }
  | { op: 'relu'; path: string; outShape: number[] }
  | { op: 'maxPool'; path: string; kernel: [number, number]; stride: [number, number]; padding: [number, number]; dilation: [number, number]; outShape: number[] }
  | { op: 'globalAvgPool'; path: string; outShape: number[] }
  | { op: 'flatten'; path: string; outShape: number[] }
  | { op: 'linear'; path: string; weight: NamedWeight; bias: NamedWeight | null; outShape: number[] };

export interface ExportPlan {
  /** Input shape without the batch dim, [C, H, W]. */
  inputShape: number[];
  steps: ExportStep[];
  /** Output shape without the batch dim. */
  outputShape: number[];
}

function at(prefix: string, name: string): string {
  return prefix === '' ? name : `${prefix}.${name}`;
}

function weight(t: Tensor, name: string, path: string): NamedWeight {
  if (t.dtype !== 'float32') throw new ExportError(`export: ${name} is ${t.dtype}; only float32 models are exported (layer ${path || '(root)'})`);
  return { name, shape: [...t.shape], data: Float32Array.from(t.contiguousData() as Float32Array) };
}

/**
 * The plan of `model` for inputs [N, ...inputShape]. A PqkdNet student must have its feature set
 * (a finished run's export feature); it is compiled into its dense network first.
 */
export function exportPlan(model: Module, inputShape: readonly number[]): ExportPlan {
  if (!isArray(inputShape) || inputShape.length < 1 || !inputShape.every((d) => Number.isSafeInteger(d) && d >= 1)) {
    throw new ExportError(`export: inputShape must be a list of positive integers without the batch dim (e.g. [1, 28, 28]), got ${JSON.stringify(inputShape)}`);
  }
  const steps: ExportStep[] = [];
  let shape = [...inputShape];
  const visit = (m: Module, path: string): void => {
    if (m instanceof PqkdNet) {
      if (m.isStudent) {
        if (m.dictLayers.some((d) => d.mixing === null)) {
          throw new ExportError(`export: the PQKD student ${path || '(root)'} has no frozen feature yet (setFeature with the run's export feature, or export a finished run)`);
        }
        visit(m.compile(), path);
        return;
      }
      visit(m.features, at(path, 'features'));
      visit(m.classifier, at(path, 'classifier'));
      return;
    }
    if (m instanceof Sequential) {
      for (const [name, child] of m.namedChildren()) visit(child, at(path, name));
      return;
    }
    const where = `${m.constructor.name} at ${path || '(root)'}`;
    if (m instanceof Conv2d) {
      if (shape.length !== 3 || shape[0] !== m.inChannels) throw new ExportError(`export: ${where} needs input [N, ${m.inChannels}, H, W], gets [N, ${shape.join(', ')}]`);
      const stride = pairOption('Conv2d', 'stride', m.options.stride, 1, 1);
      const padding = pairOption('Conv2d', 'padding', m.options.padding, 0, 0);
      const dilation = pairOption('Conv2d', 'dilation', m.options.dilation, 1, 1);
      const [kh, kw] = m.kernelSize;
      const oh = Math.floor((shape[1]! + 2 * padding[0] - dilation[0] * (kh - 1) - 1) / stride[0]) + 1;
      const ow = Math.floor((shape[2]! + 2 * padding[1] - dilation[1] * (kw - 1) - 1) / stride[1]) + 1;
      if (oh < 1 || ow < 1) throw new ExportError(`export: ${where} gives an empty output for input [N, ${shape.join(', ')}]`);
      shape = [m.outChannels, oh, ow];
      steps.push({
        op: 'conv', path, weight: weight(m.weight, at(path, 'weight'), path), bias: m.bias ? weight(m.bias, at(path, 'bias'), path) : null,
        stride, padding, dilation, groups: m.options.groups ?? 1, outShape: [...shape],
      });
    } else if (m instanceof BatchNorm2d) {
      if (!m.weight || !m.bias || !m.runningMean || !m.runningVar || !m.numBatchesTracked) {
        throw new ExportError(`export: ${where} must be affine with running statistics (affine and trackRunningStats true)`);
      }
      if (shape.length !== 3 || shape[0] !== m.numFeatures) throw new ExportError(`export: ${where} needs input [N, ${m.numFeatures}, H, W], gets [N, ${shape.join(', ')}]`);
      steps.push({
        op: 'batchNorm', path, weight: weight(m.weight, at(path, 'weight'), path), bias: weight(m.bias, at(path, 'bias'), path),
        runningMean: weight(m.runningMean, at(path, 'running_mean'), path), runningVar: weight(m.runningVar, at(path, 'running_var'), path),
        numBatchesTracked: m.numBatchesTracked.item(), eps: m.eps, outShape: [...shape],
      });
    } else if (m instanceof ReLU) {
      steps.push({ op: 'relu', path, outShape: [...shape] });
    } else if (m instanceof MaxPool2d) {
      const o = m.options;
      if (o.ceilMode) throw new ExportError(`export: ${where} uses ceilMode; only floor-mode max pooling is exported`);
      const kernel = pairOption('MaxPool2d', 'kernelSize', o.kernelSize, 1, 1);
      const stride = pairOption('MaxPool2d', 'stride', o.stride ?? o.kernelSize, 1, 1);
      const padding = pairOption('MaxPool2d', 'padding', o.padding, 0, 0);
      const dilation = pairOption('MaxPool2d', 'dilation', o.dilation, 1, 1);
      if (shape.length !== 3) throw new ExportError(`export: ${where} needs input [N, C, H, W], gets [N, ${shape.join(', ')}]`);
      shape = [shape[0]!, ...[0, 1].map((i) => poolOutputSize(shape[i + 1]!, kernel[i]!, padding[i]!, stride[i]!, dilation[i]!, false))];
      steps.push({ op: 'maxPool', path, kernel, stride, padding, dilation, outShape: [...shape] });
    } else if (m instanceof GlobalAvgPool2d) {
      if (shape.length !== 3) throw new ExportError(`export: ${where} needs input [N, C, H, W], gets [N, ${shape.join(', ')}]`);
      shape = [shape[0]!, 1, 1];
      steps.push({ op: 'globalAvgPool', path, outShape: [...shape] });
    } else if (m instanceof Flatten) {
      const endDim = m.endDim < 0 ? m.endDim + shape.length + 1 : m.endDim;
      if (m.startDim !== 1 || endDim !== shape.length) {
        throw new ExportError(`export: ${where} flattens dims ${m.startDim}..${m.endDim} of [N, ${shape.join(', ')}]; only Flatten from dim 1 to the last is exported`);
      }
      shape = [shape.reduce((a, b) => a * b, 1)];
      steps.push({ op: 'flatten', path, outShape: [...shape] });
    } else if (m instanceof Linear) {
      if (shape.length !== 1 || shape[0] !== m.inFeatures) throw new ExportError(`export: ${where} needs input [N, ${m.inFeatures}], gets [N, ${shape.join(', ')}] (add a Flatten before it)`);
      shape = [m.outFeatures];
      steps.push({ op: 'linear', path, weight: weight(m.weight, at(path, 'weight'), path), bias: m.bias ? weight(m.bias, at(path, 'bias'), path) : null, outShape: [...shape] });
    } else {
      throw new ExportError(`export: unsupported layer ${where} (supported: Sequential, PqkdNet, Conv2d, BatchNorm2d, ReLU, MaxPool2d, GlobalAvgPool2d, Flatten, Linear)`);
    }
  };
  visit(model, '');
  if (steps.length === 0) throw new ExportError('export: the model has no layers');
  return { inputShape: [...inputShape], steps, outputShape: shape };
}
