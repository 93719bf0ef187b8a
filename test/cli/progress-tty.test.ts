// Terminal progress (issue 15): on a terminal every long phase shows progress — cli-progress bars for
// the training steps and the SPSA updates (drawn on stderr with cursor controls), a status line for the
// dataset checks, the logit cache and the evaluations; with --quiet only the final result line; when
// stdout is not a terminal, plain lines and never a bar. The terminal is faked: process.stdout.isTTY
// and process.stderr.isTTY set to true, and what main() writes captured in-process.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanup, mainInProcess, tempDir, TINY } from './helpers.js';

const root = tempDir('progress-tty');
afterAll(() => cleanup(root));

const FLAGS = TINY.filter((f) => f !== '--quiet');
const ESC = '\u001b[';

async function runOn(terminal: boolean, name: string, extra: string[] = []) {
  const saved = [process.stdout.isTTY, process.stderr.isTTY];
  process.stdout.isTTY = terminal;
  process.stderr.isTTY = terminal;
  try {
    return await mainInProcess(['distill', ...FLAGS, ...extra, '--out', join(root, name)]);
  } finally {
    [process.stdout.isTTY, process.stderr.isTTY] = saved as [boolean, boolean];
  }
}

describe('progress on a terminal', () => {
  it('draws bars for training and SPSA and names every other long phase', async () => {
    const { code, stdout, stderr } = await runOn(true, 'tty');
    expect(code, stderr).toBe(0);
    // The bars are redrawn in place with cursor controls, on stderr.
    expect(stderr).toContain(ESC);
    expect(stderr).toMatch(/teacher epoch 1 \|.*\| \d+\/\d+ steps/);
    expect(stderr).toMatch(/student epoch 2 \|.*\| \d+\/\d+ steps/);
    expect(stderr).toMatch(/student epoch \d SPSA \|.*\| [12]\/2 updates/);
    for (const phase of [
      'loading and verifying the datasets…',
      'evaluating the teacher on the validation split…',
      'student: caching the teacher logits…',
      'evaluating the student and the teacher on the test split…',
    ])
      expect(stdout, phase).toContain(phase);
    // Bars replace the plain per-update lines of non-terminal output.
    expect(stdout).not.toMatch(/^spsa update \d+:/m);
  });

  it('--quiet on a terminal prints the result line and nothing else', async () => {
    const { code, stdout, stderr } = await runOn(true, 'quiet', ['--quiet']);
    expect(code, stderr).toBe(0);
    expect(stderr).toBe('');
    expect(stdout.trim().split('\n')).toHaveLength(1);
    expect(stdout).not.toContain('…');
  });

  it('without a terminal: plain lines, no bar and no cursor control', async () => {
    const { code, stdout, stderr } = await runOn(false, 'pipe');
    expect(code, stderr).toBe(0);
    expect(stderr).not.toContain(ESC);
    expect(stdout).not.toContain(ESC);
    expect(stdout).not.toMatch(/\|[░█]+\|/);
    expect(stdout).toMatch(/^spsa update 1: f\+ /m);
    expect(stdout).toContain('evaluating the student and the teacher on the test split…');
  });
});
