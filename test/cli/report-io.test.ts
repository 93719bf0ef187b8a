import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildReport, loadRunDir, writeReport } from '../../src/cli/report/index.js';
import { CliError } from '../../src/cli/errors.js';
import { fakeManifest, fakeMetrics, fakeResults, shotSweep, writeRunDir } from './report-fixtures.js';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'pqkd-report-'));
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

/** Every file under dir, relative paths. */
function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath ?? (d as unknown as { path: string }).path, d.name).slice(dir.length + 1))
    .sort();
}

describe('writeReport', () => {
  it('writes report.html and one plots/<name>.svg per chart with data, leaving no temp file', async () => {
    const dir = writeRunDir(join(root, 'run'), { manifest: fakeManifest(), metrics: fakeMetrics(), results: fakeResults() });
    const written = await writeReport(dir);
    expect(listFiles(dir)).toEqual([
      'manifest.json',
      'metrics.jsonl',
      'plots/click-histogram.svg',
      'plots/spsa-movement.svg',
      'plots/spsa-trace.svg',
      'plots/training-curves.svg',
      'report.html',
      'results.json',
    ]);
    expect(written.htmlPath).toBe(join(dir, 'report.html'));
    expect(Object.keys(written.plots).sort()).toEqual(['click-histogram', 'spsa-movement', 'spsa-trace', 'training-curves']);
    for (const path of Object.values(written.plots)) expect(readFileSync(path, 'utf8').startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    // The file is exactly what buildReport makes of the loaded directory.
    const html = readFileSync(written.htmlPath, 'utf8');
    expect(html).toBe((await buildReport(loadRunDir(dir))).html);
    expect(html.match(/<svg/g)).toHaveLength(4);
    expect(written.skipped.map((s) => s.name)).toEqual(['compression-frontier', 'accuracy-vs-shots', 'feature-error-vs-shots', 'compare-forest']);
  });

  it('removes plots of charts that no longer apply when the report is rebuilt', async () => {
    const dir = writeRunDir(join(root, 'rebuilt'), { manifest: fakeManifest(), metrics: fakeMetrics(), results: fakeResults() });
    await writeReport(dir);
    rmSync(join(dir, 'metrics.jsonl'));
    const again = await writeReport(dir);
    expect(Object.keys(again.plots)).toEqual(['click-histogram']);
    expect(readdirSync(join(dir, 'plots'))).toEqual(['click-histogram.svg']);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('metrics.jsonl has no epoch lines');
  });

  it('reports a sweep directory that has only sweep.json', async () => {
    const dir = writeRunDir(join(root, 'sweep'), { sweep: shotSweep() });
    const written = await writeReport(dir);
    expect(Object.keys(written.plots)).toEqual(['accuracy-vs-shots', 'feature-error-vs-shots']);
    expect(listFiles(dir)).toEqual(['plots/accuracy-vs-shots.svg', 'plots/feature-error-vs-shots.svg', 'report.html', 'sweep.json']);
    const input = loadRunDir(dir);
    expect(input.manifest).toBeNull();
    expect(input.results).toBeNull();
    expect(input.metrics).toEqual([]);
    expect(input.sweep!.jobs).toHaveLength(shotSweep().jobs.length);
  });

  it('fails with a CliError naming the file, and leaves no temp file, when report.html cannot be replaced', async () => {
    const dir = writeRunDir(join(root, 'blocked'), { manifest: fakeManifest(), metrics: fakeMetrics(), results: fakeResults() });
    mkdirSync(join(dir, 'report.html', 'occupied'), { recursive: true });
    const error = await writeReport(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).message).toMatch(/^report: cannot write .*report\.html: E[A-Z]+$/);
    expect(listFiles(dir).filter((f) => f.includes('.tmp') || /(^|\/)\./.test(f))).toEqual([]);
  });
});

describe('loadRunDir', () => {
  it('tolerates a half-written last metrics line (a crash mid-append) but not corruption before it', () => {
    const dir = writeRunDir(join(root, 'torn'), { manifest: fakeManifest(), metrics: fakeMetrics(1, 0) });
    const path = join(dir, 'metrics.jsonl');
    const good = readFileSync(path, 'utf8');
    writeFileSync(path, `${good}{"kind":"epo`);
    expect(loadRunDir(dir).metrics).toHaveLength(good.trim().split('\n').length);
    writeFileSync(path, `{"kind":"epo\n${good}`);
    expect(() => loadRunDir(dir)).toThrow(/metrics\.jsonl: line 1: expected one JSON metric object per line/);
  });

  it('rejects a missing directory, a directory that is not a run, and unreadable JSON', () => {
    expect(() => loadRunDir(join(root, 'nope'))).toThrow(CliError);
    expect(() => loadRunDir(join(root, 'nope'))).toThrow(/expected a run directory, got nothing/);
    const empty = join(root, 'empty');
    mkdirSync(empty);
    expect(() => loadRunDir(empty)).toThrow(/not a run directory \(expected manifest\.json or sweep\.json\)/);
    writeFileSync(join(empty, 'manifest.json'), '{ not json');
    expect(() => loadRunDir(empty)).toThrow(/manifest\.json: expected a JSON file, could not parse it/);
    writeFileSync(join(empty, 'manifest.json'), JSON.stringify(fakeManifest()));
    writeFileSync(join(empty, 'sweep.json'), JSON.stringify({ axes: {} }));
    expect(() => loadRunDir(empty)).toThrow(/sweep\.json: expected \{ axes, jobs: \[\.\.\.\] \}/);
    expect(existsSync(join(empty, 'report.html'))).toBe(false);
  });
});

describe('loadRunDir with a teacher from another run', () => {
  it('adds the teacher run epoch lines for the training curves, without touching metrics.jsonl', () => {
    const teacherDir = writeRunDir(join(root, 'teacher-run'), {
      manifest: fakeManifest(),
      metrics: fakeMetrics(2, 0).filter((l) => l.kind === 'epoch' && l.phase === 'teacher'),
    });
    const studentMetrics = fakeMetrics(2, 1).filter((l) => !(l.kind === 'epoch' && l.phase === 'teacher'));
    const dir = writeRunDir(join(root, 'student-run'), {
      manifest: fakeManifest({ teacherCheckpoint: join(teacherDir, 'checkpoint.safetensors') }),
      metrics: studentMetrics,
      results: fakeResults(),
    });
    const input = loadRunDir(dir);
    expect(input.metrics.filter((l) => l.kind === 'epoch' && l.phase === 'teacher')).toHaveLength(2);
    expect(readFileSync(join(dir, 'metrics.jsonl'), 'utf8')).not.toContain('"phase":"teacher"');
  });
});
