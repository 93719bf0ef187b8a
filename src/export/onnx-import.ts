/**
 * ONNX import of what `exportOnnx` writes (the round trip): decodes the model with the official
 * schema, checks it is a pqkd export (metadata `pqkd.format`, opset 17, a chain from `input` to
 * `logits` of the exported operators) and rebuilds an eval-mode `Sequential` of nn layers holding
 * the same float32 weights, plus the weights by their initialiser (PyTorch state_dict) names.
 * A graph with any other structure or operator is an `ExportError` naming the node.
 */
import { Flatten, ReLU } from '../nn/activation.js';
import { BatchNorm2d } from '../nn/batch-norm.js';
import { Conv2d } from '../nn/conv2d.js';
import { Linear } from '../nn/linear.js';
import type { Module } from '../nn/module.js';
import { GlobalAvgPool2d, MaxPool2d } from '../nn/pooling.js';
import { Sequential } from '../nn/sequential.js';
import { Generator } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { ExportError } from './errors.js';
import { INPUT_NAME, ONNX_OPSET, OUTPUT_NAME, PQKD_ONNX_FORMAT } from './onnx-export.js';
import { onnx } from './onnx-schema/onnx-pb.js';

export interface ImportedOnnx {
  /** The network as pqkd layers, in eval mode. */
  model: Sequential;
  /** Every initialiser by name (float32 tensors, bit-identical to the file). */
  weights: Record<string, Tensor>;
  /** Input shape without the batch dim. */
  inputShape: number[];
  /** The fixed batch size, or 'dynamic'. */
  batch: number | 'dynamic';
  graphName: string;
  docString: string;
  metadata: Record<string, string>;
}

type Int64 = number | { toNumber(): number };
const num = (v: Int64 | null | undefined): number => (v === null || v === undefined ? 0 : typeof v === 'number' ? v : v.toNumber());

function decodeFloat32(t: onnx.ITensorProto, file: string): Tensor {
  const shape = (t.dims ?? []).map(num);
  const count = shape.reduce((a, b) => a * b, 1);
  if (t.dataType !== onnx.TensorProto.DataType.FLOAT) throw new ExportError(`importOnnx: ${file}: initialiser '${t.name}' has ONNX data type ${t.dataType}, expected FLOAT (1)`);
  let data: Float32Array;
  if (t.rawData && t.rawData.length > 0) {
    const copy = new Uint8Array(t.rawData.length);
    copy.set(t.rawData);
    if (copy.length !== 4 * count) throw new ExportError(`importOnnx: ${file}: initialiser '${t.name}' has ${copy.length} bytes, expected ${4 * count} for shape [${shape.join(', ')}]`);
    data = new Float32Array(copy.buffer);
  } else {
    data = Float32Array.from(t.floatData ?? []);
    if (data.length !== count) throw new ExportError(`importOnnx: ${file}: initialiser '${t.name}' has ${data.length} values, expected ${count}`);
  }
  return Tensor.fromData(data, shape, 'float32');
}

function attributes(node: onnx.INodeProto): Map<string, onnx.IAttributeProto> {
  return new Map((node.attribute ?? []).map((a) => [a.name ?? '', a]));
}

function pair(values: Int64[] | null | undefined, fallback: number): [number, number] {
  const v = (values ?? []).map(num);
  return [v[0] ?? fallback, v[1] ?? fallback];
}

/**
 * Decodes and rebuilds a pqkd ONNX export. `file` names the source in errors.
 * @example const { model } = importOnnx(readFileSync('student.onnx')); model.forward(images);
 */
export function importOnnx(bytes: Uint8Array, file = 'model.onnx'): ImportedOnnx {
  let m: onnx.ModelProto;
  try {
    m = onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw new ExportError(`importOnnx: ${file} is not an ONNX model: ${(error as Error).message}`);
  }
  const metadata = Object.fromEntries((m.metadataProps ?? []).map((p) => [p.key ?? '', p.value ?? '']));
  if (metadata['pqkd.format'] !== PQKD_ONNX_FORMAT) {
    throw new ExportError(`importOnnx: ${file} is not a pqkd export (metadata 'pqkd.format' is ${JSON.stringify(metadata['pqkd.format'] ?? null)}, expected '${PQKD_ONNX_FORMAT}')`);
  }
  const opset = (m.opsetImport ?? []).find((o) => (o.domain ?? '') === '');
  if (num(opset?.version) !== ONNX_OPSET) throw new ExportError(`importOnnx: ${file} uses opset ${num(opset?.version)}, expected ${ONNX_OPSET}`);
  const g = m.graph;
  const input = g?.input?.[0];
  const dims = input?.type?.tensorType?.shape?.dim ?? [];
  if (!g || input?.name !== INPUT_NAME || dims.length < 2) throw new ExportError(`importOnnx: ${file} has no '${INPUT_NAME}' input with a shape`);
  const batch = dims[0]!.dimParam ? 'dynamic' : num(dims[0]!.dimValue);
  const inputShape = dims.slice(1).map((d) => num(d.dimValue));
  const weights: Record<string, Tensor> = {};
  for (const t of g.initializer ?? []) weights[t.name ?? ''] = decodeFloat32(t, file);
  const get = (node: onnx.INodeProto, k: number): Tensor | null => {
    const name = node.input?.[k];
    if (name === undefined || name === '') return null;
    const w = weights[name];
    if (!w) throw new ExportError(`importOnnx: ${file}: node '${node.name}' input ${k} '${name}' is not an initialiser`);
    return w;
  };
  const layers: Module[] = [];
  const gen = new Generator(0);
  let current = INPUT_NAME;
  for (const node of g.node ?? []) {
    if (node.input?.[0] !== current) throw new ExportError(`importOnnx: ${file}: node '${node.name}' does not continue the chain (input '${node.input?.[0]}', expected '${current}')`);
    const a = attributes(node);
    let layer: Module;
    let state: Record<string, Tensor> = {};
    switch (node.opType) {
      case 'Conv': {
        const w = get(node, 1)!;
        const b = get(node, 2);
        const groups = num(a.get('group')?.i) || 1;
        const pads = (a.get('pads')?.ints ?? []).map(num);
        if (pads.length === 4 && (pads[0] !== pads[2] || pads[1] !== pads[3])) throw new ExportError(`importOnnx: ${file}: Conv '${node.name}' has asymmetric pads [${pads.join(', ')}]`);
        layer = new Conv2d(w.shape[1]! * groups, w.shape[0]!, [w.shape[2]!, w.shape[3]!], {
          stride: pair(a.get('strides')?.ints, 1), padding: pair(pads, 0), dilation: pair(a.get('dilations')?.ints, 1), groups, bias: b !== null, generator: gen,
        });
        state = b ? { weight: w, bias: b } : { weight: w };
        break;
      }
      case 'BatchNormalization': {
        const scale = get(node, 1)!;
        layer = new BatchNorm2d(scale.shape[0]!, { eps: a.get('epsilon')?.f ?? 1e-5 });
        state = { weight: scale, bias: get(node, 2)!, runningMean: get(node, 3)!, runningVar: get(node, 4)!, numBatchesTracked: Tensor.fromData(new Int32Array(1), [], 'int32') };
        break;
      }
      case 'Relu':
        layer = new ReLU();
        break;
      case 'MaxPool':
        layer = new MaxPool2d(pair(a.get('kernel_shape')?.ints, 1), { stride: pair(a.get('strides')?.ints, 1), padding: pair(a.get('pads')?.ints, 0), dilation: pair(a.get('dilations')?.ints, 1) });
        break;
      case 'GlobalAveragePool':
        layer = new GlobalAvgPool2d();
        break;
      case 'Flatten':
        if (num(a.get('axis')?.i ?? 1) !== 1) throw new ExportError(`importOnnx: ${file}: Flatten '${node.name}' has axis ${num(a.get('axis')?.i)}, expected 1`);
        layer = new Flatten();
        break;
      case 'Gemm': {
        const w = get(node, 1)!;
        const b = get(node, 2);
        if (num(a.get('transB')?.i) !== 1) throw new ExportError(`importOnnx: ${file}: Gemm '${node.name}' must have transB = 1`);
        layer = new Linear(w.shape[1]!, w.shape[0]!, { bias: b !== null, generator: gen });
        state = b ? { weight: w, bias: b } : { weight: w };
        break;
      }
      default:
        throw new ExportError(`importOnnx: ${file}: unsupported ONNX node '${node.name}' of type ${node.opType} (pqkd exports Conv, BatchNormalization, Relu, MaxPool, GlobalAveragePool, Flatten, Gemm)`);
    }
    if (Object.keys(state).length > 0) layer.loadStateDict(state);
    layers.push(layer);
    current = node.output?.[0] ?? '';
  }
  if (current !== OUTPUT_NAME) throw new ExportError(`importOnnx: ${file}: the chain ends at '${current}', expected '${OUTPUT_NAME}'`);
  return { model: new Sequential(...layers).eval(), weights, inputShape, batch, graphName: g.name ?? '', docString: m.docString ?? '', metadata };
}
