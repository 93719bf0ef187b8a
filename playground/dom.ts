/**
 * Small DOM and SVG helpers for the playground: element builders and two charts (lines on linear or
 * log axes, bars). Everything is drawn as inline SVG; no framework.
 */

type Attrs = Record<string, string | number | boolean | undefined>;
type Child = Node | string | null | undefined | false;

function setAttrs(node: Element, attrs: Attrs): void {
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== false) node.setAttribute(k, v === true ? '' : String(v));
}

/** An HTML element with attributes and children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  setAttrs(node, attrs);
  for (const c of children) if (c !== null && c !== undefined && c !== false) node.append(c);
  return node;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** An SVG element with attributes and children. */
export function s(tag: string, attrs: Attrs = {}, ...children: Child[]): SVGElement {
  const node = document.createElementNS(SVG_NS, tag);
  setAttrs(node, attrs);
  for (const c of children) if (c !== null && c !== undefined && c !== false) node.append(c);
  return node;
}

/** A labelled range slider; `onInput` gets the numeric value. */
export function slider(id: string, label: string, opts: { min: number; max: number; step: number; value: number }, onInput: (v: number) => void): { row: HTMLElement; input: HTMLInputElement; out: HTMLOutputElement } {
  const input = h('input', { type: 'range', id, min: opts.min, max: opts.max, step: opts.step, value: opts.value });
  const out = h('output', { for: id });
  input.addEventListener('input', () => onInput(Number(input.value)));
  const row = h('label', { class: 'slider' }, h('span', {}, label), input, out);
  return { row, input, out };
}

export interface Series {
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  cls: string;
  /** Draw points instead of a line. */
  points?: boolean;
}

export interface ChartOptions {
  width?: number;
  height?: number;
  xLog?: boolean;
  yLog?: boolean;
  xLabel: string;
  yLabel: string;
  yMin?: number;
  yMax?: number;
  testId?: string;
  /** Where the legend goes (default top right). */
  legend?: 'top' | 'bottom';
}

function niceTicks(lo: number, hi: number, log: boolean): number[] {
  if (log) {
    const decades = (mults: number[]): number[] => {
      const out: number[] = [];
      for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
        for (const m of mults) if (m * 10 ** e >= lo * 0.999 && m * 10 ** e <= hi * 1.001) out.push(Number((m * 10 ** e).toPrecision(6)));
      }
      return out;
    };
    const out = decades([1]);
    return out.length >= 3 ? out : decades([1, 2, 5]);
  }
  const span = hi - lo || 1;
  const step = 10 ** Math.floor(Math.log10(span / 4));
  const mult = span / step > 20 ? 5 : span / step > 8 ? 2 : 1;
  const out: number[] = [];
  for (let v = Math.ceil(lo / (step * mult)) * step * mult; v <= hi + 1e-12; v += step * mult) out.push(Number(v.toPrecision(6)));
  return out;
}

function fmt(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e4 || a < 1e-3 ? v.toExponential(0) : String(Number(v.toPrecision(3)));
}

/** A line/point chart with axes, ticks and a legend. */
export function lineChart(series: Series[], o: ChartOptions): SVGElement {
  const W = o.width ?? 460, H = o.height ?? 220, L = 52, R = 12, T = 12, B = 38;
  const xs = series.flatMap((sr) => Array.from(sr.x)).filter((v) => Number.isFinite(v) && (!o.xLog || v > 0));
  const ys = series.flatMap((sr) => Array.from(sr.y)).filter((v) => Number.isFinite(v) && (!o.yLog || v > 0));
  const [x0, xMax] = xs.length ? [Math.min(...xs), Math.max(...xs)] : [0, 1];
  let x1 = xMax;
  let [y0, y1] = ys.length ? [o.yMin ?? Math.min(...ys), o.yMax ?? Math.max(...ys)] : [0, 1];
  if (x1 === x0) x1 = x0 + 1;
  if (y1 === y0) { y1 += o.yLog ? y1 : 1; y0 -= o.yLog ? y0 / 2 : 0; }
  const tx = (v: number): number => (o.xLog ? Math.log(v / x0) / Math.log(x1 / x0) : (v - x0) / (x1 - x0));
  const ty = (v: number): number => (o.yLog ? Math.log(v / y0) / Math.log(y1 / y0) : (v - y0) / (y1 - y0));
  const px = (v: number): number => L + tx(v) * (W - L - R);
  const py = (v: number): number => H - B - ty(v) * (H - T - B);
  const root = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'data-testid': o.testId });
  root.append(s('rect', { x: L, y: T, width: W - L - R, height: H - T - B, class: 'plot-bg' }));
  for (const v of niceTicks(x0, x1, o.xLog ?? false)) {
    root.append(s('line', { x1: px(v), x2: px(v), y1: T, y2: H - B, class: 'grid' }), s('text', { x: px(v), y: H - B + 14, class: 'tick', 'text-anchor': 'middle' }, fmt(v)));
  }
  for (const v of niceTicks(y0, y1, o.yLog ?? false)) {
    root.append(s('line', { x1: L, x2: W - R, y1: py(v), y2: py(v), class: 'grid' }), s('text', { x: L - 4, y: py(v) + 4, class: 'tick', 'text-anchor': 'end' }, fmt(v)));
  }
  root.append(s('text', { x: (L + W - R) / 2, y: H - 4, class: 'axis-label', 'text-anchor': 'middle' }, o.xLabel));
  root.append(s('text', { x: 12, y: (T + H - B) / 2, class: 'axis-label', 'text-anchor': 'middle', transform: `rotate(-90 12 ${(T + H - B) / 2})` }, o.yLabel));
  series.forEach((sr, k) => {
    const pts: string[] = [];
    for (let i = 0; i < sr.x.length; i++) {
      const x = sr.x[i]!, y = sr.y[i]!;
      if (!Number.isFinite(x) || !Number.isFinite(y) || (o.xLog && x <= 0) || (o.yLog && y <= 0)) continue;
      const yc = Math.min(Math.max(y, y0), y1);
      if (sr.points) root.append(s('circle', { cx: px(x), cy: py(yc), r: 3, class: sr.cls }));
      else pts.push(`${px(x).toFixed(1)},${py(yc).toFixed(1)}`);
    }
    if (!sr.points && pts.length) root.append(s('polyline', { points: pts.join(' '), class: `${sr.cls} line` }));
    const ly = o.legend === 'bottom' ? H - B - 8 - 14 * (series.length - 1 - k) : T + 12 + 14 * k;
    root.append(s('rect', { x: W - R - 150, y: ly - 8, width: 10, height: 10, class: sr.cls }), s('text', { x: W - R - 135, y: ly + 1, class: 'legend' }, sr.name));
  });
  return root;
}

/** Bars for one or two value arrays over the same bins (second drawn as an outline). */
export function barChart(values: ArrayLike<number>[], classes: string[], o: ChartOptions & { labels?: string[] }): SVGElement {
  const W = o.width ?? 460, H = o.height ?? 200, L = 44, R = 8, T = 10, B = o.labels ? 64 : 30;
  const n = values[0]!.length;
  const yMax = o.yMax ?? Math.max(1e-12, ...values.flatMap((v) => Array.from(v)));
  const bw = (W - L - R) / n;
  const py = (v: number): number => H - B - (Math.min(v, yMax) / yMax) * (H - T - B);
  const root = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'data-testid': o.testId });
  root.append(s('rect', { x: L, y: T, width: W - L - R, height: H - T - B, class: 'plot-bg' }));
  for (const v of niceTicks(0, yMax, false)) root.append(s('text', { x: L - 4, y: py(v) + 4, class: 'tick', 'text-anchor': 'end' }, fmt(v)), s('line', { x1: L, x2: W - R, y1: py(v), y2: py(v), class: 'grid' }));
  values.forEach((vals, k) => {
    const inset = k === 0 ? 0.1 : 0.3;
    for (let i = 0; i < n; i++) {
      const v = vals[i]!;
      if (v <= 0) continue;
      root.append(s('rect', { x: L + (i + inset) * bw, y: py(v), width: Math.max(0.6, bw * (1 - 2 * inset)), height: H - B - py(v), class: classes[k] }));
    }
  });
  o.labels?.forEach((lab, i) => root.append(s('text', { x: L + (i + 0.5) * bw, y: H - B + 6, class: 'tick mono', transform: `rotate(60 ${L + (i + 0.5) * bw} ${H - B + 6})` }, lab)));
  root.append(s('text', { x: (L + W - R) / 2, y: H - 4, class: 'axis-label', 'text-anchor': 'middle' }, o.xLabel));
  root.append(s('text', { x: 12, y: (T + H - B) / 2, class: 'axis-label', 'text-anchor': 'middle', transform: `rotate(-90 12 ${(T + H - B) / 2})` }, o.yLabel));
  return root;
}

/** Replaces the children of `node`. */
export function replace(node: Element, ...children: Child[]): void {
  node.replaceChildren(...children.filter((c): c is Node | string => c !== null && c !== undefined && c !== false));
}
