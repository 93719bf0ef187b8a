/**
 * Optimisers against their update rules written out independently (torch.optim documentation
 * pseudo-code, float64), on a tiny quadratic f(θ) = ½ Σ aᵢ(θᵢ − cᵢ)² whose gradient a⊙(θ − c) both
 * sides compute the same way. Several steps, random hyperparameters (fast-check).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mul } from '../../src/autograd/ops/mul.js';
import { sum } from '../../src/autograd/ops/sum.js';
import { tensor, zeros } from '../../src/tensor/create.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { Adam, AdamW, Parameter, SGD, type Optimizer } from '../../src/nn/index.js';
import { expectAllClose, expectExactlyEqual } from '../tensor/kernels/helpers.js';

const A = [0.5, 2, 1.25, 3];
const C = [1, -2, 0.5, 0];
const grad = (theta: ArrayLike<number>): number[] => Array.from(theta, (t, i) => A[i]! * (t - C[i]!));
const ONES = new Float64Array(4).fill(1);

/** Runs `steps` optimiser steps on the quadratic from θ0; returns θ after each step. */
function run(make: (p: Parameter) => Optimizer, theta0: number[], steps: number): number[][] {
  const p = new Parameter(tensor(theta0, { dtype: 'float64' }));
  const opt = make(p);
  const out: number[][] = [];
  for (let t = 0; t < steps; t++) {
    p.grad = tensor(grad(p.data), { dtype: 'float64' });
    opt.step();
    out.push(Array.from(p.data));
  }
  return out;
}

const thetaArb = fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 4, maxLength: 4 });

describe('SGD', () => {
  /** torch.optim.SGD documentation: g += λθ; b = μb + (1 − τ)g (b = g at t = 1); g = g + μb or b; θ −= γg. */
  function reference(theta0: number[], steps: number, h: { lr: number; momentum: number; dampening: number; weightDecay: number; nesterov: boolean }): number[][] {
    const theta = [...theta0];
    const b = [0, 0, 0, 0];
    const out: number[][] = [];
    for (let t = 1; t <= steps; t++) {
      const g = grad(theta);
      for (let i = 0; i < 4; i++) {
        let gi = g[i]! + h.weightDecay * theta[i]!;
        if (h.momentum !== 0) {
          b[i] = t > 1 ? h.momentum * b[i]! + (1 - h.dampening) * gi : gi;
          gi = h.nesterov ? gi + h.momentum * b[i]! : b[i]!;
        }
        theta[i] = theta[i]! - h.lr * gi;
      }
      out.push([...theta]);
    }
    return out;
  }

  it('hand-derived: lr 0.1, momentum 0.9 on f = θ² from θ = 1 gives 0.8 then 0.46', () => {
    const p = new Parameter(tensor([1], { dtype: 'float64' }));
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9 });
    for (const expected of [0.8, 0.46]) {
      p.grad = null;
      sum(mul(p, p)).backward(); // g = 2θ through autograd
      opt.step();
      expect(p.data[0]).toBeCloseTo(expected, 15);
    }
  });

  it('matches the documented update for random hyperparameters over 6 steps', () => {
    fc.assert(fc.property(thetaArb, fc.double({ min: 0.001, max: 0.3, noNaN: true }), fc.constantFrom(0, 0.5, 0.9), fc.constantFrom(0, 0.1, 0.5),
      fc.constantFrom(0, 1e-2, 0.3), fc.boolean(), (theta0, lr, momentum, dampening0, weightDecay, nesterov0) => {
        const nesterov = nesterov0 && momentum > 0;
        const dampening = nesterov ? 0 : dampening0;
        const h = { lr, momentum, dampening, weightDecay, nesterov };
        const got = run((p) => new SGD([p], h), theta0, 6);
        reference(theta0, 6, h).forEach((want, t) => expectAllClose(got[t]!, want, 'float64', { magnitude: ONES, what: `SGD step ${t + 1}` }));
      }), { numRuns: 200 });
  });

  it('rejects Nesterov without momentum or with dampening, and bad hyperparameters', () => {
    const p = new Parameter(zeros([2]));
    expect(() => new SGD([p], { lr: 0.1, nesterov: true })).toThrow(/SGD: Nesterov momentum requires momentum > 0 and dampening 0/);
    expect(() => new SGD([p], { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true })).toThrow(/Nesterov/);
    expect(() => new SGD([p], { lr: -1 })).toThrow(/SGD: lr must be a finite number in \[0, ∞\), got -1/);
    expect(() => new SGD([p], { lr: 0.1, momentum: -0.5 })).toThrow(/SGD: momentum must be/);
    expect(() => new SGD([], { lr: 0.1 })).toThrow(/SGD: got an empty parameter list/);
    expect(() => new SGD([p, p], { lr: 0.1 })).toThrow(/SGD: some parameters appear more than once/);
    expect(() => new SGD([zeros([2], { dtype: 'int32' })], { lr: 0.1 })).toThrow(/SGD: params\[0\] must be a float tensor owning its contiguous storage/);
  });
});

describe('Adam and AdamW', () => {
  type H = { lr: number; beta1: number; beta2: number; eps: number; weightDecay: number; amsgrad: boolean };
  /**
   * torch.optim.Adam / AdamW documentation: g += λθ (Adam) or θ −= γλθ (AdamW); m = β1m + (1 − β1)g;
   * v = β2v + (1 − β2)g²; θ −= γ·m̂/(√v̂ + ε) with m̂ = m/(1 − β1ᵗ), v̂ = v/(1 − β2ᵗ). AMSGrad as
   * torch's code computes it (its docs differ): vmax = max(vmax, v), then v̂ = vmax/(1 − β2ᵗ).
   */
  function reference(theta0: number[], steps: number, h: H, decoupled: boolean): number[][] {
    const theta = [...theta0];
    const m = [0, 0, 0, 0];
    const v = [0, 0, 0, 0];
    const vmax = [0, 0, 0, 0];
    const out: number[][] = [];
    for (let t = 1; t <= steps; t++) {
      const g = grad(theta);
      for (let i = 0; i < 4; i++) {
        let gi = g[i]!;
        if (decoupled) theta[i] = theta[i]! - h.lr * h.weightDecay * theta[i]!;
        else gi += h.weightDecay * theta[i]!;
        m[i] = h.beta1 * m[i]! + (1 - h.beta1) * gi;
        v[i] = h.beta2 * v[i]! + (1 - h.beta2) * gi * gi;
        vmax[i] = Math.max(vmax[i]!, v[i]!);
        const mHat = m[i]! / (1 - h.beta1 ** t);
        const vHat = (h.amsgrad ? vmax[i]! : v[i]!) / (1 - h.beta2 ** t);
        theta[i] = theta[i]! - (h.lr * mHat) / (Math.sqrt(vHat) + h.eps);
      }
      out.push([...theta]);
    }
    return out;
  }

  it('hand-derived: the first Adam step moves each coordinate by lr·g/(|g| + ε)', () => {
    const p = new Parameter(tensor([1, -2], { dtype: 'float64' }));
    const opt = new Adam([p], { lr: 0.1 });
    sum(mul(p, p)).backward(); // g = (2, −4)
    opt.step();
    expect(p.data[0]).toBeCloseTo(1 - (0.1 * 2) / (2 + 1e-8), 15);
    expect(p.data[1]).toBeCloseTo(-2 + (0.1 * 4) / (4 + 1e-8), 15);
  });

  const hArb = fc.record({
    lr: fc.double({ min: 1e-4, max: 0.1, noNaN: true }),
    beta1: fc.constantFrom(0, 0.5, 0.9),
    beta2: fc.constantFrom(0.9, 0.99, 0.999),
    eps: fc.constantFrom(1e-8, 1e-3),
    weightDecay: fc.constantFrom(0, 1e-2, 0.2),
    amsgrad: fc.boolean(),
  });

  for (const [name, Cls, decoupled] of [['Adam', Adam, false], ['AdamW', AdamW, true]] as const) {
    it(`${name} matches the documented update for random hyperparameters over 8 steps`, () => {
      fc.assert(fc.property(thetaArb, hArb, (theta0, h) => {
        const got = run((p) => new Cls([p], { ...h, betas: [h.beta1, h.beta2] }), theta0, 8);
        reference(theta0, 8, h, decoupled).forEach((want, t) => expectAllClose(got[t]!, want, 'float64', { magnitude: ONES, what: `${name} step ${t + 1}` }));
      }), { numRuns: 200 });
    });
  }

  it('AdamW defaults to weight decay 0.01, Adam to 0; betas must lie in [0, 1)', () => {
    const p = new Parameter(zeros([2]));
    expect(new AdamW([p]).weightDecay).toBe(0.01);
    expect(new Adam([p]).weightDecay).toBe(0);
    expect(new Adam([p]).lr).toBe(1e-3);
    expect(() => new Adam([p], { betas: [0.9, 1] })).toThrow(/Adam: betas must be in \[0, 1\)/);
    expect(() => new Adam([p], { betas: [0.9] as never })).toThrow(/Adam: betas must be a pair/);
    expect(() => new AdamW([p], { eps: -1 })).toThrow(/AdamW: eps must be/);
  });
});

describe('optimiser mechanics and state', () => {
  it('skips parameters without a gradient, updates in place and bumps the version', () => {
    const a = new Parameter(tensor([1, 2], { dtype: 'float64' }));
    const b = new Parameter(tensor([3], { dtype: 'float64' }));
    const opt = new SGD([a, b], { lr: 0.5 });
    const storage = a.storage;
    const version = a.storage.version;
    a.grad = tensor([1, 1], { dtype: 'float64' });
    opt.step();
    expect(Array.from(a.data)).toEqual([0.5, 1.5]);
    expect(Array.from(b.data)).toEqual([3]);
    expect(a.storage).toBe(storage);
    expect(a.storage.version).toBe(version + 1);
    expect(opt.stateDict().state.map((s) => s?.step ?? null)).toEqual([1, null]);
    opt.zeroGrad();
    expect(a.grad).toBeNull();
  });

  it('refuses a gradient whose shape or dtype differs from its parameter; lr is settable but checked', () => {
    const p = new Parameter(zeros([2]));
    const opt = new Adam([p]);
    p.grad = zeros([3]);
    expect(() => opt.step()).toThrow(/Adam.step: params\[0\] is float32 \[2\] but its grad is float32 \[3\]/);
    opt.lr = 0.5;
    expect(opt.lr).toBe(0.5);
    expect(opt.initialLr).toBe(1e-3);
    expect(() => (opt.lr = Number.NaN)).toThrow(/Adam.lr: lr must be a finite number/);
  });

  const configs: [string, (ps: Parameter[]) => Optimizer][] = [
    ['SGD+Nesterov', (ps) => new SGD(ps, { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-3 })],
    ['Adam+amsgrad', (ps) => new Adam(ps, { lr: 0.01, amsgrad: true, weightDecay: 0.1 })],
    ['AdamW', (ps) => new AdamW(ps, { lr: 0.01 })],
  ];

  for (const [name, make] of configs) {
    it(`${name}: stateDict → loadStateDict into a fresh optimiser resumes bit for bit (float32)`, () => {
      const init = [0.3, -1.2, 2.5, 0.7];
      const straight = new Parameter(tensor(init));
      const first = new Parameter(tensor(init));
      const optStraight = make([straight]);
      const optFirst = make([first]);
      const stepWith = (p: Parameter, o: Optimizer): void => {
        p.grad = tensor(grad(p.data), { dtype: 'float32' });
        o.step();
      };
      for (let t = 0; t < 3; t++) {
        stepWith(straight, optStraight);
        stepWith(first, optFirst);
      }
      const saved = optFirst.stateDict();
      stepWith(first, optFirst); // mutating after the snapshot must not change it
      const resumed = new Parameter(tensor(Array.from(straight.data), { dtype: 'float32' }));
      const optResumed = make([resumed]);
      optResumed.loadStateDict(saved);
      for (let t = 0; t < 4; t++) {
        stepWith(straight, optStraight);
        stepWith(resumed, optResumed);
      }
      expectExactlyEqual(resumed.data, straight.data, `${name} parameters`);
      const [a, b] = [optResumed.stateDict(), optStraight.stateDict()];
      expect(a.hyperparameters).toEqual(b.hyperparameters);
      expect(a.state[0]!.step).toBe(b.state[0]!.step);
      for (const key of Object.keys(b.state[0]!.buffers)) expectExactlyEqual(a.state[0]!.buffers[key]!.data, b.state[0]!.buffers[key]!.data, key);
    });
  }

  it('loadStateDict names what does not match and changes nothing', () => {
    const p = new Parameter(zeros([2]));
    const q = new Parameter(zeros([2]));
    const opt = new Adam([p], { lr: 0.01 });
    p.grad = tensor([1, -1]);
    opt.step();
    const sd = opt.stateDict();
    expect(() => new SGD([p], { lr: 0.1 }).loadStateDict(sd)).toThrow(/SGD.loadStateDict: the state dict is of a "Adam" optimizer, not SGD/);
    expect(() => new Adam([p, q]).loadStateDict(sd)).toThrow(/has state for 1 parameters, this optimizer has 2/);
    expect(() => new Adam([p], { betas: [0.8, 0.999] }).loadStateDict(sd)).toThrow(/hyperparameter beta1 is 0.9 in the state dict but 0.8 in this optimizer/);
    expect(() => new Adam([p]).loadStateDict({ ...sd, hyperparameters: { ...sd.hyperparameters, foo: 1 } })).toThrow(/unknown hyperparameter\(s\) foo/);
    const badBuffer = { ...sd, state: [{ step: 1, buffers: { ...sd.state[0]!.buffers, expAvg: zeros([3]) } }] };
    const target = new Adam([p]);
    expect(() => target.loadStateDict(badBuffer)).toThrow(/state\[0\].expAvg must be float32 \[2\], got float32 \[3\]/);
    expect(() => target.loadStateDict({ ...sd, state: [{ step: 1, buffers: {} }] })).toThrow(/state\[0\] must have buffers expAvg, expAvgSq, got none/);
    expect(target.stateDict().state).toEqual([null]);
    expect(target.lr).toBe(1e-3);
    expect(sd.state[0]!.buffers.expAvg).toBeInstanceOf(Tensor);
  });
});
