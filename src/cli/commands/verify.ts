/**
 * `pqkd verify DIR`: rerun a finished run from its manifest in a temporary directory and check that
 * every recorded metric (wall-clock fields excepted) and the final weights' SHA-256 are identical.
 * Exit code 0 when they are, 1 with the first differences listed when they are not.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { formatHelp, parseArgs, type FlagSpec } from '../args.js';
import { CliError } from '../errors.js';
import { outputMode, Progress } from '../progress.js';
import { RunDir } from '../run-dir.js';
import type { MetricLine } from '../run-schema.js';
import { applyThreads, type CommandContext } from './context.js';
import { executeRun } from './train.js';

const FLAGS: FlagSpec[] = [
  { name: 'threads', type: 'int', help: 'threads for the rerun (results must not depend on it)' },
  { name: 'keep', type: 'bool', help: 'keep the rerun directory' },
  { name: 'quiet', type: 'bool', help: 'plain, minimal output' },
  { name: 'json', type: 'bool', help: 'JSON output' },
  { name: 'help', type: 'bool', help: 'show this help' },
];

/** A metric line without its wall-clock fields. */
export function deterministicPart(line: MetricLine): string {
  const { seconds: _s, imagesPerSecond: _i, ...rest } = line as MetricLine & { seconds?: number; imagesPerSecond?: number };
  return JSON.stringify(rest);
}

export async function verifyCommand(argv: string[], ctx: CommandContext): Promise<number> {
  const { flags, positionals } = parseArgs(argv, FLAGS, 'verify');
  if (flags.help) {
    ctx.print(formatHelp('verify', 'Rerun a finished run from its manifest and check metrics and weights are bit-identical.', FLAGS, 'DIR'));
    return 0;
  }
  if (positionals.length !== 1) throw new CliError(`verify: expected one run directory, got ${positionals.length} arguments`);
  const original = new RunDir(positionals[0]!);
  const manifest = original.readManifest();
  const recorded = original.readResults();
  if (manifest.status !== 'finished' || !recorded) throw new CliError(`verify: ${original.path} is not a finished run (status ${manifest.status})`);
  const progress = new Progress(outputMode({ ...flags, quiet: flags.quiet ?? true }));
  const threads = applyThreads(flags.threads);
  const scratch = mkdtempSync(join(tmpdir(), 'pqkd-verify-'));
  const out = join(scratch, 'run');
  try {
    const rerun = await executeRun({
      command: manifest.command, config: manifest.config, out, resume: false,
      teacherCheckpoint: manifest.teacherCheckpoint ? resolve(manifest.teacherCheckpoint) : null,
      threads, kernels: ctx.kernels(), progress, report: false,
    });
    const a = original.readMetrics().map(deterministicPart);
    const b = new RunDir(out).readMetrics().map(deterministicPart);
    const differences: string[] = [];
    if (rerun.weightsSha256 !== recorded.weightsSha256) differences.push(`weights SHA-256: recorded ${recorded.weightsSha256}, rerun ${rerun.weightsSha256}`);
    if (a.length !== b.length) differences.push(`metrics.jsonl: recorded ${a.length} lines, rerun ${b.length}`);
    for (let i = 0; i < Math.min(a.length, b.length) && differences.length < 10; i++) {
      if (a[i] !== b[i]) differences.push(`metrics line ${i + 1}:\n    recorded ${a[i]}\n    rerun    ${b[i]}`);
    }
    if (flags.json) ctx.print(JSON.stringify({ identical: differences.length === 0, metrics: a.length, weightsSha256: rerun.weightsSha256, differences }));
    else if (differences.length === 0) ctx.print(`verify: identical (${a.length} metric lines, weights SHA-256 ${rerun.weightsSha256})`);
    else ctx.print(`verify: DIFFERENT\n  ${differences.join('\n  ')}`);
    return differences.length === 0 ? 0 : 1;
  } finally {
    if (!flags.keep) rmSync(scratch, { recursive: true, force: true });
    else ctx.print(`rerun kept in ${out}`);
  }
}
