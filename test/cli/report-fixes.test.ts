// The sweep report says what is true: a sweep directory is not "a run that has not finished", the
// frontier takes settings missing from the overrides from the sweep's base config (no "scope ?"),
// the spread is named by what actually varies (seeds or shot counts), and R² is shown only when the
// fit has degrees of freedom left.
import { describe, expect, it } from 'vitest';
import { formatR2 } from '../../src/cli/report/charts-sweep.js';
import { buildReport, frontierChart, frontierPoints, seriesLegend } from '../../src/cli/report/index.js';
import type { SweepResults } from '../../src/cli/run-schema.js';
import { resolveConfig } from '../../src/pqkd/config.js';
import { fakeResults } from './report-fixtures.js';

function sweep(jobs: [Record<string, unknown>, Parameters<typeof fakeResults>[0]][], base = resolveConfig({ student: { scope: 'full' } })): SweepResults {
  return {
    axes: {}, base,
    jobs: jobs.map(([overrides, r], i) => ({ id: `j${i}`, overrides, status: 'finished', results: fakeResults({ scope: 'full', ...r }) })),
  };
}

describe('sweep report', () => {
  it('a finished sweep directory is summarised as a sweep, not as an unfinished run', async () => {
    const s = sweep([[{ 'student.rank': 2 }, { rank: 2 }], [{ 'student.rank': 4 }, { rank: 4 }]]);
    const { html } = await buildReport({ manifest: null, metrics: [], results: null, sweep: s });
    expect(html).toContain('2 of 2 jobs finished');
    expect(html).not.toMatch(/the run (has not finished|is running)/);
  });

  it('settings absent from the overrides come from sweep.base: no "?" in the frontier', () => {
    const s = sweep([[{ 'student.rank': 2 }, { rank: 2 }], [{ 'student.rank': 4 }, { rank: 4 }]]);
    const { points } = frontierPoints(s, s.base);
    expect(points.map((p) => p.scope)).toEqual(['full', 'full']);
    expect(JSON.stringify(frontierChart(s, s.base))).not.toContain('"?"');
  });

  it('the frontier caption names what the spread is over', () => {
    const overShots = sweep([2, 4].flatMap((rank) => [16, 64].map((shots): [Record<string, unknown>, Parameters<typeof fakeResults>[0]] =>
      [{ 'student.rank': rank, 'photonic.shots': shots }, { rank, shots, acc: 0.9 + shots / 1000 }])));
    const caption = (c: ReturnType<typeof frontierChart>): string => ('caption' in c ? c.caption ?? '' : '');
    const c1 = { caption: caption(frontierChart(overShots, overShots.base)) };
    expect(c1.caption).toMatch(/mean ± std over up to 2 jobs differing in photonic\.shots/);
    expect(c1.caption).not.toMatch(/seeds/);
    const overSeeds = sweep([2, 4].flatMap((rank) => [0, 1].map((seed): [Record<string, unknown>, Parameters<typeof fakeResults>[0]] =>
      [{ 'student.rank': rank, seed }, { rank, seed, acc: 0.9 + seed / 100 }])));
    expect(caption(frontierChart(overSeeds, overSeeds.base))).toMatch(/mean ± std over up to 2 seeds/);
  });

  it('R² only when the fit has degrees of freedom left', () => {
    expect(formatR2({ weightedR2: 1, n: 2 })).toBe('n/a (2 shot counts, no degrees of freedom)');
    expect(formatR2({ weightedR2: 0.8123, n: 3 })).toBe('0.812');
    const fit = { yInf: 1, k: 1, weightedR2: 1, n: 2, weighting: 'equal' as const };
    expect(seriesLegend({ label: 'EMA off', groups: [], fit } as unknown as Parameters<typeof seriesLegend>[0])).toBe('EMA off: exact 2-point fit');
  });
});
