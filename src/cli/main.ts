/**
 * The `pqkd` command. `pqkd <command> [flags]`; every command has --help. Bad input (flags, files,
 * configs, datasets) is reported as one line on stderr with exit code 2; an interrupted run exits
 * with 130 (SIGINT) or 143 (SIGTERM) after marking its manifest (usage with no command: stderr, 2); a loss that becomes NaN/Inf exits with 3.
 */
import { ConfigError } from '../pqkd/config.js';
import { NonFiniteLossError } from '../pqkd/events.js';
import { DatasetError } from '../data/errors.js';
import { circuitCommand } from './commands/circuit.js';
import { emaStatsCommand } from './commands/ema-stats.js';
import { exportCommand } from './commands/export.js';
import { compareCommand } from './commands/compare.js';
import { defaultContext, type CommandContext } from './commands/context.js';
import { reportCommand } from './commands/report.js';
import { distillCommand, startCommand, teacherCommand } from './commands/run-commands.js';
import { reproduceCommand } from './commands/reproduce.js';
import { sweepCommand } from './commands/sweep.js';
import { verifyCommand } from './commands/verify.js';
import { workerCommand } from './commands/worker.js';
import { NonFiniteRunError } from './commands/train.js';
import { PQKD_VERSION } from './run-dir.js';
import { CliError } from './errors.js';
import { installSignalHandlers, InterruptedError } from './interrupt.js';
import { startMemoryTrace } from './memory-trace.js';
import { isEngineWorkerThread } from '../tensor/parallel/node-builtins.js';

type Command = (argv: string[], ctx: CommandContext) => Promise<number>;

const COMMANDS: Record<string, [Command, string]> = {
  start: [startCommand, 'the main job: a short, real PQKD run on MNIST (what `npm start` runs)'],
  teacher: [teacherCommand, 'train a teacher CNN'],
  distill: [distillCommand, 'distil a photonic-conditioned PQKD student from a teacher'],
  sweep: [sweepCommand, 'run a grid of distill jobs (rank × scope × width, shots × EMA × seed, …); --queue: on a BullMQ queue'],
  worker: [workerCommand, 'run the jobs of `pqkd sweep --queue` (BullMQ on Redis) until the queue is drained'],
  reproduce: [reproduceCommand, "run the paper's experiments (experiments/*.json) resumably; --plan, --summarise (results/, RESULTS.md)"],
  report: [reportCommand, 'rebuild the HTML report of a run directory'],
  verify: [verifyCommand, 'rerun a finished run and check it is bit-identical'],
  compare: [compareCommand, "paired per-seed comparisons of a sweep's feature sources against a reference, with statistics"],
  circuit: [circuitCommand, 'simulate a photonic circuit and print its click statistics'],
  'ema-stats': [emaStatsCommand, 'measure the EMA variance ratio Var(φ̄)/Var(φ̂) of the photonic feature next to (1−β)/(1+β)'],
  export: [exportCommand, "write a finished run's compiled student (or teacher) as ONNX or a PyTorch state_dict"],
};

export function usage(): string {
  const w = Math.max(...Object.keys(COMMANDS).map((k) => k.length));
  return [
    'pqkd — Photonic Quantum-Enhanced Knowledge Distillation',
    '',
    'Usage: pqkd <command> [flags]    (pqkd <command> --help for its flags; pqkd --version)',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([k, [, help]]) => `  ${k.padEnd(w)}  ${help}`),
    '',
  ].join('\n');
}

export async function main(argv: string[], ctx: CommandContext = defaultContext): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    process.stderr.write(usage());
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    ctx.print(usage());
    return 0;
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    ctx.print(`pqkd ${PQKD_VERSION}`);
    return 0;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    process.stderr.write(`pqkd: unknown command '${name}' (commands: ${Object.keys(COMMANDS).join(', ')})\n`);
    return 2;
  }
  try {
    return await entry[0](rest, ctx);
  } catch (error) {
    if (error instanceof CliError || error instanceof ConfigError || error instanceof DatasetError) {
      process.stderr.write(`pqkd ${name}: ${(error as Error).message}\n`);
      return 2;
    }
    if (error instanceof InterruptedError) {
      process.stderr.write(`pqkd ${name}: ${error.describe()}\n`);
      return error.exitCode;
    }
    if (error instanceof NonFiniteRunError || error instanceof NonFiniteLossError) {
      process.stderr.write(`pqkd ${name}: ${error.message}\n`);
      return 3;
    }
    throw error;
  }
}

const invokedDirectly = (() => {
  const entry = process.argv[1] ?? '';
  return /(?:^|[\\/])(?:main\.ts|pqkd\.mjs|pqkd)$/.test(entry);
})();

// Kernel workers load this same file (the bundle); they must not start the CLI.
if (invokedDirectly && !isEngineWorkerThread()) {
  startMemoryTrace(process.env);
  installSignalHandlers();
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`pqkd: internal error: ${(error as Error)?.stack ?? String(error)}\n`);
      process.exit(1);
    },
  );
}
