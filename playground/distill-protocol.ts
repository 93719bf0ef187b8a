/** Messages between the distillation panel (main thread) and its Web Worker. */

export interface DistillSettings {
  teacherWidth: number;
  teacherEpochs: number;
  studentEpochs: number;
  batchSize: number;
  rank: number;
  shots: number;
  spsaUpdatesPerEpoch: number;
  seed: number;
}

export type ToWorker = { type: 'start'; settings: DistillSettings } | { type: 'stop' };

export interface CompressionRow {
  label: string;
  value: string;
}

export type FromWorker =
  | { type: 'status'; text: string }
  | { type: 'data'; train: number; val: number; test: number; sha256: string; kernels: string }
  | { type: 'step'; phase: 'teacher' | 'student'; step: number; epoch: number; loss: number }
  | { type: 'probe'; phase: 'teacher' | 'student'; step: number; accuracy: number }
  | { type: 'epoch'; phase: 'teacher' | 'student'; epoch: number; step: number; valAccuracy: number; valLoss: number; seconds: number }
  | { type: 'spsa'; k: number; fPlus: number; fMinus: number; thetaShift: number }
  | {
      type: 'done'; stopped: boolean; steps: number; seconds: number; teacherTestAccuracy: number;
      /** null when Stop came before the student's training started. */
      studentTestAccuracy: number | null;
      testImages: number; table: CompressionRow[];
    }
  | { type: 'error'; message: string };
