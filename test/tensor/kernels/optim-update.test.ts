/**
 * sgdUpdateRange edge cases against the header's per-element rule (torch.optim.SGD): with weight decay
 * λ = 0 the term λ·p is not formed at all (torch skips `grad.add(p, alpha=λ)`), so an infinite or NaN
 * weight does not turn its step into NaN; only [start, end) is touched.
 */
import { describe, expect, it } from 'vitest';
import { sgdUpdateRange, type SgdStepOptions } from '../../../src/tensor/kernels/optim-update.js';

const plain: SgdStepOptions = { lr: 0.5, weightDecay: 0, momentum: 0, dampening: 0, nesterov: false, first: true };

describe('sgdUpdateRange', () => {
  it('weight decay 0 does not form 0·p (infinite weights stay infinite)', () => {
    const p = new Float64Array([Infinity, -Infinity, 2, 7]);
    sgdUpdateRange(p, new Float64Array([1, 1, 4, 1]), undefined, plain, 0, 3);
    expect([...p]).toEqual([Infinity, -Infinity, 0, 7]);
  });

  it('weight decay λ ≠ 0 adds λ·p to the gradient first', () => {
    const p = new Float64Array([2, Infinity]);
    sgdUpdateRange(p, new Float64Array([4, 1]), undefined, { ...plain, weightDecay: 0.25 }, 0, 2);
    expect(p[0]).toBe(-0.25); // 2 − 0.5·(4 + 0.25·2)
    expect(p[1]).toBeNaN(); // ∞ − 0.5·(1 + 0.25·∞) = ∞ − ∞
  });
});
