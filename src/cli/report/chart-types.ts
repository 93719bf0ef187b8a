/**
 * What a chart builder returns: a Vega-Lite spec with the text that goes around it in the report, or
 * the reason the chart does not apply to this run (the report lists skipped charts with the reason).
 */
import type { TopLevelSpec } from 'vega-lite';

export interface Chart {
  /** File stem of plots/<name>.svg and the figure's HTML id. */
  name: string;
  title: string;
  /** One or two sentences on what the figure shows (plain text; escaped when placed in HTML). */
  caption: string;
  spec: TopLevelSpec;
}

export interface SkippedChart {
  name: string;
  title: string;
  /** Why there is nothing to plot (plain text). */
  skipped: string;
}

export type ChartResult = Chart | SkippedChart;

/** True when the builder produced a spec. */
export function isChart(c: ChartResult): c is Chart {
  return 'spec' in c;
}

/** Arithmetic mean (NaN for an empty list). */
export function mean(values: readonly number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return values.length ? s / values.length : NaN;
}
