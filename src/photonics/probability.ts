/**
 * Single transition amplitudes and probabilities of a lossless interferometer (docs/photonics.md §1):
 *   ⟨t|Û|s⟩ = Per(U_{t,s}) / √(Π_i s_i!·Π_j t_j!),  P(t|s) = |Per(U_{t,s})|² / (Π s_i!·Π t_j!),
 * where U_{t,s} repeats row j (output) t_j times and column i (input) s_i times. The permanent runs on
 * the distinct rows/columns with multiplicities (`permanentRepeated`): cost ≈ Π(min-side mult + 1)·n.
 */
import { checkCMatrix, submatrix, type CMatrix } from './complex-matrix.js';
import { checkOccupation, factorialProduct } from './fock.js';
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
  const [cols, colMult] = occupiedModes(input);
  const [rows, rowMult] = occupiedModes(output);
  const per = permanentRepeated(submatrix(u, rows, cols), rowMult, colMult);
  const norm = 1 / Math.sqrt(factorialProduct(input) * factorialProduct(output));
  const result = { re: per.re * norm, im: per.im * norm };
  // Π s!·Π t! (and the repeated permanent) overflow float64 for large occupations: say so, never NaN/0.
  if (!(norm > 0) || !Number.isFinite(result.re) || !Number.isFinite(result.im)) {
    throw new RangeError(`${op}: ${n} photons overflow float64 (Π s_i!·Π t_j! = ${factorialProduct(input) * factorialProduct(output)}); use slosDistribution, which works in log space`);
  }
  return result;
}

/**
 * P(output | input) = |⟨output|Û|input⟩|² for indistinguishable photons; 0 when photon numbers differ.
 * @example outputProbability(beamSplitter(Math.PI / 4).matrix, [1, 1], [2, 0]) // 0.5
 */
export function outputProbability(u: CMatrix, input: ArrayLike<number>, output: ArrayLike<number>): number {
  const a = amplitude(u, input, output, 'outputProbability');
  return a.re * a.re + a.im * a.im;
}
