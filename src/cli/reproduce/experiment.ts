/**
 * Experiment definitions of `pqkd reproduce` (experiments/<name>.json in the repository): a name and
 * version, the recipe (a partial config), the grid (a list of axis objects; the jobs are the union of
 * their cartesian products, each crossed with the seeds, duplicates removed), how the results are
 * summarised, and the paper's reported numbers with where they come from (null = not known).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { resolveConfig, type PartialConfig, type PqkdConfig } from '../../pqkd/config.js';
import { mergeDeep } from '../args.js';
import { configPathParts, rejectPrototypeKeys, setConfigPath } from '../config-paths.js';
import { CliError } from '../errors.js';
import { sha256Hex } from '../run-dir.js';
import { canonicalJson } from '../teacher-cache.js';

export const SUMMARY_KINDS = ['table1', 'controls', 'shots-ema', 'frontier', 'ema-ratio'] as const;
export type SummaryKind = (typeof SUMMARY_KINDS)[number];

export interface PaperValue {
  /** Row key the summariser puts the value next to (e.g. 'student', 'R2 EMA on'). */
  key: string;
  label: string;
  /** The reported number; null when the paper's value is not known. */
  value: number | null;
  unit: string;
  /** Where it comes from (table, figure, section). */
  source: string;
  note?: string;
}

export interface ExperimentDefinition {
  name: string;
  version: number;
  title: string;
  description: string;
  summary: SummaryKind;
  /** The recipe: config fields every job shares. */
  config: PartialConfig;
  /** Axis objects (config path → values); the jobs are the union of their products. */
  grid: Record<string, unknown[]>[];
  seeds: number[];
  /** Reference arm of the paired comparisons (summary 'controls'). */
  reference?: string;
  paper: { source: string; values: PaperValue[] };
  notes: string[];
  /** 'ema-ratio' only: the ema-stats window (recorded steps, windows, burn-in steps); default 2000, 8, 50. */
  emaStats?: { steps: number; windows: number; burnIn: number };
}

export interface ExperimentJob {
  id: string;
  overrides: Record<string, unknown>;
  seed: number;
  config: PqkdConfig;
  configSha256: string;
}

const FIELDS = ['name', 'version', 'title', 'description', 'summary', 'config', 'grid', 'seeds', 'reference', 'paper', 'notes', 'emaStats', '$comment'];

function need(cond: boolean, where: string, field: string, expected: string, got: unknown): void {
  if (!cond) throw new CliError(`${where}: ${field}: expected ${expected}, got ${JSON.stringify(got)?.slice(0, 80) ?? 'nothing'}`);
}

/** Checks a parsed definition (every field, every grid path and value, every job's config). */
export function validateExperiment(raw: unknown, where: string): ExperimentDefinition {
  need(raw !== null && typeof raw === 'object' && !Array.isArray(raw), where, 'top level', 'an object', raw);
  const d = raw as Record<string, unknown>;
  rejectPrototypeKeys(d, where);
  for (const key of Object.keys(d)) if (!FIELDS.includes(key)) throw new CliError(`${where}: ${key}: unknown field (fields: ${FIELDS.join(', ')})`);
  need(typeof d.name === 'string' && /^[a-z0-9][a-z0-9-]*$/.test(d.name), where, 'name', 'lower-case letters, digits and -', d.name);
  need(Number.isSafeInteger(d.version) && (d.version as number) >= 1, where, 'version', 'an integer >= 1', d.version);
  for (const f of ['title', 'description']) need(typeof d[f] === 'string' && d[f] !== '', where, f, 'a non-empty string', d[f]);
  need(SUMMARY_KINDS.includes(d.summary as SummaryKind), where, 'summary', `one of ${SUMMARY_KINDS.join(', ')}`, d.summary);
  need(d.config !== null && typeof d.config === 'object' && !Array.isArray(d.config), where, 'config', 'an object (a partial pqkd config)', d.config);
  need(Array.isArray(d.grid), where, 'grid', 'a list of axis objects', d.grid);
  (d.grid as unknown[]).forEach((axes, i) => {
    need(axes !== null && typeof axes === 'object' && !Array.isArray(axes), where, `grid[${i}]`, 'an object of config path → values', axes);
    for (const [path, values] of Object.entries(axes as object)) {
      configPathParts(path, `${where}: grid[${i}]`);
      if (path === 'seed') throw new CliError(`${where}: grid[${i}]: seed: put the seeds in "seeds", not in the grid`);
      need(Array.isArray(values) && values.length > 0, where, `grid[${i}].${path}`, 'a non-empty list', values);
    }
  });
  const seeds = d.seeds as unknown[];
  need(
    Array.isArray(seeds) && seeds.length > 0 && seeds.every((s) => Number.isSafeInteger(s) && (s as number) >= 0),
    where,
    'seeds',
    'a non-empty list of integers >= 0',
    seeds,
  );
  need(new Set(seeds).size === seeds.length, where, 'seeds', 'distinct seeds', seeds);
  need(d.reference === undefined || typeof d.reference === 'string', where, 'reference', 'a string (an arm, e.g. photonic)', d.reference);
  const paper = d.paper as Record<string, unknown> | undefined;
  need(
    !!paper && typeof paper === 'object' && typeof paper.source === 'string' && Array.isArray(paper.values),
    where,
    'paper',
    '{ source, values: [...] }',
    paper,
  );
  (paper!.values as unknown[]).forEach((v, i) => {
    const p = v as Record<string, unknown>;
    need(!!p && typeof p === 'object', where, `paper.values[${i}]`, 'an object', v);
    for (const f of ['key', 'label', 'unit', 'source'])
      need(typeof p[f] === 'string' && p[f] !== '', where, `paper.values[${i}].${f}`, 'a non-empty string', p[f]);
    need(
      p.value === null || (typeof p.value === 'number' && Number.isFinite(p.value)),
      where,
      `paper.values[${i}].value`,
      'a number or null (unknown)',
      p.value,
    );
  });
  need(Array.isArray(d.notes) && (d.notes as unknown[]).every((n) => typeof n === 'string'), where, 'notes', 'a list of strings', d.notes);
  if (d.emaStats !== undefined) {
    const e = d.emaStats as Record<string, unknown> | null;
    need(!!e && typeof e === 'object', where, 'emaStats', '{ steps, windows, burnIn }', e);
    for (const [f, min] of [['steps', 2], ['windows', 2], ['burnIn', 0]] as const) need(Number.isSafeInteger(e![f]) && (e![f] as number) >= min, where, `emaStats.${f}`, `an integer >= ${min}`, e![f]);
  }
  const def = d as unknown as ExperimentDefinition;
  experimentJobs(def, where); // every job's config must resolve
  return def;
}

function cartesian(axes: Record<string, unknown[]>): Record<string, unknown>[] {
  let jobs: Record<string, unknown>[] = [{}];
  for (const [path, values] of Object.entries(axes)) jobs = jobs.flatMap((j) => values.map((v) => ({ ...j, [path]: v })));
  return jobs;
}

function jobName(overrides: Record<string, unknown>, seed: number): string {
  const parts = Object.entries(overrides).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('-') : String(v)}`);
  return [...parts, `seed=${seed}`].join(',').replace(/[^A-Za-z0-9=,._-]/g, '_');
}

/** The jobs of an experiment, in definition order (grids, then seeds); jobs with equal configs appear once. */
export function experimentJobs(def: ExperimentDefinition, where = def.name): ExperimentJob[] {
  const jobs: ExperimentJob[] = [];
  const seen = new Set<string>();
  const grids = def.grid.length > 0 ? def.grid : [{}];
  for (const axes of grids) {
    for (const overrides of cartesian(axes)) {
      for (const seed of def.seeds) {
        const nested: Record<string, unknown> = {};
        for (const [path, v] of Object.entries(overrides)) setConfigPath(nested, path, v, `${where}: grid`);
        let config: PqkdConfig;
        try {
          config = resolveConfig(mergeDeep(mergeDeep(def.config, nested), { seed }));
        } catch (error) {
          throw new CliError(`${where}: job ${JSON.stringify({ ...overrides, seed })}: ${(error as Error).message}`);
        }
        const configSha256 = sha256Hex(new TextEncoder().encode(canonicalJson(config)));
        if (seen.has(configSha256)) continue;
        seen.add(configSha256);
        jobs.push({ id: jobName(overrides, seed), overrides, seed, config, configSha256 });
      }
    }
  }
  const ids = new Set<string>();
  for (const j of jobs) {
    if (ids.has(j.id)) throw new CliError(`${where}: two different jobs are both named ${j.id}; give their axes distinct values`);
    ids.add(j.id);
  }
  return jobs;
}

/** Reads and checks a definition: a name under `dir` (dir/<name>.json) or a path to a .json file. */
export function loadExperiment(nameOrPath: string, dir: string): ExperimentDefinition {
  const byPath = nameOrPath.endsWith('.json');
  const path = byPath ? resolve(nameOrPath) : join(resolve(dir), `${nameOrPath}.json`);
  if (!existsSync(path)) {
    throw new CliError(
      byPath
        ? `reproduce: ${path} does not exist`
        : `reproduce: unknown experiment '${nameOrPath}' (no ${path}; names: ${listExperiments(dir).join(', ') || 'none'})`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new CliError(`${path}: not valid JSON: ${(error as Error).message}`);
  }
  const def = validateExperiment(raw, path);
  if (def.name !== basename(path, '.json')) throw new CliError(`${path}: name: expected '${basename(path, '.json')}' (the file name), got '${def.name}'`);
  return def;
}

/** Experiment names defined in `dir` (sorted). */
export function listExperiments(dir: string): string[] {
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .map((f) => basename(f, '.json'))
        .sort()
    : [];
}
