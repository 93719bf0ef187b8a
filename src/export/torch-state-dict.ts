/**
 * safetensors export in PyTorch `state_dict` form: the names and layouts `torch.nn` uses, so the
 * file loads with `module.load_state_dict(...)` into the module `torchModuleSource` describes.
 *
 *   Conv2d       <p>.weight [O, I/groups, kH, kW] (OIHW), <p>.bias [O] when present
 *   BatchNorm2d  <p>.weight [C], <p>.bias [C], <p>.running_mean [C], <p>.running_var [C],
 *                <p>.num_batches_tracked [] — stored as I32 (pqkd's safetensors has no I64; PyTorch's
 *                load_state_dict copies it into its int64 buffer)
 *   Linear       <p>.weight [out, in], <p>.bias [out]
 * Batch norm is never folded here (the state dict of the training-time module). float32 otherwise.
 * `importTorchStateDict` maps the names back to pqkd's (running_mean → runningMean, …) for
 * `Module.loadStateDict`.
 */
import { decodeSafetensors, encodeSafetensors, type TensorRecord } from '../io/safetensors.js';
import type { Module, StateDict } from '../nn/module.js';
import { Tensor } from '../tensor/tensor.js';
import { ExportError } from './errors.js';
import { modelDefaults, type Normalization } from './onnx-export.js';
import { exportPlan, type ExportPlan, type NamedWeight } from './plan.js';

export const PQKD_TORCH_FORMAT = 'pqkd-torch-state-dict-1';

/** Options of `exportTorchStateDict`. */
export interface TorchExportOptions {
  /** Input shape without the batch dim (default: a PqkdNet's spec.inputShape; required otherwise). */
  inputShape?: number[];
  normalization?: Normalization;
  /** @deprecated The British spelling of `normalization`, still accepted. */
  normalisation?: Normalization;
  /** Extra metadata strings. */
  metadata?: Record<string, string>;
}

/** The PyTorch state_dict of a plan, in module order. */
export function torchStateDictOfPlan(plan: ExportPlan): Record<string, TensorRecord> {
  const out: Record<string, TensorRecord> = {};
  const put = (w: NamedWeight | null): void => {
    if (w) out[w.name] = { dtype: 'float32', shape: [...w.shape], data: w.data };
  };
  for (const s of plan.steps) {
    if (s.op === 'conv' || s.op === 'linear') {
      put(s.weight);
      put(s.bias);
    } else if (s.op === 'batchNorm') {
      [s.weight, s.bias, s.runningMean, s.runningVar].forEach(put);
      out[`${s.path}.num_batches_tracked`] = { dtype: 'int32', shape: [], data: Int32Array.of(s.numBatchesTracked) };
    }
  }
  return out;
}

/** Python source of the equivalent torch.nn module (nested Sequentials named as in the plan). */
export function torchModuleSource(plan: ExportPlan): string {
  const lines: string[] = [];
  for (const s of plan.steps) {
    const p = s.path;
    const pair = (v: readonly number[]): string => `(${v[0]}, ${v[1]})`;
    let text: string;
    switch (s.op) {
      case 'conv':
        text = `nn.Conv2d(${s.weight.shape[1]! * s.groups}, ${s.weight.shape[0]}, kernel_size=${pair(s.weight.shape.slice(2))}, stride=${pair(s.stride)}, padding=${pair(s.padding)}, dilation=${pair(s.dilation)}, groups=${s.groups}, bias=${s.bias ? 'True' : 'False'})`;
        break;
      case 'batchNorm':
        text = `nn.BatchNorm2d(${s.weight.shape[0]}, eps=${s.eps})`;
        break;
      case 'relu':
        text = 'nn.ReLU()';
        break;
      case 'maxPool':
        text = `nn.MaxPool2d(kernel_size=${pair(s.kernel)}, stride=${pair(s.stride)}, padding=${pair(s.padding)}, dilation=${pair(s.dilation)})`;
        break;
      case 'globalAvgPool':
        text = 'nn.AdaptiveAvgPool2d(1)';
        break;
      case 'flatten':
        text = 'nn.Flatten()';
        break;
      case 'linear':
        text = `nn.Linear(${s.weight.shape[1]}, ${s.weight.shape[0]}, bias=${s.bias ? 'True' : 'False'})`;
        break;
    }
    lines.push(`${p}: ${text}`);
  }
  return lines.join('\n');
}

/**
 * The model's PyTorch state_dict as safetensors bytes (metadata: format 'pt', the module source,
 * the input shape and the normalisation).
 * @example writeFileSync('teacher.safetensors', exportTorchStateDict(teacher));
 */
export function exportTorchStateDict(model: Module, options: TorchExportOptions = {}): Uint8Array {
  const { inputShape } = modelDefaults(model, options.inputShape);
  const plan = exportPlan(model, inputShape);
  const normalization = options.normalization ?? options.normalisation;
  const metadata: Record<string, string> = {
    format: 'pt',
    'pqkd.format': PQKD_TORCH_FORMAT,
    input_shape: JSON.stringify(['batch', ...inputShape]),
    torch_module: torchModuleSource(plan),
    ...(normalization ? { normalisation: JSON.stringify({ ...normalization, formula: 'x[c] = (pixel/255 - mean[c]) / std[c]' }) } : {}),
    ...options.metadata,
  };
  return encodeSafetensors(torchStateDictOfPlan(plan), metadata);
}

const TORCH_TO_PQKD: Record<string, string> = { running_mean: 'runningMean', running_var: 'runningVar', num_batches_tracked: 'numBatchesTracked' };

/**
 * Reads an `exportTorchStateDict` file back as a pqkd state dict (names mapped back), for
 * `model.loadStateDict(...)` on the same architecture.
 */
export function importTorchStateDict(bytes: Uint8Array, file = 'model.safetensors'): { stateDict: StateDict; metadata: Record<string, string> } {
  let decoded;
  try {
    decoded = decodeSafetensors(bytes);
  } catch (error) {
    throw new ExportError(`importTorchStateDict: ${file}: ${(error as Error).message.split('\n')[0]}`);
  }
  if (decoded.metadata['pqkd.format'] !== PQKD_TORCH_FORMAT) {
    throw new ExportError(`importTorchStateDict: ${file} is not a pqkd PyTorch state dict (metadata 'pqkd.format' is ${JSON.stringify(decoded.metadata['pqkd.format'] ?? null)}, expected '${PQKD_TORCH_FORMAT}')`);
  }
  const stateDict: StateDict = {};
  for (const [name, r] of Object.entries(decoded.tensors)) {
    const parts = name.split('.');
    const last = parts[parts.length - 1]!;
    parts[parts.length - 1] = TORCH_TO_PQKD[last] ?? last;
    stateDict[parts.join('.')] = Tensor.fromData(r.data, r.shape, r.dtype);
  }
  return { stateDict, metadata: decoded.metadata };
}
