/**
 * Helpers of SLOS beyond the plain float64 range (slos.ts): exact power-of-two rescaling of a layer,
 * Σ ln s! of an occupation, and the precision guard on a final distribution. Pure functions.
 */
import { unitarityError, type CMatrix } from './complex-matrix.js';
import { logFactorial } from './fock.js';
import type { SlosPlan } from './slos-plan.js';

/** Layers are rescaled by a power of two (exact) once their largest coefficient leaves [2^-256, 2^256]. */
const RESCALE_LOG2 = 256;

/** Power-of-two exponent E accumulated by `slosLayers` rescaling: true coefficients = stored · 2^E. */
export interface SlosScale {
  exponent: number;
}

/** Multiplies v[0 … length) by 2^-e when its largest magnitude 2^e is outside [2^-256, 2^256]. */
export function rescaleLayer(v: Float64Array, length: number, scale: SlosScale): void {
  let largest = 0;
  for (let i = 0; i < length; i++) largest = Math.max(largest, Math.abs(v[i]!));
  if (largest === 0 || !Number.isFinite(largest)) return;
  const e = Math.floor(Math.log2(largest));
  if (Math.abs(e) < RESCALE_LOG2) return;
  const factor = 2 ** -e;
  for (let i = 0; i < length; i++) v[i] = v[i]! * factor;
  scale.exponent += e;
}

/** Σ_j ln s_j! of an occupation. */
export function logFactorialProduct(s: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < s.length; i++) total += logFactorial(s[i]!);
  return total;
}

/**
 * Precision guard for the final probabilities of an unmasked plan: for a unitary U (max |UU† − I| ≤ 1e-10)
 * Σp must be 1 within 1e-6. Interference of many photons sums huge terms of both signs (|n, n⟩ on a
 * 50:50 splitter loses float64 precision from n ≈ 50 on); rather than return wrong numbers, the call
 * fails naming the op. A non-unitary U (a deliberate sub-normalised transfer matrix) is not checked.
 * Cost O(states + m³).
 */
export function checkPrecision(plan: SlosPlan, u: CMatrix, probs: Float64Array, stride: number, op: string): void {
  let total = 0;
  for (let t = 0; t < plan.states; t++) total += probs[stride * t]!;
  if (!(Math.abs(total - 1) <= 1e-6) && unitarityError(u) <= 1e-10) {
    throw new RangeError(`${op}: the probabilities of ${plan.photons} photons in ${plan.modes} modes lost precision (Σp = ${total} for a unitary U): cancellation between large terms exhausted float64`);
  }
}
