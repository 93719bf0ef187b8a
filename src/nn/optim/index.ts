export { Optimizer, type OptimizerStateDict, type ParamState, type Hyperparameters } from './optimizer.js';
export { SGD, type SGDOptions } from './sgd.js';
export { Adam, AdamW, type AdamOptions } from './adam.js';
export {
  LRScheduler, StepLR, CosineAnnealingLR, LinearWarmup, SequentialLR, warmupCosine,
  type SchedulerStateDict, type StepLROptions, type CosineAnnealingOptions, type LinearWarmupOptions,
  type SequentialLROptions, type WarmupCosineOptions,
} from './schedules.js';
export { clipGradNorm, type ClipGradNormOptions } from './clip.js';
