/**
 * Reading a run (or sweep) directory for the report, and writing report.html and plots/<name>.svg
 * atomically (temp file + rename, via fs-atomic), so a reader never sees half a report.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CliError } from '../errors.js';
import { writeFileAtomic } from '../fs-atomic.js';
import { parseMetricsText } from '../metrics-file.js';
import type { MetricLine, RunManifest, RunResults, SweepResults } from '../run-schema.js';
import { reportCharts, buildReport, type ReportInput } from './html.js';
import type { CompareResult } from '../compare/compare.js';

function readJson<T>(path: string): T | null {
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (error) {
    throw new CliError(`${path}: expected a JSON file, could not parse it: ${(error as Error).message}`);
  }
}

function readMetrics(path: string): MetricLine[] {
  if (!existsSync(path)) return [];
  // A crash can leave the last line half-appended (dropped); anything else is corruption (CliError).
  return parseMetricsText(readFileSync(path, 'utf8'), path).lines;
}

/**
 * Reads what the report needs from a run or sweep directory: manifest.json, metrics.jsonl (missing
 * = no lines), results.json (missing = null) and sweep.json (missing = null). A directory with
 * neither manifest.json nor sweep.json is an error (CliError, exit code 2).
 *
 * @example
 * const input = loadRunDir('runs/main'); // { manifest, metrics, results, sweep }
 */
export function loadRunDir(dir: string): ReportInput & { sweep: SweepResults | null } {
  const path = resolve(dir);
  if (!existsSync(path) || !statSync(path).isDirectory())
    throw new CliError(`report: ${path}: expected a run directory, got ${existsSync(path) ? 'a file' : 'nothing (it does not exist)'}`);
  const manifest = readJson<RunManifest>(join(path, 'manifest.json'));
  const sweep = readJson<SweepResults>(join(path, 'sweep.json'));
  if (!manifest && !sweep) throw new CliError(`report: ${path}: not a run directory (expected manifest.json or sweep.json)`);
  if (sweep && !Array.isArray(sweep.jobs)) throw new CliError(`${join(path, 'sweep.json')}: expected { axes, jobs: [...] }, got no jobs array`);
  return {
    manifest,
    metrics: [...teacherRunMetrics(manifest, path), ...readMetrics(join(path, 'metrics.jsonl'))],
    results: readJson<RunResults>(join(path, 'results.json')),
    sweep,
    compare: sweep ? readJson<CompareResult>(join(path, 'compare.json')) : null,
  };
}

/**
 * The teacher's epoch lines when a distill run started from the checkpoint of another run
 * (`pqkd start` reuses a cached teacher run): the report's training curves then show both models.
 * The run's own metrics.jsonl is left as it is (verify compares it with a rerun).
 */
function teacherRunMetrics(manifest: RunManifest | null, runPath: string): MetricLine[] {
  const checkpoint = manifest?.teacherCheckpoint;
  if (!checkpoint) return [];
  const metricsFile = join(dirname(resolve(runPath, checkpoint)), 'metrics.jsonl');
  if (!existsSync(metricsFile)) return [];
  try {
    return readMetrics(metricsFile).filter((l) => l.kind === 'epoch' && l.phase === 'teacher');
  } catch {
    return [];
  }
}

export interface WrittenReport {
  /** Absolute path of report.html. */
  htmlPath: string;
  /** Absolute path of each written plots/<name>.svg, by chart name. */
  plots: Record<string, string>;
  /** Charts that did not apply, with the reason. */
  skipped: { name: string; title: string; reason: string }[];
}

function write(path: string, data: string): void {
  try {
    writeFileAtomic(path, data);
  } catch (error) {
    throw new CliError(`report: cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/**
 * Builds the report of a run or sweep directory and writes plots/<name>.svg then report.html, each
 * atomically. Plots of charts that no longer apply are removed, so plots/ matches the report.
 *
 * @example
 * const { htmlPath } = await writeReport('runs/main');
 */
export async function writeReport(dir: string): Promise<WrittenReport> {
  const path = resolve(dir);
  const input = loadRunDir(path);
  const report = await buildReport(input);
  const plotsDir = join(path, 'plots');
  try {
    mkdirSync(plotsDir, { recursive: true });
  } catch (error) {
    throw new CliError(`report: cannot create ${plotsDir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const plots: Record<string, string> = {};
  for (const [name, svg] of Object.entries(report.svgs)) {
    plots[name] = join(plotsDir, `${name}.svg`);
    write(plots[name], svg);
  }
  for (const chart of reportCharts(input)) {
    if (!(chart.name in report.svgs)) rmSync(join(plotsDir, `${chart.name}.svg`), { force: true });
  }
  const htmlPath = join(path, 'report.html');
  write(htmlPath, report.html);
  return { htmlPath, plots, skipped: report.skipped };
}
