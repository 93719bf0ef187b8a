/**
 * `pqkd reproduce <experiment>`: runs the jobs of a named experiment definition (experiments/<name>.json)
 * that are not done yet, each result going to results/<experiment>/<job>.json; `--plan` prints the jobs,
 * what is done and the remaining time from measured costs; `--summarise` regenerates every
 * results/<experiment>/summary.json, its plots and RESULTS.md from the result files alone.
 * Paths are relative to the current directory (run it from the repository root).
 */
import { resolve } from 'node:path';
import { formatHelp, parseArgs, type FlagSpec } from '../args.js';
import { CliError } from '../errors.js';
import { outputMode, Progress } from '../progress.js';
import { listExperiments, loadExperiment } from '../reproduce/experiment.js';
import { formatPlan, runExperiment } from '../reproduce/run.js';
import { writeSummaries } from '../reproduce/write-summary.js';
import { TEACHER_CACHE_FLAG, teacherCacheDir } from '../teacher-cache.js';
import { applyThreads, type CommandContext } from './context.js';

const FLAGS: FlagSpec[] = [
  { name: 'plan', type: 'bool', help: 'print the jobs, what is done and the remaining time estimate; run nothing' },
  { name: 'summarise', type: 'bool', help: 'regenerate results/*/summary.json, the plots and RESULTS.md from the result files' },
  { name: 'summarize', type: 'bool', help: 'same as --summarise' },
  { name: 'max-jobs', type: 'int', help: 'stop after running this many jobs', default: 'all' },
  { name: 'experiments', type: 'string', help: 'directory of the experiment definitions', default: 'experiments' },
  { name: 'results', type: 'string', help: 'directory of the committed result files', default: 'results' },
  { name: 'results-md', type: 'string', help: 'the generated results page', default: 'RESULTS.md' },
  { name: 'runs', type: 'string', help: 'directory of the job run directories (not committed)', default: 'runs/reproduce' },
  TEACHER_CACHE_FLAG,
  { name: 'threads', type: 'int', help: 'worker threads for kernels (env PQKD_THREADS)', default: 'all cores' },
  { name: 'quiet', type: 'bool', help: 'print only errors and the final line' },
  { name: 'json', type: 'bool', help: 'machine-readable output' },
  { name: 'help', type: 'bool', help: 'show this help' },
];

export async function reproduceCommand(argv: string[], ctx: CommandContext): Promise<number> {
  const { flags, positionals } = parseArgs(argv, FLAGS, 'reproduce', 1);
  const experimentsDir = resolve(typeof flags.experiments === 'string' ? flags.experiments : 'experiments');
  if (flags.help) {
    const names = listExperiments(experimentsDir);
    ctx.print(
      formatHelp(
        'reproduce',
        `Run a named experiment of the paper's reproduction (${names.join(', ') || 'none found in ./experiments'}), resumably.`,
        FLAGS,
        '<experiment | file.json>',
      ),
    );
    return 0;
  }
  const resultsDir = resolve(typeof flags.results === 'string' ? flags.results : 'results');
  const summarise = flags.summarise === true || flags.summarize === true;
  if (summarise) {
    if (positionals.length > 0) throw new CliError(`reproduce --summarise: takes no experiment (it summarises all of them), got '${positionals[0]}'`);
    const written = await writeSummaries({
      experimentsDir,
      resultsDir,
      resultsMd: resolve(typeof flags['results-md'] === 'string' ? flags['results-md'] : 'RESULTS.md'),
    });
    ctx.print(flags.json ? JSON.stringify({ written }) : `reproduce: wrote ${written.length} file(s):\n  ${written.join('\n  ')}`);
    return 0;
  }
  if (positionals.length !== 1)
    throw new CliError(`reproduce: expected one experiment (${listExperiments(experimentsDir).join(', ') || 'none found'}), or --summarise`);
  const maxJobs = flags['max-jobs'] as number | undefined;
  if (maxJobs !== undefined && maxJobs < 1) throw new CliError(`--max-jobs: expected an integer >= 1, got ${maxJobs}`);
  const def = loadExperiment(positionals[0]!, experimentsDir);
  const paths = {
    resultsDir,
    runsDir: resolve(typeof flags.runs === 'string' ? flags.runs : 'runs/reproduce'),
    cacheDir: teacherCacheDir(flags['teacher-cache']),
  };
  if (flags.plan) {
    const { text, estimate } = formatPlan(def, paths);
    ctx.print(flags.json ? JSON.stringify({ experiment: def.name, ...estimate }) : text);
    return 0;
  }
  const threads = applyThreads(flags.threads);
  const progress = new Progress(outputMode(flags));
  const r = await runExperiment(def, { ...paths, threads, kernels: ctx.kernels(), progress, ...(maxJobs !== undefined ? { maxJobs } : {}) });
  progress.result(`reproduce ${def.name}: ran ${r.ran} job(s); ${r.done}/${r.total} done`, `reproduce ${def.name}: ${r.done}/${r.total} done`);
  return 0;
}
