// pqkd ema-stats: the measured EMA variance ratio next to its theory, as a table and as JSON; bad input exits 2.
import { describe, expect, it } from 'vitest';
import { emaStatsCommand } from '../../src/cli/commands/ema-stats.js';
import { pqkd } from './helpers.js';

/** Runs the command in-process and returns what it printed. */
async function run(args: string[]): Promise<string> {
  let out = '';
  await emaStatsCommand(args, { print: (t) => (out += t), kernels: () => 'js' });
  return out;
}

interface Row {
  shots: number;
  beta: number;
  ratio: { mean: number; standardError: number };
  ratioAboutExact: { mean: number; standardError: number };
  theory: number;
  finiteWindow: number;
  aboutExactExpected: number;
}

describe('pqkd ema-stats', () => {
  it('prints, per S and β, the measured ratio with its standard error next to (1−β)/(1+β) and the finite-window expectation', async () => {
    const out = JSON.parse(
      await run(['--modes', '8', '--loops', '1,2', '--shots', '50,200', '--beta', '0.8,0.9', '--steps', '600', '--windows', '6', '--json']),
    ) as { steps: number; windows: number; burnIn: number; results: Row[] };
    expect([out.steps, out.windows, out.burnIn]).toEqual([600, 6, 50]);
    expect(out.results.map((x) => [x.shots, x.beta])).toEqual([
      [50, 0.8],
      [50, 0.9],
      [200, 0.8],
      [200, 0.9],
    ]);
    for (const x of out.results) {
      expect(x.theory).toBeCloseTo((1 - x.beta) / (1 + x.beta), 12);
      expect(x.finiteWindow).toBeLessThan(x.theory);
      expect(Math.abs(x.ratio.mean - x.finiteWindow)).toBeLessThan(4 * x.ratio.standardError);
      expect(Math.abs(x.ratioAboutExact.mean - x.aboutExactExpected)).toBeLessThan(4 * x.ratioAboutExact.standardError);
    }
    const table = await run(['--modes', '6', '--loops', '1', '--steps', '100', '--windows', '2']);
    expect(table).toContain('2 windows × 100 recorded steps after 50 burn-in steps');
    expect(table).toMatch(/\n200 \| 0\.9 \| 0\.\d{4} ± 0\.\d+ \| 0\.\d{4} \| 0\.0526 \|/);
  });

  it('bad input: one line naming the flag, exit 2', async () => {
    const r = pqkd(['ema-stats', '--beta', '1']);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^pqkd ema-stats: --beta: expected comma-separated numbers in \[0, 1\), got '1'$/m);
    for (const [args, pattern] of [
      [['--beta', '0.9,'], /--beta: expected comma-separated numbers/],
      [['--steps', '1'], /--steps: expected an integer in \[2, /],
      [['--windows', '1'], /--windows: expected an integer in \[2, /],
      [['--shots', '0'], /--shots: expected positive integers, got 0/],
      [['--modes', '6', '--loops', '9'], /--loops: /],
    ] as const) {
      await expect(run([...args]), args.join(' ')).rejects.toThrow(pattern);
    }
  });
});
