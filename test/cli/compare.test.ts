// `pqkd compare`: the statistics against published values, and the command on sweep directories
// built here (fixture files shaped like a real sweep's), including its bad-input refusals.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { holm, pairedStats } from '../../src/cli/compare/paired-stats.js';
import { resolveConfig } from '../../src/pqkd/config.js';
import { cleanup, pqkd, tempDir } from './helpers.js';

describe('paired statistics (@stdlib) against published values', () => {
  it("Student's sleep data: paired t-test as published", () => {
    // Extra hours of sleep under two drugs, 10 patients: Cushny & Peebles (1905), analysed by
    // Student, "The probable error of a mean", Biometrika 6 (1908); R's datasets::sleep. Published
    // result (R documentation example, t.test(extra ~ group, data = sleep, paired = TRUE)):
    // t = −4.0621, df = 9, p-value = 0.002833, 95% CI [−2.4598858, −0.7001142], mean −1.58.
    const group1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
    const group2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];
    const s = pairedStats(group1, group2, { resamples: 2000, seed: 1 });
    expect(s.n).toBe(10);
    expect(s.mean).toBeCloseTo(-1.58, 12);
    expect(s.t.statistic).toBeCloseTo(-4.0621, 4);
    expect(s.t.p).toBeCloseTo(0.002833, 6);
    expect(s.t.ci[0]).toBeCloseTo(-2.4598858, 6);
    expect(s.t.ci[1]).toBeCloseTo(-0.7001142, 6);
    // The bootstrap interval of a mean with no positive difference stays below 0.
    expect(s.bootstrapCi[1]).toBeLessThan(0);
    expect(s.bootstrapCi[0]).toBeLessThan(s.mean);
    // Same seed, same interval.
    expect(pairedStats(group1, group2, { resamples: 2000, seed: 1 }).bootstrapCi).toEqual(s.bootstrapCi);
  });

  it('Wilcoxon signed-rank: exact null distribution', () => {
    // Under H0 each sign is ±1 with probability ½ independently: when all n differences share a
    // sign, the exact two-sided p-value is 2/2^n (Wilcoxon 1945; e.g. Hollander & Wolfe,
    // Nonparametric Statistical Methods, §3.1): 0.25 for n = 3, 0.001953125 for n = 10.
    expect(pairedStats([1, 2, 3], [0, 0, 0]).wilcoxonP).toBeCloseTo(0.25, 12);
    expect(pairedStats([1, 2, 3], [0, 0, 0]).wilcoxonMinP).toBe(0.25);
    const ten = Array.from({ length: 10 }, (_, i) => i + 1);
    expect(pairedStats(ten, new Array(10).fill(0)).wilcoxonP).toBeCloseTo(2 / 1024, 12);
    // One negative difference with the second-smallest |d| (rank 2): W− = 2, P(W− ≤ 2) = 3/1024
    // (subsets of ranks summing to ≤ 2: {}, {1}, {2}), two-sided 6/1024.
    expect(pairedStats([0.5, -1, 2, 3, 4, 5, 6, 7, 8, 9], new Array(10).fill(0)).wilcoxonP).toBeCloseTo(6 / 1024, 12);
  });

  it("Holm's step-down adjustment (Holm 1979): sorted p_(i)·(m − i + 1), made monotone", () => {
    // p = (0.01, 0.04, 0.03): 0.01·3 = 0.03; 0.03·2 = 0.06; 0.04·1 = 0.04 → max(0.06, 0.04) = 0.06.
    const adjusted = holm([0.01, 0.04, 0.03]);
    [0.03, 0.06, 0.06].forEach((v, i) => expect(adjusted[i]).toBeCloseTo(v, 12));
  });
});

const dirs: string[] = [];
afterAll(() => dirs.forEach(cleanup));

/** A sweep directory with finished jobs (accuracy in [0, 1], loss) for (arm, seed) pairs. */
function fakeSweep(jobs: { source: string; spsa?: boolean; seed: number; accuracy: number; loss: number; shots?: number }[]): string {
  const dir = tempDir('compare');
  dirs.push(dir);
  const entries = jobs.map((j) => {
    const id = `seed=${j.seed},featureSource=${j.source}${j.spsa === false ? ',enabled=false' : ''}`;
    const config = resolveConfig({
      seed: j.seed,
      photonic: { featureSource: j.source as never, ...(j.shots ? { shots: j.shots } : {}) },
      spsa: { enabled: j.spsa ?? true },
    });
    mkdirSync(join(dir, 'jobs', id), { recursive: true });
    writeFileSync(join(dir, 'jobs', id, 'manifest.json'), JSON.stringify({ command: 'distill', config, status: 'finished' }));
    writeFileSync(
      join(dir, 'jobs', id, 'metrics.jsonl'),
      `${JSON.stringify({ kind: 'eval', phase: 'student', split: 'test', loss: j.loss, accuracy: j.accuracy, count: 1000 })}\n`,
    );
    const results = {
      command: 'distill',
      dataset: 'mnist',
      datasetLabel: 'MNIST',
      teacher: { valAccuracy: 0.99, testAccuracy: 0.99, parameters: 1000 },
      student: { valAccuracy: j.accuracy, testAccuracy: j.accuracy, exactFeatureTestAccuracy: null, compiledTestAccuracy: j.accuracy },
      accounting: null,
      shots: config.photonic.shots,
      ema: true,
      emaBeta: 0.9,
      featureSource: j.source,
      theta: [],
      exportFeature: [],
      exactFeature: null,
      featureRmsError: null,
      weightsSha256: '0',
      wallSeconds: 1,
    };
    return { id, overrides: { seed: j.seed, 'photonic.featureSource': j.source }, status: 'finished', results };
  });
  writeFileSync(join(dir, 'sweep.json'), JSON.stringify({ axes: {}, jobs: entries }));
  return dir;
}

describe('pqkd compare', () => {
  it('prints paired differences with intervals and Holm-corrected p-values, and writes compare.json and the forest plot', () => {
    const acc = { photonic: [0.95, 0.94, 0.96, 0.955], 'fixed-random': [0.94, 0.935, 0.95, 0.948], distinguishable: [0.951, 0.942, 0.958, 0.957] } as const;
    const jobs = Object.entries(acc).flatMap(([source, values]) => values.map((a, seed) => ({ source, seed, accuracy: a, loss: 1 - a })));
    const a = fakeSweep(jobs);
    const b = fakeSweep([0, 1, 2, 3].map((seed) => ({ source: 'photonic', spsa: false, seed, accuracy: acc.photonic[seed]! - 0.001, loss: 0.05 })));
    const r = pqkd(['compare', a, b, '--resamples', '1000']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/paired differences \(arm − photonic\) over 4 seeds/);
    expect(r.stdout).toMatch(/fixed-random\s+4\s+94\.33\s+95\.13\s+-0\.80/);
    expect(r.stdout).toMatch(/photonic --no-spsa\s+4/);
    expect(r.stdout).toMatch(/test loss/);
    const json = JSON.parse(readFileSync(join(a, 'compare.json'), 'utf8'));
    const fixed = json.comparisons.find((c: { arm: string; metric: string }) => c.arm === 'fixed-random' && c.metric === 'accuracy');
    // Differences −1, −0.5, −1, −0.7 points: mean −0.8, sd 0.2449…; t = −0.8/(sd/2).
    expect(fixed.mean).toBeCloseTo(-0.8, 10);
    expect(fixed.t.statistic).toBeCloseTo(-0.8 / (Math.sqrt((0.2 ** 2 * 2 + 0.3 ** 2 + 0.1 ** 2) / 3) / 2), 8);
    expect(fixed.tPHolm).toBeGreaterThanOrEqual(fixed.t.p);
    expect(existsSync(join(a, 'plots', 'compare-forest.svg'))).toBe(true);
    expect(readFileSync(join(a, 'report.html'), 'utf8')).toMatch(/forest plot/);
    const asJson = pqkd(['compare', a, b, '--resamples', '1000', '--json']);
    expect(JSON.parse(asJson.stdout).reference).toBe('photonic');
  });

  it('refuses bad input with one line, exit 2, and writes nothing', () => {
    const oneSeed = fakeSweep([
      { source: 'photonic', seed: 0, accuracy: 0.9, loss: 0.3 },
      { source: 'fixed-random', seed: 0, accuracy: 0.9, loss: 0.3 },
    ]);
    const unpaired = fakeSweep([
      { source: 'photonic', seed: 0, accuracy: 0.9, loss: 0.3 },
      { source: 'photonic', seed: 1, accuracy: 0.9, loss: 0.3 },
      { source: 'fixed-random', seed: 0, accuracy: 0.9, loss: 0.3 },
      { source: 'fixed-random', seed: 2, accuracy: 0.9, loss: 0.3 },
    ]);
    const mixed = fakeSweep([
      { source: 'photonic', seed: 0, accuracy: 0.9, loss: 0.3 },
      { source: 'photonic', seed: 1, accuracy: 0.9, loss: 0.3, shots: 16 },
    ]);
    const notSweep = tempDir('compare-empty');
    dirs.push(notSweep);
    const cases: [string[], RegExp][] = [
      [[oneSeed], /the reference 'photonic' has 1 seed \(0\); a paired comparison needs at least 2/],
      [[unpaired], /arm 'fixed-random' has seeds \[0, 2\] and the reference 'photonic' has \[0, 1\]: they do not pair/],
      [[mixed], /differ in more than seed, feature source and --spsa/],
      [[notSweep], /not a sweep directory \(no sweep.json/],
      [[unpaired, '--reference', 'exact'], /--reference 'exact' has no finished runs \(arms: photonic, fixed-random\)/],
      [[], /expected at least one sweep directory/],
    ];
    for (const [args, message] of cases) {
      const r = pqkd(['compare', ...args]);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n').length).toBe(1);
      expect(r.stderr).toMatch(message);
    }
    for (const d of [oneSeed, unpaired, mixed, notSweep])
      expect(readdirSync(d).filter((f) => f === 'compare.json' || f === 'report.html' || f === 'plots')).toEqual([]);
  });
});
