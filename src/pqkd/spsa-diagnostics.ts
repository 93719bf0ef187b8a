/**
 * How the trainer sets SPSA up from the config and the source's units, and how a run shows that
 * SPSA did something (docs/method.md §6): the distance θ moved, the distance the exact (S = ∞)
 * feature moved, and the SPSA objective evaluated noise-free — the exact feature at θ on one fixed
 * validation batch — before and after every SPSA block (the student is fixed within a block) and,
 * at the end, at θ₀ and θ_T with the final student.
 */
import { Generator } from '../tensor/random.js';
import type { SpsaConfig } from './config.js';
import type { PqkdNet } from './models.js';
import { wrapAngle, type SpsaOptions } from './optim/spsa.js';
import type { FeatureSource } from './sources/feature-source.js';
import type { Dataset } from '../data/dataset.js';
import { batchCrossEntropy } from './evaluate.js';

/** The validation part of a run's data (the fields of SplitData this file reads). */
interface ValidationData {
  readonly dataset: Dataset;
  readonly val: Int32Array;
}

/** The SPSA objective's default shot count, in multiples of the training stream's S. */
export const SPSA_SHOTS_MULTIPLE = 10;

/** The source the SPSA objective samples: `source` at spsa.shots (default 10 × S) shots, when it can change its shots. */
export function spsaSourceFor(source: FeatureSource, s: SpsaConfig, streamShots: number): FeatureSource {
  const shots = s.shots ?? SPSA_SHOTS_MULTIPLE * streamShots;
  return shots !== source.shots && source.withShots ? source.withShots(shots) : source;
}

/** Rungs of the c ladder, in multiples of the source's scale step. */
export const C_LADDER_MULTIPLES = [1, 2, 4, 8] as const;

/** Spsa options from the config: fixed gains where given, calibrated ones (in the source's units) where null. */
export function spsaOptionsFor(s: SpsaConfig, source: FeatureSource, totalSteps: number, angleDomain: 'periodic' | 'half'): SpsaOptions {
  const half = angleDomain === 'half' && source.periodic;
  const step = source.scale.step;
  const ladder = C_LADDER_MULTIPLES.map((m) => m * step);
  const calibrate =
    s.a === null || s.c === null
      ? {
          targetStep: s.targetStep ?? step,
          estimates: s.calibrationEstimates,
          gain: s.a === null,
          gainRule: s.gainRule,
          ...(s.c === null ? { noise: { repeats: s.calibrationRepeats, ladder } } : {}),
        }
      : false;
  return {
    ...(s.a === null ? {} : { a: s.a }),
    c: s.c ?? ladder[0]!,
    A: s.A ?? 0.1 * totalSteps,
    alpha: s.alpha,
    gamma: s.gamma,
    calibrate,
    wrap: source.periodic && !half,
    ...(half ? { lower: 0, upper: Math.PI / 2 } : {}),
    ...(s.blocking ? { blocking: { tolerance: 'noise' as const } } : {}),
  };
}

/** L2 norm and largest absolute coordinate of b − a (wrapped to (−π, π] for angles). */
export function parameterMove(a: ArrayLike<number>, b: ArrayLike<number>, periodic: boolean): { l2: number; maxAbs: number } {
  let ss = 0;
  let maxAbs = 0;
  for (let i = 0; i < a.length; i++) {
    const d = periodic ? wrapAngle(b[i]! - a[i]!) : b[i]! - a[i]!;
    ss += d * d;
    maxAbs = Math.max(maxAbs, Math.abs(d));
  }
  return { l2: Math.sqrt(ss), maxAbs };
}

/** L2 distance between two vectors. */
export function l2Distance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ss = 0;
  for (let i = 0; i < a.length; i++) ss += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(ss);
}

/** The noise-free objective: the student's cross-entropy (eval mode) on a fixed batch with feature φ. */
export class ExactObjective {
  readonly indices: Int32Array;

  constructor(
    private readonly data: ValidationData,
    batchSize: number,
    seed: number,
  ) {
    const val = data.val;
    const size = Math.min(batchSize, val.length);
    const perm = new Generator(seed).fork('spsa-check').permutation(val.length);
    this.indices = new Int32Array(size);
    for (let i = 0; i < size; i++) this.indices[i] = val[perm[i]!]!;
  }

  /** CE of `student` with feature `phi` (restores the student's mode; the caller resets its feature). */
  evaluate(student: PqkdNet, phi: Float64Array): number {
    if (this.indices.length === 0) return NaN;
    student.setFeature(phi);
    const wasTraining = student.training;
    student.eval();
    try {
      return batchCrossEntropy(student, this.data.dataset, this.indices); // chunked: same value, less memory
    } finally {
      if (wasTraining) student.train();
    }
  }
}

/** What SPSA did over a block or a run, measured noise-free. */
export interface SpsaMovement {
  /** L2 and max |Δ| of the parameters (wrapped for angles), in the source's units. */
  readonly thetaL2: number;
  readonly thetaMaxAbs: number;
  /** L2 distance the exact feature moved (null when the source has none). */
  readonly featureL2: number | null;
  /** The exact-feature objective on the fixed validation batch at the start and end (null without exact). */
  readonly objectiveStart: number | null;
  readonly objectiveEnd: number | null;
  /** Size of the fixed batch. */
  readonly batch: number;
}

/** Movement and noise-free objective between θ_start and θ_end with the student as it is now. */
export function measureMovement(source: FeatureSource, student: PqkdNet, check: ExactObjective, start: Float64Array, end: Float64Array): SpsaMovement {
  const move = parameterMove(start, end, source.periodic);
  const phiStart = source.exact(start);
  const phiEnd = phiStart ? source.exact(end) : null;
  const both = phiStart !== null && phiEnd !== null;
  return {
    thetaL2: move.l2,
    thetaMaxAbs: move.maxAbs,
    featureL2: both ? l2Distance(phiStart, phiEnd) : null,
    objectiveStart: both ? check.evaluate(student, phiStart) : null,
    objectiveEnd: both ? check.evaluate(student, phiEnd) : null,
    batch: check.indices.length,
  };
}
