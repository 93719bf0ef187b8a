/**
 * Universal meshes of Clements cells T(θ, φ) (see `mziBlock`): the rectangular Clements layout and the
 * triangular Reck layout, both with N(N−1)/2 cells and output phases, U = D·T_last ··· T_first.
 *
 * A mesh is stored flat: `blockModes[k]` is the upper mode a of cell k (it acts on modes a, a+1),
 * `theta[k]`, `phi[k]` its angles, cells in application order, and `outputPhases[j]` the phase on output
 * mode j. Sources: Clements et al., Optica 3, 1460 (2016) (rectangular, depth N); Reck et al., PRL 73,
 * 58 (1994) (triangular, depth 2N−3).
 */
import { checkCMatrix, cidentity, type CMatrix } from './complex-matrix.js';
import { applyPhase, applyTwoModeBlock, mziBlock } from './components.js';

export interface Mesh {
  readonly modes: number;
  /** Upper mode a of each cell (cell acts on a, a+1), in application order. */
  readonly blockModes: Int32Array;
  readonly theta: Float64Array;
  readonly phi: Float64Array;
  /** Phase on each output mode, applied last (length = modes). */
  readonly outputPhases: Float64Array;
}

function checkModes(op: string, modes: number): void {
  if (!Number.isInteger(modes) || modes < 1) throw new RangeError(`${op}: modes must be a positive integer, got ${modes}`);
}

/**
 * Upper modes of the N(N−1)/2 cells of the rectangular Clements mesh in application order: column
 * l = 0 … N−1 holds cells on (a, a+1) for a = l mod 2, l mod 2 + 2, … < N−1.
 * @example clementsLayout(4) // [0, 2, 1, 0, 2, 1]
 */
export function clementsLayout(modes: number): Int32Array {
  checkModes('clementsLayout', modes);
  const out: number[] = [];
  for (let l = 0; l < modes; l++) for (let a = l % 2; a + 1 < modes; a += 2) out.push(a);
  return Int32Array.from(out);
}

/**
 * Upper modes of the N(N−1)/2 cells of the triangular Reck mesh in application order: diagonal
 * i = 1 … N−1 holds cells on (a, a+1) for a = i−1 down to 0.
 * @example reckLayout(4) // [0, 1, 0, 2, 1, 0]
 */
export function reckLayout(modes: number): Int32Array {
  checkModes('reckLayout', modes);
  const out: number[] = [];
  for (let i = 1; i < modes; i++) for (let a = i - 1; a >= 0; a--) out.push(a);
  return Int32Array.from(out);
}

function makeMesh(op: string, modes: number, layout: Int32Array, theta: ArrayLike<number>, phi: ArrayLike<number>, outputPhases?: ArrayLike<number>): Mesh {
  const cells = layout.length;
  if (theta.length !== cells) throw new RangeError(`${op}: theta must have N(N−1)/2 = ${cells} angles for ${modes} modes, got ${theta.length}`);
  if (phi.length !== cells) throw new RangeError(`${op}: phi must have N(N−1)/2 = ${cells} angles for ${modes} modes, got ${phi.length}`);
  if (outputPhases !== undefined && outputPhases.length !== modes) {
    throw new RangeError(`${op}: outputPhases must have ${modes} entries, got ${outputPhases.length}`);
  }
  return {
    modes,
    blockModes: layout,
    theta: Float64Array.from(theta),
    phi: Float64Array.from(phi),
    outputPhases: outputPhases === undefined ? new Float64Array(modes) : Float64Array.from(outputPhases),
  };
}

/**
 * A rectangular Clements mesh from N(N−1)/2 θ's and φ's (in `clementsLayout` order) and optional
 * output phases (default 0).
 * @example meshUnitary(clementsMesh(3, [0.1, 0.2, 0.3], [0, 1, 2]))
 */
export function clementsMesh(modes: number, theta: ArrayLike<number>, phi: ArrayLike<number>, outputPhases?: ArrayLike<number>): Mesh {
  checkModes('clementsMesh', modes);
  return makeMesh('clementsMesh', modes, clementsLayout(modes), theta, phi, outputPhases);
}

/**
 * A triangular Reck mesh from N(N−1)/2 θ's and φ's (in `reckLayout` order) and optional output phases.
 * @example meshUnitary(reckMesh(3, [0.1, 0.2, 0.3], [0, 1, 2]))
 */
export function reckMesh(modes: number, theta: ArrayLike<number>, phi: ArrayLike<number>, outputPhases?: ArrayLike<number>): Mesh {
  checkModes('reckMesh', modes);
  return makeMesh('reckMesh', modes, reckLayout(modes), theta, phi, outputPhases);
}

/**
 * The mesh's transfer matrix U = diag(e^{i·outputPhases})·T_last ··· T_first (U[out, in]), into `out`
 * or new. Cost O(cells·N).
 * @example unitarityError(meshUnitary(clementsMesh(2, [0.4], [0.1]))) < 1e-15
 */
export function meshUnitary(mesh: Mesh, out?: CMatrix): CMatrix {
  const n = mesh.modes;
  const cells = mesh.blockModes.length;
  if (mesh.theta.length !== cells || mesh.phi.length !== cells || mesh.outputPhases.length !== n) {
    throw new RangeError(`meshUnitary: theta/phi must have ${cells} entries and outputPhases ${n}, got ${mesh.theta.length}/${mesh.phi.length}/${mesh.outputPhases.length}`);
  }
  let u: CMatrix;
  if (out === undefined) u = cidentity(n);
  else {
    checkCMatrix(out, 'meshUnitary', 'out', true);
    if (out.rows !== n) throw new RangeError(`meshUnitary: out must be ${n}×${n}, got ${out.rows}×${out.cols}`);
    out.re.fill(0);
    out.im.fill(0);
    for (let i = 0; i < n; i++) out.re[i * n + i] = 1;
    u = out;
  }
  const blk = new Float64Array(8);
  for (let k = 0; k < cells; k++) {
    const a = mesh.blockModes[k]!;
    if (!(a >= 0 && a + 1 < n)) throw new RangeError(`meshUnitary: blockModes[${k}] must be in [0, ${n - 1}), got ${a}`);
    applyTwoModeBlock(u, a, a + 1, mziBlock(mesh.theta[k]!, mesh.phi[k]!, blk));
  }
  for (let j = 0; j < n; j++) if (mesh.outputPhases[j] !== 0) applyPhase(u, j, mesh.outputPhases[j]!);
  return u;
}
