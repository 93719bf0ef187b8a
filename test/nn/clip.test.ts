import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tensor, zeros } from '../../src/tensor/create.js';
import { Parameter, clipGradNorm } from '../../src/nn/index.js';

function withGrads(grads: (number[] | null)[]): Parameter[] {
  return grads.map((g) => {
    const p = new Parameter(zeros([g?.length ?? 1], { dtype: 'float64' }));
    p.grad = g === null ? null : tensor(g, { dtype: 'float64' });
    return p;
  });
}

describe('clipGradNorm', () => {
  it('hand-derived: grads (3, 4) and (12) have total L2 norm 13; maxNorm 6.5 halves them (up to the 1e-6)', () => {
    const ps = withGrads([[3, 4], [12]]);
    const version = ps[0]!.grad!.storage.version;
    expect(clipGradNorm(ps, 6.5)).toBe(13);
    const coef = 6.5 / (13 + 1e-6);
    expect(Array.from(ps[0]!.grad!.data)).toEqual([3 * coef, 4 * coef]);
    expect(Array.from(ps[1]!.grad!.data)).toEqual([12 * coef]);
    expect(ps[0]!.grad!.storage.version).toBe(version + 1);
  });

  it('matches the definition on random gradients: total = ‖(‖g₁‖, …)‖, scale min(1, max/(total + 1e-6))', () => {
    const gradsArb = fc.array(fc.option(fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 1, maxLength: 6 }), { nil: null }), { minLength: 1, maxLength: 4 });
    fc.assert(fc.property(gradsArb, fc.double({ min: 0, max: 20, noNaN: true }), fc.constantFrom(1, 2, 3, Infinity), (grads, maxNorm, p) => {
      const ps = withGrads(grads);
      const all = grads.flatMap((g) => g ?? []);
      const expected = p === Infinity ? Math.max(0, ...all.map(Math.abs)) : all.reduce((s, v) => s + Math.abs(v) ** p, 0) ** (1 / p);
      const total = clipGradNorm(ps, maxNorm, { normType: p });
      expect(total).toBeCloseTo(expected, 10);
      const coef = Math.min(1, maxNorm / (total + 1e-6));
      grads.forEach((g, i) => {
        if (g === null) expect(ps[i]!.grad).toBeNull();
        else g.forEach((v, j) => expect(ps[i]!.grad!.data[j]).toBe(v * coef));
      });
    }), { numRuns: 300 });
  });

  it('leaves gradients untouched when the norm is within maxNorm', () => {
    const ps = withGrads([[0.3, -0.4]]);
    const version = ps[0]!.grad!.storage.version;
    expect(clipGradNorm(ps, 1)).toBeCloseTo(0.5, 15);
    expect(Array.from(ps[0]!.grad!.data)).toEqual([0.3, -0.4]);
    expect(ps[0]!.grad!.storage.version).toBe(version);
    expect(clipGradNorm(withGrads([null]), 1)).toBe(0);
  });

  it('non-finite norms: NaN gradients by default, an error with errorIfNonfinite', () => {
    const ps = withGrads([[Infinity, 1]]);
    expect(() => clipGradNorm(ps, 1, { errorIfNonfinite: true })).toThrow(/clipGradNorm: the total norm of order 2 of the gradients is Infinity/);
    expect(clipGradNorm(ps, 1)).toBe(Infinity);
    expect(Array.from(ps[0]!.grad!.data)).toEqual([NaN, 0]);
  });

  it('validates its arguments', () => {
    const ps = withGrads([[1]]);
    expect(() => clipGradNorm(ps, -1)).toThrow(/clipGradNorm: maxNorm must be a number >= 0, got -1/);
    expect(() => clipGradNorm(ps, 1, { normType: 0.5 })).toThrow(/clipGradNorm: normType must be >= 1 or Infinity, got 0.5/);
    expect(() => clipGradNorm([{} as Parameter], 1)).toThrow(/clipGradNorm: params\[0\] must be a Tensor/);
  });
});
