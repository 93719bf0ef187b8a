/**
 * Charts of a sweep, built from parsed sweep.json (no file access): the compression–accuracy
 * frontier and accuracy / feature RMS error against shots with the fitted δ(S) = δ∞ − k/√S.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { PqkdConfig } from '../../pqkd/config.js';
import { evalShotCurve } from '../../pqkd/shot-fit.js';
import type { SweepResults } from '../run-schema.js';
import type { ChartResult } from './chart-types.js';
import { VEGA_LITE_SCHEMA } from './charts-run.js';
import { frontierPoints, shotScaling, type ShotMetric, type ShotSeries } from './sweep-data.js';

/**
 * Compression–accuracy frontier: seed-mean student test accuracy (± std when several seeds) against
 * the conv-block compression factor, colour = scope, shape and label = rank; the dashed grey line
 * joins the Pareto-optimal points; horizontal rules mark the teacher's test accuracy (per width).
 * Skipped without a sweep or with fewer than two distinct compression factors.
 *
 * @example
 * const chart = frontierChart(sweep, manifest?.config);
 */
export function frontierChart(sweep: SweepResults | null | undefined, base?: PqkdConfig | null): ChartResult {
  const name = 'compression-frontier';
  const title = 'Compression–accuracy frontier';
  if (!sweep) return { name, title, skipped: 'not a sweep (no sweep.json)' };
  const { points, teachers } = frontierPoints(sweep, base);
  const distinct = new Set(points.map((p) => p.compression.toPrecision(6)));
  if (distinct.size < 2) {
    return { name, title, skipped: `the sweep has ${distinct.size} distinct compression factor(s) among finished student jobs; a frontier needs at least 2 (sweep rank, scope, width or loops)` };
  }
  const cs = points.map((p) => p.compression);
  const logX = Math.max(...cs) / Math.min(...cs) > 8;
  const x = { field: 'compression', type: 'quantitative', title: 'compression (teacher conv blocks ÷ (student conv blocks + |θ|))', scale: { type: logX ? 'log' : 'linear', zero: false, nice: false, padding: 20 } } as const;
  const y = { field: 'accuracy', type: 'quantitative', title: 'test accuracy (%)', scale: { zero: false, padding: 12 } } as const;
  const scopes = [...new Set(points.map((p) => p.scope))].sort();
  const color = { field: 'scope', type: 'nominal', title: 'scope', scale: { domain: scopes } } as const;
  const errorRows = points.filter((p) => p.n > 1).map((p) => ({ ...p, lo: p.accuracy - p.std, hi: p.accuracy + p.std }));
  const teacherRows = teachers.map((t) => ({ ...t, label: `teacher${teachers.length > 1 ? ` w${t.width}` : ''}: ${t.accuracy.toFixed(2)}%` }));
  const width = 560;
  const layer: unknown[] = [
    ...(teacherRows.length ? [
      { data: { values: teacherRows }, mark: { type: 'rule', strokeDash: [6, 4], color: '#555' }, encoding: { y: { field: 'accuracy', type: 'quantitative' } } },
      {
        data: { values: teacherRows },
        mark: { type: 'text', align: 'right', dy: -6, fontSize: 11, color: '#555' },
        encoding: { y: { field: 'accuracy', type: 'quantitative' }, x: { value: width - 4 }, text: { field: 'label' } },
      },
    ] : []),
    {
      data: { values: points.filter((p) => p.pareto) },
      mark: { type: 'line', color: '#999', strokeDash: [2, 3] },
      encoding: { x, y, order: { field: 'compression', type: 'quantitative' } },
    },
    ...(errorRows.length ? [{
      data: { values: errorRows },
      mark: { type: 'rule' },
      encoding: { x, y: { ...y, field: 'lo' }, y2: { field: 'hi' }, color },
    }] : []),
    {
      data: { values: points },
      mark: { type: 'point', filled: true, size: 90, opacity: 0.9 },
      encoding: {
        x, y, color,
        shape: { field: 'rank', type: 'nominal', title: 'rank R' },
        tooltip: [{ field: 'label' }, { field: 'scope' }, { field: 'compression', format: '.1f' }, { field: 'accuracy', format: '.2f' }, { field: 'n' }],
      },
    },
    {
      data: { values: points },
      mark: { type: 'text', align: 'left', dx: 8, dy: -6, fontSize: 10 },
      encoding: { x, y, text: { field: 'label' }, color },
    },
  ];
  const spec = { $schema: VEGA_LITE_SCHEMA, width, height: 320, layer } as TopLevelSpec;
  const most = Math.max(...points.map((p) => p.n));
  const spread = [...new Set(points.flatMap((p) => p.spreadOver))].sort();
  const over = spread.length === 0 ? 'repeated jobs' : spread.length === 1 && spread[0] === 'seed' ? 'seeds' : `jobs differing in ${spread.join(', ')}`;
  return {
    name, title, spec,
    caption: `${points.length} student configurations` +
      `${most > 1 ? ` (mean ± std over up to ${most} ${over})` : ''}: test accuracy against conv-block compression. ` +
      'The dashed grey line joins the Pareto-optimal points; dashed rules mark the teacher\'s test accuracy.',
  };
}

const METRIC_TEXT: Record<ShotMetric, { name: string; title: string; axis: string }> = {
  accuracy: { name: 'accuracy-vs-shots', title: 'Student accuracy vs shots', axis: 'student test accuracy (%)' },
  featureRmsError: { name: 'feature-error-vs-shots', title: 'Feature RMS error vs shots', axis: 'export feature RMS error vs exact φ' },
};

/**
 * The weighted R² of a fit, only when the fit has degrees of freedom left (more shot counts than its
 * two parameters δ∞ and k); a two-point fit passes through both points and its R² = 1 says nothing.
 */
export function formatR2(fit: { weightedR2: number; n: number }): string {
  return fit.n > 2 ? fit.weightedR2.toFixed(3) : `n/a (${fit.n} shot counts, no degrees of freedom)`;
}

/** Colours of the shot series (Tableau 10 order). */
const SERIES_COLORS = ['#e45756', '#4c78a8', '#54a24b', '#f58518', '#b279a2', '#72b7b2', '#ff9da6', '#9d755d', '#bab0ac', '#eeca3b'];

/** The legend entry of a series: its feature source, EMA setting and the fit's weighted R² (when it has degrees of freedom). */
export function seriesLegend(s: ShotSeries): string {
  if (!s.fit) return `${s.label} (no fit)`;
  return s.fit.n > 2 ? `${s.label}: R²w = ${s.fit.weightedR2.toFixed(3)}` : `${s.label}: exact 2-point fit`;
}

function shotLabel(shots: number): string {
  return shots === Infinity ? '∞' : String(shots);
}

/**
 * Accuracy (metric 'accuracy') or feature RMS error ('featureRmsError') against shots S (log axis):
 * seed means ± std, and the weighted fit δ(S) = δ∞ − k/√S, one colour per series (feature source ×
 * EMA setting × every other varied axis), the
 * weighted R² of each fit in the legend. S = ∞ (exact-feature jobs) sits at the right end of the
 * axis, labelled ∞. Skipped without a sweep or with fewer than two distinct shot counts.
 *
 * @example
 * const chart = shotsChart(sweep, 'accuracy');
 */
export function shotsChart(sweep: SweepResults | null | undefined, metric: ShotMetric): ChartResult {
  const { name, title, axis } = METRIC_TEXT[metric];
  if (!sweep) return { name, title, skipped: 'not a sweep (no sweep.json)' };
  const { series, splitBy } = shotScaling(sweep, metric);
  const allShots = [...new Set(series.flatMap((s) => s.groups.map((g) => g.shots)))].sort((a, b) => a - b);
  if (allShots.length < 2) {
    return { name, title, skipped: `the sweep has ${allShots.length} distinct shot count(s) with a ${metric === 'accuracy' ? 'student accuracy' : 'feature error'}; a shot curve needs at least 2 (sweep photonic.shots)` };
  }
  const finite = allShots.filter((s) => s !== Infinity);
  const maxFinite = finite.length ? Math.max(...finite) : 1;
  const infX = maxFinite * 4;
  const plotX = (s: number): number => (s === Infinity ? infX : s);
  const pointRows = series.flatMap((s) => s.groups.map((g) => ({
    series: seriesLegend(s), shots: plotX(g.shots), shotsLabel: shotLabel(g.shots), mean: g.mean,
    lo: g.n > 1 ? g.mean - g.std : g.mean, hi: g.n > 1 ? g.mean + g.std : g.mean, n: g.n,
  })));
  const fitRows = series.flatMap((s) => {
    if (!s.fit || finite.length === 0) return [];
    const lo = Math.min(...finite);
    const rows = [];
    for (let i = 0; i <= 60; i++) {
      const shots = lo * (maxFinite / lo) ** (i / 60);
      rows.push({ series: seriesLegend(s), shots, fit: evalShotCurve(s.fit, shots) });
    }
    return rows;
  });
  const ticks = allShots.map(plotX);
  const x = {
    field: 'shots', type: 'quantitative', title: 'shots S',
    scale: { type: 'log', domain: [Math.min(...ticks) / 1.3, Math.max(...ticks) * 1.3], nice: false },
    axis: { values: ticks, labelExpr: `datum.value >= ${infX * 0.999} ? '∞' : format(datum.value, 'd')`, grid: true },
  } as const;
  const color = { field: 'series', type: 'nominal', title: 'fit δ(S) = δ∞ − k/√S', scale: { domain: series.map(seriesLegend), range: SERIES_COLORS }, legend: { labelLimit: 520 } } as const;
  const y = { field: 'mean', type: 'quantitative', title: axis, scale: { zero: metric !== 'accuracy' } } as const;
  const layer: unknown[] = [
    ...(fitRows.length ? [{ data: { values: fitRows }, mark: { type: 'line', strokeWidth: 1.5 }, encoding: { x, y: { ...y, field: 'fit' }, color } }] : []),
    { data: { values: pointRows.filter((r) => r.n > 1) }, mark: { type: 'rule' }, encoding: { x, y: { ...y, field: 'lo' }, y2: { field: 'hi' }, color } },
    {
      data: { values: pointRows },
      mark: { type: 'point', filled: true, size: 50 },
      encoding: { x, y, color, tooltip: [{ field: 'shotsLabel', title: 'S' }, { field: 'mean', format: '.4f' }, { field: 'n', title: 'seeds' }] },
    },
  ];
  const spec = { $schema: VEGA_LITE_SCHEMA, width: 560, height: 300, layer } as TopLevelSpec;
  const fits = series.map((s) => (s.fit
    ? `${s.label}: δ∞ = ${s.fit.yInf.toPrecision(4)}, k = ${s.fit.k.toPrecision(4)}, weighted R² = ${formatR2(s.fit)} (${s.fit.n} shot counts, ${s.fit.weighting} weights)`
    : `${s.label}: no fit (${s.fitError ?? 'unknown'})`));
  return {
    name, title, spec,
    caption: `Seed mean ± std of the ${metric === 'accuracy' ? 'student test accuracy' : 'export feature RMS error'} per shot count, ` +
      `with the weighted least-squares fit δ(S) = δ∞ − k/√S (weights 1/variance across seeds). ${fits.join('; ')}.` +
      ` One fit per feature source and EMA setting${splitBy.length ? ` and value of ${splitBy.join(', ')}` : ''}, never pooled across them.` +
      (metric === 'accuracy' ? ' The paper reports weighted R² 0.596 without EMA and 0.901 with it (secondary transcription).' : ''),
  };
}
