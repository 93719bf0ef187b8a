/**
 * Teacher training: Adam on softmax cross-entropy over the training split, one epoch at a time,
 * validation accuracy after each epoch. Every random choice comes from Generator(seed) forks
 * (shuffle order: fork('teacher-data') by epoch), so an epoch can be re-run exactly after a resume.
 */
import { crossEntropy } from '../autograd/functional/losses.js';
import { disposeGraph } from '../autograd/dispose-graph.js';
import { DataLoader } from '../data/loader.js';
import type { Dataset } from '../data/dataset.js';
import { Adam } from '../nn/optim/adam.js';
import { dispose } from '../tensor/dispose.js';
import { Generator } from '../tensor/random.js';
import type { TeacherConfig } from './config.js';
import { evaluate } from './evaluate.js';
import { NonFiniteLossError, type RunHooks } from './events.js';
import type { PqkdNet } from './models.js';
import { runInterruptibly, runToEnd, type EpochSteps, type TrainLoopOptions } from './train-loop.js';

export interface SplitData {
  dataset: Dataset;
  train: Int32Array;
  val: Int32Array;
  /** Apply CIFAR augmentation to training batches. */
  augment?: boolean;
}

export interface EpochResult {
  epoch: number;
  trainLoss: number;
  valLoss: number;
  valAccuracy: number;
  seconds: number;
}

/** The trainer's own state (the model and `optimizer` are checkpointed alongside it). */
export interface TeacherState {
  epoch: number;
}

export class TeacherTrainer {
  epoch = 0;
  readonly optimizer: Adam;
  private readonly loader: DataLoader;

  constructor(readonly model: PqkdNet, readonly data: SplitData, readonly config: TeacherConfig, seed: number, private readonly hooks: RunHooks = {}) {
    this.optimizer = new Adam(model.parameters(), { lr: config.lr });
    this.loader = new DataLoader(data.dataset, {
      batchSize: config.batchSize, shuffle: true, generator: new Generator(seed).fork('teacher-data'),
      indices: data.train, augment: data.augment ?? false,
    });
  }

  /** Trains one epoch (the next one) and evaluates on the validation split. */
  runEpoch(now: () => number = Date.now): EpochResult {
    return runToEnd(this.epochSteps(now));
  }

  /**
   * `runEpoch` that yields to the event loop after every step and stops at a step boundary once
   * `options.signal` is aborted (throwing its reason; resume from the last epoch checkpoint).
   */
  runEpochAsync(options: TrainLoopOptions = {}): Promise<EpochResult> {
    return runInterruptibly(this.epochSteps(options.now ?? Date.now), options.signal);
  }

  /** The epoch as a generator that yields after every Adam step (see train-loop.ts). */
  *epochSteps(now: () => number): EpochSteps<EpochResult> {
    const start = now();
    const epoch = this.epoch;
    const batches = this.loader.length;
    this.model.train();
    let lossSum = 0;
    let seen = 0;
    for (let b = 0; b < batches; b++) {
      const t0 = now();
      const { images, labels } = this.loader.batch(epoch, b);
      const loss = crossEntropy(this.model.forward(images), labels);
      const value = loss.item();
      if (!Number.isFinite(value)) throw new NonFiniteLossError('teacher', epoch, b, value);
      loss.backward();
      this.optimizer.step();
      this.optimizer.zeroGrad({ setToNone: false });
      const n = labels.shape[0]!;
      disposeGraph(loss); // the step's activations go back to the storage pool for the next step
      dispose(images, labels);
      lossSum += value * n;
      seen += n;
      this.hooks.onEvent?.({ kind: 'step', phase: 'teacher', epoch, batch: b, batches, loss: value, imagesPerSecond: (n * 1000) / Math.max(1, now() - t0) });
      yield;
    }
    const val = evaluate(this.model, this.data.dataset, this.data.val);
    this.epoch++;
    const result = { epoch, trainLoss: lossSum / Math.max(1, seen), valLoss: val.loss, valAccuracy: val.accuracy, seconds: (now() - start) / 1000 };
    this.hooks.onEvent?.({ kind: 'epoch', phase: 'teacher', ...result });
    return result;
  }

  getState(): TeacherState {
    return { epoch: this.epoch };
  }

  setState(state: TeacherState): void {
    this.epoch = state.epoch;
  }
}
