/**
 * `defineOp`: every differentiable op is declared once with its forward and its backward together
 * (docs/engine.md rule 1), in the shape of JAX's custom_vjp:
 *
 *   forward(inputs, attrs)            -> { output, save? }      (runs without recording)
 *   backward(gradOutput, ctx)         -> one gradient (or null) per input
 *
 * `save` lists the tensors backward needs (inputs or the output, declared, like tfjs's
 * inputsToSave/outputsToSave); their storage versions are recorded and checked before backward, so
 * an in-place write to a saved tensor raises a clear error instead of a silently wrong gradient.
 * Gradients returned by backward may have a broadcast shape: the engine sums them back to each
 * input's shape in one place (`sumToShape`).
 */
import { releaseAllocated } from '../tensor/storage.js';
import { Tensor } from '../tensor/tensor.js';
import { GraphNode } from './engine.js';
import { isGradEnabled } from './grad-mode.js';
import type { OpDefinition } from './op-definition.js';

export type { BackwardContext, ForwardResult, OpDefinition } from './op-definition.js';

export type Op<A> = (inputs: readonly (Tensor | null)[], attrs: A) => Tensor;

/** Registry of every defined op (by name), for the op table's completeness test. */
export const OP_REGISTRY = new Map<string, OpDefinition<never>>();

/** Declares a differentiable op; returns the function that applies it and records the graph. */
export function defineOp<A>(definition: OpDefinition<A>): Op<A> {
  if (OP_REGISTRY.has(definition.name)) throw new Error(`defineOp: op '${definition.name}' is already defined`);
  OP_REGISTRY.set(definition.name, definition);
  return (inputs, attrs) => {
    const result = definition.forward(inputs, attrs);
    let record = false;
    if (isGradEnabled()) for (const t of inputs) if (t !== null && t.requiresGrad) record = true;
    if (!record) {
      for (const a of result.scratch ?? []) releaseAllocated(a);
      return result.output;
    }
    // The output must be a tensor object of its own (a view may share storage, never identity).
    const out = inputs.includes(result.output)
      ? new Tensor(result.output.storage, result.output.shape, result.output.strides, result.output.offset, result.output.dtype)
      : result.output;
    out.requiresGrad = true;
    out.gradFn = new GraphNode(definition, inputs, result.save ?? [], result.extra, attrs, result.scratch);
    return out;
  };
}
