/**
 * The flag handling of `pqkd teacher`, `pqkd distill` and `pqkd start` (the main job), on top of
 * `executeRun`.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defaultConfig, type PartialConfig, type PqkdConfig } from '../../pqkd/config.js';
import { formatCompressionTable } from '../../pqkd/model-spec.js';
import { buildConfig, COMMON_FLAGS, DATA_FLAGS, formatHelp, parseArgs, STUDENT_FLAGS, TEACHER_FLAGS, type FlagSpec, type FlagValues } from '../args.js';
import type { TeacherExtra } from '../stages.js';
import { loadCheckpointExtra } from './checkpoint-info.js';
import { CliError } from '../errors.js';
import { outputMode, Progress } from '../progress.js';
import { RunDir } from '../run-dir.js';
import type { RunResults } from '../run-schema.js';
import { applyThreads, type CommandContext } from './context.js';
import { executeRun } from './train.js';
import { obtainTeacher, TEACHER_CACHE_FLAG, teacherCacheDir } from '../teacher-cache.js';

const RESUME: FlagSpec = { name: 'resume', type: 'string', help: 'continue the interrupted run in this directory (all other flags come from its manifest)' };
export const TEACHER_COMMAND_FLAGS = [...COMMON_FLAGS, RESUME, ...DATA_FLAGS, ...TEACHER_FLAGS];
export const DISTILL_COMMAND_FLAGS = [...COMMON_FLAGS, RESUME, ...DATA_FLAGS, ...TEACHER_FLAGS, ...STUDENT_FLAGS, TEACHER_CACHE_FLAG];

function defaultOut(kind: string, c: PqkdConfig): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  return join('runs', `${kind}-${c.dataset}-s${c.seed}-${stamp}`);
}

async function trainCommand(kind: 'teacher' | 'distill', argv: string[], ctx: CommandContext): Promise<number> {
  const specs = kind === 'teacher' ? TEACHER_COMMAND_FLAGS : DISTILL_COMMAND_FLAGS;
  const summary =
    kind === 'teacher'
      ? 'Train a teacher CNN (checkpoint every epoch; the test split is evaluated once at the end).'
      : 'Distil a PQKD student from a teacher (--teacher CKPT, or a teacher trained in this run).';
  const { flags } = parseArgs(argv, specs, kind);
  if (flags.help) {
    ctx.print(formatHelp(kind, summary, specs));
    return 0;
  }
  const fromCache = flags.teacher === 'cache';
  if (flags.resume === undefined && typeof flags.teacher === 'string' && !fromCache) adoptTeacherArchitecture(flags);
  const progress = new Progress(outputMode(flags));
  const threads = applyThreads(flags.threads);
  if (typeof flags.resume === 'string') {
    const resumeDir = new RunDir(flags.resume);
    const manifest = resumeDir.readManifest();
    const others = Object.keys(flags).filter((f) => !['resume', 'quiet', 'json', 'threads'].includes(f));
    if (others.length > 0) throw new CliError(`--resume: the run's settings come from its manifest; remove --${others.join(', --')}`);
    if (manifest.command !== kind) throw new CliError(`--resume: ${flags.resume} is a '${manifest.command}' run, not '${kind}'`);
    const results = await executeRun({
      command: kind,
      config: manifest.config,
      out: flags.resume,
      resume: true,
      teacherCheckpoint: manifest.teacherCheckpoint,
      threads,
      kernels: ctx.kernels(),
      progress,
    });
    printSummary(progress, flags.resume, results);
    return 0;
  }
  const config = buildConfig(flags, specs);
  const out = typeof flags.out === 'string' ? flags.out : defaultOut(kind, config);
  // --teacher cache: the cached teacher of this config (trained into the cache when absent).
  const cached = fromCache ? await obtainTeacher(config, { cacheDir: teacherCacheDir(flags['teacher-cache']), threads, kernels: ctx.kernels(), progress }) : null;
  const teacherCheckpoint = cached ? cached.file : typeof flags.teacher === 'string' ? resolve(flags.teacher) : null;
  if (teacherCheckpoint && !existsSync(teacherCheckpoint)) throw new CliError(`--teacher: ${teacherCheckpoint} does not exist`);
  const results = await executeRun({ command: kind, config, out, resume: false, teacherCheckpoint, threads, kernels: ctx.kernels(), progress });
  printSummary(progress, out, results);
  return 0;
}

/**
 * `distill --teacher CKPT`: the teacher's architecture (dataset, width) comes from the checkpoint;
 * a --width or --dataset that contradicts it is an error naming both.
 */
function adoptTeacherArchitecture(flags: FlagValues): void {
  const path = flags.teacher as string;
  if (!existsSync(path)) throw new CliError(`--teacher: ${resolve(path)} does not exist`);
  const extra = loadCheckpointExtra(path) as Partial<TeacherExtra> | null;
  if (!extra || extra.kind !== 'pqkd-teacher') throw new CliError(`--teacher: ${path} is a ${String(extra?.kind ?? 'unknown')} checkpoint, expected a teacher (pqkd-teacher)`);
  for (const [flag, value] of [['width', extra.width], ['dataset', extra.dataset]] as const) {
    if (value === undefined) continue;
    if (flags[flag] !== undefined && flags[flag] !== value) {
      throw new CliError(`--${flag}: ${String(flags[flag])} contradicts the teacher checkpoint ${path} (${flag} ${String(value)}); leave --${flag} out to use the checkpoint's`);
    }
    flags[flag] = value;
  }
}

export const teacherCommand = (argv: string[], ctx: CommandContext): Promise<number> => trainCommand('teacher', argv, ctx);
export const distillCommand = (argv: string[], ctx: CommandContext): Promise<number> => trainCommand('distill', argv, ctx);

function pct(x: number | null | undefined): string {
  return x === null || x === undefined ? 'n/a' : `${(100 * x).toFixed(2)}%`;
}

/** The final table of a run. */
export function summaryTable(dir: string, r: RunResults): string {
  const rows: [string, string][] = [
    ['dataset', r.datasetLabel],
    ['teacher test accuracy', pct(r.teacher.testAccuracy)],
  ];
  if (r.student) {
    rows.push(
      ['student test accuracy', pct(r.student.testAccuracy)],
      ['student (exact feature) test accuracy', pct(r.student.exactFeatureTestAccuracy)],
      ['student (compiled dense) test accuracy', pct(r.student.compiledTestAccuracy)],
    );
  }
  if (r.accounting) {
    rows.push(
      ['teacher parameters', r.accounting.teacherTotal.toLocaleString('en-US')],
      ['student trainable parameters (incl. θ)', r.accounting.studentTrainable.toLocaleString('en-US')],
      ['fixed projection entries', r.accounting.fixedProjection.toLocaleString('en-US')],
      ['compression (conv blocks + θ)', `${r.accounting.compression.toFixed(1)}×`],
    );
  } else {
    rows.push(['teacher parameters', r.teacher.parameters.toLocaleString('en-US')]);
  }
  if (r.command === 'distill') {
    rows.push(['feature source', r.featureSource], ['shots', String(r.shots)], ['EMA', r.ema ? `on (β = ${r.emaBeta})` : 'off']);
    const m = r.spsaMovement;
    if (m) {
      rows.push(['SPSA move |θ_T − θ₀| (L2, max)', `${m.thetaL2.toPrecision(3)}, ${m.thetaMaxAbs.toPrecision(3)}`]);
      if (m.objectiveStart !== null) {
        rows.push(['exact-feature objective θ₀ → θ_T', `${m.objectiveStart.toFixed(4)} → ${m.objectiveEnd!.toFixed(4)} (${m.batch} val images)`]);
      }
    }
  }
  rows.push(['wall time', `${r.wallSeconds.toFixed(1)} s`], ['weights SHA-256', r.weightsSha256.slice(0, 16)], ['report', join(resolve(dir), 'report.html')]);
  const w = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`).join('\n');
}

/** The one-line result (what --quiet prints). */
export function resultLine(dir: string, r: RunResults): string {
  const model = r.student
    ? `student test accuracy ${pct(r.student.testAccuracy)} (teacher ${pct(r.teacher.testAccuracy)}, compression ${r.accounting?.compression.toFixed(1) ?? '?'}×)`
    : `teacher test accuracy ${pct(r.teacher.testAccuracy)}`;
  return `${r.command} ${r.datasetLabel}: ${model}, weights SHA-256 ${r.weightsSha256.slice(0, 16)}, ${dir}`;
}

function printSummary(progress: Progress, dir: string, r: RunResults): void {
  if (progress.mode === 'json') {
    console.log(JSON.stringify({ kind: 'results', dir, ...r, exportFeature: undefined, exactFeature: undefined }));
    return;
  }
  const tables = `\n${summaryTable(dir, r)}${r.accounting ? `\n\n${formatCompressionTable(r.accounting)}` : ''}`;
  progress.result(tables, resultLine(dir, r));
}

/** The embedded default of the main job: a short but real PQKD run on MNIST. */
export function mainJobConfig(): PartialConfig {
  const d = defaultConfig('mnist');
  return {
    dataset: 'mnist',
    teacher: { ...d.teacher, width: 32, epochs: 2, batchSize: 64 },
    student: { ...d.student, rank: 4, scope: 'partial', epochs: 4, batchSize: 64 },
    photonic: { ...d.photonic, shots: 200 },
    spsa: { ...d.spsa, updatesPerEpoch: 10, batchSize: 256 },
    data: { valSize: 5000, trainLimit: 24000, testLimit: 0 },
  };
}

/** `pqkd start`: the main job (teacher from the cache or trained, then a photonic student). */
export async function startCommand(argv: string[], ctx: CommandContext): Promise<number> {
  const specs = [...COMMON_FLAGS, TEACHER_CACHE_FLAG];
  const { flags } = parseArgs(argv, specs, 'start');
  if (flags.help) {
    ctx.print(formatHelp('start', 'The main job: a short, real PQKD run on MNIST with the default photonic circuit and 200 shots.', specs, '', mainJobConfig()));
    return 0;
  }
  const progress = new Progress(outputMode(flags));
  const threads = applyThreads(flags.threads);
  const config = buildConfig(flags, specs, mainJobConfig());
  const teacher = await obtainTeacher(config, { cacheDir: teacherCacheDir(flags['teacher-cache']), threads, kernels: ctx.kernels(), progress });
  const teacherFile = teacher.file;
  const out = typeof flags.out === 'string' ? flags.out : defaultOut('main', config);
  const results = await executeRun({
    command: 'distill',
    config,
    out,
    resume: false,
    teacherCheckpoint: teacherFile,
    threads,
    kernels: ctx.kernels(),
    progress,
  });
  printSummary(progress, out, results);
  return 0;
}
