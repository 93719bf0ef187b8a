/**
 * Naive, obviously-correct references for the photonic samplers' tests (never exported from src):
 * permanents by the permutation sum, unitaries built in the test from the seeded generator, and exact
 * output distributions by enumerating every output occupation.
 *   Bosons:          P(t) = |Per(U_{t,s})|² / (Π s_i!·Π t_j!)
 *   Distinguishable: P(t) = Per(W_{t,photons}) / Π t_j!, W = |U|² (photons are labelled)
 *   Partial (p):     Σ_S p^|S|(1−p)^{n−|S|} · (P_S^boson ∗ P_rest^distinguishable)
 *   Uniform loss η:  Σ_T η^|T|(1−η)^{n−|T|} · P_T
 */
import { Generator } from '../../src/tensor/random.js';
import type { CMatrix } from '../../src/photonics/complex-matrix.js';

export type Distribution = Map<string, number>;

export function cmat(rows: number, cols: number): CMatrix {
  return { rows, cols, re: new Float64Array(rows * cols), im: new Float64Array(rows * cols) };
}

/** Permanent of an n×n complex matrix (row-major re/im) by summing over all n! permutations. */
export function naivePermanent(re: ArrayLike<number>, im: ArrayLike<number>, n: number): [number, number] {
  if (n === 0) return [1, 0];
  const used = new Uint8Array(n);
  let sr = 0;
  let si = 0;
  const walk = (row: number, pr: number, pi: number): void => {
    if (row === n) {
      sr += pr;
      si += pi;
      return;
    }
    for (let c = 0; c < n; c++) {
      if (used[c]) continue;
      used[c] = 1;
      const ar = re[row * n + c]!;
      const ai = im[row * n + c]!;
      walk(row + 1, pr * ar - pi * ai, pr * ai + pi * ar);
      used[c] = 0;
    }
  };
  walk(0, 1, 0);
  return [sr, si];
}

/** Haar-random m×m unitary: Gram–Schmidt on a complex Gaussian matrix (positive R diagonal). */
export function haarUnitary(m: number, gen: Generator): CMatrix {
  const U = cmat(m, m);
  const s = Math.SQRT1_2;
  for (let k = 0; k < m * m; k++) {
    U.re[k] = gen.normal() * s;
    U.im[k] = gen.normal() * s;
  }
  for (let c = 0; c < m; c++) {
    for (let prev = 0; prev < c; prev++) {
      let dr = 0;
      let di = 0; // <prev, c> = Σ conj(u_prev)·u_c
      for (let j = 0; j < m; j++) {
        const pr = U.re[j * m + prev]!;
        const pi = U.im[j * m + prev]!;
        const cr = U.re[j * m + c]!;
        const ci = U.im[j * m + c]!;
        dr += pr * cr + pi * ci;
        di += pr * ci - pi * cr;
      }
      for (let j = 0; j < m; j++) {
        const pr = U.re[j * m + prev]!;
        const pi = U.im[j * m + prev]!;
        U.re[j * m + c] = U.re[j * m + c]! - (dr * pr - di * pi);
        U.im[j * m + c] = U.im[j * m + c]! - (dr * pi + di * pr);
      }
    }
    let norm = 0;
    for (let j = 0; j < m; j++) norm += U.re[j * m + c]! ** 2 + U.im[j * m + c]! ** 2;
    norm = Math.sqrt(norm);
    for (let j = 0; j < m; j++) {
      U.re[j * m + c] = U.re[j * m + c]! / norm;
      U.im[j * m + c] = U.im[j * m + c]! / norm;
    }
  }
  return U;
}

/**
 * Real orthogonal m×m matrix: the product of ptseries beam splitters [[cos θ, sin θ], [−sin θ, cos θ]]
 * on modes (i, j), applied in list order as row operations (U ← BS·U).
 */
export function givensUnitary(m: number, splitters: readonly (readonly [number, number, number])[]): CMatrix {
  const U = cmat(m, m);
  for (let i = 0; i < m; i++) U.re[i * m + i] = 1;
  for (const [a, b, theta] of splitters) {
    const c = Math.cos(theta);
    const s = Math.sin(theta);
    for (let col = 0; col < m; col++) {
      const x = U.re[a * m + col]!;
      const y = U.re[b * m + col]!;
      U.re[a * m + col] = c * x + s * y;
      U.re[b * m + col] = -s * x + c * y;
    }
  }
  return U;
}

/** ptseries-style loop circuit on m modes: loops in order, i ascending, angles from `gen`. */
export function loopUnitary(m: number, loops: readonly number[], gen: Generator): CMatrix {
  const splitters: [number, number, number][] = [];
  for (const l of loops) for (let i = 0; i + l < m; i++) splitters.push([i, i + l, gen.uniform() * 2 * Math.PI - Math.PI]);
  return givensUnitary(m, splitters);
}

/** Every occupation vector of n photons in m modes. */
export function enumerateOccupations(m: number, n: number): number[][] {
  if (m === 1) return [[n]];
  const out: number[][] = [];
  for (let k = n; k >= 0; k--) for (const rest of enumerateOccupations(m - 1, n - k)) out.push([k, ...rest]);
  return out;
}

const factorial = (k: number): number => (k <= 1 ? 1 : k * factorial(k - 1));

/** Output rows for occupation t (row j repeated t_j times). */
function rowsOf(t: readonly number[]): number[] {
  const rows: number[] = [];
  t.forEach((tj, j) => {
    for (let r = 0; r < tj; r++) rows.push(j);
  });
  return rows;
}

/** Exact bosonic output distribution of photons in `photons` (input modes, repeated when bunched). */
export function exactBosonDistribution(U: CMatrix, photons: readonly number[]): Distribution {
  const m = U.rows;
  const n = photons.length;
  const dist: Distribution = new Map();
  const inOcc = new Array<number>(m).fill(0);
  for (const p of photons) inOcc[p]! += 1;
  const sFact = inOcc.reduce((a, s) => a * factorial(s), 1);
  for (const t of enumerateOccupations(m, n)) {
    const rows = rowsOf(t);
    const re = new Float64Array(n * n);
    const im = new Float64Array(n * n);
    rows.forEach((r, i) =>
      photons.forEach((p, c) => {
        re[i * n + c] = U.re[r * m + p]!;
        im[i * n + c] = U.im[r * m + p]!;
      }),
    );
    const [pr, pi] = naivePermanent(re, im, n);
    const tFact = t.reduce((a, x) => a * factorial(x), 1);
    dist.set(t.join(','), (pr * pr + pi * pi) / (sFact * tFact));
  }
  return dist;
}

/** Exact output distribution of distinguishable photons. */
export function exactDistinguishableDistribution(U: CMatrix, photons: readonly number[]): Distribution {
  const m = U.rows;
  const n = photons.length;
  const dist: Distribution = new Map();
  for (const t of enumerateOccupations(m, n)) {
    const rows = rowsOf(t);
    const w = new Float64Array(n * n);
    rows.forEach((r, i) =>
      photons.forEach((p, c) => {
        w[i * n + c] = U.re[r * m + p]! ** 2 + U.im[r * m + p]! ** 2;
      }),
    );
    const [per] = naivePermanent(w, new Float64Array(n * n), n);
    dist.set(t.join(','), per / t.reduce((a, x) => a * factorial(x), 1));
  }
  return dist;
}

function convolve(a: Distribution, b: Distribution, weight: number, into: Distribution): void {
  for (const [ka, pa] of a) {
    const ta = ka.split(',').map(Number);
    for (const [kb, pb] of b) {
      const tb = kb.split(',').map(Number);
      const key = ta.map((x, j) => x + tb[j]!).join(',');
      into.set(key, (into.get(key) ?? 0) + weight * pa * pb);
    }
  }
}

function subsets(n: number): number[][] {
  const out: number[][] = [];
  for (let mask = 0; mask < 1 << n; mask++) out.push([...Array(n).keys()].filter((i) => (mask >> i) & 1));
  return out;
}

function vacuum(m: number): Distribution {
  return new Map([[new Array<number>(m).fill(0).join(','), 1]]);
}

/** Exact distribution with each photon indistinguishable with probability p (orthogonal bad bits). */
export function exactPartialDistribution(U: CMatrix, photons: readonly number[], p: number): Distribution {
  const n = photons.length;
  const out: Distribution = new Map();
  for (const good of subsets(n)) {
    const bad = [...Array(n).keys()].filter((i) => !good.includes(i));
    const weight = p ** good.length * (1 - p) ** bad.length;
    if (weight === 0) continue;
    const pg = good.length ? exactBosonDistribution(U, good.map((i) => photons[i]!)) : vacuum(U.rows);
    const pb = bad.length ? exactDistinguishableDistribution(U, bad.map((i) => photons[i]!)) : vacuum(U.rows);
    convolve(pg, pb, weight, out);
  }
  return out;
}

/** Exact bosonic distribution after each input photon survives with probability eta. */
export function exactLossyBosonDistribution(U: CMatrix, photons: readonly number[], eta: number): Distribution {
  const n = photons.length;
  const out: Distribution = new Map();
  for (const kept of subsets(n)) {
    const weight = eta ** kept.length * (1 - eta) ** (n - kept.length);
    const pk = kept.length ? exactBosonDistribution(U, kept.map((i) => photons[i]!)) : vacuum(U.rows);
    for (const [k, v] of pk) out.set(k, (out.get(k) ?? 0) + weight * v);
  }
  return out;
}

/** Empirical distribution of a shots×m occupation block, keyed like the exact ones. */
export function empirical(occ: Int32Array, m: number): Distribution {
  const shots = occ.length / m;
  const out: Distribution = new Map();
  for (let s = 0; s < shots; s++) {
    const key = Array.from(occ.subarray(s * m, s * m + m)).join(',');
    out.set(key, (out.get(key) ?? 0) + 1 / shots);
  }
  return out;
}

/** Total-variation distance ½ Σ |p − q| over the union of supports. */
export function tvd(p: Distribution, q: Distribution): number {
  let sum = 0;
  for (const k of new Set([...p.keys(), ...q.keys()])) sum += Math.abs((p.get(k) ?? 0) - (q.get(k) ?? 0));
  return sum / 2;
}

/** Number of outcomes with positive probability (K in the §15 bound 3·√(K/S)). */
export function support(p: Distribution, eps = 1e-15): number {
  let k = 0;
  for (const v of p.values()) if (v > eps) k++;
  return k;
}

/** The §15 sampler bound: TVD < 3·√(K/S). */
export function tvdBound(p: Distribution, shots: number): number {
  return 3 * Math.sqrt(support(p) / shots);
}

/** Exact click distribution (index = click mask) from an exact occupation distribution. */
export function clickDistributionOf(dist: Distribution, m: number): Float64Array {
  const out = new Float64Array(1 << m);
  for (const [k, v] of dist) {
    const t = k.split(',').map(Number);
    let mask = 0;
    t.forEach((x, j) => {
      if (x > 0) mask |= 1 << j;
    });
    out[mask] = out[mask]! + v;
  }
  return out;
}
