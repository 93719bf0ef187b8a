/**
 * Naive reductions over any set of dims (test oracle; never exported from src). For every output
 * multi-index it collects the group of input elements in row-major order of the reduced dims and
 * applies the textbook formula in float64:
 *   sum = Σ x          mean = Σ x / n          prod = Π x
 *   max/min            (NaN if any element is NaN)
 *   argmax/argmin      first position (row-major within the group) of the extreme; first NaN wins
 *   logsumexp          m + ln Σ exp(x − m), m = max (−∞ if all −∞, NaN if any NaN, +∞ if any +∞)
 *   var                Σ (x − mean)² / (n − correction), two passes
 * The output shape drops the reduced dims, or keeps them as 1 with keepDim.
 */
import { numelOf, ravel, unravel, type Dense } from './broadcast.js';

export type NaiveReduceOp = 'sum' | 'mean' | 'prod' | 'max' | 'min' | 'argmax' | 'argmin' | 'logsumexp' | 'var';

function reduceGroup(op: NaiveReduceOp, xs: number[], correction: number): number {
  const n = xs.length;
  switch (op) {
    case 'sum':
      return xs.reduce((acc, v) => acc + v, 0);
    case 'mean':
      return xs.reduce((acc, v) => acc + v, 0) / n;
    case 'prod':
      return xs.reduce((acc, v) => acc * v, 1);
    case 'max':
      return xs.some(Number.isNaN) ? NaN : xs.reduce((acc, v) => (v > acc ? v : acc), -Infinity);
    case 'min':
      return xs.some(Number.isNaN) ? NaN : xs.reduce((acc, v) => (v < acc ? v : acc), Infinity);
    case 'argmax':
    case 'argmin': {
      const firstNaN = xs.findIndex(Number.isNaN);
      if (firstNaN >= 0) return firstNaN;
      let at = 0;
      for (let j = 1; j < n; j++) if (op === 'argmax' ? xs[j]! > xs[at]! : xs[j]! < xs[at]!) at = j;
      return at;
    }
    case 'logsumexp': {
      if (xs.some(Number.isNaN)) return NaN;
      const m = xs.reduce((acc, v) => (v > acc ? v : acc), -Infinity);
      if (m === -Infinity || m === Infinity) return m;
      return m + Math.log(xs.reduce((acc, v) => acc + Math.exp(v - m), 0));
    }
    case 'var': {
      const mu = xs.reduce((acc, v) => acc + v, 0) / n;
      return xs.reduce((acc, v) => acc + (v - mu) * (v - mu), 0) / (n - correction);
    }
  }
}

/** Reduces `x` over `dims` (any order, no duplicates; empty list = no reduction). */
export function naiveReduce(
  op: NaiveReduceOp, x: Dense, dims: readonly number[], keepDim: boolean, correction = 1,
): { data: Float64Array; shape: number[]; magnitude: Float64Array } {
  const nd = x.shape.length;
  const reduced = new Set(dims.map((d) => (d < 0 ? d + nd : d)));
  const keptShape = x.shape.filter((_, d) => !reduced.has(d));
  const groupShape = x.shape.filter((_, d) => reduced.has(d));
  const outN = numelOf(keptShape);
  const groupN = numelOf(groupShape);
  const data = new Float64Array(outN);
  const magnitude = new Float64Array(outN);
  for (let o = 0; o < outN; o++) {
    const keptIdx = unravel(o, keptShape);
    const xs: number[] = [];
    for (let g = 0; g < groupN; g++) {
      const groupIdx = unravel(g, groupShape);
      let k = 0;
      let r = 0;
      const idx = x.shape.map((_, d) => (reduced.has(d) ? groupIdx[r++]! : keptIdx[k++]!));
      xs.push(x.data[ravel(idx, x.shape)]!);
    }
    data[o] = reduceGroup(op, xs, correction);
    magnitude[o] = xs.reduce((acc, v) => acc + Math.abs(v), 0);
  }
  const shape = keepDim ? x.shape.map((s, d) => (reduced.has(d) ? 1 : s)) : keptShape;
  return { data, shape, magnitude };
}
