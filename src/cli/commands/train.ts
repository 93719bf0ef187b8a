/**
 * `pqkd teacher` and `pqkd distill` (and, through `executeRun`, the main job and sweep jobs): set up
 * or resume a run directory, run the stages, evaluate on the test split once at the end, and write
 * results.json and the report.
 */
import { readFileSync } from 'node:fs';
import { saveCheckpoint } from '../../nn/checkpoint.js';
import { CliError } from '../errors.js';
import type { PqkdConfig } from '../../pqkd/config.js';
import { evaluate } from '../../pqkd/evaluate.js';
import { compressionTable, studentSpec, teacherSpec } from '../../pqkd/model-spec.js';
import type { PqkdNet } from '../../pqkd/models.js';
import type { Progress } from '../progress.js';
import { loadTrainSplit, openTestSplit, RunDir, sha256Hex, verifyTestSplit } from '../run-dir.js';
import { requireRunFits } from '../resources.js';
import { resolveConfig } from '../../pqkd/config.js';
import { NonFiniteLossError } from '../../pqkd/events.js';
import type { MetricLine, RunCommand, RunManifest, RunResults } from '../run-schema.js';
import { loadTeacherFile, runHooks, runStudentStage, runTeacherStage, type StudentExtra, type TeacherExtra } from '../stages.js';
import { loadCheckpointExtra } from './checkpoint-info.js';
import { InterruptedError, processInterruption } from '../interrupt.js';
import { throwIfAborted, yieldToEventLoop } from '../../pqkd/train-loop.js';

export interface RunOptions {
  command: RunCommand;
  config: PqkdConfig;
  out: string;
  resume: boolean;
  teacherCheckpoint: string | null;
  threads: number;
  kernels: string;
  progress: Progress;
  /** Write report.html at the end (default true). */
  report?: boolean;
  /**
   * Stops the training at the next step boundary when aborted (default: the process-wide SIGINT/SIGTERM
   * interruption). The run is marked `interrupted` and the abort reason is rethrown.
   */
  signal?: AbortSignal;
}

/** Drops metric lines of epochs that the checkpoints do not cover (they will be re-run; epochs count from 1). */
function truncateForResume(run: RunDir, warn: (message: string) => void): void {
  const teacher = loadCheckpointExtra(run.file('teacher.safetensors')) as TeacherExtra | null;
  const student = loadCheckpointExtra(run.file('checkpoint.safetensors')) as StudentExtra | TeacherExtra | null;
  const teacherEpochs = student?.kind === 'pqkd-teacher' ? student.state.epoch : (teacher?.state.epoch ?? 0);
  const studentEpochs = student?.kind === 'pqkd-student' ? student.state.epoch : 0;
  run.truncateMetrics((l: MetricLine) => {
    if (l.kind === 'eval') return false;
    if (l.kind === 'spsa' || l.kind === 'spsa-calibration' || l.kind === 'spsa-block') return l.epoch <= studentEpochs;
    if (l.kind === 'epoch') return l.phase === 'teacher' ? l.epoch <= teacherEpochs : l.epoch <= studentEpochs;
    return false;
  }, warn);
}

function weightsHash(model: PqkdNet): string {
  return sha256Hex(saveCheckpoint({ model }));
}

const BAD_INPUT = new Set(['CliError', 'DatasetError', 'ConfigError']);

/**
 * Runs (or resumes) a teacher or distill run; returns its results. A new run claims its directory
 * (lock + manifest) before any work; bad input found before the first checkpoint (config, memory,
 * datasets, teacher file) leaves nothing behind.
 */
export async function executeRun(o: RunOptions): Promise<RunResults> {
  const started = Date.now();
  const run = new RunDir(o.out);
  const warn = (message: string): void => o.progress.warn(message);
  let manifest: RunManifest;
  if (o.resume) {
    manifest = run.readManifest();
    const finished = manifest.status === 'finished' ? run.readResults() : null;
    if (finished) {
      // A run killed after finishing (while writing its report) leaves its lock: take it over and release it.
      run.lock();
      run.unlock();
      o.progress.log(`${run.path}: already finished`);
      return finished;
    }
    run.lock();
    try {
      manifest.config = resolveConfig(manifest.config);
      const removed = run.removeOrphans();
      if (removed.length > 0) warn(`${run.path}: removed ${removed.length} temp file(s) of interrupted writes (${removed.join(', ')})`);
      truncateForResume(run, warn);
      manifest.status = 'running';
      run.writeManifest(manifest);
    } catch (error) {
      run.unlock();
      throw error;
    }
  } else {
    requireRunFits(o.config, o.command);
    run.create();
    try {
      manifest = run.newManifest(o.command, o.config, { teacherCheckpoint: o.teacherCheckpoint, threads: o.threads, kernels: o.kernels });
    } catch (error) {
      run.remove();
      throw error;
    }
  }
  const config = manifest.config;
  const hooks = runHooks(run, (e) => o.progress.event(e));
  o.progress.expectSpsa(config.spsa.updatesPerEpoch);
  const signal = o.signal ?? processInterruption.signal;
  /** Lets pending signal handlers run, then stops if the run was interrupted. */
  const checkpointBoundary = async (): Promise<void> => {
    await yieldToEventLoop();
    throwIfAborted(signal);
  };
  try {
    await checkpointBoundary();
    o.progress.phase('loading and verifying the datasets');
    const data = loadTrainSplit(config, manifest);
    const testSplit = verifyTestSplit(config, manifest);
    const teacherFile = manifest.teacherCheckpoint === null ? null : run.resolveRecorded(manifest.teacherCheckpoint);
    const loadedTeacher = teacherFile ? loadTeacherFile(teacherFile, config) : null;
    if (teacherFile) recordTeacherHash(manifest, teacherFile);
    run.writeManifest(manifest);
    let results: RunResults;
    if (manifest.command === 'teacher') {
      const teacher = await runTeacherStage(run, config, data, hooks, signal, 'checkpoint.safetensors');
      await checkpointBoundary();
      o.progress.phase('evaluating the teacher');
      const val = evaluate(teacher, data.dataset, data.val);
      const test = openTestSplit(config, testSplit);
      const t = evaluate(teacher, test.dataset, test.indices);
      run.appendMetric({ kind: 'eval', phase: 'teacher', split: 'test', ...t });
      results = {
        command: 'teacher',
        dataset: config.dataset,
        datasetLabel: data.dataset.label,
        teacher: { valAccuracy: val.accuracy, testAccuracy: t.accuracy, parameters: teacher.parameters().reduce((a, p) => a + p.numel(), 0) },
        student: null,
        accounting: null,
        shots: config.photonic.shots,
        ema: config.ema.enabled,
        emaBeta: config.ema.beta,
        featureSource: config.photonic.featureSource,
        theta: [],
        exportFeature: [],
        exactFeature: null,
        featureRmsError: null,
        weightsSha256: weightsHash(teacher),
        wallSeconds: (Date.now() - started) / 1000,
      };
    } else {
      const teacher: PqkdNet = loadedTeacher ?? await runTeacherStage(run, config, data, hooks, signal);
      await checkpointBoundary();
      o.progress.phase('evaluating the teacher on the validation split');
      const teacherVal = evaluate(teacher, data.dataset, data.val);
      if (config.student.epochs > 0) o.progress.phase('student: caching the teacher logits');
      const { student, distiller } = await runStudentStage(run, config, teacher, data, hooks, signal);
      await checkpointBoundary();
      o.progress.phase('evaluating the student and the teacher on the test split');
      const exportFeature = Float64Array.from(student.feature!);
      const studentVal = evaluate(student, data.dataset, data.val);
      const test = openTestSplit(config, testSplit);
      const tTest = evaluate(teacher, test.dataset, test.indices);
      const sTest = evaluate(student, test.dataset, test.indices);
      run.appendMetric({ kind: 'eval', phase: 'teacher', split: 'test', ...tTest });
      run.appendMetric({ kind: 'eval', phase: 'student', split: 'test', ...sTest });
      const exact = distiller.source.exact(distiller.theta);
      let exactAcc: number | null = null;
      if (exact) {
        student.setFeature(exact);
        const e = evaluate(student, test.dataset, test.indices);
        run.appendMetric({ kind: 'eval', phase: 'student-exact-feature', split: 'test', ...e });
        exactAcc = e.accuracy;
        student.setFeature(exportFeature);
      }
      // θ₀ → θ_T and the exact-feature objective at both, with the final student (noise-free).
      const spsaMovement = distiller.spsa ? distiller.movement() : null;
      student.setFeature(exportFeature);
      const compiled = student.compile();
      compiled.eval();
      const cTest = evaluate(compiled, test.dataset, test.indices);
      run.appendMetric({ kind: 'eval', phase: 'student-compiled', split: 'test', ...cTest });
      const tSpec = teacherSpec(config.dataset, config.teacher.width);
      const accounting = compressionTable(
        tSpec,
        studentSpec(tSpec, config.student.scope, config.student.rank),
        distiller.source.paramCount,
        distiller.source.dim,
      );
      const rms = exact ? Math.sqrt(exact.reduce((a, v, i) => a + (v - exportFeature[i]!) ** 2, 0) / exact.length) : null;
      results = {
        command: 'distill',
        dataset: config.dataset,
        datasetLabel: data.dataset.label,
        teacher: { valAccuracy: teacherVal.accuracy, testAccuracy: tTest.accuracy, parameters: accounting.teacherTotal },
        student: { valAccuracy: studentVal.accuracy, testAccuracy: sTest.accuracy, exactFeatureTestAccuracy: exactAcc, compiledTestAccuracy: cTest.accuracy },
        accounting,
        shots: config.photonic.shots,
        ema: config.ema.enabled,
        emaBeta: config.ema.beta,
        featureSource: config.photonic.featureSource,
        theta: Array.from(distiller.theta),
        exportFeature: Array.from(exportFeature),
        exactFeature: exact ? Array.from(exact) : null,
        featureRmsError: rms,
        spsaMovement,
        weightsSha256: weightsHash(student),
        wallSeconds: (Date.now() - started) / 1000,
      };
    }
    results.checkpoints = run.checkpointHashes();
    run.writeResults(results);
    manifest.status = 'finished';
    manifest.finishedAt = new Date().toISOString();
    run.writeManifest(manifest);
    if (o.report !== false) await writeRunReport(run.path, o.progress);
    run.unlock();
    return results;
  } catch (error) {
    const name = (error as Error).name;
    if (!o.resume && BAD_INPUT.has(name) && !run.hasCheckpoints()) {
      // Bad input found before any training: leave nothing behind.
      run.remove();
    } else {
      const interrupted = name === 'InterruptedError' || name === 'TrainingAbortedError';
      manifest.status = interrupted ? 'interrupted' : 'failed';
      run.writeManifest(manifest);
      run.unlock();
      const hint = `resume with: pqkd ${manifest.command} --resume ${o.out}`;
      if (error instanceof InterruptedError) error.resumeHint = hint;
      if (error instanceof NonFiniteLossError) throw new NonFiniteRunError(error, hint);
    }
    throw error;
  }
}

/**
 * Records the SHA-256 of the teacher file a distill run starts from in its manifest; on resume,
 * refuses a teacher file whose bytes changed since.
 */
function recordTeacherHash(manifest: RunManifest, teacherFile: string): void {
  const actual = sha256Hex(new Uint8Array(readFileSync(teacherFile)));
  if (manifest.teacherSha256 && manifest.teacherSha256 !== actual) {
    throw new CliError(`--teacher: ${teacherFile} has SHA-256 ${actual}, but this run started from a teacher with SHA-256 ${manifest.teacherSha256}; the file changed`);
  }
  manifest.teacherSha256 = actual;
}

/** A run stopped by a non-finite loss (exit code 3), with 1-based epoch/step and how to resume. */
export class NonFiniteRunError extends Error {
  constructor(readonly failure: NonFiniteLossError, readonly resumeHint: string) {
    super(`${failure.phase} training: the loss became ${failure.value} at epoch ${failure.epoch + 1}, step ${failure.batch + 1}; ` +
      `stopped, the last good checkpoint is kept (${resumeHint})`);
    this.name = 'NonFiniteRunError';
  }
}

/** Writes report.html (the report layer is optional at runtime: a failure is reported, not fatal). */
export async function writeRunReport(dir: string, progress: Progress): Promise<string | null> {
  try {
    const { writeReport } = await import('../report/io.js');
    return (await writeReport(dir)).htmlPath;
  } catch (error) {
    progress.log(`report: could not write report.html: ${(error as Error).message}`);
    return null;
  }
}
