/**
 * The alternating PQKD trainer (docs/method.md §1, §5–§7). Each epoch:
 *   1. SPSA block (from epoch `spsa.warmupEpochs` on): K updates of the source's parameters θ. The
 *      objective is the student's cross-entropy (eval mode, no gradients) on a random minibatch of the
 *      validation proxy, with mixing from an S-shot feature at θ (EMA bypassed). The + and −
 *      evaluations of one update share the minibatch and the shot uniforms (common random numbers).
 *   2. One Adam epoch on the student with the distillation loss; every step draws a fresh feature
 *      from the stream (runSeed, "feature", step), smoothed by the EMA when enabled. Teacher logits
 *      come from the cache (eval mode, computed once). After each step the graph's activations and
 *      the batch go back to the storage pool (`disposeGraph`, `dispose`).
 * The (e″) control (`learned-adam`, source.trainedBy = 'adam') has no SPSA block and no stream: its
 * feature is a parameter of the same Adam, fed through the differentiable path every step
 * (PqkdNet.setFeatureTensor), and saved in the trainer state.
 * Randomness: Generator(seed).fork('student-data') (shuffle, by epoch), .fork('feature') (draws, by
 * step), .fork('spsa') (perturbations and CRN streams, by SPSA step), .fork('theta0'). An epoch can
 * therefore be re-run bit for bit from the state saved at its start.
 */
import { distillationLoss } from '../autograd/functional/distillation.js';
import { disposeGraph } from '../autograd/dispose-graph.js';
import { noGrad } from '../autograd/grad-mode.js';
import { DataLoader } from '../data/loader.js';
import { Adam } from '../nn/optim/adam.js';
import { Spsa, type SpsaState } from './optim/spsa.js';
import { ExactObjective, measureMovement, spsaOptionsFor, spsaSourceFor, type SpsaMovement } from './spsa-diagnostics.js';
import { dispose } from '../tensor/dispose.js';
import { Generator } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { Parameter } from '../nn/parameter.js';
import type { PqkdConfig } from './config.js';
import { batchCrossEntropy, evaluate, TeacherLogitCache } from './evaluate.js';
import { NonFiniteLossError, type RunHooks } from './events.js';
import type { FeatureSource } from './sources/feature-source.js';
import { FeatureStream, type FeatureStreamState } from './feature-stream.js';
import type { PqkdNet } from './models.js';
import type { EpochResult, SplitData } from './teacher.js';
import { runInterruptibly, runToEnd, type EpochSteps, type TrainLoopOptions } from './train-loop.js';

/** The trainer's own state (the student and `optimizer` are checkpointed alongside it). */
export interface DistillState {
  epoch: number;
  step: number;
  spsa: SpsaState | null;
  stream: FeatureStreamState;
  /** The (e″) control's trained feature (float32 values), when the source is trained by Adam. */
  feature?: number[];
}

export interface DistillEpochResult extends EpochResult {
  spsaUpdates: number;
  /** L2 distance between the stream feature and the exact feature at the current θ, when defined. */
  featureError: number | null;
}

export class Distiller {
  epoch = 0;
  step = 0;
  readonly optimizer: Adam;
  readonly stream: FeatureStream;
  readonly spsa: Spsa | null;
  private readonly loader: DataLoader;
  private readonly cache: TeacherLogitCache | null;
  private readonly root: Generator;
  private params: Float64Array;
  private readonly check: ExactObjective;
  /** The source at the SPSA objective's shot count (spsa.shots, default 10 × photonic.shots). */
  private readonly spsaSource: FeatureSource;
  /** The (e″) control's feature φ [D], a parameter of `optimizer` after the student's (else null). */
  readonly featureParameter: Parameter | null;

  constructor(
    readonly config: PqkdConfig,
    readonly teacher: PqkdNet,
    readonly student: PqkdNet,
    readonly source: FeatureSource,
    readonly data: SplitData,
    private readonly hooks: RunHooks = {},
  ) {
    this.root = new Generator(config.seed);
    this.params = source.initialParams(this.root.fork('theta0'));
    this.featureParameter = source.trainedBy === 'adam' ? new Parameter(Tensor.fromData(Float32Array.from(this.params), [source.dim], 'float32')) : null;
    const trained = this.featureParameter ? [...student.parameters(), this.featureParameter] : student.parameters();
    this.optimizer = new Adam(trained, { lr: config.student.lr });
    this.loader = new DataLoader(data.dataset, {
      batchSize: config.student.batchSize,
      shuffle: true,
      generator: this.root.fork('student-data'),
      indices: data.train,
      augment: data.augment ?? false,
    });
    this.cache = data.augment ? null : new TeacherLogitCache(teacher, data.dataset);
    this.stream = new FeatureStream(source, this.root, { ema: config.ema, redraw: config.photonic.redraw });
    const s = config.spsa;
    const optimize = s.enabled && source.paramCount > 0 && s.updatesPerEpoch > 0 && source.trainedBy !== 'adam';
    const totalSteps = Math.max(1, (config.student.epochs - s.warmupEpochs) * s.updatesPerEpoch);
    this.spsaSource = optimize ? spsaSourceFor(source, s, config.photonic.shots) : source;
    this.spsa = optimize
      ? new Spsa(
          (theta, ctx) => this.objective(theta, ctx.gen, ctx.commonGen),
          this.params,
          this.root.fork('spsa'),
          spsaOptionsFor(s, source, totalSteps, config.photonic.angleDomain),
        )
      : null;
    this.check = new ExactObjective(data, s.batchSize, config.seed);
  }

  /** θ₀, the parameters the run started from (a copy). */
  get theta0(): Float64Array {
    return Float64Array.from(this.params);
  }

  /** θ and the exact-feature objective at θ₀ and θ now, with the student as it is now. */
  movement(): SpsaMovement {
    const m = measureMovement(this.source, this.student, this.check, this.params, this.theta);
    this.freezeFeature();
    return m;
  }

  /** The current SPSA parameters (θ). */
  get theta(): Float64Array {
    if (this.featureParameter) return Float64Array.from(this.featureParameter.data);
    return this.spsa ? this.spsa.theta : this.params;
  }

  /** SPSA objective: student CE on a validation minibatch with a feature at θ from spsa.shots shots. */
  private objective(theta: Float64Array, gen: Generator, commonGen?: Generator): number {
    const val = this.data.val;
    const size = Math.min(this.config.spsa.batchSize, val.length);
    const pick = (commonGen ?? gen).fork('batch');
    const chosen = new Int32Array(size);
    const perm = pick.permutation(val.length);
    for (let i = 0; i < size; i++) chosen[i] = val[perm[i]!]!;
    const phi = this.spsaSource.spsaSample(theta, gen.fork('shots'));
    this.student.setFeature(phi);
    const wasTraining = this.student.training;
    this.student.eval();
    try {
      return batchCrossEntropy(this.student, this.data.dataset, chosen); // chunked: same value, less memory
    } finally {
      if (wasTraining) this.student.train();
    }
  }

  /** Runs the SPSA block and the Adam epoch of the next epoch. */
  runEpoch(now: () => number = Date.now): DistillEpochResult {
    return runToEnd(this.epochSteps(now));
  }

  /**
   * `runEpoch` that yields to the event loop after every SPSA update and Adam step and stops at a
   * step boundary once `options.signal` is aborted (throwing its reason; resume from the last epoch
   * checkpoint).
   */
  runEpochAsync(options: TrainLoopOptions = {}): Promise<DistillEpochResult> {
    return runInterruptibly(this.epochSteps(options.now ?? Date.now), options.signal);
  }

  /** The epoch as a generator that yields after every SPSA update and Adam step (see train-loop.ts). */
  *epochSteps(now: () => number): EpochSteps<DistillEpochResult> {
    const start = now();
    const epoch = this.epoch;
    let spsaUpdates = 0;
    if (this.spsa && epoch >= this.config.spsa.warmupEpochs) {
      const blockStart = Float64Array.from(this.spsa.theta);
      for (let u = 0; u < this.config.spsa.updatesPerEpoch; u++) {
        const calibrated = this.spsa.getState().calibrated;
        const r = this.spsa.step();
        spsaUpdates++;
        const report = this.spsa.calibrationReport;
        if (!calibrated && report) this.hooks.onEvent?.({ kind: 'spsa-calibration', epoch, ...report });
        this.hooks.onEvent?.({
          kind: 'spsa',
          epoch,
          k: r.k,
          fPlus: r.fPlus,
          fMinus: r.fMinus,
          ak: r.ak,
          ck: r.ck,
          theta: Array.from(this.spsa.theta),
          accepted: r.accepted,
        });
        yield;
      }
      // The student is fixed during the block: the noise-free objective before and after it.
      const m = measureMovement(this.source, this.student, this.check, blockStart, this.spsa.theta);
      this.hooks.onEvent?.({ kind: 'spsa-block', epoch, ...m });
    }
    const theta = this.theta;
    const order = this.loader.order(epoch);
    const batches = this.loader.length;
    if (this.cache) this.cache.fill(order);
    const { temperature, alpha } = this.config.distill;
    this.student.train();
    let lossSum = 0;
    let seen = 0;
    for (let b = 0; b < batches; b++) {
      const t0 = now();
      const { images, labels, indices } = this.loader.batch(epoch, b);
      const teacherLogits = this.cache ? this.cache.batch(indices) : this.teacherForward(images);
      if (this.featureParameter) this.student.setFeatureTensor(this.featureParameter);
      else this.student.setFeature(this.stream.next(theta, this.step, b === 0));
      const loss = distillationLoss(this.student.forward(images), teacherLogits, labels, { temperature, alpha });
      const value = loss.item();
      if (!Number.isFinite(value)) throw new NonFiniteLossError('student', epoch, b, value);
      loss.backward();
      this.optimizer.step();
      this.optimizer.zeroGrad({ setToNone: false });
      this.step++;
      const n = labels.shape[0]!;
      disposeGraph(loss); // the step's activations go back to the storage pool for the next step
      dispose(images, labels);
      if (this.cache) dispose(teacherLogits);
      lossSum += value * n;
      seen += n;
      this.hooks.onEvent?.({ kind: 'step', phase: 'student', epoch, batch: b, batches, loss: value, imagesPerSecond: (n * 1000) / Math.max(1, now() - t0) });
      yield;
    }
    this.freezeFeature();
    const val = evaluate(this.student, this.data.dataset, this.data.val);
    const exact = this.source.exact(theta);
    const current = this.stream.current();
    const featureError = exact && current ? Math.sqrt(exact.reduce((acc, v, i) => acc + (v - current[i]!) ** 2, 0)) : null;
    this.epoch++;
    const result = {
      epoch,
      trainLoss: lossSum / Math.max(1, seen),
      valLoss: val.loss,
      valAccuracy: val.accuracy,
      seconds: (now() - start) / 1000,
      spsaUpdates,
      featureError,
    };
    this.hooks.onEvent?.({ kind: 'epoch', phase: 'student', ...result, featureError: featureError ?? undefined });
    return result;
  }

  private teacherForward(images: Tensor): Tensor {
    const wasTraining = this.teacher.training;
    this.teacher.eval();
    const out = noGrad(() => this.teacher.forward(images));
    if (wasTraining) this.teacher.train();
    return out;
  }

  /** Sets the student's feature to the stream's current value (the export feature φ̄_T). */
  freezeFeature(): Float64Array {
    const phi = this.featureParameter
      ? Float64Array.from(this.featureParameter.data)
      : (this.stream.current() ?? this.source.sample(this.theta, this.root.fork('feature').fork(this.step)));
    this.student.setFeature(phi);
    return Float64Array.from(phi);
  }

  getState(): DistillState {
    return {
      epoch: this.epoch,
      step: this.step,
      spsa: this.spsa ? this.spsa.getState() : null,
      stream: this.stream.getState(),
      ...(this.featureParameter ? { feature: Array.from(this.featureParameter.data) } : {}),
    };
  }

  setState(state: DistillState): void {
    if (this.spsa && state.spsa) this.spsa.setState(state.spsa);
    this.stream.setState(state.stream);
    if (this.featureParameter) {
      if (!Array.isArray(state.feature) || state.feature.length !== this.source.dim) {
        const got = Array.isArray(state.feature) ? `${state.feature.length} values` : String(state.feature);
        throw new RangeError(`Distiller.setState: the ${this.source.name} source needs state.feature with ${this.source.dim} values, got ${got}`);
      }
      (this.featureParameter.data as Float32Array).set(state.feature);
      this.featureParameter.storage.bumpVersion();
    }
    this.epoch = state.epoch;
    this.step = state.step;
  }
}
