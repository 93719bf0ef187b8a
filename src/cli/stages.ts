/**
 * The two training stages of a run, with a checkpoint written atomically after every epoch and an
 * exact resume from the last one (every random choice of an epoch derives from the run seed and the
 * epoch/step numbers, so re-running an epoch from its start state reproduces it bit for bit).
 *
 * The epochs run through `runEpochAsync`: they yield to the event loop after every step and stop at
 * a step boundary when `signal` is aborted (the last epoch checkpoint stays as it was).
 *
 * Checkpoint files (safetensors, src/nn/checkpoint.ts): teacher stage → `teacher.safetensors`,
 * student stage → `checkpoint.safetensors`; `extra` holds { kind, stage state, complete }.
 */
import { existsSync, readFileSync } from 'node:fs';
import { loadCheckpoint, saveCheckpoint } from '../nn/checkpoint.js';
import type { PqkdConfig } from '../pqkd/config.js';
import { Distiller, type DistillState } from '../pqkd/distill.js';
import { NonFiniteLossError, type RunHooks, type TrainEvent } from '../pqkd/events.js';
import { createFeatureSource } from '../pqkd/feature-sources.js';
import { studentSpec, teacherSpec } from '../pqkd/model-spec.js';
import { buildModel, type PqkdNet } from '../pqkd/models.js';
import { TeacherTrainer, type SplitData, type TeacherState } from '../pqkd/teacher.js';
import { Generator } from '../tensor/random.js';
import { CliError } from './errors.js';
import type { RunDir } from './run-dir.js';
import { loadCheckpointExtra } from './commands/checkpoint-info.js';
import { oneBasedEpoch } from './metrics-file.js';

export interface TeacherExtra {
  kind: 'pqkd-teacher';
  dataset: string;
  width: number;
  config: PqkdConfig;
  state: TeacherState;
  complete: boolean;
}

export interface StudentExtra {
  kind: 'pqkd-student';
  dataset: string;
  config: PqkdConfig;
  state: DistillState;
  complete: boolean;
}

/**
 * Hooks that forward events and append metrics (epochs and SPSA updates, epochs numbered from 1;
 * steps are not recorded).
 */
export function runHooks(run: RunDir, onEvent: (e: TrainEvent) => void): RunHooks {
  return {
    onEvent: (e) => {
      if (e.kind !== 'step') run.appendMetric(oneBasedEpoch(e));
      onEvent(e);
    },
  };
}

/**
 * Debugging aid (fault injection): PQKD_FAULT_NONFINITE_AT=phase:epoch:step (e.g. student:2:3, epoch
 * and step counted from 1) sets every weight of the model in training to NaN right after that step,
 * so the next step's loss is NaN and the run takes its real non-finite-loss path (exit 3, the last
 * good checkpoint kept, resumable). Choose a step that is not the last of its epoch. Not recorded in
 * the manifest, so a resume runs clean.
 */
function withFaultInjection(hooks: RunHooks, phase: 'teacher' | 'student', model: PqkdNet): RunHooks {
  const spec = process.env.PQKD_FAULT_NONFINITE_AT;
  if (!spec) return hooks;
  const m = /^(teacher|student):(\d+):(\d+)$/.exec(spec);
  if (!m) throw new CliError(`PQKD_FAULT_NONFINITE_AT: expected phase:epoch:step (e.g. student:2:3), got '${spec}'`);
  if (m[1] !== phase) return hooks;
  const epoch = Number(m[2]) - 1;
  const step = Number(m[3]) - 1;
  return {
    onEvent: (e) => {
      hooks.onEvent?.(e);
      if (e.kind === 'step' && e.phase === phase && e.epoch === epoch && e.batch === step) {
        for (const p of model.parameters()) p.data.fill(NaN);
      }
    },
  };
}

/** Refuses to checkpoint an epoch whose losses are not finite (the previous checkpoint stays). */
function requireFiniteEpoch(phase: 'teacher' | 'student', r: { epoch: number; trainLoss: number; valLoss: number }, batches: number): void {
  if (!Number.isFinite(r.trainLoss)) throw new NonFiniteLossError(phase, r.epoch, batches - 1, r.trainLoss);
  if (!Number.isFinite(r.valLoss)) throw new NonFiniteLossError(phase, r.epoch, batches - 1, r.valLoss);
}

export function newTeacher(config: PqkdConfig): PqkdNet {
  return buildModel(teacherSpec(config.dataset, config.teacher.width), { generator: new Generator(config.seed).fork('teacher-init') });
}

/** Reads a teacher checkpoint file and checks it is a finished teacher for this dataset and width. */
export function loadTeacherFile(path: string, config: PqkdConfig): PqkdNet {
  if (!existsSync(path)) throw new CliError(`--teacher: ${path} does not exist`);
  const e = loadCheckpointExtra(path) as Partial<TeacherExtra> | null;
  if (!e || e.kind !== 'pqkd-teacher') throw new CliError(`--teacher: ${path} is a ${String(e?.kind ?? 'unknown')} checkpoint, expected a teacher (pqkd-teacher)`);
  if (e.dataset !== config.dataset) throw new CliError(`--teacher: ${path} was trained on ${e.dataset}, this run uses ${config.dataset} (--dataset)`);
  if (e.width !== config.teacher.width) throw new CliError(`--teacher: ${path} has width ${e.width}, this run expects --width ${config.teacher.width}`);
  if (!e.complete) throw new CliError(`--teacher: ${path} is an unfinished teacher (resume its run first)`);
  const teacher = newTeacher(config);
  try {
    loadCheckpoint(new Uint8Array(readFileSync(path)), { model: teacher });
  } catch (error) {
    throw new CliError(`--teacher: ${path} does not match the ${config.dataset} width-${config.teacher.width} teacher: ${(error as Error).message.replace(/\s+/g, ' ')}`);
  }
  teacher.eval();
  return teacher;
}

/** Trains (or resumes) the teacher stage into `file` of the run directory. */
export async function runTeacherStage(
  run: RunDir, config: PqkdConfig, data: SplitData, hooks: RunHooks, signal?: AbortSignal, file = 'teacher.safetensors',
): Promise<PqkdNet> {
  const teacher = newTeacher(config);
  const trainer = new TeacherTrainer(teacher, data, config.teacher, config.seed, withFaultInjection(hooks, 'teacher', teacher));
  const saved = run.readCheckpoint(file);
  if (saved) {
    const extra = loadCheckpoint(saved, { model: teacher, optimizer: trainer.optimizer }).extra as TeacherExtra;
    trainer.setState(extra.state);
  }
  const checkpoint = (): void => {
    const extra: TeacherExtra = {
      kind: 'pqkd-teacher', dataset: config.dataset, width: config.teacher.width, config, state: trainer.getState(),
      complete: trainer.epoch >= config.teacher.epochs,
    };
    run.writeCheckpoint(file, saveCheckpoint({ model: teacher, optimizer: trainer.optimizer, extra }));
  };
  while (trainer.epoch < config.teacher.epochs) {
    requireFiniteEpoch('teacher', await trainer.runEpochAsync({ signal }), Math.ceil(data.train.length / config.teacher.batchSize));
    checkpoint();
  }
  // A zero-epoch teacher (an untrained baseline) still gets its checkpoint.
  if (config.teacher.epochs === 0 && !saved) checkpoint();
  teacher.eval();
  return teacher;
}

export interface StudentStage {
  student: PqkdNet;
  distiller: Distiller;
}

/** Distils (or resumes) the student stage into `checkpoint.safetensors`. */
export async function runStudentStage(
  run: RunDir, config: PqkdConfig, teacher: PqkdNet, data: SplitData, hooks: RunHooks, signal?: AbortSignal,
): Promise<StudentStage> {
  const source = createFeatureSource(config.photonic, config.seed);
  const spec = studentSpec(teacherSpec(config.dataset, config.teacher.width), config.student.scope, config.student.rank);
  const student = buildModel(spec, {
    generator: new Generator(config.seed).fork('student-init'), projectionSeed: config.projectionSeed,
    featureBins: source.bins, dictConvImpl: config.student.dictConvImpl,
  });
  const distiller = new Distiller(config, teacher, student, source, data, withFaultInjection(hooks, 'student', student));
  const saved = run.readCheckpoint('checkpoint.safetensors');
  if (saved) {
    const extra = loadCheckpoint(saved, { model: student, optimizer: distiller.optimizer }).extra as StudentExtra;
    distiller.setState(extra.state);
    distiller.freezeFeature();
  }
  while (distiller.epoch < config.student.epochs) {
    requireFiniteEpoch('student', await distiller.runEpochAsync({ signal }), Math.ceil(data.train.length / config.student.batchSize));
    const extra: StudentExtra = {
      kind: 'pqkd-student', dataset: config.dataset, config, state: distiller.getState(),
      complete: distiller.epoch >= config.student.epochs,
    };
    run.writeCheckpoint('checkpoint.safetensors', saveCheckpoint({ model: student, optimizer: distiller.optimizer, extra }));
  }
  distiller.freezeFeature();
  student.eval();
  return { student, distiller };
}
