/**
 * Naive references for the exact-photonics tests (test-only, never exported from src): a permutation-sum
 * permanent written independently of src, enumeration of every n-photon occupation, and exact output
 * distributions by the textbook formulas
 *   bosons:          P(t) = |Per(U_{t,s})|² / (Π s_i!·Π t_j!)
 *   distinguishable: P(t) = Per(W_{t,s}) / Π t_j!,  W = |U|²  (photons labelled, one column each).
 */
import type { CMatrix } from '../../src/photonics/complex-matrix.js';
import { naivePermanent } from '../reference/photonics-naive.js';

/** Per of an n×n matrix given entry by entry (complex [re, im]), by the permutation sum. */
export function permutationSum(n: number, entry: (r: number, c: number) => [number, number]): [number, number] {
  const re = new Float64Array(n * n);
  const im = new Float64Array(n * n);
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) [re[r * n + c], im[r * n + c]] = entry(r, c);
  return naivePermanent(re, im, n);
}

function fact(k: number): number {
  let f = 1;
  for (let i = 2; i <= k; i++) f *= i;
  return f;
}

/** Every occupation of n photons in m modes (lexicographic). */
export function allOccupations(m: number, n: number): Int32Array[] {
  const out: Int32Array[] = [];
  const cur = new Int32Array(m);
  const rec = (j: number, left: number): void => {
    if (j === m - 1) {
      cur[j] = left;
      out.push(cur.slice());
      return;
    }
    for (let c = left; c >= 0; c--) {
      cur[j] = c;
      rec(j + 1, left - c);
    }
  };
  rec(0, n);
  return out;
}

function expand(occ: ArrayLike<number>): number[] {
  const list: number[] = [];
  for (let i = 0; i < occ.length; i++) for (let c = 0; c < occ[i]!; c++) list.push(i);
  return list;
}

/** Boson transition probability by the expanded-matrix permutation sum. */
export function bosonProbability(u: CMatrix, s: ArrayLike<number>, t: ArrayLike<number>): number {
  const rows = expand(t);
  const cols = expand(s);
  if (rows.length !== cols.length) return 0;
  const m = u.cols;
  const [re, im] = permutationSum(rows.length, (r, c) => [u.re[rows[r]! * m + cols[c]!]!, u.im[rows[r]! * m + cols[c]!]!]);
  let norm = 1;
  for (let i = 0; i < s.length; i++) norm *= fact(s[i]!);
  for (let j = 0; j < t.length; j++) norm *= fact(t[j]!);
  return (re * re + im * im) / norm;
}

/** Distinguishable-photon transition probability Per(W_{t,s}) / Π t_j!. */
export function distinguishableProbability(u: CMatrix, s: ArrayLike<number>, t: ArrayLike<number>): number {
  const rows = expand(t);
  const cols = expand(s);
  if (rows.length !== cols.length) return 0;
  const m = u.cols;
  const [re] = permutationSum(rows.length, (r, c) => {
    const e = rows[r]! * m + cols[c]!;
    return [u.re[e]! ** 2 + u.im[e]! ** 2, 0];
  });
  let norm = 1;
  for (let j = 0; j < t.length; j++) norm *= fact(t[j]!);
  return re / norm;
}

export function key(occ: ArrayLike<number>): string {
  return Array.from(occ).join(',');
}

/** Total variation distance between two distributions over the same index set. */
export function tvd(p: ArrayLike<number>, q: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < p.length; i++) d += Math.abs(p[i]! - q[i]!);
  return d / 2;
}

export function maxAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

export function sum(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s;
}

/**
 * Uniform loss as a unitary on 2m modes: U on modes 0 … m−1, then a splitter of transmissivity η
 * between each mode j and an ancilla vacuum mode m + j (docs/photonics.md §9, "embed in a larger
 * unitary"). Marginalising the ancillas gives the lossy distribution.
 */
export function lossEmbedding(u: CMatrix, eta: number): CMatrix {
  const m = u.rows;
  const big: CMatrix = { rows: 2 * m, cols: 2 * m, re: new Float64Array(4 * m * m), im: new Float64Array(4 * m * m) };
  const t = Math.sqrt(eta);
  const r = Math.sqrt(1 - eta);
  const w = 2 * m;
  for (let j = 0; j < m; j++) {
    for (let k = 0; k < m; k++) {
      // rows j (kept) and m+j (lost) of L·(U ⊕ I), column k < m
      big.re[j * w + k] = t * u.re[j * m + k]!;
      big.im[j * w + k] = t * u.im[j * m + k]!;
      big.re[(m + j) * w + k] = r * u.re[j * m + k]!;
      big.im[(m + j) * w + k] = r * u.im[j * m + k]!;
    }
    big.re[j * w + m + j] = -r;
    big.re[(m + j) * w + m + j] = t;
  }
  return big;
}
