// The shot-noise fit δ(S) = δ∞ − k/√S is done per feature source, EMA setting and value of every
// other varied sweep axis — never pooled — and R² is shown only with degrees of freedom left.
import { describe, expect, it } from 'vitest';
import { buildReport, shotScaling } from '../../src/cli/report/index.js';
import type { SweepResults } from '../../src/cli/run-schema.js';
import { Generator } from '../../src/tensor/random.js';
import { fakeResults } from './report-fixtures.js';

/** Truth per (source, rank): accuracy = aInf − k/√S, with a little seed noise. */
const TRUTH: Record<string, { aInf: number; k: number }> = {
  'photonic/2': { aInf: 0.96, k: 0.1 },
  'photonic/4': { aInf: 0.975, k: 0.3 },
  'distinguishable/2': { aInf: 0.95, k: 0.05 },
  'distinguishable/4': { aInf: 0.97, k: 0.6 },
};
const SHOTS = [16, 64, 256, 1024];

function sweep(shots = SHOTS): SweepResults {
  const rng = new Generator(41);
  const jobs: SweepResults['jobs'] = [];
  for (const [key, t] of Object.entries(TRUTH)) {
    const [source, rank] = key.split('/') as [string, string];
    for (const S of shots) {
      for (const seed of [0, 1, 2]) {
        const acc = t.aInf - t.k / Math.sqrt(S) + 0.001 * rng.normal();
        jobs.push({
          id: `${key}-${S}-${seed}`,
          overrides: { 'photonic.featureSource': source, 'student.rank': Number(rank), 'photonic.shots': S, seed },
          status: 'finished',
          results: fakeResults({ shots: S, acc, source, rank: Number(rank), seed }),
        });
      }
    }
  }
  return { axes: { 'photonic.featureSource': ['photonic', 'distinguishable'], 'student.rank': [2, 4], 'photonic.shots': shots, seed: [0, 1, 2] }, jobs };
}

describe('shot-noise fits per series', () => {
  it('one fit per feature source × EMA × rank, each recovering its own truth', () => {
    const { series, splitBy } = shotScaling(sweep(), 'accuracy');
    expect(splitBy).toEqual(['student.rank']);
    expect(series.map((s) => s.label)).toEqual([
      'distinguishable, EMA on (β=0.9), student.rank=2',
      'distinguishable, EMA on (β=0.9), student.rank=4',
      'photonic, EMA on (β=0.9), student.rank=2',
      'photonic, EMA on (β=0.9), student.rank=4',
    ]);
    for (const s of series) {
      const t = TRUTH[`${s.source}/${String(s.axes['student.rank'])}`]!;
      expect(s.groups.map((g) => g.n)).toEqual([3, 3, 3, 3]);
      expect(s.fit!.n).toBe(4);
      expect(Math.abs(s.fit!.yInf - 100 * t.aInf)).toBeLessThan(0.2);
      expect(Math.abs(s.fit!.k - 100 * t.k)).toBeLessThan(2);
    }
  });

  it("'exact' jobs are the photonic series' S = ∞ point, not a series of their own", () => {
    const s = sweep();
    for (const seed of [0, 1, 2]) {
      for (const rank of [2, 4]) {
        s.jobs.push({
          id: `exact-${rank}-${seed}`,
          overrides: { 'photonic.featureSource': 'exact', 'student.rank': rank, 'photonic.shots': 200, seed },
          status: 'finished',
          results: fakeResults({ acc: TRUTH[`photonic/${rank}`]!.aInf, source: 'exact', rank, seed }),
        });
      }
    }
    const { series } = shotScaling(s, 'accuracy');
    expect(series).toHaveLength(4);
    const photonic = series.filter((x) => x.source === 'photonic');
    for (const x of photonic) expect(x.groups.map((g) => g.shots)).toEqual([...SHOTS, Infinity]);
    for (const x of series.filter((y) => y.source === 'distinguishable')) expect(x.groups.map((g) => g.shots)).toEqual(SHOTS);
  });

  it('the report table and legend show R² only where the fit has degrees of freedom', async () => {
    const two = sweep([16, 256]);
    const { html, svgs } = await buildReport({ manifest: null, metrics: [], results: null, sweep: two });
    expect(html).toContain('n/a (2 shot counts, no degrees of freedom)');
    expect(svgs['accuracy-vs-shots']).toContain('>photonic, EMA on (β=0.9), student.rank=4: exact 2-point fit<');
    expect(html).toContain('never pooled across them');
    const four = await buildReport({ manifest: null, metrics: [], results: null, sweep: sweep() });
    expect(four.svgs['accuracy-vs-shots']).toMatch(/>photonic, EMA on \(β=0\.9\), student\.rank=4: R²w = 0\.9\d\d</);
    expect(four.html).not.toContain('no degrees of freedom');
  });
});
