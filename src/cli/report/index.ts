/**
 * The report layer of the `pqkd` command: Vega-Lite chart builders (pure functions of parsed run
 * data), SVG rendering, the self-contained report.html, and run-directory I/O.
 */
export { isChart, type Chart, type ChartResult, type SkippedChart } from './chart-types.js';
export { clickHistogramChart, spsaTraceChart, trainingCurvesChart, VEGA_LITE_SCHEMA } from './charts-run.js';
export { frontierChart, seriesLegend, shotsChart } from './charts-sweep.js';
export { buildReport, escapeHtml, prettyJson, reportCharts, type Report, type ReportInput } from './html.js';
export { loadRunDir, writeReport, type WrittenReport } from './io.js';
export { renderSvg, scopeSvgIds, svgForHtml, CHART_CONFIG } from './render.js';
export { frontierPoints, shotScaling, type FrontierPoint, type ShotMetric, type ShotSeries, type TeacherReference } from './sweep-data.js';
