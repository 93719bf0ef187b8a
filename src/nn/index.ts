// src/nn: layers, initialisers, optimisers, schedules and checkpoints (export list only).
export { Module, type StateDict, type LoadStateDictOptions, type LoadStateDictResult } from './module.js';
export { StateDictError, type StateDictMismatch } from './state-dict-error.js';
export { Parameter, type ParameterOptions } from './parameter.js';
export { Sequential } from './sequential.js';
export { type ZeroGradOptions } from './zero-grad.js';
export { Linear, type LinearOptions } from './linear.js';
export { Conv2d, type Conv2dModuleOptions } from './conv2d.js';
export { BatchNorm1d, BatchNorm2d, type BatchNormModuleOptions } from './batch-norm.js';
export { MaxPool2d, AvgPool2d, GlobalAvgPool2d, type MaxPool2dOptions, type AvgPool2dOptions } from './pooling.js';
export { ReLU, Flatten, Dropout, type FlattenOptions, type DropoutModuleOptions } from './activation.js';
export { DataParallel, type DataParallelOptions, type DataParallelBackwardOptions, type ReplicaRecipe, type ReplicaTask } from './data-parallel.js';
export * as init from './init.js';
export * from './optim/index.js';
export {
  saveCheckpoint, loadCheckpoint, CHECKPOINT_FORMAT,
  type CheckpointContents, type CheckpointTargets, type LoadedCheckpoint, type GeneratorTargets,
} from './checkpoint.js';
// Losses live in src/autograd (compositions of primitives); re-exported here for convenience.
export {
  crossEntropy, nllLoss, klDiv, mseLoss,
  type Reduction, type LossOptions, type CrossEntropyOptions, type KlDivOptions,
} from '../autograd/functional/losses.js';
export { distillationLoss, type DistillationOptions } from '../autograd/functional/distillation.js';
export { softmax } from '../autograd/functional/softmax.js';
