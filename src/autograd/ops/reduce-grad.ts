/**
 * Helpers shared by the reduction primitives' backward rules: reshaping the output gradient so it
 * broadcasts against the input (re-inserting reduced dims when keepDim was false).
 */
import { normalizeDims } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { expand, reshape } from '../../tensor/views.js';

export interface ReduceAttrs {
  dims: number | readonly number[] | undefined;
  keepDim: boolean;
}

/** The output gradient with reduced dims restored as size 1 (broadcastable to the input). */
export function keepDimShape(g: Tensor, inputShape: readonly number[], dims: ReduceAttrs['dims']): Tensor {
  const reduced = new Set(normalizeDims(dims, inputShape.length, 'backward'));
  return reshape(g, inputShape.map((s, d) => (reduced.has(d) ? 1 : s)));
}

/** The output gradient broadcast (as a stride-0 view) to the input shape. */
export function expandToInput(g: Tensor, inputShape: readonly number[], dims: ReduceAttrs['dims']): Tensor {
  return expand(keepDimShape(g, inputShape, dims), inputShape);
}

/** Number of input elements that fold into each output element. */
export function reducedCount(inputShape: readonly number[], dims: ReduceAttrs['dims']): number {
  let n = 1;
  for (const d of normalizeDims(dims, inputShape.length, 'backward')) n *= inputShape[d] ?? 1; // 0-d input: size 1
  return n;
}
