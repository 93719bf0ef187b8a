/**
 * `pqkd export RUN_DIR --format onnx|safetensors [--out FILE]`: writes the compiled student of a
 * finished distill run (or the teacher: `--model teacher`) as ONNX (opset 17; batch norm folded
 * unless `--batch-norm keep`; `--batch N` for a static batch) or as a PyTorch state_dict in
 * safetensors. The student is rebuilt from its checkpoint with the run's recorded export feature,
 * checked against the run's weights SHA-256, then compiled into its dense network. The file is
 * written atomically; bad input is one line and exit code 2.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CIFAR10_JPEG_MEAN, CIFAR10_JPEG_STD, CIFAR10_MEAN, CIFAR10_STD, FASHION_MNIST, MNIST } from '../../data/known.js';
import { ExportError } from '../../export/errors.js';
import { exportOnnx, type Normalization } from '../../export/onnx-export.js';
import { exportTorchStateDict } from '../../export/torch-state-dict.js';
import { loadCheckpoint, saveCheckpoint } from '../../nn/checkpoint.js';
import { createFeatureSource } from '../../pqkd/feature-sources.js';
import { studentSpec, teacherSpec } from '../../pqkd/model-spec.js';
import { buildModel, type PqkdNet } from '../../pqkd/models.js';
import { Generator } from '../../tensor/random.js';
import { formatHelp, parseArgs, type FlagSpec } from '../args.js';
import { CliError } from '../errors.js';
import { writeFileAtomic } from '../fs-atomic.js';
import { RunDir, sha256Hex } from '../run-dir.js';
import type { RunManifest } from '../run-schema.js';
import { loadTeacherFile, type StudentExtra } from '../stages.js';
import { loadCheckpointExtra } from './checkpoint-info.js';
import type { CommandContext } from './context.js';

const FLAGS: FlagSpec[] = [
  { name: 'format', type: 'string', choices: ['onnx', 'safetensors'], help: 'output format (required)' },
  { name: 'out', type: 'string', help: 'output file (default RUN_DIR/<model>.onnx or RUN_DIR/<model>.torch.safetensors)' },
  { name: 'model', type: 'string', choices: ['student', 'teacher'], help: 'which network (default: student for distill runs, teacher for teacher runs)' },
  { name: 'batch', type: 'string', help: "ONNX batch dim: 'dynamic' (default) or a fixed size" },
  { name: 'batch-norm', type: 'string', choices: ['fold', 'keep'], help: 'ONNX: fold batch norm into the convs (default) or keep BatchNormalization nodes' },
  { name: 'quiet', type: 'bool', help: 'print nothing on success' },
  { name: 'help', type: 'bool', help: 'show this help' },
];

/** The normalisation a run's model expects (the dataset's per-channel statistics). */
export function runNormalization(manifest: RunManifest): Normalization {
  const d = manifest.config.dataset;
  if (d === 'mnist') return { mean: MNIST.mean, std: MNIST.std };
  if (d === 'fashion-mnist') return { mean: FASHION_MNIST.mean, std: FASHION_MNIST.std };
  const jpeg = Object.values(manifest.datasets).some((x) => x.label.includes('JPEG'));
  return jpeg ? { mean: CIFAR10_JPEG_MEAN, std: CIFAR10_JPEG_STD } : { mean: CIFAR10_MEAN, std: CIFAR10_STD };
}

/** The compiled student of a finished distill run, checked against its recorded weights hash. */
export function loadFinishedStudent(run: RunDir): PqkdNet {
  const manifest = run.readManifest();
  const results = run.readResults();
  if (manifest.command !== 'distill') throw new CliError(`export: ${run.path} is a '${manifest.command}' run; it has no student (use --model teacher)`);
  const extra = loadCheckpointExtra(run.file('checkpoint.safetensors')) as Partial<StudentExtra> | null;
  if (manifest.status !== 'finished' || !results || !extra?.complete || results.exportFeature.length === 0) {
    throw new CliError(`export: ${run.path} has no finished student (run status ${manifest.status}); finish it with 'pqkd distill --resume ${run.path}'`);
  }
  const config = manifest.config;
  const source = createFeatureSource(config.photonic, config.seed);
  const spec = studentSpec(teacherSpec(config.dataset, config.teacher.width), config.student.scope, config.student.rank);
  const student = buildModel(spec, {
    generator: new Generator(config.seed).fork('student-init'), projectionSeed: config.projectionSeed,
    featureBins: source.bins, dictConvImpl: config.student.dictConvImpl,
  });
  loadCheckpoint(run.readCheckpoint('checkpoint.safetensors')!, { model: student });
  const hash = sha256Hex(saveCheckpoint({ model: student }));
  if (hash !== results.weightsSha256) throw new CliError(`export: ${run.file('checkpoint.safetensors')} does not hold the run's final weights (SHA-256 ${hash}, results.json records ${results.weightsSha256})`);
  student.setFeature(results.exportFeature);
  student.eval();
  const compiled = student.compile();
  compiled.eval();
  return compiled;
}

/** The teacher of a run (its own checkpoint, the one it trained, or the one it started from). */
export function loadRunTeacher(run: RunDir): PqkdNet {
  const manifest = run.readManifest();
  if (manifest.status !== 'finished') throw new CliError(`export: ${run.path} is not a finished run (status ${manifest.status})`);
  const file = manifest.command === 'teacher' ? run.file('checkpoint.safetensors')
    : manifest.teacherCheckpoint ? run.resolveRecorded(manifest.teacherCheckpoint) : run.file('teacher.safetensors');
  try {
    return loadTeacherFile(file, manifest.config);
  } catch (error) {
    if (error instanceof CliError) throw new CliError(error.message.replace(/^--teacher: /, 'export: teacher '));
    throw error;
  }
}

function parseBatch(raw: unknown): number | 'dynamic' {
  if (raw === undefined || raw === 'dynamic') return 'dynamic';
  const n = Number(raw);
  if (typeof raw !== 'string' || !Number.isSafeInteger(n) || n < 1) throw new CliError(`--batch: expected 'dynamic' or an integer >= 1, got '${String(raw)}'`);
  return n;
}

export async function exportCommand(argv: string[], ctx: CommandContext): Promise<number> {
  const { flags, positionals } = parseArgs(argv, FLAGS, 'export', 1);
  if (flags.help) {
    ctx.print(formatHelp('export', 'Write the compiled student (or the teacher) of a finished run as ONNX or as a PyTorch state_dict (safetensors).', FLAGS, 'RUN_DIR'));
    return 0;
  }
  if (positionals.length !== 1) throw new CliError(`export: expected one run directory, got ${positionals.length} arguments`);
  if (flags.format === undefined) throw new CliError('--format: required (onnx or safetensors)');
  const batch = parseBatch(flags.batch);
  if (flags.format !== 'onnx' && (flags.batch !== undefined || flags['batch-norm'] !== undefined)) {
    throw new CliError('--batch and --batch-norm apply to --format onnx only (the state dict always keeps batch norm)');
  }
  const run = new RunDir(positionals[0]!);
  const manifest = run.readManifest();
  const which = (flags.model as string | undefined) ?? (manifest.command === 'distill' ? 'student' : 'teacher');
  const model = which === 'student' ? loadFinishedStudent(run) : loadRunTeacher(run);
  const out = resolve(typeof flags.out === 'string' ? flags.out : run.file(flags.format === 'onnx' ? `${which}.onnx` : `${which}.torch.safetensors`));
  if (!existsSync(dirname(out))) throw new CliError(`--out: cannot write ${out}: directory ${dirname(out)} does not exist`);
  const normalization = runNormalization(manifest);
  const metadata = { 'pqkd.dataset': manifest.config.dataset, 'pqkd.model': which, 'pqkd.seed': String(manifest.config.seed), 'pqkd.git_commit': manifest.gitCommit ?? 'unknown' };
  let bytes: Uint8Array;
  try {
    bytes = flags.format === 'onnx'
      ? exportOnnx(model, {
          batch, batchNorm: (flags['batch-norm'] as 'fold' | 'keep' | undefined) ?? 'fold', normalization, metadata,
          docString: `${model.spec.name}: the ${which === 'student' ? 'compiled PQKD student (dictionary convs with the frozen photonic feature, as dense convs)' : 'teacher CNN'} of a pqkd run on ${manifest.config.dataset} (seed ${manifest.config.seed}). Input: NCHW float32 images normalised per channel as (pixel/255 - mean)/std with mean ${JSON.stringify(normalization.mean)}, std ${JSON.stringify(normalization.std)}. Output: logits.`,
        })
      : exportTorchStateDict(model, { normalization, metadata });
  } catch (error) {
    if (error instanceof ExportError) throw new CliError(error.message);
    throw error;
  }
  try {
    writeFileAtomic(out, bytes);
  } catch (error) {
    throw new CliError(`--out: cannot write ${out}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  if (!flags.quiet) ctx.print(`wrote ${out} (${flags.format}, ${which} ${model.spec.name}, ${bytes.length.toLocaleString('en-US')} bytes)`);
  return 0;
}
