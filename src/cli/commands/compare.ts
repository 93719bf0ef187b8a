/**
 * `pqkd compare SWEEP_DIR... [--reference photonic]`: paired per-seed comparisons of every arm (feature
 * source, or --no-spsa) against the reference, with t and bootstrap intervals and t-test and Wilcoxon
 * p-values, Holm-corrected; a table on stdout (or JSON), compare.json and the forest plot in the
 * first sweep's report. Bad input writes nothing.
 */
import { join, resolve } from 'node:path';
import { formatHelp, parseArgs, type FlagSpec } from '../args.js';
import { compareArms, formatComparison } from '../compare/compare.js';
import { loadArmRuns } from '../compare/load.js';
import { CliError } from '../errors.js';
import { writeJsonAtomic } from '../fs-atomic.js';
import type { CommandContext } from './context.js';

const FLAGS: FlagSpec[] = [
  { name: 'reference', type: 'string', help: "reference arm (a feature source, or e.g. 'photonic --no-spsa'); default photonic" },
  { name: 'resamples', type: 'int', help: 'bootstrap resamples (default 10000)' },
  { name: 'seed', type: 'int', help: 'seed of the bootstrap generator (default 0)' },
  { name: 'json', type: 'bool', help: 'print the comparison as JSON' },
  { name: 'help', type: 'bool', help: 'show this help' },
];

export async function compareCommand(argv: string[], ctx: CommandContext): Promise<number> {
  const { flags, positionals } = parseArgs(argv, FLAGS, 'compare', Number.MAX_SAFE_INTEGER);
  if (flags.help) {
    ctx.print(
      formatHelp(
        'compare',
        "Paired comparisons of a sweep's arms (feature sources, --no-spsa) against a reference, per seed, with statistics. Several sweep directories may be given; their jobs pair by seed.",
        FLAGS,
        'SWEEP_DIR...',
      ),
    );
    return 0;
  }
  if (positionals.length === 0) throw new CliError('compare: expected at least one sweep directory');
  const resamples = (flags.resamples as number | undefined) ?? 10_000;
  if (resamples < 100) throw new CliError(`--resamples: expected an integer >= 100, got ${resamples}`);
  const seed = (flags.seed as number | undefined) ?? 0;
  if (seed < 0) throw new CliError(`--seed: expected an integer >= 0, got ${seed}`);
  const dirs = positionals.map((p) => resolve(p));
  const { runs, notes } = loadArmRuns(dirs);
  const result = compareArms(runs, typeof flags.reference === 'string' ? flags.reference : 'photonic', { resamples, seed, sweeps: dirs });
  for (const note of notes) process.stderr.write(`compare: ${note}\n`);
  writeJsonAtomic(join(dirs[0]!, 'compare.json'), result);
  const { writeReport } = await import('../report/io.js');
  const written = await writeReport(dirs[0]!);
  if (flags.json) ctx.print(JSON.stringify(result));
  else ctx.print(`${formatComparison(result)}\nwrote ${join(dirs[0]!, 'compare.json')} and the forest plot in ${written.htmlPath}`);
  return 0;
}
