/**
 * Reductions over the trailing axis of a row-major [outer, size] block.
 *
 * Math, for each row r (x_r0 … x_r,size−1):
 *   sum = Σ_j x_rj                     mean = sum / size
 *   prod = Π_j x_rj                    logsumexp = m + log Σ_j exp(x_rj − m), m = max_j x_rj
 *   max/min (NaN propagates)           argmax/argmin: first index of the extreme (a NaN counts as extreme)
 *   var = Σ_j (x_rj − mean)² / (size − correction)   (two passes)
 * Accumulation is in float64 JS locals, left to right (j ascending): float32 sums are exact to float64
 * before the single rounding on store, and the order is fixed, so results are bit-reproducible.
 * The tensor layer moves the reduced dims to the end (a permuted copy when needed) before calling.
 * Cost: O(outer · size); var and logsumexp read each row twice.
 */
import type { TypedArray } from '../dtype.js';

export type ReduceOp = 'sum' | 'mean' | 'prod' | 'max' | 'min' | 'argmax' | 'argmin' | 'logsumexp' | 'var';

export function reduceRows(
  op: ReduceOp,
  x: TypedArray, xOffset: number, outer: number, size: number,
  out: TypedArray,
  correction = 1,
): void {
  for (let r = 0; r < outer; r++) {
    const base = xOffset + r * size;
    out[r] = reduceRow(op, x, base, size, correction);
  }
}

function reduceRow(op: ReduceOp, x: TypedArray, base: number, size: number, correction: number): number {
  switch (op) {
    case 'sum':
    case 'mean': {
      let acc = 0;
      for (let j = 0; j < size; j++) acc += x[base + j]!;
      return op === 'sum' ? acc : acc / size;
    }
    case 'prod': {
      let acc = 1;
      for (let j = 0; j < size; j++) acc *= x[base + j]!;
      return acc;
    }
    case 'max':
    case 'min': {
      if (size === 0) throw new RangeError(`${op}: cannot reduce over an empty dimension`);
      let best = x[base]!;
      for (let j = 1; j < size; j++) {
        const v = x[base + j]!;
        if (v !== v) return NaN;
        if (op === 'max' ? v > best : v < best) best = v;
      }
      return best;
    }
    case 'argmax':
    case 'argmin': {
      if (size === 0) throw new RangeError(`${op}: cannot reduce over an empty dimension`);
      let best = x[base]!;
      let at = 0;
      if (best !== best) return 0;
      for (let j = 1; j < size; j++) {
        const v = x[base + j]!;
        if (v !== v) return j;
        if (op === 'argmax' ? v > best : v < best) {
          best = v;
          at = j;
        }
      }
      return at;
    }
    case 'logsumexp': {
      let m = -Infinity;
      for (let j = 0; j < size; j++) {
        const v = x[base + j]!;
        if (v > m || v !== v) m = v;
      }
      if (m !== m) return NaN;
      if (m === -Infinity) return -Infinity;
      if (m === Infinity) return Infinity;
      let acc = 0;
      for (let j = 0; j < size; j++) acc += Math.exp(x[base + j]! - m);
      return m + Math.log(acc);
    }
    case 'var': {
      let mean = 0;
      for (let j = 0; j < size; j++) mean += x[base + j]!;
      mean /= size;
      let acc = 0;
      for (let j = 0; j < size; j++) {
        const d = x[base + j]! - mean;
        acc += d * d;
      }
      return acc / Math.max(0, size - correction);
    }
  }
}
