export { ExportError } from './errors.js';
export { exportPlan, type ExportPlan, type ExportStep, type NamedWeight } from './plan.js';
export { foldBatchNorm } from './fold.js';
export { exportOnnx, ONNX_OPSET, ONNX_IR_VERSION, PQKD_ONNX_FORMAT, INPUT_NAME, OUTPUT_NAME, type OnnxExportOptions, type Normalization } from './onnx-export.js';
export { importOnnx, type ImportedOnnx } from './onnx-import.js';
export { exportTorchStateDict, importTorchStateDict, torchModuleSource, torchStateDictOfPlan, PQKD_TORCH_FORMAT, type TorchExportOptions } from './torch-state-dict.js';
