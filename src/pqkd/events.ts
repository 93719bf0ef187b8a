/**
 * What the trainers report while they run (the CLI turns these into progress bars, metrics.jsonl
 * lines and plots), and the error raised when a loss stops being finite.
 */
import type { SpsaCalibrationReport } from './optim/spsa-calibration.js';
import type { SpsaMovement } from './spsa-diagnostics.js';

export type TrainEvent =
  | { kind: 'step'; phase: 'teacher' | 'student'; epoch: number; batch: number; batches: number; loss: number; imagesPerSecond: number }
  | { kind: 'spsa'; epoch: number; k: number; fPlus: number[]; fMinus: number[]; ak: number; ck: number; theta: number[]; accepted?: boolean }
  /** What SPSA's gain calibration measured at θ₀ and chose (once per run, before the first update). */
  | ({ kind: 'spsa-calibration'; epoch: number } & SpsaCalibrationReport)
  /** θ's move over one SPSA block and the exact-feature objective before and after it. */
  | ({ kind: 'spsa-block'; epoch: number } & SpsaMovement)
  | {
      kind: 'epoch';
      phase: 'teacher' | 'student';
      epoch: number;
      trainLoss: number;
      valLoss: number;
      valAccuracy: number;
      seconds: number;
      featureError?: number;
    };

export interface RunHooks {
  onEvent?(event: TrainEvent): void;
}

export class NonFiniteLossError extends Error {
  constructor(
    readonly phase: string,
    readonly epoch: number,
    readonly batch: number,
    readonly value: number,
  ) {
    super(`${phase} training: the loss became ${value} at epoch ${epoch}, batch ${batch}; stopping (the last good checkpoint is kept)`);
    this.name = 'NonFiniteLossError';
  }
}
