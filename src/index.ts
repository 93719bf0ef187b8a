// The public API of pqkd: an export list only.
export { Tensor, type BackwardOptions, type NestedArray } from './tensor/tensor.js';
export { dispose } from './tensor/dispose.js';
export { allocate, type AllocateOptions } from './tensor/storage.js';
export * from './tensor/dtype.js';
export { Generator, GENERATOR_ALGORITHM, type GeneratorState } from './tensor/random.js';
export * from './tensor/create.js';
export { argmax, argmin } from './tensor/ops/reduce.js';
export { oneHot, scatterAdd, indexAdd } from './tensor/ops/indexing.js';
export * from './autograd/index.js';
export * from './nn/index.js';
export * from './io/index.js';
export * as photonics from './photonics/index.js';
export * as pqkd from './pqkd/index.js';
export { getNumThreads, setNumThreads } from './tensor/parallel/threads.js';
export { kernelsMode, setKernelsMode, wasmSimdSupported, type KernelsMode } from './tensor/wasm/support.js';
export { exportOnnx, importOnnx, exportTorchStateDict, importTorchStateDict, torchModuleSource, exportPlan, ExportError, type OnnxExportOptions, type TorchExportOptions, type ImportedOnnx, type Normalization } from './export/index.js';
export { kernelInfo, type KernelInfo } from './tensor/kernel-dispatch.js';
