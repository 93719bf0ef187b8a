/**
 * Packing of GEMM operands into the micro-panel layouts read by `sgemm_macro` (see sgemm-kernel.ts).
 *
 * Math. op(A) is m × k with op(A)[i, p] = a[aOffset + i·lda + p], or a[aOffset + p·lda + i] when
 * transA; op(B) is k × n with op(B)[p, j] = b[bOffset + p·ldb + j], or b[bOffset + j·ldb + p] when
 * transB. Packing reads the strided operand once and writes the block contiguously, so no transpose
 * is ever materialised: the four transpose cases differ only in which index is contiguous here.
 *
 * Layouts (floats, from `dstStart` in the wasm memory view `dst`):
 *   A~ for rows [i0, i0+rows) × depth [p0, p0+depth): ⌈rows/MR⌉ micro-panels of depth·MR floats;
 *      element (i0 + ip·MR + r, p0 + p) at dstStart + ip·depth·MR + p·MR + r.
 *   B~ for depth [p0, p0+depth) × columns [j0, j0+cols): ⌈cols/NR⌉ micro-panels of depth·NR floats;
 *      element (p0 + p, j0 + jp·NR + c) at dstStart + jp·depth·NR + p·NR + c.
 * Rows/columns past the edge of the matrix are zero-filled (their products land only in C~ entries
 * that are never written back). Cost: O(⌈rows/MR⌉·MR·depth) and O(⌈cols/NR⌉·NR·depth) copies.
 */

/** Strided view of one GEMM operand: element (row, col) of the stored matrix is data[offset + row·ld + col]. */
export interface StridedOperand {
  data: Float32Array;
  offset: number;
  ld: number;
  /** True when the operand is stored transposed relative to its op() (transA / transB). */
  transposed: boolean;
}

/**
 * Packs op(A)[i0 : i0+rows, p0 : p0+depth] into MR-row micro-panels.
 * @example
 * packA({ data: a, offset: 0, ld: k, transposed: false }, 0, m, 0, k, 4, view, 0);
 */
export function packA(
  A: StridedOperand,
  i0: number,
  rows: number,
  p0: number,
  depth: number,
  mr: number,
  dst: Float32Array,
  dstStart: number,
): void {
  const { data, offset, ld } = A;
  const panels = Math.ceil(rows / mr);
  for (let ip = 0; ip < panels; ip++) {
    const panelStart = dstStart + ip * depth * mr;
    const rowsHere = Math.min(mr, rows - ip * mr);
    const i = i0 + ip * mr; // first row of op(A) in this micro-panel
    if (mr === 4 && rowsHere === 4) {
      // full 4-row panel, unrolled: 0.55 vs 1.1 ns per float for the generic loops below (measured
      // packing a 1024² operand, Node 20); the edge panels take the generic loops
      if (!A.transposed) packRows4(data, offset + i * ld + p0, ld, depth, dst, panelStart);
      else packContiguous4(data, offset + p0 * ld + i, ld, depth, dst, panelStart);
      continue;
    }
    if (!A.transposed) {
      // op(A)[i, p] = data[offset + i·ld + p]: read each row contiguously, write it with stride MR
      for (let r = 0; r < rowsHere; r++) {
        const src = offset + (i + r) * ld + p0;
        let d = panelStart + r;
        for (let p = 0; p < depth; p++, d += mr) dst[d] = data[src + p]!;
      }
    } else {
      // op(A)[i, p] = data[offset + p·ld + i]: MR consecutive rows of op(A) are contiguous
      for (let p = 0; p < depth; p++) {
        const src = offset + (p0 + p) * ld + i;
        const d = panelStart + p * mr;
        for (let r = 0; r < rowsHere; r++) dst[d + r] = data[src + r]!;
      }
    }
    // zero the missing rows of an edge panel
    for (let r = rowsHere; r < mr; r++) for (let p = 0; p < depth; p++) dst[panelStart + p * mr + r] = 0;
  }
}

/**
 * Packs op(B)[p0 : p0+depth, j0 : j0+cols] into NR-column micro-panels.
 * @example
 * packB({ data: b, offset: 0, ld: n, transposed: false }, 0, k, 0, n, 8, view, 4096);
 */
export function packB(
  B: StridedOperand,
  p0: number,
  depth: number,
  j0: number,
  cols: number,
  nr: number,
  dst: Float32Array,
  dstStart: number,
): void {
  const { data, offset, ld } = B;
  const panels = Math.ceil(cols / nr);
  for (let jp = 0; jp < panels; jp++) {
    const panelStart = dstStart + jp * depth * nr;
    const colsHere = Math.min(nr, cols - jp * nr);
    const j = j0 + jp * nr; // first column of op(B) in this micro-panel
    if (nr === 8 && colsHere === 8) {
      // full 8-column panel, unrolled
      if (!B.transposed) packContiguous8(data, offset + p0 * ld + j, ld, depth, dst, panelStart);
      else packRows8(data, offset + j * ld + p0, ld, depth, dst, panelStart);
      continue;
    }
    if (!B.transposed) {
      // op(B)[p, j] = data[offset + p·ld + j]: NR consecutive columns are contiguous
      for (let p = 0; p < depth; p++) {
        const src = offset + (p0 + p) * ld + j;
        const d = panelStart + p * nr;
        for (let c = 0; c < colsHere; c++) dst[d + c] = data[src + c]!;
      }
    } else {
      // op(B)[p, j] = data[offset + j·ld + p]: read each column of op(B) contiguously, stride NR out
      for (let c = 0; c < colsHere; c++) {
        const src = offset + (j + c) * ld + p0;
        let d = panelStart + c;
        for (let p = 0; p < depth; p++, d += nr) dst[d] = data[src + p]!;
      }
    }
    // zero the missing columns of an edge panel
    for (let c = colsHere; c < nr; c++) for (let p = 0; p < depth; p++) dst[panelStart + p * nr + c] = 0;
  }
}

/** dst[d + 4p + r] = data[s + r·ld + p] for r < 4, p < depth: interleaves 4 contiguous source rows. */
function packRows4(data: Float32Array, s: number, ld: number, depth: number, dst: Float32Array, d: number): void {
  const s1 = s + ld;
  const s2 = s1 + ld;
  const s3 = s2 + ld;
  for (let p = 0; p < depth; p++, d += 4) {
    dst[d] = data[s + p]!;
    dst[d + 1] = data[s1 + p]!;
    dst[d + 2] = data[s2 + p]!;
    dst[d + 3] = data[s3 + p]!;
  }
}

/** dst[d + 4p + r] = data[s + p·ld + r] for r < 4, p < depth: copies 4 contiguous floats per step. */
function packContiguous4(data: Float32Array, s: number, ld: number, depth: number, dst: Float32Array, d: number): void {
  for (let p = 0; p < depth; p++, d += 4, s += ld) {
    dst[d] = data[s]!;
    dst[d + 1] = data[s + 1]!;
    dst[d + 2] = data[s + 2]!;
    dst[d + 3] = data[s + 3]!;
  }
}

/** dst[d + 8p + c] = data[s + c·ld + p] for c < 8, p < depth: interleaves 8 contiguous source rows. */
function packRows8(data: Float32Array, s: number, ld: number, depth: number, dst: Float32Array, d: number): void {
  const s1 = s + ld;
  const s2 = s1 + ld;
  const s3 = s2 + ld;
  const s4 = s3 + ld;
  const s5 = s4 + ld;
  const s6 = s5 + ld;
  const s7 = s6 + ld;
  for (let p = 0; p < depth; p++, d += 8) {
    dst[d] = data[s + p]!;
    dst[d + 1] = data[s1 + p]!;
    dst[d + 2] = data[s2 + p]!;
    dst[d + 3] = data[s3 + p]!;
    dst[d + 4] = data[s4 + p]!;
    dst[d + 5] = data[s5 + p]!;
    dst[d + 6] = data[s6 + p]!;
    dst[d + 7] = data[s7 + p]!;
  }
}

/** dst[d + 8p + c] = data[s + p·ld + c] for c < 8, p < depth: copies 8 contiguous floats per step. */
function packContiguous8(data: Float32Array, s: number, ld: number, depth: number, dst: Float32Array, d: number): void {
  for (let p = 0; p < depth; p++, d += 8, s += ld) {
    dst[d] = data[s]!;
    dst[d + 1] = data[s + 1]!;
    dst[d + 2] = data[s + 2]!;
    dst[d + 3] = data[s + 3]!;
    dst[d + 4] = data[s + 4]!;
    dst[d + 5] = data[s + 5]!;
    dst[d + 6] = data[s + 6]!;
    dst[d + 7] = data[s + 7]!;
  }
}
