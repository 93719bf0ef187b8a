/**
 * log-softmax over the middle axis of x viewed as [outer, size, inner], forward and backward.
 *
 * Math (for each (o, i), s ranging over the axis):
 *   forward   y[o,s,i] = x[o,s,i] − m − log Σ_t exp(x[o,t,i] − m),   m = max_t x[o,t,i]
 *   backward  dx[o,s,i] = dy[o,s,i] − exp(y[o,s,i]) · Σ_t dy[o,t,i]
 * Stability: the max is subtracted before exp, so exp never overflows and the largest term is 1;
 * sums run in float64 locals in ascending t, one rounding per stored element.
 * Special values (as PyTorch): a row containing +∞ or NaN, or made only of −∞, is all NaN; a −∞
 * entry among finite ones gives −∞.
 * Layout: contiguous, element (o, s, i) at o·size·inner + s·inner + i. In-place is safe: `out` may
 * be `x` and `gradIn` may be `gradOut` (each line is fully read before it is written).
 * Cost: O(outer·size·inner) time, 3 passes forward, 2 backward; no allocation.
 * Reference: torch.log_softmax(x, dim) and its autograd formula.
 */
import type { FloatArray } from '../dtype.js';

function checkSizes(op: string, outer: number, size: number, inner: number, arrays: [string, { length: number }][]): void {
  for (const [name, v] of [['outer', outer], ['size', size], ['inner', inner]] as const) {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`${op}: ${name} must be a non-negative integer, got ${String(v)}`);
  }
  const needed = outer * size * inner;
  for (const [name, arr] of arrays) {
    if (arr.length < needed) {
      throw new RangeError(`${op}: ${name} has ${arr.length} elements, [outer=${outer}, size=${size}, inner=${inner}] needs ${needed}`);
    }
  }
}

/**
 * out = logSoftmax(x) over the middle axis of [outer, size, inner].
 *
 * @example
 * const x = new Float32Array([1, 2, 3]), out = new Float32Array(3);
 * logSoftmaxForward(x, out, 1, 3, 1); // out ≈ [-2.4076, -1.4076, -0.4076]
 */
export function logSoftmaxForward(x: FloatArray, out: FloatArray, outer: number, size: number, inner: number): void {
  checkSizes('logSoftmaxForward', outer, size, inner, [['x', x], ['out', out]]);
  for (let o = 0; o < outer; o++) {
    const base = o * size * inner;
    for (let i = 0; i < inner; i++) {
      const start = base + i;
      let max = -Infinity;
      let sawNaN = false;
      for (let s = 0, idx = start; s < size; s++, idx += inner) {
        const v = x[idx]!;
        if (v > max) max = v;
        else if (v !== v) sawNaN = true;
      }
      if (sawNaN) max = NaN;
      let sum = 0;
      for (let s = 0, idx = start; s < size; s++, idx += inner) sum += Math.exp(x[idx]! - max);
      // (x − max) − log Σ rather than x − (max + log Σ): the shift is exact in float64 for nearby
      // values, so large logits do not lose the last bits of max (softmax([1000, 1000]) = ½ exactly).
      const logSum = Math.log(sum);
      for (let s = 0, idx = start; s < size; s++, idx += inner) out[idx] = x[idx]! - max - logSum;
    }
  }
}

/**
 * gradIn = gradOut − exp(out) · Σ_axis gradOut, where out is the forward result.
 *
 * @example
 * const out = new Float64Array([Math.log(0.25), Math.log(0.75)]), dx = new Float64Array(2);
 * logSoftmaxBackward(new Float64Array([1, 0]), out, dx, 1, 2, 1); // dx = [0.75, -0.75]
 */
export function logSoftmaxBackward(
  gradOut: FloatArray, out: FloatArray, gradIn: FloatArray, outer: number, size: number, inner: number,
): void {
  checkSizes('logSoftmaxBackward', outer, size, inner, [['gradOut', gradOut], ['out', out], ['gradIn', gradIn]]);
  for (let o = 0; o < outer; o++) {
    const base = o * size * inner;
    for (let i = 0; i < inner; i++) {
      const start = base + i;
      let sum = 0;
      for (let s = 0, idx = start; s < size; s++, idx += inner) sum += gradOut[idx]!;
      for (let s = 0, idx = start; s < size; s++, idx += inner) gradIn[idx] = gradOut[idx]! - Math.exp(out[idx]!) * sum;
    }
  }
}
