/**
 * What the trainers report while they run (the CLI turns these into progress bars, metrics.jsonl
 * lines and plots), and the error raised when a loss stops being finite.
 */
export type TrainEvent =
  | { kind: 'step'; phase: 'teacher' | 'student'; epoch: number; batch: number; batches: number; loss: number; imagesPerSecond: number }
  | { kind: 'spsa'; epoch: number; k: number; fPlus: number[]; fMinus: number[]; ak: number; ck: number; theta: number[] }
  | {
      kind: 'epoch'; phase: 'teacher' | 'student'; epoch: number; trainLoss: number; valLoss: number; valAccuracy: number;
      seconds: number; featureError?: number;
    };

export interface RunHooks {
  onEvent?(event: TrainEvent): void;
}

export class NonFiniteLossError extends Error {
  constructor(readonly phase: string, readonly epoch: number, readonly batch: number, readonly value: number) {
    super(`${phase} training: the loss became ${value} at epoch ${epoch}, batch ${batch}; stopping (the last good checkpoint is kept)`);
    this.name = 'NonFiniteLossError';
  }
}
