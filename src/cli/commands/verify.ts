/**
 * `pqkd verify DIR`: first checks the files of a finished run against what it recorded (results.json
 * readable, every checkpoint present with the SHA-256 recorded in results.json, metrics.jsonl whole);
 * then reruns it from its manifest in a temporary directory and checks that every metric line
 * (wall-clock fields excepted), every checkpoint file and the final weights' SHA-256 are identical.
 * Exit code 0 when they are, 1 with what differs listed when they are not (a missing, truncated or
 * altered file fails without a rerun); a directory without manifest.json is a usage error (2).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatHelp, parseArgs, type FlagSpec } from '../args.js';
import { CliError } from '../errors.js';
import { outputMode, Progress } from '../progress.js';
import { RunDir, sha256Hex } from '../run-dir.js';
import type { MetricLine, RunManifest, RunResults } from '../run-schema.js';
import { applyThreads, type CommandContext } from './context.js';
import { executeRun } from './train.js';
import { deterministicPart } from '../metrics-file.js';
import { TEACHER_CACHE_FLAG, teacherCacheDir } from '../teacher-cache.js';
import { verifyResult } from '../reproduce/verify-result.js';
import type { FlagValues } from '../args.js';

/** `verify --result FILE`: reruns a reproduce job from its result file (reproduce/verify-result.ts). */
async function verifyResultCommand(path: string, flags: FlagValues, ctx: CommandContext): Promise<number> {
  const progress = new Progress(outputMode({ ...flags, quiet: flags.quiet ?? true }));
  const threads = applyThreads(flags.threads);
  const options = { cacheDir: teacherCacheDir(flags['teacher-cache']), threads, kernels: ctx.kernels(), progress, keep: flags.keep === true };
  const { differences, rerun } = await verifyResult(path, options);
  const summary = { rerun: true, result: path, metrics: rerun?.metrics.length ?? 0, weightsSha256: rerun?.weightsSha256 ?? null };
  const identical = rerun
    ? `verify: identical (${path}: ${rerun.metrics.length} metric lines, final metrics, teacher SHA-256 ${rerun.teacher.sha256.slice(0, 16)}, weights SHA-256 ${rerun.weightsSha256})`
    : `verify: identical (${path}: the ema-stats measurement)`;
  return report(ctx, flags.json === true, differences, summary, identical);
}

const FLAGS: FlagSpec[] = [
  { name: 'result', type: 'string', help: 'verify a committed reproduce result instead: rerun results/<experiment>/<job>.json and compare metrics and weights hash' },
  TEACHER_CACHE_FLAG,
  { name: 'threads', type: 'int', help: 'threads for the rerun (results must not depend on it)' },
  { name: 'keep', type: 'bool', help: 'keep the rerun directory' },
  { name: 'quiet', type: 'bool', help: 'plain, minimal output' },
  { name: 'json', type: 'bool', help: 'JSON output' },
  { name: 'help', type: 'bool', help: 'show this help' },
];

export { deterministicPart };

/** The checkpoint files a finished run must hold (from results.json, else from its kind). */
function expectedCheckpoints(manifest: RunManifest, recorded: RunResults): string[] {
  if (recorded.checkpoints) return Object.keys(recorded.checkpoints).sort();
  return manifest.command === 'distill' && manifest.teacherCheckpoint === null
    ? ['checkpoint.safetensors', 'teacher.safetensors'] : ['checkpoint.safetensors'];
}

function fileHash(run: RunDir, name: string): string | null {
  const bytes = run.readCheckpoint(name);
  return bytes ? sha256Hex(bytes) : null;
}

/**
 * What can be checked without a rerun: results.json readable, every checkpoint present with the
 * SHA-256 recorded at the end of the run, metrics.jsonl readable to its last line.
 */
function staticDifferences(original: RunDir): { differences: string[]; manifest: RunManifest | null; recorded: RunResults | null; metrics: MetricLine[] } {
  const differences: string[] = [];
  const attempt = <T>(what: () => T): T | null => {
    try {
      return what();
    } catch (error) {
      if (!(error instanceof CliError)) throw error;
      differences.push(error.message);
      return null;
    }
  };
  const manifest = attempt(() => original.readManifest());
  const recorded = attempt(() => original.readResults());
  if (manifest && manifest.status !== 'finished') differences.push(`manifest.json: status is '${manifest.status}', not 'finished' (resume the run first)`);
  if (manifest && !recorded && !differences.some((d) => d.includes('results.json'))) differences.push('results.json: missing (a finished run has one)');
  let metrics: MetricLine[] = [];
  const torn: string[] = [];
  metrics = attempt(() => original.readMetrics((m) => torn.push(m))) ?? [];
  if (torn.length > 0) differences.push(`metrics.jsonl: the last line is torn (${torn[0]})`);
  if (manifest && recorded) {
    for (const name of expectedCheckpoints(manifest, recorded)) {
      const actual = fileHash(original, name);
      const want = recorded.checkpoints?.[name];
      if (actual === null) differences.push(`${name}: missing`);
      else if (want !== undefined && actual !== want) differences.push(`${name}: SHA-256 ${actual} differs from the ${want} recorded in results.json (altered or truncated)`);
    }
  }
  return { differences, manifest, recorded, metrics };
}

function report(ctx: CommandContext, json: boolean, differences: string[], summary: Record<string, unknown>, identical: string): number {
  if (json) ctx.print(JSON.stringify({ identical: differences.length === 0, ...summary, differences }));
  else if (differences.length === 0) ctx.print(identical);
  else ctx.print(`verify: DIFFERENT\n  ${differences.join('\n  ')}`);
  return differences.length === 0 ? 0 : 1;
}

export async function verifyCommand(argv: string[], ctx: CommandContext): Promise<number> {
  const { flags, positionals } = parseArgs(argv, FLAGS, 'verify', 1);
  if (flags.help) {
    ctx.print(formatHelp('verify', 'Check a finished run: the recorded SHA-256 of every checkpoint, then a rerun from its manifest whose metrics, checkpoints and final weights must be bit-identical.', FLAGS, 'DIR'));
    return 0;
  }
  if (typeof flags.result === 'string') {
    if (positionals.length > 0) throw new CliError(`verify --result: takes no run directory, got '${positionals[0]}'`);
    return verifyResultCommand(flags.result, flags, ctx);
  }
  if (positionals.length !== 1) throw new CliError(`verify: expected one run directory, got ${positionals.length} arguments`);
  const original = new RunDir(positionals[0]!);
  if (!existsSync(original.file('manifest.json'))) original.readManifest(); // "not a run directory": a usage error (exit 2)
  const checked = staticDifferences(original);
  const json = flags.json === true;
  if (checked.differences.length > 0 || !checked.manifest || !checked.recorded) {
    return report(ctx, json, checked.differences, { rerun: false }, '');
  }
  const { manifest, recorded } = checked;
  const progress = new Progress(outputMode({ ...flags, quiet: flags.quiet ?? true }));
  const threads = applyThreads(flags.threads);
  const scratch = mkdtempSync(join(tmpdir(), 'pqkd-verify-'));
  const out = join(scratch, 'run');
  try {
    const rerun = await executeRun({
      command: manifest.command, config: manifest.config, out, resume: false,
      teacherCheckpoint: manifest.teacherCheckpoint ? original.resolveRecorded(manifest.teacherCheckpoint) : null,
      threads, kernels: ctx.kernels(), progress, report: false,
    });
    const rerunDir = new RunDir(out);
    const a = checked.metrics.map(deterministicPart);
    const b = rerunDir.readMetrics().map(deterministicPart);
    const differences: string[] = [];
    if (rerun.weightsSha256 !== recorded.weightsSha256) differences.push(`weights SHA-256: recorded ${recorded.weightsSha256}, rerun ${rerun.weightsSha256}`);
    const names = [...new Set([...expectedCheckpoints(manifest, recorded), ...Object.keys(rerun.checkpoints ?? {})])].sort();
    for (const name of names) {
      const mine = fileHash(original, name);
      const theirs = fileHash(rerunDir, name);
      if (mine !== theirs) differences.push(`${name}: SHA-256 ${mine ?? '(missing)'} here, ${theirs ?? '(missing)'} in the rerun`);
    }
    if (a.length !== b.length) differences.push(`metrics.jsonl: recorded ${a.length} lines, rerun ${b.length}`);
    for (let i = 0; i < Math.min(a.length, b.length) && differences.length < 10; i++) {
      if (a[i] !== b[i]) differences.push(`metrics line ${i + 1}:\n    recorded ${a[i]}\n    rerun    ${b[i]}`);
    }
    return report(ctx, json, differences, { rerun: true, metrics: a.length, checkpoints: names, weightsSha256: rerun.weightsSha256 },
      `verify: identical (${a.length} metric lines, ${names.length} checkpoint${names.length === 1 ? '' : 's'} ${names.join(', ')}, weights SHA-256 ${rerun.weightsSha256})`);
  } finally {
    if (!flags.keep) rmSync(scratch, { recursive: true, force: true });
    else ctx.print(`rerun kept in ${out}`);
  }
}
