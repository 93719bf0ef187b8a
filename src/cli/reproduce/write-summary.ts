/**
 * `pqkd reproduce --summarise`: for every experiment definition, reads results/<name>/*.json (the
 * job files only), writes results/<name>/summary.json and its SVG plots, then RESULTS.md. The same
 * result files give the same bytes (sorted inputs, fixed formatting, chart ids scoped per file).
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { forestChart } from '../report/charts-spsa-compare.js';
import { frontierChart, shotsChart } from '../report/charts-sweep.js';
import { isChart, type ChartResult } from '../report/chart-types.js';
import { renderSvg } from '../report/render.js';
import { ensureDirectory } from '../directories.js';
import { CliError } from '../errors.js';
import { writeFileAtomic, writeJsonAtomic } from '../fs-atomic.js';
import { listExperiments, loadExperiment, type ExperimentDefinition } from './experiment.js';
import { readJobResult } from './result-file.js';
import { readEmaResult, summarizeEma } from './ema-job.js';
import { resultsMarkdown } from './results-md.js';
import { asSweep, summarizeExperiment, type ExperimentSummary } from './summarise.js';

export interface SummariseOptions {
  experimentsDir: string;
  resultsDir: string;
  resultsMd: string;
}

/** The result files of one experiment (job files: every .json but summary.json), sorted by name. */
export function experimentResultFiles(resultsDir: string, name: string): string[] {
  const dir = join(resultsDir, name);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json') && f !== 'summary.json' && !f.startsWith('.'))
    .sort()
    .map((f) => join(dir, f));
}

function charts(def: ExperimentDefinition, summary: ExperimentSummary, files: ReturnType<typeof readJobResult>[]): ChartResult[] {
  const sweep = asSweep(files);
  const out: ChartResult[] = [];
  if (def.summary === 'frontier') out.push(frontierChart(sweep));
  if (def.summary === 'shots-ema')
    out.push({ ...shotsChart(sweep, 'accuracy'), name: 'shots-accuracy' }, { ...shotsChart(sweep, 'featureRmsError'), name: 'shots-feature-error' });
  if (def.summary === 'controls' && summary.comparison && !('error' in summary.comparison))
    out.push({ ...forestChart(summary.comparison), name: 'controls-forest' });
  return out;
}

/** Writes every summary, plot and RESULTS.md; returns the paths written. */
export async function writeSummaries(o: SummariseOptions): Promise<string[]> {
  const written: string[] = [];
  const entries: { def: ExperimentDefinition; summary: ExperimentSummary }[] = [];
  for (const name of listExperiments(o.experimentsDir)) {
    const def = loadExperiment(name, o.experimentsDir);
    const paths = experimentResultFiles(o.resultsDir, name);
    const emaFiles = def.summary === 'ema-ratio' ? paths.map(readEmaResult) : [];
    const files = def.summary === 'ema-ratio' ? [] : paths.map(readJobResult);
    for (const f of [...files, ...emaFiles]) {
      if (f.experiment !== name) throw new CliError(`${join(o.resultsDir, name)}: holds a result of experiment '${f.experiment}' (job ${f.job})`);
    }
    const summary = def.summary === 'ema-ratio' ? summarizeEma(def, emaFiles) : summarizeExperiment(def, files);
    entries.push({ def, summary });
    if (paths.length === 0) continue;
    const dir = join(o.resultsDir, name);
    ensureDirectory(dir, '--results');
    writeJsonAtomic(join(dir, 'summary.json'), summary);
    written.push(join(dir, 'summary.json'));
    for (const chart of charts(def, summary, files)) {
      const path = join(dir, `${chart.name}.svg`);
      if (!isChart(chart)) {
        rmSync(path, { force: true });
        continue;
      }
      writeFileAtomic(path, `${await renderSvg(chart.spec, chart.name)}\n`);
      written.push(path);
    }
  }
  writeFileAtomic(o.resultsMd, resultsMarkdown(entries));
  written.push(o.resultsMd);
  return written;
}
