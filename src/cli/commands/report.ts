/** `pqkd report DIR`: rebuild report.html and the SVG plots of a run or sweep directory. */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { formatHelp, parseArgs, type FlagSpec } from '../args.js';
import { CliError } from '../errors.js';
import type { CommandContext } from './context.js';

const FLAGS: FlagSpec[] = [{ name: 'help', type: 'bool', help: 'show this help' }];

export async function reportCommand(argv: string[], ctx: CommandContext): Promise<number> {
  const { flags, positionals } = parseArgs(argv, FLAGS, 'report', 1);
  if (flags.help) {
    ctx.print(formatHelp('report', 'Rebuild report.html and plots/*.svg from a run (or sweep) directory.', FLAGS, 'DIR'));
    return 0;
  }
  if (positionals.length !== 1) throw new CliError(`report: expected one run directory, got ${positionals.length} arguments`);
  const dir = resolve(positionals[0]!);
  if (!existsSync(join(dir, 'manifest.json')) && !existsSync(join(dir, 'sweep.json'))) {
    throw new CliError(`report: ${dir} is not a run or sweep directory (no manifest.json or sweep.json)`);
  }
  const { writeReport } = await import('../report/io.js');
  const written = await writeReport(dir);
  ctx.print(`wrote ${written.htmlPath}${written.skipped.length ? ` (skipped: ${written.skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')})` : ''}`);
  return 0;
}
