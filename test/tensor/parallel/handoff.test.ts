import { describe, expect, it } from 'vitest';
import { availableParallelism } from 'node:os';
import { spinAllowed, spinUntil } from '../../../src/tensor/parallel/handoff.js';

describe('hand-off busy-waits', () => {
  it('spinUntil returns true as soon as the condition holds, and false once the budget is spent', () => {
    let polls = 0;
    expect(spinUntil(() => ++polls === 500, 10_000)).toBe(true);
    expect(polls).toBe(500); // stopped at the first true poll
    const start = performance.now();
    expect(spinUntil(() => false, 2)).toBe(false);
    expect(performance.now() - start).toBeGreaterThanOrEqual(2); // spent its budget (no upper bound: that would time the machine)
  });

  it('spinAllowed: only while the pool has no more threads than the machine has cores', () => {
    const cores = availableParallelism();
    expect(spinAllowed(1)).toBe(true);
    expect(spinAllowed(cores)).toBe(true);
    expect(spinAllowed(cores + 1)).toBe(false);
  });
});
