// The report's SVG helpers: id scoping, Vega clip-path renumbering, namespace handling, and the
// config's pretty JSON (split from report.test.ts to keep each file under the line budget).
import { describe, expect, it } from 'vitest';
import { prettyJson, renderSvg, scopeSvgIds, svgForHtml } from '../../src/cli/report/index.js';
import { fakeManifest } from './report-fixtures.js';

describe('SVG helpers', () => {
  it('scopeSvgIds prefixes ids and their references only', () => {
    const svg = '<svg><clipPath id="clip1"><rect/></clipPath><g clip-path="url(#clip1)"/><use href="#clip1"/><g fill="url(#other)"/></svg>';
    expect(scopeSvgIds(svg, 'loss')).toBe(
      '<svg><clipPath id="loss-clip1"><rect/></clipPath><g clip-path="url(#loss-clip1)"/><use href="#loss-clip1"/><g fill="url(#other)"/></svg>',
    );
    expect(scopeSvgIds('<svg/>', 'x')).toBe('<svg/>');
    // Vega's counters are process-global: the numbers are renumbered per stem in order of appearance.
    expect(scopeSvgIds('<a id="clip7"/><b id="clip3"/><c id="clip"/><d id="gradient_12"/><e fill="url(#clip3)"/>', 'p')).toBe(
      '<a id="p-clip1"/><b id="p-clip2"/><c id="p-clip"/><d id="p-gradient_1"/><e fill="url(#p-clip2)"/>',
    );
  });

  it("renderSvg scopes and renumbers Vega's clip-path ids, so two SVGs can share a page and output is deterministic", async () => {
    const spec = {
      data: {
        values: [
          { x: 0, y: 0 },
          { x: 2, y: 5 },
        ],
      },
      mark: { type: 'line', clip: true },
      encoding: { x: { field: 'x', type: 'quantitative', scale: { domain: [0, 1] } }, y: { field: 'y', type: 'quantitative' } },
    } as never;
    const [a, b] = [await renderSvg(spec, 'first'), await renderSvg(spec, 'second')];
    const idsOf = (svg: string) => [...svg.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!);
    expect(idsOf(a).length).toBeGreaterThan(0);
    expect(idsOf(a).every((id) => id.startsWith('first-'))).toBe(true);
    expect(idsOf(b).every((id) => id.startsWith('second-'))).toBe(true);
    expect(idsOf(a).map((id) => id.slice('first-'.length))).toEqual(idsOf(b).map((id) => id.slice('second-'.length))); // would collide unscoped
    for (const m of a.matchAll(/url\(#([^)]+)\)/g)) expect(idsOf(a)).toContain(m[1]!);
    expect(await renderSvg(spec, 'first')).toBe(a); // independent of what was rendered before
  });

  it('svgForHtml drops namespace declarations; renderSvg checks the id prefix', async () => {
    expect(svgForHtml('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="2"></svg>')).toBe('<svg width="2"></svg>');
    await expect(renderSvg({ mark: 'point' } as never, 'bad id')).rejects.toThrow(/renderSvg: idPrefix: expected .* got "bad id"/);
  });

  it('prettyJson keeps flat arrays on one line and nests objects', () => {
    expect(prettyJson({ a: [1, 'x', null], b: { c: [] }, d: [{ e: 1 }] })).toBe(
      '{\n  "a": [1, "x", null],\n  "b": {\n    "c": []\n  },\n  "d": [\n    {\n      "e": 1\n    }\n  ]\n}',
    );
    expect(JSON.parse(prettyJson(fakeManifest()))).toEqual(fakeManifest());
  });
});
