/**
 * ONNX export (operator set 17, IR version 8) through the official ONNX schema (onnx-schema/, static
 * protobuf.js code generated from ONNX 1.12.0's onnx.proto; no hand-written encoding).
 *
 * The graph is the export plan as a chain: Conv (BatchNormalization folded in by default, or kept
 * as BatchNormalization), Relu, MaxPool, GlobalAveragePool, Flatten(axis 1), Gemm(transB 1). Weights
 * are float32 initialisers named by their PyTorch state_dict names ("features.0.weight"); the input
 * is `input` [N, C, H, W] float32 (N fixed or the symbolic `batch`), the output `logits` [N, K].
 * metadata_props record the names, layout, batch-norm mode and the normalisation the model expects.
 */
import { requireLittleEndianHost } from '../io/safetensors-error.js';
import type { Module } from '../nn/module.js';
import { PqkdNet } from '../pqkd/models.js';
import { ExportError } from './errors.js';
import { foldBatchNorm } from './fold.js';
import { onnx } from './onnx-schema/onnx-pb.js';
import { exportPlan, type ExportPlan, type ExportStep, type NamedWeight } from './plan.js';

export const ONNX_OPSET = 17;
export const ONNX_IR_VERSION = 8;
/** metadata_props key marking a pqkd export (and its layout version). */
export const PQKD_ONNX_FORMAT = 'pqkd-onnx-1';
export const INPUT_NAME = 'input';
export const OUTPUT_NAME = 'logits';

/** The per-channel normalisation a model expects: x = (pixel/255 − mean[c]) / std[c]. */
export interface Normalization {
  mean: number[];
  std: number[];
}

/** Options of `exportOnnx`. */
export interface OnnxExportOptions {
  /** Input shape without the batch dim, [C, H, W] (default: a PqkdNet's spec.inputShape; required otherwise). */
  inputShape?: number[];
  /** A fixed batch size, or 'dynamic' (default): the symbolic dim `batch`. */
  batch?: number | 'dynamic';
  /** 'fold' (default, inference): batch norm merged into the preceding conv; 'keep': BatchNormalization nodes. */
  batchNorm?: 'fold' | 'keep';
  /** Graph name (default: a PqkdNet's spec name, else 'pqkd-model'). */
  graphName?: string;
  /** Human description of the model (graph and model doc_string). */
  docString?: string;
  /** Recorded in metadata_props as `normalisation` (JSON). */
  normalization?: Normalization;
  /** @deprecated The British spelling of `normalization`, still accepted. */
  normalisation?: Normalization;
  /** Extra metadata_props (string values). */
  metadata?: Record<string, string>;
}

function tensorProto(w: NamedWeight): onnx.ITensorProto {
  requireLittleEndianHost('exportOnnx');
  return {
    name: w.name, dims: w.shape, dataType: onnx.TensorProto.DataType.FLOAT,
    rawData: new Uint8Array(w.data.buffer.slice(w.data.byteOffset, w.data.byteOffset + w.data.byteLength)),
  };
}

const ints = (name: string, values: number[]): onnx.IAttributeProto => ({ name, type: onnx.AttributeProto.AttributeType.INTS, ints: values });
const int = (name: string, value: number): onnx.IAttributeProto => ({ name, type: onnx.AttributeProto.AttributeType.INT, i: value });
const float = (name: string, value: number): onnx.IAttributeProto => ({ name, type: onnx.AttributeProto.AttributeType.FLOAT, f: value });

function valueInfo(name: string, batch: number | 'dynamic', shape: readonly number[], doc: string): onnx.IValueInfoProto {
  const dims = [batch === 'dynamic' ? { dimParam: 'batch' } : { dimValue: batch }, ...shape.map((d) => ({ dimValue: d }))];
  return { name, docString: doc, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: dims } } } };
}

function nodeFor(step: ExportStep, input: string, output: string, initializers: onnx.ITensorProto[]): onnx.INodeProto {
  const add = (w: NamedWeight | null): string[] => {
    if (!w) return [];
    initializers.push(tensorProto(w));
    return [w.name];
  };
  const name = step.path || step.op;
  switch (step.op) {
    case 'conv':
      return {
        name, opType: 'Conv', input: [input, ...add(step.weight), ...add(step.bias)], output: [output],
        attribute: [ints('kernel_shape', step.weight.shape.slice(2)), ints('strides', step.stride), ints('pads', [...step.padding, ...step.padding]),
          ints('dilations', step.dilation), int('group', step.groups)],
      };
    case 'batchNorm':
      return {
        name, opType: 'BatchNormalization', output: [output], attribute: [float('epsilon', step.eps)],
        input: [input, ...add(step.weight), ...add(step.bias), ...add(step.runningMean), ...add(step.runningVar)],
      };
    case 'relu':
      return { name, opType: 'Relu', input: [input], output: [output] };
    case 'maxPool':
      return {
        name, opType: 'MaxPool', input: [input], output: [output],
        attribute: [ints('kernel_shape', step.kernel), ints('strides', step.stride), ints('pads', [...step.padding, ...step.padding]), ints('dilations', step.dilation), int('ceil_mode', 0)],
      };
    case 'globalAvgPool':
      return { name, opType: 'GlobalAveragePool', input: [input], output: [output] };
    case 'flatten':
      return { name, opType: 'Flatten', input: [input], output: [output], attribute: [int('axis', 1)] };
    case 'linear':
      return {
        name, opType: 'Gemm', input: [input, ...add(step.weight), ...add(step.bias)], output: [output],
        attribute: [float('alpha', 1), float('beta', 1), int('transA', 0), int('transB', 1)],
      };
  }
}

/** The ONNX model of an export plan (see the file header), as a protobuf message (internal: the public API deals in bytes). */
function onnxModelOfPlan(plan: ExportPlan, options: OnnxExportOptions = {}): onnx.IModelProto {
  const batch = options.batch ?? 'dynamic';
  if (batch !== 'dynamic' && !(Number.isSafeInteger(batch) && batch >= 1)) {
    throw new ExportError(`exportOnnx: options.batch must be a positive integer or 'dynamic', got ${JSON.stringify(batch)}`);
  }
  const mode = options.batchNorm ?? 'fold';
  if (mode !== 'fold' && mode !== 'keep') throw new ExportError(`exportOnnx: options.batchNorm must be 'fold' or 'keep', got ${JSON.stringify(mode)}`);
  const steps = mode === 'fold' ? foldBatchNorm(plan.steps) : plan.steps;
  const initializers: onnx.ITensorProto[] = [];
  const nodes: onnx.INodeProto[] = [];
  let current = INPUT_NAME;
  steps.forEach((step, i) => {
    const output = i === steps.length - 1 ? OUTPUT_NAME : `${step.path || step.op}/${step.op}_out`;
    nodes.push(nodeFor(step, current, output, initializers));
    current = output;
  });
  const graphName = options.graphName ?? 'pqkd-model';
  const doc = options.docString ?? `${graphName}: a ${steps.length}-node classifier exported by pqkd`;
  const normalization = options.normalization ?? options.normalisation;
  const metadata: Record<string, string> = {
    'pqkd.format': PQKD_ONNX_FORMAT,
    input_name: INPUT_NAME,
    input_layout: 'NCHW float32',
    input_shape: JSON.stringify([batch === 'dynamic' ? 'batch' : batch, ...plan.inputShape]),
    output_name: OUTPUT_NAME,
    output_meaning: 'unnormalised class scores (apply softmax for probabilities)',
    batch_norm: mode === 'fold' ? 'folded into the preceding Conv' : 'BatchNormalization (eval: running statistics)',
    ...(normalization ? { normalisation: JSON.stringify({ ...normalization, formula: 'x[c] = (pixel/255 - mean[c]) / std[c]' }) } : {}),
    ...options.metadata,
  };
  return {
    irVersion: ONNX_IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: 'pqkd',
    producerVersion: '0.1.0',
    domain: 'org.pqkd',
    modelVersion: 1,
    docString: doc,
    graph: {
      name: graphName, docString: doc, node: nodes, initializer: initializers,
      input: [valueInfo(INPUT_NAME, batch, plan.inputShape, `images [N, ${plan.inputShape.join(', ')}], normalised as metadata 'normalisation' says`)],
      output: [valueInfo(OUTPUT_NAME, batch, plan.outputShape, 'logits (unnormalised class scores)')],
    },
    metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
  };
}

/** Input shape and graph name defaults for a model. */
export function modelDefaults(model: Module, inputShape?: number[]): { inputShape: number[]; graphName: string } {
  if (inputShape) return { inputShape, graphName: model instanceof PqkdNet ? model.spec.name : 'pqkd-model' };
  if (model instanceof PqkdNet) return { inputShape: [...model.spec.inputShape], graphName: model.spec.name };
  throw new ExportError(`export: options.inputShape ([C, H, W]) is required for a ${model.constructor.name} (only a PqkdNet knows its input shape)`);
}

/**
 * Serialises `model` (eval-mode inference) as ONNX bytes. A PQKD student is compiled first.
 * @example writeFileSync('model.onnx', exportOnnx(teacher, { normalisation: { mean: [0.1307], std: [0.3081] } }));
 */
export function exportOnnx(model: Module, options: OnnxExportOptions = {}): Uint8Array {
  const { inputShape, graphName } = modelDefaults(model, options.inputShape);
  const plan = exportPlan(model, inputShape);
  return onnx.ModelProto.encode(onnxModelOfPlan(plan, { graphName, ...options })).finish();
}
