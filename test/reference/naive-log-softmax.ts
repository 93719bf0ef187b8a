/**
 * Textbook log-softmax oracles (test-only), x viewed as [outer, size, inner], axis in the middle.
 * Forward: y_s = log(exp(x_s) / Σ_t exp(x_t)) with no max subtraction (use moderate inputs).
 * Backward through the explicit Jacobian: ∂y_t/∂x_s = δ_ts − softmax_s, dx_s = Σ_t dy_t·∂y_t/∂x_s.
 */
export function naiveLogSoftmax(x: ArrayLike<number>, outer: number, size: number, inner: number): Float64Array {
  const y = new Float64Array(outer * size * inner);
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
    const at = (s: number): number => (o * size + s) * inner + i;
    let z = 0;
    for (let t = 0; t < size; t++) z += Math.exp(x[at(t)]!);
    for (let s = 0; s < size; s++) y[at(s)] = Math.log(Math.exp(x[at(s)]!) / z);
  }
  return y;
}

export function naiveLogSoftmaxBackward(dy: ArrayLike<number>, x: ArrayLike<number>, outer: number, size: number, inner: number): Float64Array {
  const dx = new Float64Array(outer * size * inner);
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
    const at = (s: number): number => (o * size + s) * inner + i;
    let z = 0;
    for (let t = 0; t < size; t++) z += Math.exp(x[at(t)]!);
    for (let s = 0; s < size; s++) {
      const softmaxS = Math.exp(x[at(s)]!) / z;
      let sum = 0;
      for (let t = 0; t < size; t++) sum += dy[at(t)]! * ((t === s ? 1 : 0) - softmaxS);
      dx[at(s)] = sum;
    }
  }
  return dx;
}
