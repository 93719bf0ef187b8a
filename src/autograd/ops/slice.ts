/**
 * `slice` — Math: y = x[…, start:end:step, …] along dim (a view); dx = zeros with g written into
 * the same slice. `narrow(x, dim, start, length)` is the composite with step 1 and strict bounds.
 * Reference: Python/PyTorch slicing, torch.narrow. @example slice(x, 1, 0, 4, 2)
 */
import { assignInto } from '../../tensor/ops/structure.js';
import { Tensor } from '../../tensor/tensor.js';
import { narrowRange, slice as sliceRaw } from '../../tensor/views.js';
import { defineOp } from '../define-op.js';

interface SliceAttrs {
  dim: number;
  start: number;
  end: number | undefined;
  step: number;
}

const sliceOp = defineOp<SliceAttrs>({
  name: 'slice',
  forward: ([x], a) => ({ output: sliceRaw(x!, a.dim, a.start, a.end, a.step) }),
  backward: (g, { inputs, attrs }) => {
    const x = inputs[0]!;
    const gx = Tensor.zeroed(x.shape, g.dtype);
    assignInto(sliceRaw(gx, attrs.dim, attrs.start, attrs.end, attrs.step), g);
    return [gx];
  },
});

export function slice(x: Tensor, dim: number, start = 0, end?: number, step = 1): Tensor {
  return sliceOp([x], { dim, start, end, step });
}

export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  const [d, s, e] = narrowRange(x, dim, start, length);
  return slice(x, d, s, e);
}
