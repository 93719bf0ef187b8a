import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { packA, packB } from '../../../src/tensor/wasm/sgemm-pack.js';

/** Stored matrix with distinct values: element (row, col) = 1000·row + col + 1 (never 0). */
function stored(rows: number, ld: number, offset: number): Float32Array {
  const data = new Float32Array(offset + rows * ld);
  for (let r = 0; r < rows; r++) for (let c = 0; c < ld; c++) data[offset + r * ld + c] = 1000 * r + c + 1;
  return data;
}

describe('packA / packB layouts', () => {
  it('place op(A)[i0+ip·MR+r, p0+p] at ip·depth·MR + p·MR + r, zero past the last row', () => {
    fc.assert(
      fc.property(
        fc.record({ m: fc.integer({ min: 1, max: 13 }), k: fc.integer({ min: 1, max: 9 }), mr: fc.constantFrom(1, 3, 4, 6), transposed: fc.boolean(), pad: fc.nat({ max: 2 }), offset: fc.nat({ max: 3 }) }),
        ({ m, k, mr, transposed, pad, offset }) => {
          const [rows, cols] = transposed ? [k, m] : [m, k];
          const ld = cols + pad;
          const data = stored(rows, ld, offset);
          const opA = (i: number, p: number): number => (transposed ? data[offset + p * ld + i]! : data[offset + i * ld + p]!);
          const i0 = Math.min(1, m - 1);
          const p0 = Math.min(2, k - 1);
          const blockRows = m - i0;
          const depth = k - p0;
          const panels = Math.ceil(blockRows / mr);
          const dst = new Float32Array(3 + panels * depth * mr).fill(NaN);
          packA({ data, offset, ld, transposed }, i0, blockRows, p0, depth, mr, dst, 3);
          for (let ip = 0; ip < panels; ip++) {
            for (let p = 0; p < depth; p++) {
              for (let r = 0; r < mr; r++) {
                const row = ip * mr + r;
                expect(dst[3 + ip * depth * mr + p * mr + r]).toBe(row < blockRows ? opA(i0 + row, p0 + p) : 0);
              }
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('place op(B)[p0+p, j0+jp·NR+c] at jp·depth·NR + p·NR + c, zero past the last column', () => {
    fc.assert(
      fc.property(
        fc.record({ n: fc.integer({ min: 1, max: 21 }), k: fc.integer({ min: 1, max: 9 }), nr: fc.constantFrom(4, 8, 12), transposed: fc.boolean(), pad: fc.nat({ max: 2 }), offset: fc.nat({ max: 3 }) }),
        ({ n, k, nr, transposed, pad, offset }) => {
          const [rows, cols] = transposed ? [n, k] : [k, n];
          const ld = cols + pad;
          const data = stored(rows, ld, offset);
          const opB = (p: number, j: number): number => (transposed ? data[offset + j * ld + p]! : data[offset + p * ld + j]!);
          const j0 = Math.min(2, n - 1);
          const p0 = Math.min(1, k - 1);
          const blockCols = n - j0;
          const depth = k - p0;
          const panels = Math.ceil(blockCols / nr);
          const dst = new Float32Array(5 + panels * depth * nr).fill(NaN);
          packB({ data, offset, ld, transposed }, p0, depth, j0, blockCols, nr, dst, 5);
          for (let jp = 0; jp < panels; jp++) {
            for (let p = 0; p < depth; p++) {
              for (let c = 0; c < nr; c++) {
                const col = jp * nr + c;
                expect(dst[5 + jp * depth * nr + p * nr + c]).toBe(col < blockCols ? opB(p0 + p, j0 + col) : 0);
              }
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
