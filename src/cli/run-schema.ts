/**
 * The files of a run directory (what `pqkd teacher|distill|sweep` write, what `report` and `verify`
 * read). Every file is written atomically (temp file + rename).
 *
 *   manifest.json   RunManifest
 *   metrics.jsonl   one MetricLine per line: every epoch and every SPSA update, plus final evaluations;
 *                   `epoch` counts from 1 (as on screen); a torn last line (a kill mid-append) is dropped
 *   run.lock        the pid of the process working on the run (stale once that process is gone)
 *   results.json    RunResults (finished runs only)
 *   checkpoint.safetensors (+ teacher.safetensors for distill runs that trained their teacher)
 *   report.html, plots/*.svg
 *   sweep.json      SweepResults (sweep directories; each job is a run directory under jobs/<id>/)
 */
import type { PqkdConfig } from '../pqkd/config.js';
import type { CompressionTable } from '../pqkd/model-spec.js';
import type { TrainEvent } from '../pqkd/events.js';
import type { SpsaMovement } from '../pqkd/spsa-diagnostics.js';

export type RunCommand = 'teacher' | 'distill';

export interface RunManifest {
  pqkdVersion: string;
  command: RunCommand;
  config: PqkdConfig;
  /** Teacher checkpoint a distill run started from, relative to the run directory (null: trained in this run). */
  teacherCheckpoint: string | null;
  /** SHA-256 of that teacher file when the run started (a resumed run refuses a changed file); absent when trained in the run. */
  teacherSha256?: string;
  gitCommit: string | null;
  node: string;
  platform: string;
  threads: number;
  kernels: string;
  datasets: Record<string, { label: string; sha256: Record<string, string> }>;
  startedAt: string;
  finishedAt: string | null;
  status: 'running' | 'finished' | 'failed' | 'interrupted';
  argv: string[];
}

/** A metrics.jsonl line: a trainer event (wall-clock fields are informational) or a final evaluation. */
export type MetricLine =
  | TrainEvent
  | {
      kind: 'eval';
      phase: 'teacher' | 'student' | 'student-exact-feature' | 'student-compiled';
      split: 'test' | 'val';
      loss: number;
      accuracy: number;
      count: number;
    };

export interface RunResults {
  command: RunCommand;
  dataset: string;
  datasetLabel: string;
  teacher: { valAccuracy: number | null; testAccuracy: number | null; parameters: number };
  student: {
    valAccuracy: number;
    testAccuracy: number;
    /** Test accuracy with the exact (S = ∞) feature at the final θ, when the source defines one. */
    exactFeatureTestAccuracy: number | null;
    /** Test accuracy of the compiled dense network (classical inference). */
    compiledTestAccuracy: number;
  } | null;
  accounting: CompressionTable | null;
  shots: number;
  ema: boolean;
  emaBeta: number;
  featureSource: string;
  /** Final photonic parameters θ. */
  theta: number[];
  /** The frozen export feature φ̄ (512 values by default). */
  exportFeature: number[];
  /** The exact feature at the final θ (null when undefined for the source). */
  exactFeature: number[] | null;
  /** RMS difference between exportFeature and exactFeature. */
  featureRmsError: number | null;
  /**
   * What SPSA did over the run: |θ_T − θ₀| (L2, max), the exact feature's move, and the SPSA objective
   * with the exact feature at θ₀ and θ_T on one fixed validation batch, with the final student
   * (null: no SPSA in this run; absent in runs from before it was recorded).
   */
  spsaMovement?: SpsaMovement | null;
  /** SHA-256 of the final model weights (safetensors bytes of the state dict). */
  weightsSha256: string;
  /** SHA-256 of each checkpoint file of the run directory at the end (file name → hex); `verify` checks them. */
  checkpoints?: Record<string, string>;
  wallSeconds: number;
}

export interface SweepJob {
  id: string;
  /** The config overrides of this job (dotted keys, e.g. { 'student.rank': 4, 'photonic.shots': 64 }). */
  overrides: Record<string, unknown>;
  status: 'finished' | 'failed' | 'pending';
  results: RunResults | null;
  error?: string;
}

export interface SweepResults {
  axes: Record<string, unknown[]>;
  /** The sweep's base config (every job is it plus its overrides). */
  base?: PqkdConfig;
  jobs: SweepJob[];
}
