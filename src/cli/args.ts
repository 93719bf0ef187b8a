/**
 * Command-line flags: one table of flags, each with a type and (for hyperparameters) the config field
 * it sets, so `--config file.json` and flags compose the same way (flags override the file), and
 * every error names the flag, what was expected and what came.
 */
import { readFileSync } from 'node:fs';
import { ConfigError, defaultConfig, resolveConfig, type PartialConfig, type PqkdConfig } from '../pqkd/config.js';
import { mergeConfig, rejectPrototypeKeys, setConfigPath } from './config-paths.js';
import { CliError } from './errors.js';

export type FlagType = 'int' | 'number' | 'string' | 'bool' | 'intList';

export interface FlagSpec {
  name: string;
  type: FlagType;
  help: string;
  /** Dotted config path the flag sets (e.g. 'student.rank'). */
  path?: string;
  choices?: readonly string[];
  /** Deprecated spellings still accepted, mapped to their current choice (not shown by --help). */
  aliases?: Readonly<Record<string, string>>;
  /** Default shown by --help when the flag sets no config field (config fields show the config default). */
  default?: string;
}

export type FlagValues = Record<string, number | string | boolean | number[] | undefined>;

export interface ParsedArgs {
  flags: FlagValues;
  positionals: string[];
}

export const COMMON_FLAGS: FlagSpec[] = [
  { name: 'config', type: 'string', help: 'JSON file with config fields (flags override it)' },
  { name: 'seed', type: 'int', path: 'seed', help: 'run seed (all randomness derives from it)' },
  { name: 'threads', type: 'int', help: 'worker threads for kernels (env PQKD_THREADS)', default: 'all cores' },
  { name: 'out', type: 'string', help: 'output directory of the run (created; must be new or empty)', default: 'runs/<kind>-<dataset>-s<seed>-<time>' },
  { name: 'quiet', type: 'bool', help: 'print only errors and the final result line' },
  { name: 'json', type: 'bool', help: 'print machine-readable JSON lines instead of a progress bar' },
  { name: 'help', type: 'bool', help: 'show this help' },
];

export const DATA_FLAGS: FlagSpec[] = [
  { name: 'dataset', type: 'string', path: 'dataset', choices: ['mnist', 'fashion-mnist', 'cifar10'], help: 'dataset' },
  { name: 'val-size', type: 'int', path: 'data.valSize', help: 'validation proxy size carved from the training set' },
  { name: 'train-limit', type: 'int', path: 'data.trainLimit', help: 'use only N training images, a seeded random subset (0 = all)' },
  { name: 'test-limit', type: 'int', path: 'data.testLimit', help: 'evaluate on N test images, a seeded random subset (0 = all)' },
  { name: 'split-seed', type: 'int', path: 'splitSeed', help: 'seed of the train/validation split' },
];

export const TEACHER_FLAGS: FlagSpec[] = [
  { name: 'width', type: 'int', path: 'teacher.width', help: 'teacher base width w (MNIST family)' },
  { name: 'teacher-epochs', type: 'int', path: 'teacher.epochs', help: 'teacher epochs' },
  { name: 'teacher-lr', type: 'number', path: 'teacher.lr', help: 'teacher Adam learning rate' },
  { name: 'teacher-batch-size', type: 'int', path: 'teacher.batchSize', help: 'teacher batch size' },
];

export const STUDENT_FLAGS: FlagSpec[] = [
  { name: 'teacher', type: 'string', help: "teacher checkpoint (.safetensors), or 'cache' for the cached teacher of this config (see --teacher-cache); default: train one in this run" },
  { name: 'rank', type: 'int', path: 'student.rank', help: 'dictionary rank R' },
  { name: 'scope', type: 'string', path: 'student.scope', choices: ['partial', 'full'], help: 'compression scope' },
  { name: 'dict-impl', type: 'string', path: 'student.dictConvImpl', choices: ['auto', 'two-stage', 'materialize'], aliases: { materialise: 'materialize' }, help: 'dictionary conv implementation' },
  { name: 'epochs', type: 'int', path: 'student.epochs', help: 'student epochs' },
  { name: 'lr', type: 'number', path: 'student.lr', help: 'student Adam learning rate' },
  { name: 'batch-size', type: 'int', path: 'student.batchSize', help: 'student batch size' },
  { name: 'temperature', type: 'number', path: 'distill.temperature', help: 'distillation temperature T' },
  { name: 'alpha', type: 'number', path: 'distill.alpha', help: 'weight α of the soft (teacher) term' },
  { name: 'modes', type: 'int', path: 'photonic.modes', help: 'photonic modes (time bins)' },
  { name: 'loops', type: 'intList', path: 'photonic.loopLengths', help: 'loop lengths, e.g. 1,2' },
  { name: 'shots', type: 'int', path: 'photonic.shots', help: 'shots S per feature draw' },
  { name: 'feature-source', type: 'string', path: 'photonic.featureSource', help: 'feature source',
    choices: ['photonic', 'exact', 'fixed-random', 'matched-noise', 'distinguishable', 'bernoulli', 'learned', 'learned-count-matched', 'learned-adam'] },
  { name: 'redraw', type: 'string', path: 'photonic.redraw', choices: ['step', 'epoch', 'never'], help: 'feature redraw policy' },
  { name: 'projection-seed', type: 'int', path: 'projectionSeed', help: 'seed of the fixed projections' },
  { name: 'ema', type: 'bool', path: 'ema.enabled', help: 'EMA smoothing of the feature (--no-ema to disable)' },
  { name: 'ema-beta', type: 'number', path: 'ema.beta', help: 'EMA β in [0, 1)' },
  { name: 'spsa', type: 'bool', path: 'spsa.enabled', help: 'SPSA on the photonic angles (--no-spsa to freeze θ)' },
  { name: 'spsa-updates', type: 'int', path: 'spsa.updatesPerEpoch', help: 'SPSA updates per epoch' },
  { name: 'spsa-a', type: 'number', path: 'spsa.a', help: "SPSA gain a in the source's units (default: calibrated from --spsa-step)" },
  { name: 'spsa-c', type: 'number', path: 'spsa.c', help: "SPSA perturbation c in the source's units (default: calibrated from the objective's noise at θ₀)" },
  { name: 'spsa-step', type: 'number', path: 'spsa.targetStep', help: "first SPSA move per parameter when a is calibrated (default: the source's scale, 0.15 rad for angles)" },
  { name: 'spsa-blocking', type: 'bool', path: 'spsa.blocking', help: 'reject SPSA updates that raise the objective by more than its noise (--no-spsa-blocking to accept all)' },
  { name: 'spsa-gain', type: 'string', path: 'spsa.gainRule', choices: ['curvature', 'step'], help: "how a is calibrated: the Newton step from the objective's measured curvature, capped by --spsa-step ('curvature'), or --spsa-step alone ('step')" },
  { name: 'spsa-shots', type: 'int', path: 'spsa.shots', help: 'shots per SPSA objective evaluation (default: 10 × --shots)' },
  { name: 'spsa-warmup', type: 'int', path: 'spsa.warmupEpochs', help: 'student epochs before the first SPSA block (default 1)' },
  { name: 'spsa-batch', type: 'int', path: 'spsa.batchSize', help: 'validation minibatch of the SPSA objective' },
];

function parseValue(spec: FlagSpec, raw: string): number | string | boolean | number[] {
  const bad = (expected: string): never => {
    throw new CliError(`--${spec.name}: expected ${expected}, got '${raw}'`);
  };
  switch (spec.type) {
    case 'int': {
      const v = Number(raw);
      return raw.trim() !== '' && Number.isSafeInteger(v) ? v : bad('an integer');
    }
    case 'number': {
      const v = Number(raw);
      return raw.trim() !== '' && Number.isFinite(v) ? v : bad('a number');
    }
    case 'intList': {
      const parts = raw.split(',').map((p) => Number(p));
      return raw.trim() !== '' && parts.every((v) => Number.isSafeInteger(v)) ? parts : bad('a comma-separated list of integers');
    }
    case 'bool':
      if (raw === 'true') return true;
      if (raw === 'false') return false;
      return bad('true or false');
    case 'string':
      if (raw === '') bad('a non-empty value');
      if (spec.aliases && Object.hasOwn(spec.aliases, raw)) return spec.aliases[raw]!;
      if (spec.choices && !spec.choices.includes(raw)) bad(`one of ${spec.choices.join(', ')}`);
      return raw;
  }
}

/**
 * Parses `argv` against `specs` (a repeated flag: the last one wins); unknown flags, bad values and
 * more than `maxPositionals` positional arguments are CliErrors naming the flag or argument.
 */
export function parseArgs(argv: readonly string[], specs: readonly FlagSpec[], command: string, maxPositionals = 0): ParsedArgs {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const flags: FlagValues = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--') || arg === '--') {
      if (arg === '') throw new CliError(`'pqkd ${command}': unexpected empty argument`);
      if (positionals.length >= maxPositionals) {
        throw new CliError(`'pqkd ${command}': unexpected argument '${arg}'${maxPositionals === 0 ? ' (this command takes only flags' : ` (at most ${maxPositionals}`}; see 'pqkd ${command} --help')`);
      }
      positionals.push(arg);
      continue;
    }
    let name = arg.slice(2);
    let value: string | undefined;
    const eq = name.indexOf('=');
    if (eq >= 0) {
      value = name.slice(eq + 1);
      name = name.slice(0, eq);
    }
    let spec = byName.get(name);
    if (!spec && name.startsWith('no-') && byName.get(name.slice(3))?.type === 'bool') {
      spec = byName.get(name.slice(3))!;
      if (value !== undefined) throw new CliError(`--${name} takes no value`);
      flags[spec.name] = false;
      continue;
    }
    if (!spec) throw new CliError(`unknown flag --${name} for 'pqkd ${command}' (see 'pqkd ${command} --help')`);
    if (spec.type === 'bool' && value === undefined) {
      flags[spec.name] = true;
      continue;
    }
    if (value === undefined) {
      value = argv[++i];
      if (value === undefined) throw new CliError(`--${name}: missing value`);
    }
    flags[spec.name] = parseValue(spec, value);
  }
  return { flags, positionals };
}

function configDefault(path: string, base: PartialConfig): unknown {
  let node: unknown = base;
  for (const p of path.split('.')) node = node !== null && typeof node === 'object' && Object.hasOwn(node, p) ? (node as Record<string, unknown>)[p] : undefined;
  if (node !== undefined) return node;
  node = defaultConfig('mnist');
  for (const p of path.split('.')) node = (node as Record<string, unknown>)[p];
  return node;
}

/** Help text of a command; every flag shows its default (`base`: the command's config defaults). */
export function formatHelp(command: string, summary: string, specs: readonly FlagSpec[], usage = '', base: PartialConfig = {}): string {
  const width = Math.max(...specs.map((s) => s.name.length + (s.type === 'bool' ? 0 : 6)));
  const lines = specs.map((s) => {
    const left = s.type === 'bool' ? `--${s.name}` : `--${s.name} <${s.type === 'intList' ? 'list' : s.type}>`;
    const choices = s.choices ? ` (${s.choices.join('|')})` : '';
    const value = s.path ? configDefault(s.path, base) : s.default;
    const shown = value === undefined || value === null ? '' : ` [default: ${Array.isArray(value) ? value.join(',') : String(value)}]`;
    return `  ${left.padEnd(width + 4)}  ${s.help}${choices}${shown}`;
  });
  return [`pqkd ${command}${usage ? ` ${usage}` : ''}`, '', summary, '', 'Flags:', ...lines, ''].join('\n');
}

/** Reads a --config JSON file (a partial config). */
export function readConfigFile(path: string): PartialConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CliError(`--config: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  return parseConfigText(text, `--config: ${path}`);
}

/** Parses config JSON text: an object whose keys are all checked (no prototype keys at any depth). */
export function parseConfigText(text: string, where: string): PartialConfig {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (error) {
    throw new CliError(`${where} is not a valid config JSON file: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new CliError(`${where} is not a valid config JSON file: the top level must be an object`);
  rejectPrototypeKeys(value, where);
  return value;
}

/** The config from (defaults ← --config file ← flags ← extra overrides), validated. */
export function buildConfig(flags: FlagValues, specs: readonly FlagSpec[], base: PartialConfig = {}): PqkdConfig {
  let partial = mergeConfig({}, JSON.parse(JSON.stringify(base)) as Record<string, unknown>, 'config');
  if (typeof flags.config === 'string') partial = mergeConfig(partial, readConfigFile(flags.config), `--config: ${flags.config}`);
  for (const spec of specs) {
    const v = flags[spec.name];
    if (spec.path && v !== undefined) setConfigPath(partial, spec.path, v, `--${spec.name}`);
  }
  try {
    return resolveConfig(partial);
  } catch (error) {
    if (error instanceof ConfigError) {
      const flag = specs.find((s) => s.path === error.field);
      throw new CliError(flag ? `--${flag.name}: ${error.message.replace(/^config\.[^:]+: /, '')}` : error.message);
    }
    throw error;
  }
}

/** Deep merge of JSON-like objects (b wins); prototype keys are refused (see config-paths.ts). */
export function mergeDeep(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  return mergeConfig(a, b, 'config');
}
