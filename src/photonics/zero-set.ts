/**
 * No-click (zero-set) probabilities without enumerating output states (docs/photonics.md §10).
 *
 * Let Ã = U[:, occupied input modes] (m×p, orthonormal columns) and s the occupations. Projecting the
 * detected part of the modes in Z onto vacuum gives
 *   Q(Z) = P(no click in Z) = (1 − d)^{|Z|} · Per_s(I − η·Ã_Zᴴ Ã_Z) / Π_k s_k!,
 * where Per_s expands row and column k s_k times (`permanentRepeatedSquareOverFactorials`, which returns
 * Per_s/Π s_k! = ⟨s|Γ(M)|s⟩ without overflow or Glynn's cancellation at large s_k), η is the total efficiency and
 * d the dark-count probability. (The expansion matters for bunched inputs: Per(I − ηA_ZᴴA_Z) on the
 * expanded A alone is wrong there; with p = 1 the expanded Gram matrix of the input is all-ones blocks.)
 * Distinguishable photons (p = 0): Q(Z) = (1 − d)^{|Z|} Π_k (1 − η Σ_{j∈Z} |Ã_jk|²)^{s_k}.
 * Partial distinguishability p: sum over the good sub-occupation g ≤ s with weight
 * Π_k C(s_k, g_k) p^{|g|} (1−p)^{n−|g|}: Q = Σ_g w_g · Per_g(M)/Π g_k! · Π_k M_kk^{s_k − g_k}.
 * M = I − ηÃ_ZᴴÃ_Z is Hermitian, so its permanents are real. Cost per Z: p²·|Z| for M plus one p×p
 * permanent (Glynn, p·2^{p−1}); × Π(s_k+1) under partial distinguishability.
 */
import { checkCMatrix, type CMatrix } from './complex-matrix.js';
import { binomial, checkOccupation, logFactorial } from './fock.js';
import { resolveNoise, type ExactNoise, type ResolvedNoise } from './noise.js';
import { permanentRepeatedSquareOverFactorials } from './permanent-repeated.js';
import { glynnKernel, smallPermanentKernel } from './permanent.js';

/** Precomputed per-(U, input, noise) data and scratch for repeated Q(Z) evaluations. */
export interface ZeroSetContext {
  readonly modes: number;
  readonly photons: number;
  /** Number of occupied input modes p, which modes, and their occupations. */
  readonly occupied: number;
  readonly occupiedModes: Int32Array;
  readonly mult: Int32Array;
  /** Ã[j, k] = U[j, k-th occupied input], row-major m×p. */
  readonly aRe: Float64Array;
  readonly aIm: Float64Array;
  readonly noise: ResolvedNoise;
  /** Good sub-occupations g (flattened, p each) and their weights (partial distinguishability only). */
  readonly goodSubsets: Int32Array;
  readonly goodWeights: Float64Array;
  readonly mRe: Float64Array;
  readonly mIm: Float64Array;
  readonly subRe: Float64Array;
  readonly subIm: Float64Array;
  readonly subMult: Int32Array;
  readonly work: Float64Array;
  readonly out2: Float64Array;
}

/**
 * Prepares Q(Z) evaluations for U (m×m, U[out, in]), the input occupation and noise. The context is
 * reusable: `setZeroSetUnitary(ctx, U′)` switches to another U of the same size without allocating.
 * @example const ctx = zeroSetContext(U, alternatingInput(16))
 */
export function zeroSetContext(u: CMatrix, input: ArrayLike<number>, noise?: ExactNoise, op = 'zeroSetContext'): ZeroSetContext {
  checkCMatrix(u, op, 'U', true);
  const ctx = emptyZeroSetContext(u.rows, input, noise, op);
  setZeroSetUnitary(ctx, u, op);
  return ctx;
}

/**
 * Loads Ã = U[:, occupied inputs] into the context (O(m·p), no allocation).
 * @example setZeroSetUnitary(ctx, tbiCircuit.unitary(theta, Ubuffer))
 */
export function setZeroSetUnitary(ctx: ZeroSetContext, u: CMatrix, op = 'setZeroSetUnitary'): void {
  checkCMatrix(u, op, 'U', true);
  const m = ctx.modes;
  if (u.rows !== m) throw new RangeError(`${op}: U must be ${m}×${m} for this context, got ${u.rows}×${u.cols}`);
  const p = ctx.occupied;
  for (let j = 0; j < m; j++) {
    for (let k = 0; k < p; k++) {
      ctx.aRe[j * p + k] = u.re[j * m + ctx.occupiedModes[k]!]!;
      ctx.aIm[j * p + k] = u.im[j * m + ctx.occupiedModes[k]!]!;
    }
  }
}

/**
 * A context for `modes` modes with Ã = 0 (load a U with `setZeroSetUnitary`).
 * @example const ctx = emptyZeroSetContext(16, alternatingInput(16), { loss: 0.1 })
 */
export function emptyZeroSetContext(modes: number, input: ArrayLike<number>, noise?: ExactNoise, op = 'emptyZeroSetContext'): ZeroSetContext {
  const m = modes;
  const n = checkOccupation(op, 'input', input, m);
  const nz = resolveNoise(noise, op);
  const occ: number[] = [];
  for (let i = 0; i < m; i++) if (input[i]! > 0) occ.push(i);
  const p = occ.length;
  const mult = Int32Array.from(occ, (i) => input[i]!);
  const aRe = new Float64Array(m * p);
  const aIm = new Float64Array(m * p);
  // Good sub-occupations g ≤ s (only when 0 < p < 1), mixed-radix order.
  const subsets: number[] = [];
  const weights: number[] = [];
  if (nz.p > 0 && nz.p < 1) {
    const g = new Int32Array(p);
    for (;;) {
      let w = 1;
      let good = 0;
      for (let k = 0; k < p; k++) {
        w *= binomial(mult[k]!, g[k]!);
        good += g[k]!;
      }
      subsets.push(...g);
      const direct = w * nz.p ** good * (1 - nz.p) ** (n - good);
      // Past ~1000 photons C(s_k, g_k) overflows and p^{|g|} underflows: then the same weight in log space.
      weights.push(Number.isFinite(direct) && direct > 1e-290 ? direct : logSpaceWeight(mult, g, nz.p, good, n));
      let k = 0;
      while (k < p && g[k] === mult[k]) g[k++] = 0;
      if (k === p) break;
      g[k]!++;
    }
  }
  return {
    modes: m,
    photons: n,
    occupied: p,
    occupiedModes: Int32Array.from(occ),
    mult,
    aRe,
    aIm,
    noise: nz,
    goodSubsets: Int32Array.from(subsets),
    goodWeights: Float64Array.from(weights),
    mRe: new Float64Array(p * p),
    mIm: new Float64Array(p * p),
    subRe: new Float64Array(p * p),
    subIm: new Float64Array(p * p),
    subMult: new Int32Array(p),
    work: new Float64Array(3 * p),
    out2: new Float64Array(2),
  };
}

/** Π_k C(s_k, g_k)·p^{|g|}·(1 − p)^{n−|g|} = exp(Σ ln C + |g| ln p + (n − |g|) ln(1 − p)). */
function logSpaceWeight(mult: Int32Array, g: Int32Array, pGood: number, good: number, n: number): number {
  let log = good * Math.log(pGood) + (n - good) * Math.log1p(-pGood);
  for (let k = 0; k < mult.length; k++) log += logFactorial(mult[k]!) - logFactorial(g[k]!) - logFactorial(mult[k]! - g[k]!);
  return Math.exp(log);
}

/** Per_g(M)/Π g_k! for the sub-occupation g (offset into an Int32Array), real part. */
function permOverFactorials(ctx: ZeroSetContext, g: Int32Array, offset: number): number {
  const p = ctx.occupied;
  let q = 0;
  let bunched = false;
  for (let k = 0; k < p; k++) {
    const gk = g[offset + k]!;
    if (gk === 0) continue;
    if (gk > 1) bunched = true;
    ctx.subMult[q++] = gk;
  }
  // copy the rows/columns with g_k > 0 into a q×q block
  let r = 0;
  for (let k = 0; k < p; k++) {
    if (g[offset + k] === 0) continue;
    let c = 0;
    for (let l = 0; l < p; l++) {
      if (g[offset + l] === 0) continue;
      ctx.subRe[r * q + c] = ctx.mRe[k * p + l]!;
      ctx.subIm[r * q + c] = ctx.mIm[k * p + l]!;
      c++;
    }
    r++;
  }
  if (bunched) return permanentRepeatedSquareOverFactorials(q, ctx.subRe, ctx.subIm, ctx.subMult).re;
  if (!smallPermanentKernel(q, ctx.subRe, ctx.subIm, ctx.out2)) glynnKernel(q, ctx.subRe, ctx.subIm, ctx.work, ctx.out2);
  return ctx.out2[0]!;
}

/**
 * Kernel: Q(Z) for the `count` modes zeroModes[0 … count−1] (distinct, in range), using `ctx`'s scratch.
 * No allocation for unbunched inputs.
 * @example noClickKernel(ctx, Int32Array.of(0, 3), 2) // P(no click in modes 0 and 3)
 */
export function noClickKernel(ctx: ZeroSetContext, zeroModes: ArrayLike<number>, count: number): number {
  const p = ctx.occupied;
  const { eta, dark } = ctx.noise;
  const { mRe, mIm, aRe, aIm } = ctx;
  // M = I − η Σ_{j∈Z} conj(Ã_jk)·Ã_jl
  mRe.fill(0);
  mIm.fill(0);
  for (let z = 0; z < count; z++) {
    const row = zeroModes[z]! * p;
    for (let k = 0; k < p; k++) {
      const xr = aRe[row + k]!;
      const xi = -aIm[row + k]!;
      for (let l = 0; l < p; l++) {
        const yr = aRe[row + l]!;
        const yi = aIm[row + l]!;
        mRe[k * p + l]! += xr * yr - xi * yi;
        mIm[k * p + l]! += xr * yi + xi * yr;
      }
    }
  }
  for (let e = 0; e < p * p; e++) {
    mRe[e] = -eta * mRe[e]!;
    mIm[e] = -eta * mIm[e]!;
  }
  for (let k = 0; k < p; k++) mRe[k * p + k]! += 1;
  const darkFactor = dark === 0 ? 1 : (1 - dark) ** count;
  const pGood = ctx.noise.p;
  if (pGood === 1) return darkFactor * permOverFactorials(ctx, ctx.mult, 0);
  let diagProduct = 1;
  for (let k = 0; k < p; k++) diagProduct *= mRe[k * p + k]! ** ctx.mult[k]!;
  if (pGood === 0) return darkFactor * diagProduct;
  let total = 0;
  const subsets = ctx.goodSubsets;
  for (let s = 0; s < ctx.goodWeights.length; s++) {
    let bad = 1;
    for (let k = 0; k < p; k++) bad *= mRe[k * p + k]! ** (ctx.mult[k]! - subsets[s * p + k]!);
    total += ctx.goodWeights[s]! * permOverFactorials(ctx, subsets, s * p) * bad;
  }
  return darkFactor * total;
}

function checkModeList(op: string, arg: string, list: ArrayLike<number>, modes: number): void {
  const seen = new Uint8Array(modes);
  for (let k = 0; k < list.length; k++) {
    const j = list[k]!;
    if (!Number.isInteger(j) || j < 0 || j >= modes || seen[j]) {
      throw new RangeError(`${op}: ${arg} must be distinct mode indices in [0, ${modes}), got [${Array.from(list).join(', ')}]`);
    }
    seen[j] = 1;
  }
}

/**
 * Q(Z): probability that no detector in `zeroModes` clicks (threshold detection), exactly, with
 * optional uniform loss/efficiency, dark counts and partial distinguishability.
 * @example noClickProbability(beamSplitter(Math.PI / 4).matrix, [1, 1], [1]) // 0.5 (both photons in mode 0)
 */
export function noClickProbability(u: CMatrix, input: ArrayLike<number>, zeroModes: ArrayLike<number>, noise?: ExactNoise): number {
  const ctx = zeroSetContext(u, input, noise, 'noClickProbability');
  checkModeList('noClickProbability', 'zeroModes', zeroModes, ctx.modes);
  return noClickKernel(ctx, zeroModes, zeroModes.length);
}

/**
 * Per-mode click probabilities P(mode j clicks) = 1 − Q({j}), exactly (threshold detectors, noise as
 * in `noClickProbability`).
 * @example clickProbabilities(U, alternatingInput(16)) // Float64Array(16)
 */
export function clickProbabilities(u: CMatrix, input: ArrayLike<number>, noise?: ExactNoise, out?: Float64Array): Float64Array {
  const ctx = zeroSetContext(u, input, noise, 'clickProbabilities');
  const res = out ?? new Float64Array(ctx.modes);
  if (res.length !== ctx.modes) throw new RangeError(`clickProbabilities: out must have ${ctx.modes} entries, got ${res.length}`);
  const z = new Int32Array(1);
  for (let j = 0; j < ctx.modes; j++) {
    z[0] = j;
    res[j] = 1 - noClickKernel(ctx, z, 1);
  }
  return res;
}
