/**
 * The shape of a differentiable op as `defineOp` takes it (docs/engine.md rule 1): a forward that
 * returns the output and what backward needs, and a backward that returns one gradient per input.
 * Its own module so that `define-op.ts` and the engine, which both use it, do not import each other.
 */
import type { TypedArray } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';

export interface ForwardResult {
  output: Tensor;
  /** Tensors needed by backward (version-checked). */
  save?: readonly Tensor[];
  /** Non-tensor data computed in forward and needed by backward (e.g. argmax indices). */
  extra?: unknown;
  /**
   * Arrays from `allocate` that forward made for backward only and that nothing else references
   * (e.g. max-pool argmax indices): returned to the storage pool once backward no longer needs them
   * (at once when the call is not recorded).
   */
  scratch?: readonly TypedArray[];
}

export interface BackwardContext<A> {
  /** The op's inputs (tensors as given to forward; null entries for absent optional inputs). */
  inputs: readonly (Tensor | null)[];
  saved: readonly Tensor[];
  extra: unknown;
  attrs: A;
  /** needsGrad[i]: whether input i requires a gradient (skip the work otherwise). */
  needsGrad: readonly boolean[];
}

export interface OpDefinition<A> {
  name: string;
  forward(inputs: readonly (Tensor | null)[], attrs: A): ForwardResult;
  backward(gradOutput: Tensor, ctx: BackwardContext<A>): readonly (Tensor | null)[];
}
