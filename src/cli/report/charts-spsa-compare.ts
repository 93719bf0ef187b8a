/**
 * Two small charts: what SPSA did in a run (the noise-free objective before and after every SPSA
 * block, and at θ₀ and θ_T with the final student), and the forest plot of `pqkd compare`.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { CompareResult } from '../compare/compare.js';
import type { MetricLine, RunResults } from '../run-schema.js';
import type { ChartResult } from './chart-types.js';
import { VEGA_LITE_SCHEMA } from './charts-run.js';

type BlockLine = Extract<MetricLine, { kind: 'spsa-block' }>;

/**
 * SPSA's effect, measured noise-free: the student's cross-entropy with the exact feature on one
 * fixed validation batch at the start and end of each SPSA block (student fixed within a block),
 * plus θ₀ → θ_T with the final student; labels give |Δθ|.
 */
export function spsaMovementChart(metrics: readonly MetricLine[], results: RunResults | null): ChartResult {
  const name = 'spsa-movement';
  const title = 'What SPSA did (exact-feature objective)';
  const blocks = metrics.filter((m): m is BlockLine => m.kind === 'spsa-block' && m.objectiveStart !== null);
  const run = results?.spsaMovement;
  if (blocks.length === 0 && (!run || run.objectiveStart === null)) {
    return {
      name,
      title,
      skipped: 'no SPSA block with an exact feature was logged (SPSA off, a source without an exact feature, or a run from before this was recorded)',
    };
  }
  const rows = blocks.flatMap((b) => [
    { step: `epoch ${b.epoch + 1} block`, at: 'start', value: b.objectiveStart!, move: `|Δθ| ${b.thetaL2.toPrecision(3)}` },
    { step: `epoch ${b.epoch + 1} block`, at: 'end', value: b.objectiveEnd!, move: `|Δθ| ${b.thetaL2.toPrecision(3)}` },
  ]);
  if (run && run.objectiveStart !== null) {
    rows.push(
      { step: 'θ₀ → θ_T (final student)', at: 'start', value: run.objectiveStart, move: `|Δθ| ${run.thetaL2.toPrecision(3)}` },
      { step: 'θ₀ → θ_T (final student)', at: 'end', value: run.objectiveEnd!, move: `|Δθ| ${run.thetaL2.toPrecision(3)}` },
    );
  }
  const spec: TopLevelSpec = {
    $schema: VEGA_LITE_SCHEMA,
    width: 560,
    height: 22 * rows.length,
    data: { values: rows },
    encoding: { y: { field: 'step', type: 'nominal', title: null, sort: null } },
    layer: [
      {
        mark: { type: 'line', color: '#999' },
        encoding: {
          x: { field: 'value', type: 'quantitative', title: 'student CE, exact feature, fixed val. batch', scale: { zero: false } },
          detail: { field: 'step' },
        },
      },
      {
        mark: { type: 'point', filled: true, size: 70 },
        encoding: {
          x: { field: 'value', type: 'quantitative' },
          color: { field: 'at', type: 'nominal', title: 'θ at', scale: { domain: ['start', 'end'], range: ['#4c78a8', '#e45756'] } },
        },
      },
      {
        transform: [{ filter: "datum.at === 'end'" }],
        mark: { type: 'text', align: 'left', dx: 8, fontSize: 10 },
        encoding: { x: { field: 'value', type: 'quantitative' }, text: { field: 'move' } },
      },
    ],
  };
  return {
    name,
    title,
    spec,
    caption:
      'The SPSA objective evaluated without noise (exact S = ∞ feature, one fixed validation batch) at the start and the end of each SPSA block, with the student as it was during the block, and at θ₀ and θ_T with the final student. Lower is better; a red point left of its blue one means SPSA improved the objective.',
  };
}

/** Forest plot of `pqkd compare`: mean paired difference with its t and bootstrap 95% intervals, per arm and metric. */
export function forestChart(compare: CompareResult | null | undefined): ChartResult {
  const name = 'compare-forest';
  const title = 'Paired comparison against the reference (forest plot)';
  if (!compare || !Array.isArray(compare.comparisons) || compare.comparisons.length === 0) {
    return { name, title, skipped: "no compare.json (run 'pqkd compare' on this sweep)" };
  }
  const rows = compare.comparisons.map((c) => ({
    arm: c.arm,
    metric: c.metric === 'accuracy' ? 'test accuracy (pp)' : 'test loss',
    mean: c.mean,
    tLo: c.t.ci[0],
    tHi: c.t.ci[1],
    bLo: c.bootstrapCi[0],
    bHi: c.bootstrapCi[1],
    p: c.tPHolm,
  }));
  const x = { type: 'quantitative', title: `arm − ${compare.reference}` } as const;
  const spec: TopLevelSpec = {
    $schema: VEGA_LITE_SCHEMA,
    data: { values: rows },
    facet: { column: { field: 'metric', type: 'nominal', title: null } },
    resolve: { scale: { x: 'independent' } },
    spec: {
      width: 300,
      height: 28 * (rows.length / 2),
      encoding: { y: { field: 'arm', type: 'nominal', title: null } },
      layer: [
        { mark: { type: 'rule', strokeWidth: 6, opacity: 0.25, color: '#4c78a8' }, encoding: { x: { ...x, field: 'bLo' }, x2: { field: 'bHi' } } },
        { mark: { type: 'rule', strokeWidth: 1.5, color: '#4c78a8' }, encoding: { x: { ...x, field: 'tLo' }, x2: { field: 'tHi' } } },
        {
          mark: { type: 'point', filled: true, size: 60, color: '#4c78a8' },
          encoding: { x: { ...x, field: 'mean' }, tooltip: [{ field: 'mean' }, { field: 'p', title: 'p (t, Holm)' }] },
        },
        {
          data: { values: [{ zero: 0 }] },
          mark: { type: 'rule', strokeDash: [4, 3], color: '#777' },
          encoding: { x: { field: 'zero', type: 'quantitative' } },
        },
      ],
    },
  } as unknown as TopLevelSpec;
  return {
    name,
    title,
    spec,
    caption: `Per-seed paired differences (arm − ${compare.reference}), n = ${compare.comparisons[0]!.n} seeds: the point is the mean, the thin line the paired-t 95% interval, the wide pale band the bootstrap 95% interval (${compare.resamples} resamples). Intervals crossing the dashed zero line do not distinguish the arm from the reference.`,
  };
}
