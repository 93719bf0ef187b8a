/**
 * Single transition amplitudes and probabilities of a lossless interferometer (docs/photonics.md §1):
 *   ⟨t|Û|s⟩ = Per(U_{t,s}) / √(Π_i s_i!·Π_j t_j!),  P(t|s) = |Per(U_{t,s})|² / (Π s_i!·Π t_j!),
 * where U_{t,s} repeats row j (output) t_j times and column i (input) s_i times.
 * Collision-free states (every s_i, t_j ≤ 1) take Glynn's permanent of the n×n submatrix (cost ≈ 2^{n−1}·n).
 * Bunched states take the photon-by-photon recursion of ./fock-amplitude.ts (cost ≈ Π_j(t_j + 1)·q on the
 * cheaper side): Glynn's formula with multiplicities (`permanentRepeated`) sums terms of alternating
 * sign that grow like (2·mult)^n, and at |100, 0⟩ → |50, 50⟩ that cancellation leaves no correct digit
 * (it returned a "probability" of 11.8), while the recursion never leaves normalized amplitudes.
 */
import { checkCMatrix, submatrix, type CMatrix } from './complex-matrix.js';
import { checkOccupation } from './fock.js';
import { fockAmplitude } from './fock-amplitude.js';
import { permanentRepeated } from './permanent-repeated.js';
import type { Complex } from './permanent.js';

function occupiedModes(s: ArrayLike<number>): [Int32Array, Int32Array] {
  const idx: number[] = [];
  const mult: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i]! > 0) {
      idx.push(i);
      mult.push(s[i]!);
    }
  }
  return [Int32Array.from(idx), Int32Array.from(mult)];
}

function bunched(s: ArrayLike<number>): boolean {
  for (let i = 0; i < s.length; i++) if (s[i]! > 1) return true;
  return false;
}

/**
 * ⟨output|Û|input⟩ for the m×m transfer matrix U[out, in]; 0 when the photon numbers differ.
 * @example outputAmplitude(beamSplitter(Math.PI / 4).matrix, [1, 1], [1, 1]) // ≈ { re: 0, im: 0 } (HOM)
 */
export function outputAmplitude(u: CMatrix, input: ArrayLike<number>, output: ArrayLike<number>): Complex {
  return amplitude(u, input, output, 'outputAmplitude');
}

function amplitude(u: CMatrix, input: ArrayLike<number>, output: ArrayLike<number>, op: string): Complex {
  checkCMatrix(u, op, 'U', true);
  const n = checkOccupation(op, 'input', input, u.rows);
  const nOut = checkOccupation(op, 'output', output, u.rows);
  if (n !== nOut) return { re: 0, im: 0 };
  if (bunched(input) || bunched(output)) return fockAmplitude(u, input, output);
  const [cols] = occupiedModes(input);
  const [rows] = occupiedModes(output);
  const ones = new Int32Array(n).fill(1);
  return permanentRepeated(submatrix(u, rows, cols), ones, ones);
}

/**
 * P(output | input) = |⟨output|Û|input⟩|² for indistinguishable photons; 0 when photon numbers differ.
 * @example outputProbability(beamSplitter(Math.PI / 4).matrix, [1, 1], [2, 0]) // 0.5
 */
export function outputProbability(u: CMatrix, input: ArrayLike<number>, output: ArrayLike<number>): number {
  const a = amplitude(u, input, output, 'outputProbability');
  return a.re * a.re + a.im * a.im;
}
