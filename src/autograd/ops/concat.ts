/**
 * `concat` — Math: y = [x_0; x_1; …] along dim; dx_i = the matching slice of g. `stack` is the
 * composite unsqueeze + concat. Reference: torch.cat, torch.stack. @example concat([a, b], 1)
 */
import { concat as concatRaw } from '../../tensor/ops/structure.js';
import { normalizeDim, describe, isArray } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { narrow } from '../../tensor/views.js';
import { defineOp } from '../define-op.js';
import { unsqueeze } from './squeeze.js';

const concatOp = defineOp<{ dim: number }>({
  name: 'concat',
  forward: (xs, { dim }) => ({ output: concatRaw(xs as Tensor[], dim) }),
  backward: (g, { inputs, attrs, needsGrad }) => {
    const d = normalizeDim(attrs.dim, g.ndim, 'concat');
    let start = 0;
    return inputs.map((x, i) => {
      const len = x!.shape[d]!;
      const part = needsGrad[i] ? narrow(g, d, start, len) : null;
      start += len;
      return part;
    });
  },
});

export function concat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (!isArray(tensors)) throw new TypeError(`concat: expected a list of tensors, got ${describe(tensors)}`);
  return concatOp(tensors, { dim });
}

export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  if (!isArray(tensors) || tensors.length === 0) throw new RangeError(`stack: expected a non-empty list of tensors, got ${describe(tensors)}`);
  const first = tensors[0]!;
  if (!(first instanceof Tensor)) throw new TypeError(`stack: tensors[0] must be a Tensor, got ${describe(first)}`);
  const d = normalizeDim(dim, first.ndim + 1, 'stack');
  tensors.forEach((t, i) => {
    if (!(t instanceof Tensor) || t.ndim !== first.ndim || !t.shape.every((s, j) => s === first.shape[j])) {
      throw new RangeError(`stack: tensors[${i}] has shape ${describe(t?.shape)}, expected ${describe(first.shape)}`);
    }
  });
  return concat(tensors.map((t) => unsqueeze(t, d)), d);
}
