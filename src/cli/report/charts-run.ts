/**
 * Charts of one run, built from parsed run data only (no file access): training curves and the
 * SPSA trace from metrics.jsonl, the photonic click histogram from results.json
 * (docs/method.md §4–§6).
 */
import type { TopLevelSpec } from 'vega-lite';
import type { MetricLine, RunResults } from '../run-schema.js';
import { mean, type ChartResult } from './chart-types.js';

/** The Vega-Lite schema URL carried by every spec (never copied into the HTML). */
export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

type EpochLine = Extract<MetricLine, { kind: 'epoch' }>;
type SpsaLine = Extract<MetricLine, { kind: 'spsa' }>;

/** Epoch events, the last one kept when a (resumed) run logged the same phase/epoch twice. */
function epochLines(metrics: readonly MetricLine[]): EpochLine[] {
  const byKey = new Map<string, EpochLine>();
  for (const m of metrics) if (m.kind === 'epoch') byKey.set(`${m.phase}:${m.epoch}`, m);
  return [...byKey.values()].sort((a, b) => (a.phase === b.phase ? a.epoch - b.epoch : a.phase === 'teacher' ? -1 : 1));
}

/**
 * Training curves: train and validation loss (left) and validation accuracy (right) per epoch, for
 * the teacher and the student. Skipped when metrics hold no epoch line.
 *
 * @example
 * const chart = trainingCurvesChart(metrics); // isChart(chart) ? renderSvg(chart.spec, chart.name) : chart.skipped
 */
export function trainingCurvesChart(metrics: readonly MetricLine[]): ChartResult {
  const name = 'training-curves';
  const title = 'Training curves';
  const epochs = epochLines(metrics);
  if (epochs.length === 0) return { name, title, skipped: 'metrics.jsonl has no epoch lines (no training epoch finished in this run)' };
  const lossRows = epochs.flatMap((e) => [
    { phase: e.phase, epoch: e.epoch, split: 'train', loss: e.trainLoss },
    { phase: e.phase, epoch: e.epoch, split: 'validation', loss: e.valLoss },
  ]).filter((r) => Number.isFinite(r.loss));
  const accRows = epochs.filter((e) => Number.isFinite(e.valAccuracy)).map((e) => ({ phase: e.phase, epoch: e.epoch, accuracy: 100 * e.valAccuracy }));
  const color = { field: 'phase', type: 'nominal', title: 'model', scale: { domain: ['teacher', 'student'], range: ['#4c78a8', '#e45756'] } } as const;
  // Vega ignores tickMinStep with its default tick count, so integer epochs get explicit tick values.
  // Epochs are shown 1-based (metrics.jsonl counts from 0).
  const epochTicks = [...new Set(epochs.map((e) => e.epoch))].sort((a, b) => a - b);
  const x = { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { format: 'd', ...(epochTicks.length <= 30 ? { values: epochTicks } : {}) } } as const;
  const spec: TopLevelSpec = {
    $schema: VEGA_LITE_SCHEMA,
    hconcat: [
      {
        title: 'Loss per epoch',
        width: 320, height: 220,
        data: { values: lossRows },
        mark: { type: 'line', strokeWidth: 1.8, point: true },
        encoding: {
          x, color,
          y: { field: 'loss', type: 'quantitative', title: 'loss', scale: { zero: false } },
          strokeDash: { field: 'split', type: 'nominal', title: 'split', scale: { domain: ['train', 'validation'], range: [[1, 0], [5, 3]] } } as const,
        },
      },
      {
        title: 'Validation accuracy per epoch',
        width: 320, height: 220,
        data: { values: accRows },
        mark: { type: 'line', point: true },
        encoding: { x, color, y: { field: 'accuracy', type: 'quantitative', title: 'validation accuracy (%)', scale: { zero: false } } },
      },
    ],
  };
  const phases = [...new Set(epochs.map((e) => e.phase))].join(' and ');
  return {
    name, title, spec,
    caption: `Loss and validation accuracy after each epoch of the ${phases}. The student's training loss is the ` +
      'distillation loss (α·T²·KL + (1−α)·cross-entropy); validation loss is the cross-entropy on the validation proxy.',
  };
}

/**
 * SPSA trace: the objective at the two perturbed angle vectors, f(θ + cₖΔₖ) and f(θ − cₖΔₖ), per
 * update (the mean when an update averages several perturbations). Skipped without SPSA lines.
 *
 * @example
 * const chart = spsaTraceChart(metrics);
 */
export function spsaTraceChart(metrics: readonly MetricLine[]): ChartResult {
  const name = 'spsa-trace';
  const title = 'SPSA trace';
  const updates = metrics.filter((m): m is SpsaLine => m.kind === 'spsa');
  if (updates.length === 0) return { name, title, skipped: 'no SPSA updates were logged (SPSA disabled, or the run has no photonic student)' };
  const averaged = updates.some((u) => u.fPlus.length > 1 || u.fMinus.length > 1);
  const rows = updates.flatMap((u, i) => [
    { update: i + 1, epoch: u.epoch, series: 'f(θ + cΔ)', value: mean(u.fPlus) },
    { update: i + 1, epoch: u.epoch, series: 'f(θ − cΔ)', value: mean(u.fMinus) },
  ]).filter((r) => Number.isFinite(r.value));
  const spec: TopLevelSpec = {
    $schema: VEGA_LITE_SCHEMA,
    width: 560, height: 240,
    data: { values: rows },
    mark: { type: 'line', point: updates.length <= 200, strokeWidth: 1.2 },
    encoding: {
      x: { field: 'update', type: 'quantitative', title: 'SPSA update', axis: { format: 'd', ...(updates.length <= 30 ? { values: updates.map((_, i) => i + 1) } : {}) } },
      y: { field: 'value', type: 'quantitative', title: 'objective (student CE, val. minibatch)', scale: { zero: false } },
      color: { field: 'series', type: 'nominal', title: 'evaluation', scale: { range: ['#f58518', '#54a24b'] } },
      tooltip: [{ field: 'epoch' }, { field: 'value' }],
    },
  };
  return {
    name, title, spec,
    caption: `The SPSA objective at θ + cₖΔₖ and θ − cₖΔₖ for each of the ${updates.length} updates of θ` +
      `${averaged ? ' (mean over the perturbations of each update)' : ''}; the objective is the student's cross-entropy on a validation minibatch with an S-shot feature at the perturbed θ; the difference drives the gradient estimate.`,
  };
}

const GROUP_LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/**
 * Photonic click histogram: the frozen export feature next to the exact feature φ(θ) at the final
 * θ, one panel per mode group (by default group A = modes 0–7, group B = modes 8–15, 256 bins each;
 * bin = Σ_b click(mode g_b)·2^b). `groups` are the mode groups of the config; when their bin counts
 * do not add up to the feature length the feature is shown as one panel. Skipped without results.
 *
 * @example
 * const chart = clickHistogramChart(results, manifest.config.photonic.groups);
 */
export function clickHistogramChart(results: RunResults | null, groups?: readonly (readonly number[])[]): ChartResult {
  const name = 'click-histogram';
  const title = 'Photonic click histogram';
  if (!results) return { name, title, skipped: 'no results.json (a sweep directory, or a run that has not finished)' };
  const exported = results.exportFeature;
  if (!Array.isArray(exported) || exported.length === 0) return { name, title, skipped: 'results.json has no export feature' };
  const exact = Array.isArray(results.exactFeature) && results.exactFeature.length === exported.length ? results.exactFeature : null;
  const sizes = groups?.map((g) => 2 ** g.length) ?? [];
  const fits = sizes.length > 0 && sizes.reduce((a, b) => a + b, 0) === exported.length;
  const panels = fits
    ? groups!.map((g, i) => ({ label: `group ${GROUP_LETTERS[i] ?? i} (modes ${g.join(', ')})`, size: sizes[i]! }))
    : [{ label: 'all bins', size: exported.length }];
  const exportLabel = results.featureSource === 'photonic'
    ? `export ${results.ema ? `φ̄ (EMA β=${results.emaBeta})` : 'φ̂ (no EMA)'}, S=${results.shots}`
    : `export feature (${results.featureSource})`;
  const exactLabel = 'exact φ(θ), S=∞';
  const color = { field: 'source', type: 'nominal', title: 'feature', scale: { domain: [exportLabel, exactLabel], range: ['#4c78a8', '#e45756'] } } as const;
  let offset = 0;
  const vconcat = panels.map((p) => {
    const start = offset;
    offset += p.size;
    const rows: { bin: number; binEnd: number; center: number; value: number; source: string }[] = [];
    for (let b = 0; b < p.size; b++) {
      rows.push({ bin: b, binEnd: b + 1, center: b + 0.5, value: exported[start + b]!, source: exportLabel });
      if (exact) rows.push({ bin: b, binEnd: b + 1, center: b + 0.5, value: exact[start + b]!, source: exactLabel });
    }
    const x = { field: 'bin', type: 'quantitative', title: 'bin (click pattern, first mode = least significant bit)', scale: { domain: [0, p.size] } } as const;
    return {
      title: p.label,
      width: 620, height: 170,
      data: { values: rows },
      layer: [
        {
          transform: [{ filter: { field: 'source', equal: exportLabel } }],
          mark: { type: 'rect' as const },
          encoding: { x, x2: { field: 'binEnd' }, y: { field: 'value', type: 'quantitative' as const, title: 'frequency' }, color },
        },
        ...(exact ? [{
          transform: [{ filter: { field: 'source', equal: exactLabel } }],
          mark: { type: 'line' as const, interpolate: 'step' as const, strokeWidth: 1 },
          encoding: { x: { ...x, field: 'center' }, y: { field: 'value', type: 'quantitative' as const }, color },
        }] : []),
      ],
    };
  });
  const spec = { $schema: VEGA_LITE_SCHEMA, vconcat } as unknown as TopLevelSpec;
  return {
    name, title, spec,
    caption: `The frozen export feature (${exported.length} values) used at evaluation` +
      `${exact ? ', against the exact click distribution at the final θ' : ' (no exact feature for this source)'}` +
      `; each group's bins sum to 1. RMS difference: ${results.featureRmsError === null ? 'n/a' : results.featureRmsError.toPrecision(3)}.`,
  };
}
