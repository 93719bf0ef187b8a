/**
 * Linear-optical components as small unitary blocks (U[out, in], docs/photonics.md §1).
 *
 * Two-mode blocks are stored flat as [u00re, u00im, u01re, u01im, u10re, u10im, u11re, u11im] where
 * u_rc = U[out r, in c]: a photon entering the block's first mode leaves its first mode with u00 and its
 * second mode with u10. Beam-splitter conventions (reflectivity = |u00|²):
 *   ptseries     [[cos θ, sin θ], [−sin θ, cos θ]]                      50:50 at θ = π/4 (ORCA, default)
 *   perceval-rx  [[cos θ/2, i sin θ/2], [i sin θ/2, cos θ/2]] (+ phases) 50:50 at θ = π/2 (Perceval BS.Rx)
 *   perceval-ry  [[cos θ/2, −sin θ/2], [sin θ/2, cos θ/2]] (+ phases)    50:50 at θ = π/2 (Perceval BS.Ry)
 *   sf           [[t, −conj(r)], [r, t]], t = cos θ, r = e^{iφ} sin θ    50:50 at θ = π/4 (Strawberry Fields BSgate)
 * Perceval phases (its BS docs): u00·e^{i(tl+tr)}, u01·e^{i(tr+bl)}, u10·e^{i(tl+br)}, u11·e^{i(bl+br)}.
 * SF: B†·a·B = t·a − conj(r)·b, B†·b·B = t·b + r·a, which is U[out, in] on annihilators (same matrix).
 */
import { assertUnitary, cclone, cmatrix, type CMatrix } from './complex-matrix.js';

/** Beam-splitter convention names; 'ptseries' is the project default. */
export type BsConvention = 'ptseries' | 'perceval-rx' | 'perceval-ry' | 'sf';
export const BS_CONVENTIONS: readonly BsConvention[] = ['ptseries', 'perceval-rx', 'perceval-ry', 'sf'];

/** Perceval's four optional beam-splitter phases (top-left, bottom-left, top-right, bottom-right). */
export interface PercevalPhases {
  tl?: number;
  bl?: number;
  tr?: number;
  br?: number;
}

export interface BeamSplitterOptions {
  /** Default 'ptseries'. */
  convention?: BsConvention;
  /** The 'sf' phase φ of r = e^{iφ} sin θ (default 0); rejected for other conventions. */
  phi?: number;
  /** Perceval phases; accepted for 'perceval-rx' and 'perceval-ry' only. */
  phases?: PercevalPhases;
}

/** A component: a named `size`×`size` unitary block acting on `size` circuit modes. */
export interface Component {
  readonly name: string;
  readonly size: number;
  readonly matrix: CMatrix;
}

/** Throws unless `c` is a known convention; `op` names the caller. @example checkConvention('sf', 'myOp') */
export function checkConvention(c: unknown, op: string): asserts c is BsConvention {
  if (!BS_CONVENTIONS.includes(c as BsConvention)) {
    throw new RangeError(`${op}: convention must be one of ${BS_CONVENTIONS.join(', ')}, got ${String(c)}`);
  }
}

function checkAngle(op: string, arg: string, x: number): void {
  if (!Number.isFinite(x)) throw new RangeError(`${op}: ${arg} must be a finite number, got ${x}`);
}

/**
 * Kernel: writes the 2×2 beam-splitter block for `theta` into `out` (length ≥ 8, layout in the file
 * comment) without allocating. `phi` is used by 'sf' only (pass 0 otherwise). Perceval phases go
 * through `beamSplitter`.
 * @example const b = new Float64Array(8); beamSplitterBlock(Math.PI / 4, 'ptseries', 0, b)
 */
export function beamSplitterBlock(theta: number, convention: BsConvention, phi: number, out: Float64Array): Float64Array {
  switch (convention) {
    case 'ptseries': {
      const c = Math.cos(theta);
      const s = Math.sin(theta);
      out[0] = c; out[1] = 0; out[2] = s; out[3] = 0;
      out[4] = -s; out[5] = 0; out[6] = c; out[7] = 0;
      break;
    }
    case 'perceval-rx': {
      const c = Math.cos(theta / 2);
      const s = Math.sin(theta / 2);
      out[0] = c; out[1] = 0; out[2] = 0; out[3] = s;
      out[4] = 0; out[5] = s; out[6] = c; out[7] = 0;
      break;
    }
    case 'perceval-ry': {
      const c = Math.cos(theta / 2);
      const s = Math.sin(theta / 2);
      out[0] = c; out[1] = 0; out[2] = -s; out[3] = 0;
      out[4] = s; out[5] = 0; out[6] = c; out[7] = 0;
      break;
    }
    case 'sf': {
      const t = Math.cos(theta);
      const s = Math.sin(theta);
      const rr = Math.cos(phi) * s;
      const ri = Math.sin(phi) * s;
      out[0] = t; out[1] = 0; out[2] = -rr; out[3] = ri;
      out[4] = rr; out[5] = ri; out[6] = t; out[7] = 0;
      break;
    }
  }
  return out;
}

/** Wraps a 2×2 flat block into a Component. */
function blockComponent(name: string, b: Float64Array): Component {
  const m = cmatrix(2, 2);
  for (let k = 0; k < 4; k++) {
    m.re[k] = b[2 * k]!;
    m.im[k] = b[2 * k + 1]!;
  }
  return { name, size: 2, matrix: m };
}

/**
 * A beam splitter on two modes in the chosen convention (default 'ptseries'; table in the file comment).
 * @example beamSplitter(Math.PI / 4) // 50:50, ptseries
 * @example beamSplitter(Math.PI / 2, { convention: 'perceval-rx' }) // 50:50, Perceval BS.Rx
 */
export function beamSplitter(theta: number, options: BeamSplitterOptions = {}): Component {
  const convention = options.convention ?? 'ptseries';
  checkConvention(convention, 'beamSplitter');
  checkAngle('beamSplitter', 'theta', theta);
  const phi = options.phi ?? 0;
  checkAngle('beamSplitter', 'phi', phi);
  if (options.phi !== undefined && convention !== 'sf') {
    throw new RangeError(`beamSplitter: phi is the 'sf' convention's phase; convention is '${convention}'`);
  }
  if (options.phases !== undefined && !convention.startsWith('perceval')) {
    throw new RangeError(`beamSplitter: phases are Perceval's; convention is '${convention}'`);
  }
  const b = beamSplitterBlock(theta, convention, phi, new Float64Array(8));
  if (options.phases !== undefined) {
    const { tl = 0, bl = 0, tr = 0, br = 0 } = options.phases;
    for (const [k, v] of Object.entries({ tl, bl, tr, br })) checkAngle('beamSplitter', `phases.${k}`, v);
    const mult = [tl + tr, tr + bl, tl + br, bl + br];
    for (let k = 0; k < 4; k++) {
      const cr = Math.cos(mult[k]!);
      const ci = Math.sin(mult[k]!);
      const xr = b[2 * k]!;
      const xi = b[2 * k + 1]!;
      b[2 * k] = xr * cr - xi * ci;
      b[2 * k + 1] = xr * ci + xi * cr;
    }
  }
  return blockComponent(`BS.${convention}`, b);
}

/** A one-mode phase shifter e^{iφ}. @example phaseShifter(Math.PI) // −1 */
export function phaseShifter(phi: number): Component {
  checkAngle('phaseShifter', 'phi', phi);
  const m = cmatrix(1, 1);
  m.re[0] = Math.cos(phi);
  m.im[0] = Math.sin(phi);
  return { name: 'PS', size: 1, matrix: m };
}

/**
 * Kernel: the Clements unit cell T(θ, φ) = [[e^{iφ} cos θ, −sin θ], [e^{iφ} sin θ, cos θ]] into `out`
 * (flat layout as `beamSplitterBlock`): a phase φ on the first input followed by a real rotation.
 * Source: Clements et al., Optica 3, 1460 (2016), eq. (1).
 * @example mziBlock(0.3, 1.2, new Float64Array(8))
 */
export function mziBlock(theta: number, phi: number, out: Float64Array): Float64Array {
  const c = Math.cos(theta);
  const s = Math.sin(theta);
  const pr = Math.cos(phi);
  const pi = Math.sin(phi);
  out[0] = pr * c; out[1] = pi * c; out[2] = -s; out[3] = 0;
  out[4] = pr * s; out[5] = pi * s; out[6] = c; out[7] = 0;
  return out;
}

/**
 * A Mach–Zehnder interferometer, parameterised as the Clements cell T(θ, φ) (see `mziBlock`);
 * transmission to the other mode is sin²θ.
 * @example mzi(Math.PI / 4, 0)
 */
export function mzi(theta: number, phi: number): Component {
  checkAngle('mzi', 'theta', theta);
  checkAngle('mzi', 'phi', phi);
  return blockComponent('MZI', mziBlock(theta, phi, new Float64Array(8)));
}

/**
 * A mode permutation: a photon entering local input p leaves local output perm[p] (U[perm[p], p] = 1).
 * @example permutation([1, 0]) // swap
 */
export function permutation(perm: ArrayLike<number>): Component {
  const n = perm.length;
  if (n < 1) throw new RangeError('permutation: perm must be non-empty');
  const seen = new Uint8Array(n);
  const m = cmatrix(n, n);
  for (let p = 0; p < n; p++) {
    const q = perm[p]!;
    if (!Number.isInteger(q) || q < 0 || q >= n || seen[q]) {
      throw new RangeError(`permutation: perm must be a permutation of 0..${n - 1}, got [${Array.from(perm).join(', ')}]`);
    }
    seen[q] = 1;
    m.re[q * n + p] = 1;
  }
  return { name: 'PERM', size: n, matrix: m };
}

/**
 * An arbitrary unitary block (copied). Rejects non-unitary input: max |U·U† − I| must be ≤ `tolerance`
 * (default 1e-10).
 * @example unitaryComponent(haarUnitary(4, new Generator(0)))
 */
export function unitaryComponent(u: CMatrix, options: { tolerance?: number; name?: string } = {}): Component {
  assertUnitary(u, 'unitaryComponent', 'U', options.tolerance);
  return { name: options.name ?? 'U', size: u.rows, matrix: cclone(u) };
}

/**
 * Kernel: U[rows a, b] ← B·U[rows a, b] for a flat 2×2 block B, in place; O(cols), no allocation.
 * Math: new_a = b00·U_a + b01·U_b, new_b = b10·U_a + b11·U_b (rows of U indexed by output mode).
 * @example applyTwoModeBlock(U, 0, 1, beamSplitterBlock(0.3, 'ptseries', 0, new Float64Array(8)))
 */
export function applyTwoModeBlock(u: CMatrix, a: number, b: number, blk: Float64Array): void {
  const w = u.cols;
  const { re, im } = u;
  const b00r = blk[0]!, b00i = blk[1]!, b01r = blk[2]!, b01i = blk[3]!;
  const b10r = blk[4]!, b10i = blk[5]!, b11r = blk[6]!, b11i = blk[7]!;
  const oa = a * w;
  const ob = b * w;
  for (let c = 0; c < w; c++) {
    const xr = re[oa + c]!, xi = im[oa + c]!;
    const yr = re[ob + c]!, yi = im[ob + c]!;
    re[oa + c] = b00r * xr - b00i * xi + b01r * yr - b01i * yi;
    im[oa + c] = b00r * xi + b00i * xr + b01r * yi + b01i * yr;
    re[ob + c] = b10r * xr - b10i * xi + b11r * yr - b11i * yi;
    im[ob + c] = b10r * xi + b10i * xr + b11r * yi + b11i * yr;
  }
}

/** Kernel: row a of U times e^{iφ}, in place. @example applyPhase(U, 2, Math.PI / 2) */
export function applyPhase(u: CMatrix, a: number, phi: number): void {
  const pr = Math.cos(phi);
  const pi = Math.sin(phi);
  const o = a * u.cols;
  for (let c = 0; c < u.cols; c++) {
    const xr = u.re[o + c]!;
    const xi = u.im[o + c]!;
    u.re[o + c] = pr * xr - pi * xi;
    u.im[o + c] = pr * xi + pi * xr;
  }
}
