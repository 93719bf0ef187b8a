/**
 * scripts/mutate-sample.mjs (issue 20): the sample is reproducible and its batches are disjoint simple
 * random samples of the frame (checked with --plan, which runs no Stryker), and the score with its
 * bootstrap interval is computed as the header says (on synthetic Stryker reports, against the ratio
 * worked out here).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const script = join(process.cwd(), 'scripts/mutate-sample.mjs');
interface Plan { batch: number; frame: number; sample: { path: string; line: number }[] }

function plan(args: string[]): Plan[] {
  const out = execFileSync('node', [script, '--plan', ...args], { encoding: 'utf8' });
  return out.trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Plan);
}

/** The frame written out independently: code lines of the folder's .ts files except index.ts. */
function frameOf(folder: string): string[] {
  return readdirSync(folder).filter((f) => f.endsWith('.ts') && f !== 'index.ts').sort().flatMap((f) =>
    readFileSync(join(folder, f), 'utf8').split('\n').flatMap((text, i) => {
      const t = text.trim();
      const skip = t === '' || t.startsWith('//') || t.startsWith('*') || t.startsWith('/*') || t.startsWith('import ') || /^export .* from /.test(t);
      return skip ? [] : [`${folder}/${f}:${i + 1}`];
    }));
}

describe('mutate-sample', () => {
  it('batches of one seed are disjoint, cover the frame together, and repeat exactly; another seed draws another sample', () => {
    const folder = 'src/photonics';
    const frame = frameOf(folder);
    const lines = 400;
    const batches = plan(['--scope', 'photonics', '--lines', String(lines), '--seed', '17', '--batches', String(Math.ceil(frame.length / lines))]);
    expect(batches.map((b) => b.batch)).toEqual(Array.from({ length: Math.ceil(frame.length / lines) }, (_, k) => k));
    const all = batches.flatMap((b) => b.sample.map((s) => `${s.path}:${s.line}`));
    expect(all.length).toBe(frame.length);
    expect(new Set(all)).toEqual(new Set(frame));
    expect(batches.slice(0, -1).every((b) => b.sample.length === lines)).toBe(true);
    expect(plan(['--scope', 'photonics', '--lines', String(lines), '--seed', '17', '--batch', '2'])[0]).toEqual(batches[2]);
    const other = plan(['--scope', 'photonics', '--lines', String(lines), '--seed', '18'])[0]!;
    expect(other.sample).not.toEqual(batches[0]!.sample);
  });

  it('refuses a batch past the frame and an unknown scope, with exit code 2', () => {
    const past = spawnSync('node', [script, '--plan', '--scope', 'ops', '--batch', '100000'], { encoding: 'utf8' });
    expect(past.status).toBe(2);
    expect(past.stderr).toMatch(/--batch must be an integer in \[0, \d+\) for src\/autograd\/ops, got 100000/);
    const scope = spawnSync('node', [script, '--scope', 'tensors'], { encoding: 'utf8' });
    expect(scope.status).toBe(2);
    expect(scope.stderr).toContain('--scope must be all, kernels, ops, photonics; got tensors');
  });

  it('scores detected / valid over the mutants of the sampled lines, ignoring other statuses, with an interval inside [min, max] of the line ratios', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mutate-sample-'));
    const mutant = (line: number, status: string) => ({ location: { start: { line, column: 1 }, end: { line, column: 2 } }, status });
    // line 1: 3 of 3 detected (Killed, Timeout, Killed); line 2: 1 of 4 (Survived ×2, NoCoverage, Killed); line 3: only Ignored/CompileError
    writeFileSync(join(dir, 'a.json'), JSON.stringify({ files: { 'src/x.ts': { mutants: [mutant(1, 'Killed'), mutant(1, 'Timeout'), mutant(2, 'Survived'), mutant(3, 'Ignored')] } } }));
    writeFileSync(join(dir, 'b.json'), JSON.stringify({ files: { 'src/x.ts': { mutants: [mutant(1, 'Killed'), mutant(2, 'Survived'), mutant(2, 'NoCoverage'), mutant(2, 'Killed'), mutant(3, 'CompileError')] } } }));
    const out = execFileSync('node', [script, '--score', join(dir, 'a.json'), join(dir, 'b.json')], { encoding: 'utf8' });
    const match = /(\d+)\/(\d+) mutants detected on (\d+) lines with mutants: ([\d.]+)% \(95% bootstrap interval over lines ([\d.]+)–([\d.]+)%\)/.exec(out);
    expect(match, out).not.toBeNull();
    const [, detected, valid, units, pct, low, high] = match!;
    expect([Number(detected), Number(valid), Number(units)]).toEqual([4, 7, 2]);
    expect(Number(pct)).toBeCloseTo((100 * 4) / 7, 1);
    // resampling two lines gives ratios between line 2's 25% and line 1's 100%
    expect(Number(low)).toBeGreaterThanOrEqual(25);
    expect(Number(high)).toBeLessThanOrEqual(100);
    expect(Number(low)).toBeLessThan(Number(pct));
    expect(Number(high)).toBeGreaterThan(Number(pct));
  });
});
