/**
 * Clements decomposition: any N×N unitary U = D·T_last ··· T_first with N(N−1)/2 cells T(θ, φ) on
 * neighbouring modes in a rectangular layout of depth N, plus output phases D.
 *
 * Algorithm (Clements et al., Optica 3, 1460 (2016); docs/photonics.md §8). V ← U; for k = 0 … N−2:
 *  - k even: for j = k … 0, null V[N−1−k+j, j] from the right, V ← V·T⁻¹ on columns (j, j+1), with
 *    r = V[x, j]/V[x, j+1], θ = atan|r|, φ = arg r;
 *  - k odd: for j = 0 … k, null V[x, j] (x = N−1−k+j) from the left, V ← T·V on rows (x−1, x), with
 *    r = −V[x, j]/V[x−1, j].
 *  Edge cases: element already 0 → θ = φ = 0; divisor 0 → θ = π/2, φ = 0.
 * Then L·U·R⁻¹ = D; push D left through each left cell (last applied first) with
 * T⁻¹(θ,φ)·diag(e^{iα}, e^{iβ}) = diag(e^{i(β−φ+π)}, e^{iβ})·T(θ, α−β+π). Cells are finally sorted by
 * depth (stable), which gives exactly the `clementsLayout` order, so the result feeds `clementsMesh`.
 * Cost O(N³). Reconstruction error ≈ 1e-15 for N ≤ 16 (tested < 1e-10).
 */
import { assertUnitary, cclone, type CMatrix } from './complex-matrix.js';
import type { Mesh } from './mesh.js';

interface Cell {
  mode: number;
  theta: number;
  phi: number;
}

/** θ, φ such that a·e^{−iφ}cos θ = b·sin θ (i.e. r = a/b = e^{iφ} tan θ), with the edge cases above. */
function nullingAngles(ar: number, ai: number, br: number, bi: number): [number, number] {
  const aAbs = Math.hypot(ar, ai);
  const bAbs = Math.hypot(br, bi);
  if (aAbs === 0) return [0, 0];
  if (bAbs === 0) return [Math.PI / 2, 0];
  // r = a / b
  const d = br * br + bi * bi;
  const rr = (ar * br + ai * bi) / d;
  const ri = (ai * br - ar * bi) / d;
  return [Math.atan(Math.hypot(rr, ri)), Math.atan2(ri, rr)];
}

/**
 * Decomposes a unitary into a rectangular Clements mesh (see the file comment) with
 * `meshUnitary(clementsDecompose(U)) ≈ U`. Rejects non-unitary input (max |U·U† − I| > `tolerance`,
 * default 1e-10).
 * @example const mesh = clementsDecompose(haarUnitary(6, new Generator(3))); meshUnitary(mesh)
 */
export function clementsDecompose(u: CMatrix, options: { tolerance?: number } = {}): Mesh {
  assertUnitary(u, 'clementsDecompose', 'U', options.tolerance);
  const n = u.rows;
  const v = cclone(u);
  const { re, im } = v;
  const left: Cell[] = [];
  const right: Cell[] = [];
  for (let k = 0; k <= n - 2; k++) {
    if (k % 2 === 0) {
      for (let j = k; j >= 0; j--) {
        const x = n - 1 - k + j;
        const [theta, phi] = nullingAngles(re[x * n + j]!, im[x * n + j]!, re[x * n + j + 1]!, im[x * n + j + 1]!);
        // V ← V·T⁻¹ on columns (j, j+1); T⁻¹ = [[e^{−iφ}c, e^{−iφ}s], [−s, c]]
        const c = Math.cos(theta), s = Math.sin(theta), pr = Math.cos(phi), pi = -Math.sin(phi);
        for (let r = 0; r < n; r++) {
          const xr = re[r * n + j]!, xi = im[r * n + j]!;
          const yr = re[r * n + j + 1]!, yi = im[r * n + j + 1]!;
          // col j: x·e^{−iφ}c − y·s ; col j+1: x·e^{−iφ}s + y·c
          const er = xr * pr - xi * pi, ei = xr * pi + xi * pr;
          re[r * n + j] = er * c - yr * s;
          im[r * n + j] = ei * c - yi * s;
          re[r * n + j + 1] = er * s + yr * c;
          im[r * n + j + 1] = ei * s + yi * c;
        }
        right.push({ mode: j, theta, phi });
      }
    } else {
      for (let j = 0; j <= k; j++) {
        const x = n - 1 - k + j;
        const [theta, phi] = nullingAngles(-re[x * n + j]!, -im[x * n + j]!, re[(x - 1) * n + j]!, im[(x - 1) * n + j]!);
        // V ← T·V on rows (x−1, x); T = [[e^{iφ}c, −s], [e^{iφ}s, c]]
        const c = Math.cos(theta), s = Math.sin(theta), pr = Math.cos(phi), pi = Math.sin(phi);
        for (let col = 0; col < n; col++) {
          const ar = re[(x - 1) * n + col]!, ai = im[(x - 1) * n + col]!;
          const br = re[x * n + col]!, bi = im[x * n + col]!;
          const er = ar * pr - ai * pi, ei = ar * pi + ai * pr;
          re[(x - 1) * n + col] = er * c - br * s;
          im[(x - 1) * n + col] = ei * c - bi * s;
          re[x * n + col] = er * s + br * c;
          im[x * n + col] = ei * s + bi * c;
        }
        left.push({ mode: x - 1, theta, phi });
      }
    }
  }
  const phases = new Float64Array(n);
  for (let j = 0; j < n; j++) phases[j] = Math.atan2(im[j * n + j]!, re[j * n + j]!);
  // Push D leftwards through L_q⁻¹, …, L_1⁻¹ (last applied first).
  const moved: Cell[] = [];
  for (let q = left.length - 1; q >= 0; q--) {
    const { mode: a, theta, phi } = left[q]!;
    const alpha = phases[a]!;
    const beta = phases[a + 1]!;
    moved.push({ mode: a, theta, phi: alpha - beta + Math.PI });
    phases[a] = beta - phi + Math.PI;
  }
  // Application order: R_1 … R_p, then the moved left cells L'_q … L'_1 (already in that order).
  const cells = right.concat(moved);
  // Stable sort by depth so that the result follows clementsLayout(n).
  const lastDepth = new Int32Array(n);
  const depth = cells.map(({ mode }) => {
    const d = Math.max(lastDepth[mode]!, lastDepth[mode + 1]!) + 1;
    lastDepth[mode] = d;
    lastDepth[mode + 1] = d;
    return d;
  });
  const order = cells.map((_, k) => k).sort((p, q) => depth[p]! - depth[q]! || p - q);
  const wrap = (x: number): number => Math.atan2(Math.sin(x), Math.cos(x));
  return {
    modes: n,
    blockModes: Int32Array.from(order, (k) => cells[k]!.mode),
    theta: Float64Array.from(order, (k) => cells[k]!.theta),
    phi: Float64Array.from(order, (k) => wrap(cells[k]!.phi)),
    outputPhases: Float64Array.from(phases, wrap),
  };
}
