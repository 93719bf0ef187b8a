import { describe, expect, it } from 'vitest';
import { zeros } from '../../src/tensor/create.js';
import {
  CosineAnnealingLR, LinearWarmup, Parameter, SGD, SequentialLR, StepLR, warmupCosine, type LRScheduler,
} from '../../src/nn/index.js';

const makeOpt = (lr = 0.1): SGD => new SGD([new Parameter(zeros([1]))], { lr });

/** The optimiser's lr at construction and after each of `n` steps. */
function trace(s: LRScheduler, n: number): number[] {
  const out = [s.optimizer.lr];
  for (let i = 0; i < n; i++) {
    s.step();
    out.push(s.optimizer.lr);
  }
  return out;
}

function expectCloseList(got: number[], want: number[]): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => expect(g, `epoch ${i}`).toBeCloseTo(want[i]!, 14));
}

describe('schedules', () => {
  it('StepLR: 0.1·0.5^⌊e/3⌋', () => {
    expectCloseList(trace(new StepLR(makeOpt(), { stepSize: 3, gamma: 0.5 }), 7), [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025]);
  });

  it('CosineAnnealingLR: half cosine from 0.1 to ηmin over tMax, symmetric beyond', () => {
    const s = new CosineAnnealingLR(makeOpt(), { tMax: 4, etaMin: 0.02 });
    const mid = 0.02 + 0.08 * (1 + Math.SQRT1_2) / 2; // e = 1: cos(π/4)
    expectCloseList(trace(s, 8), [0.1, mid, 0.06, 0.12 - mid, 0.02, 0.12 - mid, 0.06, mid, 0.1]);
  });

  it('LinearWarmup: from startFactor·base to base over warmupSteps, then constant', () => {
    expectCloseList(trace(new LinearWarmup(makeOpt(), { warmupSteps: 4, startFactor: 0.2 }), 6), [0.02, 0.04, 0.06, 0.08, 0.1, 0.1, 0.1]);
    expect(new LinearWarmup(makeOpt(0.3), { warmupSteps: 2 }).getLastLr()).toBeCloseTo(0.1, 15); // default startFactor 1/3
  });

  it('warmupCosine chains a warm-up and a cosine that restarts its epoch count at the milestone', () => {
    const s = warmupCosine(makeOpt(), { warmupSteps: 2, totalSteps: 6, startFactor: 0.5 });
    const cos = (e: number): number => (0.1 * (1 + Math.cos((Math.PI * e) / 4))) / 2;
    expectCloseList(trace(s, 7), [0.05, 0.075, cos(0), cos(1), cos(2), cos(3), cos(4), cos(5)]);
  });

  it('SequentialLR builds on the optimiser\'s initial lr, whatever the sub-schedulers set while constructed', () => {
    const opt = makeOpt(1);
    const warm = new LinearWarmup(opt, { warmupSteps: 3, startFactor: 0.1 }); // sets lr to 0.1
    const step = new StepLR(opt, { stepSize: 2, gamma: 0.1 }); // must still decay from 1, not 0.1
    const seq = new SequentialLR(opt, { schedulers: [warm, step], milestones: [3] });
    expectCloseList(trace(seq, 6), [0.1, 0.4, 0.7, 1, 1, 0.1, 0.1]);
  });

  it('stateDict/loadStateDict resume a schedule exactly and set the optimiser lr', () => {
    const a = warmupCosine(makeOpt(), { warmupSteps: 3, totalSteps: 20 });
    trace(a, 7);
    const opt = makeOpt();
    const b = warmupCosine(opt, { warmupSteps: 3, totalSteps: 20 });
    b.loadStateDict(a.stateDict());
    expect(opt.lr).toBe(a.optimizer.lr);
    expect(trace(b, 5)).toEqual(trace(a, 5));
    expect(() => new StepLR(makeOpt(), { stepSize: 3 }).loadStateDict(a.stateDict())).toThrow(/StepLR.loadStateDict: expected a StepLR state dict, got "SequentialLR"/);
    const other = warmupCosine(makeOpt(), { warmupSteps: 3, totalSteps: 30 });
    expect(() => other.loadStateDict(a.stateDict())).toThrow(/SequentialLR.loadStateDict: options differ/);
  });

  it('validates options', () => {
    const opt = makeOpt();
    expect(() => new StepLR(opt, { stepSize: 0 })).toThrow(/StepLR: stepSize must be a positive integer, got 0/);
    expect(() => new CosineAnnealingLR(opt, { tMax: 2.5 })).toThrow(/CosineAnnealingLR: tMax must be a positive integer/);
    expect(() => new LinearWarmup(opt, { warmupSteps: 3, startFactor: 2 })).toThrow(/LinearWarmup: startFactor must be a finite number in \[0, 1\]/);
    expect(() => warmupCosine(opt, { warmupSteps: 5, totalSteps: 5 })).toThrow(/warmupCosine: totalSteps must be an integer > warmupSteps \(5\), got 5/);
    const w = new LinearWarmup(opt, { warmupSteps: 3 });
    expect(() => new SequentialLR(opt, { schedulers: [w, w], milestones: [] })).toThrow(/SequentialLR: milestones must be 1 increasing positive integers/);
    expect(() => new SequentialLR(makeOpt(), { schedulers: [w], milestones: [] })).toThrow(/every scheduler must drive the same optimizer/);
    expect(() => new StepLR({} as never, { stepSize: 1 })).toThrow(/StepLR: optimizer must be an Optimizer/);
  });
});
