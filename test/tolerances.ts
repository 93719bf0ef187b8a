/**
 * Tolerance policy for comparing kernel results with float64 oracles. The ONLY place float32
 * tolerances are defined (docs/engine.md rule 13); tests import these, never ad-hoc numbers.
 *
 * Why these values: every kernel widens float32 inputs to float64 (exactly), accumulates in float64
 * and rounds ONCE when it stores. Against an oracle that computes the same sum in float64 from the
 * same float32 inputs, a float32 result is therefore within half a float32 ulp of the oracle plus the
 * float64 summation-order error. Hence:
 *  - FLOAT32_RTOL = 2^-23: one float32 ulp relative to |expected| (twice the rounding bound, so a
 *    result sitting on a rounding boundary after a differently-ordered float64 sum still passes).
 *  - FLOAT64_RTOL = 1e-12: float64 sums of up to ~10^3 terms in a different order differ by at most
 *    ~n·2^-53 ≈ 1e-13 relative to Σ|terms|; 1e-12 leaves a 10× margin.
 *  - SUM_ABS_RTOL = 1e-12: applied to Σ|terms| (the magnitude of the sum before cancellation), which
 *    bounds float64 reordering error when the result itself is near zero.
 * Transcendentals (exp/log in log-softmax) add a few float64 ulps: TRANSCENDENTAL_RTOL = 1e-13.
 */
export const FLOAT32_RTOL = 2 ** -23;
export const FLOAT64_RTOL = 1e-12;
export const SUM_ABS_RTOL = 1e-12;
export const TRANSCENDENTAL_RTOL = 1e-13;

/** Relative tolerance for results stored in the given dtype. */
export function rtolFor(dtype: 'float32' | 'float64'): number {
  return dtype === 'float32' ? FLOAT32_RTOL : FLOAT64_RTOL;
}

/**
 * The WebAssembly SIMD sgemm (PQKD_KERNELS=simd, all-float32 problems) accumulates in float32: each
 * of the k products and sums rounds once, so by the standard summation bound the result is within
 * (k + 3)·2^-24·(|α|·Σ_p|a_ip·b_pj| + |β·c_ij|) of the exact value (k + 2 roundings in the sum, one in
 * α·s + β·c, one on store). Tests apply it element by element with that magnitude.
 */
export function simdGemmTolerance(k: number, magnitude: number): number {
  return (k + 3) * 2 ** -24 * magnitude;
}
