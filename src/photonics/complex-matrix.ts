/**
 * Complex matrices for the photonics layer: float64 structure-of-arrays, row-major.
 *
 * Layout: element (r, c) is `re[r * cols + c] + i·im[r * cols + c]`. Transfer matrices are indexed
 * U[out, in]: a photon entering mode p leaves mode j with amplitude U[j, p] (docs/photonics.md §1).
 * Circuits compose by left multiplication, U = B_last ··· B_first.
 */
export interface CMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly re: Float64Array;
  readonly im: Float64Array;
}

/**
 * Default tolerance of every "is this unitary?" check in `src/photonics`: max |U·U† − I| ≤ 1e-10.
 * Loose enough for matrices typed in with ~12 significant digits, tight enough to catch real mistakes.
 */
export const DEFAULT_UNITARITY_TOLERANCE = 1e-10;

/** A rows×cols zero matrix. @example cmatrix(2, 3) */
export function cmatrix(rows: number, cols: number): CMatrix {
  if (!Number.isInteger(rows) || rows < 0 || !Number.isInteger(cols) || cols < 0) {
    throw new RangeError(`cmatrix: rows and cols must be non-negative integers, got ${rows}×${cols}`);
  }
  return { rows, cols, re: new Float64Array(rows * cols), im: new Float64Array(rows * cols) };
}

/** The n×n identity. @example cidentity(4) */
export function cidentity(n: number): CMatrix {
  const m = cmatrix(n, n);
  for (let i = 0; i < n; i++) m.re[i * n + i] = 1;
  return m;
}

/**
 * A rows×cols matrix from row-major real and (optional) imaginary parts, copied.
 * @example cmatrixFrom(2, 2, [0, 1, 1, 0]) // the swap matrix
 */
export function cmatrixFrom(rows: number, cols: number, re: ArrayLike<number>, im?: ArrayLike<number>): CMatrix {
  const m = cmatrix(rows, cols);
  const size = rows * cols;
  if (re.length !== size || (im !== undefined && im.length !== size)) {
    throw new RangeError(
      `cmatrixFrom: re and im must have rows·cols = ${size} entries, got re ${re.length}, im ${im?.length ?? 'none'}`,
    );
  }
  for (let k = 0; k < size; k++) {
    m.re[k] = re[k]!;
    if (im !== undefined) m.im[k] = im[k]!;
  }
  return m;
}

/** An independent copy of A. @example cclone(cidentity(2)) */
export function cclone(a: CMatrix): CMatrix {
  return { rows: a.rows, cols: a.cols, re: a.re.slice(), im: a.im.slice() };
}

/**
 * Throws unless `x` is a CMatrix with consistent storage (and square when asked); `op`/`arg` name the
 * caller in the message.
 * @example checkCMatrix(U, 'myOp', 'U', true)
 */
export function checkCMatrix(x: CMatrix, op: string, arg: string, square = false): void {
  const ok =
    x !== null &&
    typeof x === 'object' &&
    Number.isInteger(x.rows) &&
    Number.isInteger(x.cols) &&
    x.re instanceof Float64Array &&
    x.im instanceof Float64Array &&
    x.re.length === x.rows * x.cols &&
    x.im.length === x.rows * x.cols;
  if (!ok) throw new TypeError(`${op}: ${arg} must be a CMatrix {rows, cols, re, im} with Float64Array storage of rows·cols`);
  if (square && x.rows !== x.cols) throw new RangeError(`${op}: ${arg} must be square, got ${x.rows}×${x.cols}`);
}

/**
 * C = A·B (complex), written into `out` (which must not alias A or B) or a new matrix.
 * Math: C[r,c] = Σ_k A[r,k]·B[k,c]; cost rows·cols·inner complex MACs, fixed k order.
 * @example cmatmul(cidentity(3), cidentity(3))
 */
export function cmatmul(a: CMatrix, b: CMatrix, out?: CMatrix): CMatrix {
  if (a.cols !== b.rows) throw new RangeError(`cmatmul: inner dimensions differ, A is ${a.rows}×${a.cols}, B is ${b.rows}×${b.cols}`);
  const c = out ?? cmatrix(a.rows, b.cols);
  if (c.rows !== a.rows || c.cols !== b.cols) {
    throw new RangeError(`cmatmul: out must be ${a.rows}×${b.cols}, got ${c.rows}×${c.cols}`);
  }
  if (c.re === a.re || c.re === b.re) throw new RangeError('cmatmul: out must not alias A or B');
  const n = a.cols;
  const w = b.cols;
  c.re.fill(0);
  c.im.fill(0);
  for (let r = 0; r < a.rows; r++) {
    const cRow = r * w;
    for (let k = 0; k < n; k++) {
      const ar = a.re[r * n + k]!;
      const ai = a.im[r * n + k]!;
      if (ar === 0 && ai === 0) continue;
      const bRow = k * w;
      for (let col = 0; col < w; col++) {
        const br = b.re[bRow + col]!;
        const bi = b.im[bRow + col]!;
        c.re[cRow + col]! += ar * br - ai * bi;
        c.im[cRow + col]! += ar * bi + ai * br;
      }
    }
  }
  return c;
}

/** The conjugate transpose A† (cols×rows), into `out` (not aliasing A) or a new matrix. @example adjoint(cidentity(2)) */
export function adjoint(a: CMatrix, out?: CMatrix): CMatrix {
  const t = out ?? cmatrix(a.cols, a.rows);
  if (t.rows !== a.cols || t.cols !== a.rows) throw new RangeError(`adjoint: out must be ${a.cols}×${a.rows}, got ${t.rows}×${t.cols}`);
  if (t.re === a.re) throw new RangeError('adjoint: out must not alias A');
  for (let r = 0; r < a.rows; r++) {
    for (let c = 0; c < a.cols; c++) {
      t.re[c * a.rows + r] = a.re[r * a.cols + c]!;
      t.im[c * a.rows + r] = -a.im[r * a.cols + c]!;
    }
  }
  return t;
}

/** max over entries of |A − B| (complex modulus); shapes must match. @example maxAbsDiff(cidentity(2), cidentity(2)) // 0 */
export function maxAbsDiff(a: CMatrix, b: CMatrix): number {
  if (a.rows !== b.rows || a.cols !== b.cols) throw new RangeError(`maxAbsDiff: shapes differ, ${a.rows}×${a.cols} vs ${b.rows}×${b.cols}`);
  let worst = 0;
  for (let k = 0; k < a.re.length; k++) {
    const d = Math.hypot(a.re[k]! - b.re[k]!, a.im[k]! - b.im[k]!);
    if (d > worst || Number.isNaN(d)) worst = Number.isNaN(d) ? Infinity : d;
  }
  return worst;
}

/** True when every entry of A and B agrees within `tol` (complex modulus). @example approxEqual(cidentity(2), cidentity(2)) */
export function approxEqual(a: CMatrix, b: CMatrix, tol = 1e-12): boolean {
  return a.rows === b.rows && a.cols === b.cols && maxAbsDiff(a, b) <= tol;
}

/**
 * max over (r, c) of |(U·U†)[r,c] − δ_rc| for a square U; 0 for an exact unitary, Infinity for NaN.
 * Math: (U U†)[r,c] = Σ_k U[r,k]·conj(U[c,k]); cost n³ complex MACs, no allocation.
 * @example unitarityError(cidentity(4)) // 0
 */
export function unitarityError(u: CMatrix): number {
  checkCMatrix(u, 'unitarityError', 'U', true);
  const n = u.rows;
  let worst = 0;
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      let sr = 0;
      let si = 0;
      for (let k = 0; k < n; k++) {
        const ar = u.re[r * n + k]!;
        const ai = u.im[r * n + k]!;
        const br = u.re[c * n + k]!;
        const bi = -u.im[c * n + k]!;
        sr += ar * br - ai * bi;
        si += ar * bi + ai * br;
      }
      const d = Math.hypot(sr - (r === c ? 1 : 0), si);
      if (Number.isNaN(d)) return Infinity;
      if (d > worst) worst = d;
    }
  }
  return worst;
}

/**
 * Throws a RangeError naming `op`/`arg` unless U is square and unitary within `tol`
 * (default DEFAULT_UNITARITY_TOLERANCE = 1e-10 on max |U·U† − I|).
 * @example assertUnitary(cidentity(3), 'myOp', 'U')
 */
export function assertUnitary(u: CMatrix, op: string, arg: string, tol = DEFAULT_UNITARITY_TOLERANCE): void {
  checkCMatrix(u, op, arg, true);
  const err = unitarityError(u);
  if (!(err <= tol)) {
    throw new RangeError(`${op}: ${arg} must be unitary (max |U·U† − I| ≤ ${tol}), got error ${err.toExponential(3)}`);
  }
}

/**
 * The rows×cols submatrix A[rowIdx, colIdx]; indices may repeat (bunched Fock states repeat rows/columns).
 * @example submatrix(cidentity(4), [0, 0], [1, 2])
 */
export function submatrix(a: CMatrix, rowIdx: ArrayLike<number>, colIdx: ArrayLike<number>, out?: CMatrix): CMatrix {
  const s = out ?? cmatrix(rowIdx.length, colIdx.length);
  if (s.rows !== rowIdx.length || s.cols !== colIdx.length) {
    throw new RangeError(`submatrix: out must be ${rowIdx.length}×${colIdx.length}, got ${s.rows}×${s.cols}`);
  }
  for (let r = 0; r < rowIdx.length; r++) {
    const ar = rowIdx[r]!;
    if (!(Number.isInteger(ar) && ar >= 0 && ar < a.rows)) throw new RangeError(`submatrix: row index ${ar} outside [0, ${a.rows})`);
    for (let c = 0; c < colIdx.length; c++) {
      const ac = colIdx[c]!;
      if (!(Number.isInteger(ac) && ac >= 0 && ac < a.cols)) throw new RangeError(`submatrix: column index ${ac} outside [0, ${a.cols})`);
      s.re[r * s.cols + c] = a.re[ar * a.cols + ac]!;
      s.im[r * s.cols + c] = a.im[ar * a.cols + ac]!;
    }
  }
  return s;
}
