/**
 * The self-contained report.html of a run or sweep: summary table, plots (inline SVG), sweep tables,
 * the config and the provenance. No external URL, script or stylesheet; every string taken from run
 * data is HTML-escaped. Pure apart from the SVG rendering (no file access).
 */
import type { CompareResult } from '../compare/compare.js';
import { forestChart, spsaMovementChart } from './charts-spsa-compare.js';
import type { MetricLine, RunManifest, RunResults, SweepResults } from '../run-schema.js';
import { formatR2 } from './charts-sweep.js';
import { isChart, type ChartResult } from './chart-types.js';
import { clickHistogramChart, spsaTraceChart, trainingCurvesChart } from './charts-run.js';
import { frontierChart, shotsChart } from './charts-sweep.js';
import { renderSvg, svgForHtml } from './render.js';
import { shotScaling } from './sweep-data.js';

/** What the report is built from (parsed run-directory files). */
export interface ReportInput {
  /** manifest.json (null for a directory without one, e.g. a bare sweep directory). */
  manifest: RunManifest | null;
  metrics: MetricLine[];
  /** results.json (null while the run has not finished). */
  results: RunResults | null;
  sweep?: SweepResults | null;
  /** compare.json of a sweep directory (written by `pqkd compare`). */
  compare?: CompareResult | null;
}

export interface Report {
  html: string;
  /** Standalone SVG (with xmlns) per rendered chart, keyed by chart name (the plots/<name>.svg stem). */
  svgs: Record<string, string>;
  /** Charts that did not apply, with the reason (also listed in the HTML). */
  skipped: { name: string; title: string; reason: string }[];
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escapes text for HTML element content and quoted attribute values.
 *
 * @example
 * escapeHtml('<b>"A&B"</b>'); // '&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt;'
 */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

const DASH = '—';
function pct(v: number | null | undefined): string {
  return typeof v === 'number' && Number.isFinite(v) ? `${(100 * v).toFixed(2)}%` : DASH;
}
function int(v: number | null | undefined): string {
  return typeof v === 'number' && Number.isFinite(v) ? v.toLocaleString('en-US') : DASH;
}
function seconds(s: number | null | undefined): string {
  if (typeof s !== 'number' || !Number.isFinite(s)) return DASH;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${Math.round(s - 60 * m)} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/**
 * Pretty JSON with arrays of numbers/strings/booleans/null kept on one line (configs hold mode
 * groups and loop lengths that would otherwise take a line per element).
 *
 * @example
 * prettyJson({ a: [1, 2], b: { c: 'x' } }); // '{\n  "a": [1, 2],\n  "b": {\n    "c": "x"\n  }\n}'
 */
export function prettyJson(value: unknown, indent = ''): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (value.every((v) => v === null || typeof v !== 'object')) return `[${value.map((v) => JSON.stringify(v) ?? 'null').join(', ')}]`;
    return `[\n${value.map((v) => `${inner}${prettyJson(v, inner)}`).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${prettyJson(v, inner)}`).join(',\n')}\n${indent}}`;
}

/** A two-column table; values are escaped here. */
function keyValueTable(rows: [string, unknown][], cls = 'kv'): string {
  const body = rows.map(([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('\n');
  return `<table class="${cls}">\n${body}\n</table>`;
}

/** A table with a header row; cells are escaped here. */
function gridTable(head: string[], rows: unknown[][]): string {
  const th = head.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table class="grid">\n<thead><tr>${th}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

function summaryRows(manifest: RunManifest | null, r: RunResults | null, sweep: SweepResults | null | undefined): [string, unknown][] {
  if (!manifest && !r && sweep) {
    const finished = sweep.jobs.filter((j) => j.status === 'finished').length;
    return [['command', 'sweep'], ['status', `${finished} of ${sweep.jobs.length} jobs finished`], ['dataset', sweep.base?.dataset ?? DASH]];
  }
  const rows: [string, unknown][] = [
    ['command', manifest?.command ?? r?.command ?? DASH],
    ['status', manifest?.status ?? (r ? 'finished' : DASH)],
    ['dataset', r ? `${r.datasetLabel} (${r.dataset})` : manifest?.config?.dataset ?? DASH],
  ];
  if (!r) {
    const why = manifest?.status === 'finished' ? 'results.json is missing although the manifest says finished' : `no results.json yet: the run is ${manifest?.status ?? 'unknown'}`;
    return [...rows, ['results', why]];
  }
  const a = r.accounting;
  rows.push(
    ['teacher accuracy (test / val)', `${pct(r.teacher.testAccuracy)} / ${pct(r.teacher.valAccuracy)}`],
    ['student accuracy (test / val)', r.student ? `${pct(r.student.testAccuracy)} / ${pct(r.student.valAccuracy)}` : DASH],
    ['student test accuracy at the exact feature φ(θ)', pct(r.student?.exactFeatureTestAccuracy)],
    ['compiled dense student test accuracy', pct(r.student?.compiledTestAccuracy)],
    ['teacher parameters', int(a?.teacherTotal ?? r.teacher.parameters)],
    ['student trainable parameters (incl. θ once)', int(a?.studentTrainable)],
    ['photonic angles θ', int(a?.thetaCount ?? r.theta.length)],
    ['fixed projection entries (not trainable)', int(a?.fixedProjection)],
    ['compression (conv blocks + θ)', a ? `${a.compression.toFixed(1)}×` : DASH],
    ['whole-model ratio', a ? `${a.wholeModelRatio.toFixed(2)}×` : DASH],
    ['shots per draw', r.shots],
    ['EMA', r.ema ? `on (β = ${r.emaBeta})` : 'off'],
    ['feature source', r.featureSource],
    ['export feature RMS error vs exact', typeof r.featureRmsError === 'number' ? r.featureRmsError.toPrecision(4) : DASH],
    ['wall time', seconds(r.wallSeconds)],
    ['weights SHA-256', r.weightsSha256],
  );
  return rows;
}

function provenance(m: RunManifest | null): string {
  if (!m) return '<p class="note">No manifest.json: provenance unknown.</p>';
  const rows: [string, unknown][] = [
    ['pqkd version', m.pqkdVersion], ['git commit', m.gitCommit ?? 'none (not a git checkout)'], ['Node', m.node],
    ['platform', m.platform], ['threads', m.threads], ['kernels', m.kernels],
    ['teacher checkpoint', m.teacherCheckpoint ?? 'trained in this run'], ['started', m.startedAt], ['finished', m.finishedAt ?? DASH],
    ['arguments', (m.argv ?? []).join(' ') || DASH],
  ];
  const datasets = Object.entries(m.datasets ?? {}).flatMap(([name, d]) =>
    Object.entries(d.sha256 ?? {}).map(([file, hash]) => [name, d.label, file, hash]));
  return `${keyValueTable(rows)}\n<h3>Dataset files</h3>\n${datasets.length ? gridTable(['dataset', 'label', 'file', 'SHA-256'], datasets) : '<p class="note">No dataset hashes recorded.</p>'}`;
}

function sweepSection(sweep: SweepResults): string {
  const fmt = (v: unknown): string => (Array.isArray(v) ? `[${v.join(', ')}]` : String(v));
  const axes = Object.entries(sweep.axes ?? {}).map(([k, v]): [string, unknown] => [k, Array.isArray(v) ? v.map(fmt).join(', ') : fmt(v)]);
  const jobs = sweep.jobs.map((j) => {
    const r = j.results;
    return [
      j.id, Object.entries(j.overrides ?? {}).map(([k, v]) => `${k}=${fmt(v)}`).join(' '), j.status,
      pct(r?.teacher.testAccuracy), pct(r?.student?.testAccuracy), r?.accounting ? `${r.accounting.compression.toFixed(1)}×` : DASH,
      int(r?.accounting?.studentTrainable), int(r?.accounting?.fixedProjection),
      r ? (r.featureSource === 'exact' ? '∞' : r.shots) : DASH, r ? (r.ema ? 'on' : 'off') : DASH, j.error ?? '',
    ];
  });
  const fitRows = (['accuracy', 'featureRmsError'] as const).flatMap((metric) => shotScaling(sweep, metric).series.map((s) => [
    metric === 'accuracy' ? 'test accuracy (%)' : 'feature RMS error', s.label, s.groups.map((g) => (g.shots === Infinity ? '∞' : g.shots)).join(', '),
    s.fit ? s.fit.yInf.toPrecision(4) : DASH, s.fit ? s.fit.k.toPrecision(4) : DASH, s.fit ? formatR2(s.fit) : DASH,
    s.fit ? s.fit.weighting : (s.fitError ?? ''),
  ]));
  const finished = sweep.jobs.filter((j) => j.status === 'finished').length;
  return [
    `<p>${finished} of ${sweep.jobs.length} jobs finished.</p>`,
    '<h3>Axes</h3>', keyValueTable(axes),
    '<h3>Jobs</h3>', gridTable(['job', 'overrides', 'status', 'teacher test', 'student test', 'compression', 'trainable (incl. θ)', 'fixed P entries', 'shots', 'EMA', 'error'], jobs),
    ...(fitRows.length ? ['<h3>Shot-noise fits δ(S) = δ∞ − k/√S</h3>',
      gridTable(['quantity', 'setting', 'shot counts', 'δ∞', 'k', 'weighted R²', 'weights'], fitRows)] : []),
  ].join('\n');
}

const CSS = `
body { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; margin: 2rem auto; max-width: 1100px; padding: 0 1rem; color: #222; }
h1 { font-size: 1.6rem; } h2 { border-bottom: 1px solid #ddd; padding-bottom: .2rem; margin-top: 2rem; }
table { border-collapse: collapse; margin: .5rem 0; font-size: .92rem; }
th, td { border: 1px solid #ddd; padding: .25rem .6rem; text-align: left; vertical-align: top; }
table.kv th { background: #f6f6f6; font-weight: 600; } table.grid thead th { background: #f0f0f0; }
td { font-variant-numeric: tabular-nums; word-break: break-all; }
figure { margin: 1rem 0 2rem; } figure svg { max-width: 100%; height: auto; }
figcaption { font-size: .9rem; color: #444; max-width: 900px; }
pre { background: #f7f7f7; border: 1px solid #e3e3e3; padding: .8rem; overflow-x: auto; font-size: .85rem; }
.note { color: #666; font-style: italic; }
`;

/** The charts that may apply to this input, in report order (each may be skipped). */
export function reportCharts(input: ReportInput): ChartResult[] {
  const groups = input.manifest?.config?.photonic?.groups;
  return [
    trainingCurvesChart(input.metrics),
    spsaTraceChart(input.metrics),
    spsaMovementChart(input.metrics, input.results),
    clickHistogramChart(input.results, groups),
    frontierChart(input.sweep, input.manifest?.config ?? input.sweep?.base),
    shotsChart(input.sweep, 'accuracy'),
    shotsChart(input.sweep, 'featureRmsError'),
    forestChart(input.compare),
  ];
}

/**
 * Builds the report: renders every chart that has data to SVG and assembles one self-contained HTML
 * page (inline CSS and SVG, no external reference).
 *
 * @example
 * const { html, svgs } = await buildReport({ manifest, metrics, results, sweep: null });
 */
export async function buildReport(input: ReportInput): Promise<Report> {
  if (input === null || typeof input !== 'object' || !Array.isArray(input.metrics)) {
    throw new TypeError(`buildReport: input: expected { manifest, metrics: MetricLine[], results, sweep? }, got ${input === null ? 'null' : typeof input === 'object' ? `metrics = ${typeof input.metrics}` : typeof input}`);
  }
  const { manifest, results } = input;
  const sweep = input.sweep ?? null;
  const svgs: Record<string, string> = {};
  const figures: string[] = [];
  const skipped: Report['skipped'] = [];
  for (const chart of reportCharts(input)) {
    if (!isChart(chart)) {
      skipped.push({ name: chart.name, title: chart.title, reason: chart.skipped });
      continue;
    }
    const svg = await renderSvg(chart.spec, chart.name);
    svgs[chart.name] = svg;
    figures.push(`<figure id="plot-${chart.name}">\n<h3>${escapeHtml(chart.title)}</h3>\n${svgForHtml(svg)}\n<figcaption>${escapeHtml(chart.caption)}</figcaption>\n</figure>`);
  }
  const notPlotted = skipped.length
    ? `<h3>Not plotted</h3>\n<ul class="skipped">\n${skipped.map((s) => `<li data-chart="${escapeHtml(s.name)}"><strong>${escapeHtml(s.title)}</strong>: ${escapeHtml(s.reason)}</li>`).join('\n')}\n</ul>`
    : '';
  const what = sweep ? 'sweep' : (manifest?.command ?? results?.command ?? 'run');
  const dataset = results?.datasetLabel ?? manifest?.config?.dataset ?? '';
  const title = `PQKD ${what} report${dataset ? ` — ${dataset}` : ''}`;
  const sections = [
    `<section id="summary">\n<h2>Summary</h2>\n${keyValueTable(summaryRows(manifest, results, input.sweep))}\n</section>`,
    `<section id="plots">\n<h2>Plots</h2>\n${figures.join('\n') || '<p class="note">No chart has data for this run.</p>'}\n${notPlotted}\n</section>`,
    ...(sweep ? [`<section id="sweep">\n<h2>Sweep</h2>\n${sweepSection(sweep)}\n</section>`] : []),
    `<section id="config">\n<h2>Config</h2>\n${manifest ? `<pre>${escapeHtml(prettyJson(manifest.config))}</pre>` : '<p class="note">No manifest.json: config unknown.</p>'}\n</section>`,
    `<section id="provenance">\n<h2>Provenance</h2>\n${provenance(manifest)}\n</section>`,
  ];
  const html = `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n` +
    `<title>${escapeHtml(title)}</title>\n<style>${CSS}</style>\n</head>\n<body>\n<h1>${escapeHtml(title)}</h1>\n${sections.join('\n')}\n</body>\n</html>\n`;
  return { html, svgs, skipped };
}
