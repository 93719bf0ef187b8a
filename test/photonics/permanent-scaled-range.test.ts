/**
 * permanentRepeated at the edges of float64 (./permanent-scaled.ts `naturalScale`): entries whose row or
 * column sums overflow are still scaled (the norms taken of M·2^−k), so a permanent beyond float64 raises
 * the documented RangeError instead of coming back as 0 (with multiplicities ≥ 2 such sums can only come
 * from two entries near 2^1023, so |Per| is beyond float64 unless it cancels); a NaN or infinite entry gives
 * NaN, never a silent 0. Found by the sampled
 * mutation run of session 17 (reports/mutation/README.md).
 */
import { describe, expect, it } from 'vitest';
import { cmatrixFrom } from '../../src/photonics/complex-matrix.js';
import { permanentRepeated } from '../../src/photonics/permanent-repeated.js';
import { naturalScale } from '../../src/photonics/permanent-scaled.js';

const view = (re: number[], p: number, q: number, mu: number[], nu: number[]) =>
  ({ p, q, re: Float64Array.from(re), im: new Float64Array(re.length), rowStride: q, colStride: 1, mu, nu });

describe('permanentRepeated near the top of float64', () => {
  it('a permanent beyond float64 whose norms overflow raises the RangeError (it returned 0)', () => {
    // the 1×2 row [1e308, 1e308] taken twice: B = [[a, a], [a, a]], Per = 2a², log2 = 1 + 2·log2(1e308)
    const log2 = Math.round(1 + 2 * Math.log2(1e308));
    expect(() => permanentRepeated(cmatrixFrom(1, 2, [1e308, 1e308]), [2], [1, 1]))
      .toThrow(`permanentRepeated: the permanent for multiplicities [2] × [1, 1] is ≈ 2^${log2}, beyond float64`);
    // the same entries with the column taken twice instead: B = [[a, a], [−a, −a]], Per = −2a²
    expect(() => permanentRepeated(cmatrixFrom(2, 1, [1e308, -1e308]), [1, 1], [2]))
      .toThrow(`permanentRepeated: the permanent for multiplicities [1, 1] × [2] is ≈ 2^${log2}, beyond float64`);
  });

  it('the scale carries 2^k when the norms overflow: log2 S = N·log2 c exactly as for the unscaled block', () => {
    // M = 2^1000·[[1, 1], [1, 1]]: c = 2·2^1000 (‖M‖₁ = ‖M‖∞ = 2^1001), S = c^2·√(1·1) = 2^2002
    const big = naturalScale(view([2 ** 1000, 2 ** 1000, 2 ** 1000, 2 ** 1000], 2, 2, [1, 1], [1, 1]), 2, false);
    expect(big.nonzero).toBe(true);
    expect(big.log2).toBe(2002);
    // 2^1023·[[1.5, 1.5]] repeated twice: the row sum 3·2^1023 overflows, c = √(1.5·2^1023 · 3·2^1023)
    const over = naturalScale(view([1.5 * 2 ** 1023, 1.5 * 2 ** 1023], 1, 2, [2], [1, 1]), 2, false);
    expect(over.nonzero && !over.nonFinite).toBe(true);
    expect(over.log2).toBeCloseTo(2 * (1023 + 0.5 * Math.log2(1.5 * 3)) + 0.5, 12); // c^2·√(2!·1!·1!)
  });

  it('a NaN or infinite entry in the used block gives NaN (it returned 0); outside the block it is not read', () => {
    for (const bad of [NaN, Infinity, -Infinity]) {
      const per = permanentRepeated(cmatrixFrom(2, 2, [bad, 1, 1, 1]), [2, 1], [1, 2]); // a repeated row and column: the guarded path
      expect(Number.isNaN(per.re) && Number.isNaN(per.im), `${bad}`).toBe(true);
      expect(permanentRepeated(cmatrixFrom(2, 2, [bad, 1, 1, 1]), [0, 2], [0, 2])).toEqual({ re: 2, im: 0 }); // Per of the 2×2 all-ones
    }
  });
});
