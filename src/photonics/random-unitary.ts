/**
 * Haar-random unitary and orthogonal matrices from the project's seeded Generator.
 *
 * Math (Mezzadri, "How to generate random matrices from the classical compact groups", Notices AMS 54,
 * 2007): draw Z with i.i.d. standard complex Gaussian entries, factor Z = Q·R and fix the phases so that
 * diag(R) is real and positive (column j of Q times R_jj/|R_jj|). The result is Haar-distributed.
 * We factor by modified Gram–Schmidt with one re-orthogonalisation pass ("twice is enough"), which yields
 * R_jj = ‖·‖ > 0 directly, i.e. the phase-fixed Q; cost O(n³), float64.
 * Draw order (part of the reproducibility contract): Z row-major, real part then imaginary part of each
 * entry, via `gen.normal()`; entries are N(0, 1/2) + i·N(0, 1/2).
 */
import type { Generator } from '../tensor/random.js';
import { cmatrix, type CMatrix } from './complex-matrix.js';

function checkSize(op: string, n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${op}: n must be a positive integer, got ${n}`);
}

/** Orthonormalises the columns of `q` in place (modified Gram–Schmidt, two passes). */
function orthonormaliseColumns(q: CMatrix, op: string): void {
  const n = q.rows;
  const { re, im } = q;
  for (let j = 0; j < n; j++) {
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k < j; k++) {
        // proj = <q_k, q_j> = Σ_r conj(q[r,k])·q[r,j]
        let pr = 0;
        let pi = 0;
        for (let r = 0; r < n; r++) {
          const kr = re[r * n + k]!;
          const ki = im[r * n + k]!;
          const jr = re[r * n + j]!;
          const ji = im[r * n + j]!;
          pr += kr * jr + ki * ji;
          pi += kr * ji - ki * jr;
        }
        for (let r = 0; r < n; r++) {
          const kr = re[r * n + k]!;
          const ki = im[r * n + k]!;
          re[r * n + j]! -= pr * kr - pi * ki;
          im[r * n + j]! -= pr * ki + pi * kr;
        }
      }
    }
    let norm2 = 0;
    for (let r = 0; r < n; r++) norm2 += re[r * n + j]! ** 2 + im[r * n + j]! ** 2;
    const norm = Math.sqrt(norm2);
    if (!(norm > 1e-300)) throw new Error(`${op}: degenerate Gaussian draw (column ${j} has zero norm)`);
    for (let r = 0; r < n; r++) {
      re[r * n + j]! /= norm;
      im[r * n + j]! /= norm;
    }
  }
}

/**
 * An n×n Haar-random unitary drawn from `gen` (see the file comment for the exact draw order).
 * @example const U = haarUnitary(8, new Generator(1)); unitarityError(U) < 1e-13
 */
export function haarUnitary(n: number, gen: Generator): CMatrix {
  checkSize('haarUnitary', n);
  const q = cmatrix(n, n);
  const s = Math.SQRT1_2;
  for (let k = 0; k < n * n; k++) {
    q.re[k] = s * gen.normal();
    q.im[k] = s * gen.normal();
  }
  orthonormaliseColumns(q, 'haarUnitary');
  return q;
}

/**
 * An n×n Haar-random real orthogonal matrix (imaginary part zero), Z real Gaussian, same QR construction.
 * @example const O = haarOrthogonal(5, new Generator(2))
 */
export function haarOrthogonal(n: number, gen: Generator): CMatrix {
  checkSize('haarOrthogonal', n);
  const q = cmatrix(n, n);
  for (let k = 0; k < n * n; k++) q.re[k] = gen.normal();
  orthonormaliseColumns(q, 'haarOrthogonal');
  return q;
}
