/**
 * Strided iteration shared by the element-wise kernels.
 *
 * Math: for an output of shape S (row-major, contiguous) and k operands with strides σ_j (0 on
 * broadcast dims), element i = (i_0, …, i_{d−1}) reads operand j at off_j + Σ_d i_d·σ_j[d].
 * `coalesce` first merges adjacent dims that are contiguous for every operand (σ[d] = σ[d+1]·S[d+1]),
 * so a fully contiguous problem becomes a single row. `forEachRow` then walks every dim but the last
 * with an odometer and hands each row (length S[last], one start offset and inner stride per operand)
 * to a row callback, which is a tight loop. Cost: O(numel) reads plus O(numel / rowLength) odometer steps.
 */

export interface RowPlan {
  shape: number[];
  /** strides[j][d]: stride of operand j on (coalesced) dim d. */
  strides: number[][];
}

/** Merges dims that can be walked as one for every operand; drops size-1 dims. */
export function coalesce(shape: readonly number[], strides: readonly (readonly number[])[]): RowPlan {
  const dims: number[] = [];
  for (let d = 0; d < shape.length; d++) if (shape[d] !== 1) dims.push(d);
  if (dims.length === 0) return { shape: [1], strides: strides.map(() => [0]) };
  const outShape: number[] = [shape[dims[0]!]!];
  const outStrides = strides.map((s) => [s[dims[0]!]!]);
  for (let k = 1; k < dims.length; k++) {
    const d = dims[k]!;
    const size = shape[d]!;
    const last = outShape.length - 1;
    let mergeable = true;
    for (let j = 0; j < strides.length; j++) {
      if (outStrides[j]![last] !== strides[j]![d]! * size) {
        mergeable = false;
        break;
      }
    }
    if (mergeable) {
      outShape[last] = outShape[last]! * size;
      for (let j = 0; j < strides.length; j++) outStrides[j]![last] = strides[j]![d]!;
    } else {
      outShape.push(size);
      for (let j = 0; j < strides.length; j++) outStrides[j]!.push(strides[j]![d]!);
    }
  }
  return { shape: outShape, strides: outStrides };
}

/**
 * Calls `row(outStart, starts, length, innerStrides)` for every row of the coalesced problem, where
 * `outStart` is the row's first index in the contiguous output and starts[j] the first element of operand j.
 */
export function forEachRow(
  plan: RowPlan,
  offsets: readonly number[],
  row: (outStart: number, starts: readonly number[], length: number, inner: readonly number[]) => void,
): void {
  const nd = plan.shape.length;
  const k = offsets.length;
  const length = plan.shape[nd - 1]!;
  const inner = plan.strides.map((s) => s[nd - 1]!);
  let rows = 1;
  for (let d = 0; d < nd - 1; d++) rows *= plan.shape[d]!;
  if (rows === 0 || length === 0) return;
  const idx = new Array<number>(Math.max(nd - 1, 0)).fill(0);
  const pos = [...offsets];
  for (let r = 0; r < rows; r++) {
    row(r * length, pos, length, inner);
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]!++;
      for (let j = 0; j < k; j++) pos[j]! += plan.strides[j]![d]!;
      if (idx[d]! < plan.shape[d]!) break;
      for (let j = 0; j < k; j++) pos[j]! -= plan.strides[j]![d]! * plan.shape[d]!;
      idx[d] = 0;
    }
  }
}

/** dst[view] = src[view] for two strided views of the same shape (dtype conversion on store). */
export function copyStrided(
  src: ArrayLike<number>, srcOffset: number, srcStrides: readonly number[],
  dst: { [i: number]: number; length: number }, dstOffset: number, dstStrides: readonly number[],
  shape: readonly number[],
): void {
  const plan = coalesce(shape, [srcStrides, dstStrides]);
  forEachRow(plan, [srcOffset, dstOffset], (_o, starts, n, inner) => {
    let ps = starts[0]!;
    let pd = starts[1]!;
    const ss = inner[0]!;
    const sd = inner[1]!;
    for (let i = 0; i < n; i++, ps += ss, pd += sd) dst[pd] = src[ps]!;
  });
}
