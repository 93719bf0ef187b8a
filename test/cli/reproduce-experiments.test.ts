// The experiment definitions in experiments/: each is valid (every job's config resolves), has the
// grid, seeds and recipe issue 14 asks for, and every paper number it cites is one transcribed in
// docs/method.md §10 (none invented); bad definitions are refused naming the file and the field.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CliError } from '../../src/cli/errors.js';
import { experimentJobs, listExperiments, loadExperiment, validateExperiment } from '../../src/cli/reproduce/experiment.js';
import { ROOT } from './helpers.js';

const DIR = join(ROOT, 'experiments');
const method = readFileSync(join(ROOT, 'docs', 'method.md'), 'utf8');
const section10 = method.slice(method.indexOf('## 10.'), method.indexOf('## 11.'));

describe('experiment definitions', () => {
  it('are the seven named experiments', () => {
    expect(listExperiments(DIR)).toEqual(['controls', 'ema-ratio', 'frontier', 'shots-ema', 'table1-cifar10', 'table1-fashion-mnist', 'table1-mnist']);
  });

  it('each loads, and its paper numbers are the ones in docs/method.md §10 (or null)', () => {
    expect(section10.length).toBeGreaterThan(500);
    for (const name of listExperiments(DIR)) {
      const def = loadExperiment(name, DIR);
      expect(def.paper.source.length).toBeGreaterThan(10);
      for (const v of def.paper.values) {
        if (v.value === null) continue;
        const text = Math.abs(v.value).toFixed(v.unit === '%' || v.unit === '×' || v.unit === 'points' ? 2 : String(Math.abs(v.value)).split('.')[1]!.length);
        expect(section10, `${name}: ${v.label} = ${v.value}`).toContain(text);
      }
    }
  });

  it('table 1 runs the full recipe over 5 seeds', () => {
    for (const name of ['table1-mnist', 'table1-fashion-mnist']) {
      const jobs = experimentJobs(loadExperiment(name, DIR));
      expect(jobs.map((j) => j.seed)).toEqual([0, 1, 2, 3, 4]);
      for (const { config: c } of jobs) {
        expect([c.teacher.epochs, c.student.epochs, c.data.trainLimit, c.data.testLimit]).toEqual([10, 10, 0, 0]);
        expect([c.student.scope, c.student.rank, c.photonic.shots]).toEqual(['partial', 4, 200]);
      }
    }
    expect(experimentJobs(loadExperiment('table1-cifar10', DIR))[0]!.config.dataset).toBe('cifar10');
  });

  it('controls: ten arms × 5 seeds, one student budget, the table-1 teachers', () => {
    const jobs = experimentJobs(loadExperiment('controls', DIR));
    const arms = new Set(jobs.map((j) => `${j.config.photonic.featureSource}${j.config.spsa.enabled ? '' : ' --no-spsa'}`));
    expect([...arms].sort()).toEqual(
      [
        'bernoulli',
        'distinguishable',
        'exact',
        'fixed-random',
        'learned',
        'learned-adam',
        'learned-count-matched',
        'matched-noise',
        'photonic',
        'photonic --no-spsa',
      ].sort(),
    );
    expect(jobs).toHaveLength(50);
    expect(new Set(jobs.map((j) => j.config.student.epochs)).size).toBe(1);
    const table1 = experimentJobs(loadExperiment('table1-mnist', DIR));
    for (const j of jobs) {
      const t = table1.find((x) => x.seed === j.seed)!.config;
      expect({ ...j.config.teacher, d: j.config.data }).toEqual({ ...t.teacher, d: t.data });
    }
  });

  it('shots-ema: S ∈ {16, 64, 200, 1024} × EMA on/off × 3 seeds plus exact; frontier: widths, ranks × scopes, loops × 3 seeds', () => {
    const shots = experimentJobs(loadExperiment('shots-ema', DIR));
    const photonic = shots.filter((j) => j.config.photonic.featureSource === 'photonic');
    expect(new Set(photonic.map((j) => `${j.config.photonic.shots}/${j.config.ema.enabled}`)).size).toBe(8);
    expect(shots.filter((j) => j.config.photonic.featureSource === 'exact').map((j) => j.seed)).toEqual([0, 1, 2]);
    expect(shots).toHaveLength(27);
    const frontier = experimentJobs(loadExperiment('frontier', DIR));
    const configs = new Set(
      frontier.map((j) => `${j.config.teacher.width}/${j.config.student.rank}/${j.config.student.scope}/${j.config.photonic.loopLengths.join('-')}`),
    );
    for (const c of ['16/4/full/1-2', '48/4/full/1-2', '32/2/partial/1-2', '32/9/full/1-2', '32/4/partial/1', '32/4/partial/1-2-4'])
      expect(configs).toContain(c);
    expect(configs.size).toBe(10); // 3 + 6 + 3 with two configs shared between the grids
    expect(frontier).toHaveLength(30);
  });

  it('refuses bad definitions naming the field', () => {
    const good = JSON.parse(readFileSync(join(DIR, 'table1-mnist.json'), 'utf8')) as Record<string, unknown>;
    const bad = (patch: Record<string, unknown>, message: RegExp): void => {
      expect(() => validateExperiment({ ...good, ...patch }, 'x.json')).toThrow(CliError);
      expect(() => validateExperiment({ ...good, ...patch }, 'x.json')).toThrow(message);
    };
    bad({ extra: 1 }, /x\.json: extra: unknown field/);
    bad({ grid: [{ seed: [1] }] }, /seed: put the seeds in "seeds"/);
    bad({ grid: [{ 'student.rnak': [1] }] }, /student\.rnak/);
    bad({ seeds: [0, 0] }, /seeds: expected distinct seeds/);
    bad({ config: { student: { rank: 0 } } }, /config\.student\.rank/);
    bad({ paper: { source: 'x', values: [{ key: 'a', label: 'a', unit: '%', source: 's', value: 'high' }] } }, /paper\.values\[0\]\.value/);
  });
});
