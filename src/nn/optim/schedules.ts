/**
 * Learning-rate schedules (torch.optim.lr_scheduler), in CLOSED FORM: the lr at epoch e is a pure
 * function of (base lr, options, e), so a scheduler's whole state is `lastEpoch` and resuming is
 * exact. base lr = `optimizer.initialLr` (PyTorch's `initial_lr`). As in PyTorch, constructing a
 * scheduler sets the lr for epoch 0 and each `step()` advances one epoch (or one iteration: call it
 * per batch for per-step schedules).
 *
 *   StepLR:             base·γ^⌊e / stepSize⌋
 *   CosineAnnealingLR:  ηmin + (base − ηmin)·(1 + cos(π·e / tMax))/2     (PyTorch's closed form)
 *   LinearWarmup:       base·(s + (1 − s)·min(e, W)/W)                    (torch LinearLR, end factor 1)
 *   SequentialLR:       schedulers[i] at e − milestones[i−1], i = #{milestones ≤ e} (torch SequentialLR)
 * `warmupCosine` chains LinearWarmup and CosineAnnealingLR with SequentialLR.
 */
import { describe } from '../../tensor/shape.js';
import { checkHyper, type Hyperparameters, type Optimizer } from './optimizer.js';

/** A serialisable snapshot of a scheduler. */
export interface SchedulerStateDict {
  type: string;
  lastEpoch: number;
  /** The options, for a consistency check on load. */
  hyperparameters: Hyperparameters;
}

export abstract class LRScheduler {
  /** Epochs (calls to `step`) so far. */
  lastEpoch = 0;

  protected constructor(readonly optimizer: Optimizer) {
    if (!optimizer || typeof optimizer.step !== 'function') {
      throw new TypeError(`${this.constructor.name}: optimizer must be an Optimizer, got ${describe(optimizer)}`);
    }
  }

  /** The lr at epoch `epoch` (pure). */
  abstract lrAt(epoch: number): number;
  protected abstract hyperparameters(): Hyperparameters;

  /** Sets the optimiser's lr for `lastEpoch` (called by subclasses once their options are set). */
  protected apply(): void {
    this.optimizer.lr = this.lrAt(this.lastEpoch);
  }

  /** Advances one epoch and sets the optimiser's lr. */
  step(): void {
    this.lastEpoch += 1;
    this.apply();
  }

  /** The lr set by the last `step` (or by construction). */
  getLastLr(): number {
    return this.lrAt(this.lastEpoch);
  }

  /** @example const s = sched.stateDict(); …; sched.loadStateDict(s) */
  stateDict(): SchedulerStateDict {
    return { type: this.constructor.name, lastEpoch: this.lastEpoch, hyperparameters: this.hyperparameters() };
  }

  /** Restores `lastEpoch` (options must match) and sets the optimiser's lr accordingly. */
  loadStateDict(sd: SchedulerStateDict): void {
    const op = `${this.constructor.name}.loadStateDict`;
    if (typeof sd !== 'object' || sd === null || sd.type !== this.constructor.name) {
      throw new TypeError(`${op}: expected a ${this.constructor.name} state dict, got ${describe(sd?.type ?? sd)}`);
    }
    if (!Number.isSafeInteger(sd.lastEpoch) || sd.lastEpoch < 0) throw new RangeError(`${op}: lastEpoch must be a non-negative integer, got ${describe(sd.lastEpoch)}`);
    const mine = JSON.stringify(this.hyperparameters());
    const theirs = JSON.stringify(sd.hyperparameters);
    if (mine !== theirs) throw new RangeError(`${op}: options differ: the state dict has ${theirs}, this scheduler ${mine}`);
    this.lastEpoch = sd.lastEpoch;
    this.apply();
  }
}

function checkCount(op: string, name: string, v: unknown): number {
  if (!Number.isSafeInteger(v) || (v as number) < 1) throw new RangeError(`${op}: ${name} must be a positive integer, got ${describe(v)}`);
  return v as number;
}

/** Options of `new StepLR`. */
export interface StepLROptions {
  /** Epochs between decays. */
  stepSize: number;
  /** Decay factor γ (default 0.1). */
  gamma?: number;
}

/**
 * Multiplies the lr by γ every `stepSize` epochs.
 * @example const sched = new StepLR(opt, { stepSize: 10, gamma: 0.5 }); // call sched.step() per epoch
 */
export class StepLR extends LRScheduler {
  readonly stepSize: number;
  readonly gamma: number;

  constructor(optimizer: Optimizer, options: StepLROptions) {
    super(optimizer);
    this.stepSize = checkCount('StepLR', 'stepSize', options?.stepSize);
    this.gamma = checkHyper('StepLR', 'gamma', options.gamma ?? 0.1, 0);
    this.apply();
  }

  lrAt(epoch: number): number {
    return this.optimizer.initialLr * this.gamma ** Math.floor(epoch / this.stepSize);
  }

  protected hyperparameters(): Hyperparameters {
    return { stepSize: this.stepSize, gamma: this.gamma };
  }
}

/** Options of `new CosineAnnealingLR`. */
export interface CosineAnnealingOptions {
  /** Epochs of the half cosine (lr reaches ηmin at tMax). */
  tMax: number;
  /** ηmin (default 0). */
  etaMin?: number;
}

/**
 * Cosine decay from the base lr to ηmin over tMax epochs (periodic beyond).
 * @example const sched = new CosineAnnealingLR(opt, { tMax: 100 });
 */
export class CosineAnnealingLR extends LRScheduler {
  readonly tMax: number;
  readonly etaMin: number;

  constructor(optimizer: Optimizer, options: CosineAnnealingOptions) {
    super(optimizer);
    this.tMax = checkCount('CosineAnnealingLR', 'tMax', options?.tMax);
    this.etaMin = checkHyper('CosineAnnealingLR', 'etaMin', options.etaMin ?? 0, 0);
    this.apply();
  }

  lrAt(epoch: number): number {
    const base = this.optimizer.initialLr;
    return this.etaMin + ((base - this.etaMin) * (1 + Math.cos((Math.PI * epoch) / this.tMax))) / 2;
  }

  protected hyperparameters(): Hyperparameters {
    return { tMax: this.tMax, etaMin: this.etaMin };
  }
}

/** Options of `new LinearWarmup`. */
export interface LinearWarmupOptions {
  /** Epochs (or steps) to reach the base lr. */
  warmupSteps: number;
  /** Factor of the base lr at epoch 0, in [0, 1] (default 1/3, as torch LinearLR). */
  startFactor?: number;
}

/**
 * Linear ramp from startFactor·base to base over warmupSteps, then constant.
 * @example const sched = new LinearWarmup(opt, { warmupSteps: 500, startFactor: 0.01 });
 */
export class LinearWarmup extends LRScheduler {
  readonly warmupSteps: number;
  readonly startFactor: number;

  constructor(optimizer: Optimizer, options: LinearWarmupOptions) {
    super(optimizer);
    this.warmupSteps = checkCount('LinearWarmup', 'warmupSteps', options?.warmupSteps);
    this.startFactor = checkHyper('LinearWarmup', 'startFactor', options.startFactor ?? 1 / 3, 0, 1);
    this.apply();
  }

  lrAt(epoch: number): number {
    const s = this.startFactor;
    return this.optimizer.initialLr * (s + ((1 - s) * Math.min(epoch, this.warmupSteps)) / this.warmupSteps);
  }

  protected hyperparameters(): Hyperparameters {
    return { warmupSteps: this.warmupSteps, startFactor: this.startFactor };
  }
}

/** Options of `new SequentialLR`. */
export interface SequentialLROptions {
  /** Schedulers of the same optimiser, used one after another. */
  schedulers: LRScheduler[];
  /** Increasing epochs at which the next scheduler takes over (one fewer than schedulers). */
  milestones: number[];
}

/**
 * Runs schedulers one after another; each restarts its own epoch count at its milestone.
 * @example new SequentialLR(opt, { schedulers: [warmup, cosine], milestones: [500] })
 */
export class SequentialLR extends LRScheduler {
  readonly schedulers: readonly LRScheduler[];
  readonly milestones: readonly number[];

  constructor(optimizer: Optimizer, options: SequentialLROptions) {
    super(optimizer);
    const { schedulers, milestones } = options ?? {};
    if (!Array.isArray(schedulers) || schedulers.length === 0 || !schedulers.every((s) => s instanceof LRScheduler)) {
      throw new TypeError(`SequentialLR: schedulers must be a non-empty list of schedulers, got ${describe(schedulers)}`);
    }
    if (schedulers.some((s) => s.optimizer !== optimizer)) throw new RangeError('SequentialLR: every scheduler must drive the same optimizer');
    if (!Array.isArray(milestones) || milestones.length !== schedulers.length - 1 || !milestones.every((m, i) => Number.isSafeInteger(m) && m > (i === 0 ? 0 : milestones[i - 1]!))) {
      throw new RangeError(`SequentialLR: milestones must be ${schedulers.length - 1} increasing positive integers, got ${describe(milestones)}`);
    }
    this.schedulers = [...schedulers];
    this.milestones = [...milestones];
    this.apply();
  }

  lrAt(epoch: number): number {
    let i = 0;
    while (i < this.milestones.length && this.milestones[i]! <= epoch) i++;
    return this.schedulers[i]!.lrAt(i === 0 ? epoch : epoch - this.milestones[i - 1]!);
  }

  protected hyperparameters(): Hyperparameters {
    const h: Hyperparameters = {};
    this.milestones.forEach((m, i) => (h[`milestone${i}`] = m));
    this.schedulers.forEach((s, i) => {
      for (const [k, v] of Object.entries(s.stateDict().hyperparameters)) h[`${i}.${s.constructor.name}.${k}`] = v;
    });
    return h;
  }
}

/** Options of `warmupCosine`. */
export interface WarmupCosineOptions {
  warmupSteps: number;
  /** Total steps, warm-up included; the cosine runs over totalSteps − warmupSteps. */
  totalSteps: number;
  /** Default 1/3. */
  startFactor?: number;
  /** Default 0. */
  etaMin?: number;
}

/**
 * Linear warm-up then cosine decay to ηmin at totalSteps (a SequentialLR).
 * @example const sched = warmupCosine(opt, { warmupSteps: 100, totalSteps: 1000 }); // sched.step() per batch
 */
export function warmupCosine(optimizer: Optimizer, options: WarmupCosineOptions): SequentialLR {
  const { warmupSteps, totalSteps } = options ?? {};
  checkCount('warmupCosine', 'warmupSteps', warmupSteps);
  if (!Number.isSafeInteger(totalSteps) || totalSteps <= warmupSteps) {
    throw new RangeError(`warmupCosine: totalSteps must be an integer > warmupSteps (${warmupSteps}), got ${describe(totalSteps)}`);
  }
  const warmup = new LinearWarmup(optimizer, { warmupSteps, ...(options.startFactor === undefined ? {} : { startFactor: options.startFactor }) });
  const cosine = new CosineAnnealingLR(optimizer, { tMax: totalSteps - warmupSteps, ...(options.etaMin === undefined ? {} : { etaMin: options.etaMin }) });
  return new SequentialLR(optimizer, { schedulers: [warmup, cosine], milestones: [warmupSteps] });
}
