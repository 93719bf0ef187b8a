/**
 * Vega-Lite → SVG in Node (no browser, no canvas): compile the Vega-Lite spec to Vega, run a
 * headless View and serialise its scenegraph. Plus the two post-processing steps that make many SVGs
 * safe to inline in one HTML page: scoping element ids per chart (Vega numbers its clip paths from a
 * process-global counter, reset at some renders: two charts can both define `#clip1`, and the numbers
 * depend on what was rendered before) and dropping the namespace attributes
 * (an HTML5 parser places inline <svg> in the SVG namespace by itself).
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** The common look of every chart (white background, readable fonts, no chart border). */
export const CHART_CONFIG = {
  background: 'white',
  font: 'sans-serif',
  view: { stroke: '#ddd' },
  axis: { labelFontSize: 11, titleFontSize: 12, gridColor: '#eee' },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 360, titleLimit: 360 },
  title: { fontSize: 14, anchor: 'start' },
} as const;

export interface RenderOptions {
  /** Receives Vega-Lite compiler and Vega runtime warnings and errors (default: ignored). */
  onWarning?: (message: string) => void;
}

/** A Vega logger that forwards warnings and errors as one string each and drops info/debug. */
function warningLogger(onWarning: (message: string) => void): vega.LoggerInterface {
  let level = vega.Warn;
  const logger = {
    level(value?: number) {
      if (value === undefined) return level;
      level = value;
      return logger;
    },
    error(...args: unknown[]) { onWarning(`error: ${args.map(String).join(' ')}`); return logger; },
    warn(...args: unknown[]) { onWarning(args.map(String).join(' ')); return logger; },
    info() { return logger; },
    debug() { return logger; },
  };
  return logger as vega.LoggerInterface;
}

/**
 * Renders a Vega-Lite spec to a standalone SVG string (with xmlns, usable as a .svg file).
 * Every id in the SVG is prefixed with `idPrefix` (and references to it updated), so several SVGs
 * can share one HTML document. `options.onWarning` sees compiler/runtime warnings (tests assert none).
 *
 * @example
 * const svg = await renderSvg({ data: { values: [{ x: 1, y: 2 }] }, mark: 'point',
 *   encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } } }, 'demo');
 */
export async function renderSvg(spec: TopLevelSpec, idPrefix: string, options: RenderOptions = {}): Promise<string> {
  if (!/^[A-Za-z][\w-]*$/.test(idPrefix)) {
    throw new RangeError(`renderSvg: idPrefix: expected letters, digits, '-' or '_' starting with a letter, got ${JSON.stringify(idPrefix)}`);
  }
  const withConfig = { ...spec, config: { ...CHART_CONFIG, ...(spec.config ?? {}) } } as TopLevelSpec;
  const logger = warningLogger(options.onWarning ?? (() => {}));
  const view = new vega.View(vega.parse(compile(withConfig, { logger }).spec), { renderer: 'none', logger, logLevel: vega.Warn });
  try {
    const svg = await view.toSVG();
    return scopeSvgIds(svg, idPrefix);
  } finally {
    view.finalize();
  }
}

/**
 * Makes the ids of one SVG unique on a page and independent of process history: every `id="X"` is
 * renamed to `prefix-X'`, where X' renumbers X's trailing digits per stem in order of appearance
 * (Vega's clip-path and gradient counters are process-global, so the raw ids depend on what was
 * rendered before); the references `url(#X)` and `href="#X"` (also `xlink:href`) follow.
 *
 * @example
 * scopeSvgIds('<clipPath id="clip7"/><g clip-path="url(#clip7)"/>', 'loss');
 * // '<clipPath id="loss-clip1"/><g clip-path="url(#loss-clip1)"/>'
 */
export function scopeSvgIds(svg: string, prefix: string): string {
  const renamed = new Map<string, string>();
  const used = new Set<string>();
  const perStem = new Map<string, number>();
  for (const m of svg.matchAll(/\sid="([^"]+)"/g)) {
    const id = m[1]!;
    if (renamed.has(id)) continue;
    const numbered = /^(.*?)(\d+)$/.exec(id);
    let name = id;
    if (numbered) {
      const stem = numbered[1]!;
      const n = (perStem.get(stem) ?? 0) + 1;
      perStem.set(stem, n);
      name = `${stem}${n}`;
    }
    while (used.has(name)) name = `${name}_`;
    used.add(name);
    renamed.set(id, `${prefix}-${name}`);
  }
  if (renamed.size === 0) return svg;
  const scoped = (id: string): string => renamed.get(id) ?? id;
  return svg
    .replace(/(\sid=")([^"]+)"/g, (_, head: string, id: string) => `${head}${scoped(id)}"`)
    .replace(/url\(#([^)]+)\)/g, (_, id: string) => `url(#${scoped(id)})`)
    .replace(/(href=")#([^"]+)"/g, (_, head: string, id: string) => `${head}#${scoped(id)}"`);
}

/**
 * The SVG as it is inlined in HTML: the `xmlns` / `xmlns:xlink` declarations removed (the HTML
 * parser supplies the SVG namespace), so the page holds no URL at all.
 *
 * @example
 * svgForHtml('<svg xmlns="http://www.w3.org/2000/svg" width="1"></svg>'); // '<svg width="1"></svg>'
 */
export function svgForHtml(svg: string): string {
  return svg.replace(/\sxmlns(:\w+)?="[^"]*"/g, '');
}
