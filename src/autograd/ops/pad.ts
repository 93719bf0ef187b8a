/**
 * `pad` (constant) — Math: y = x surrounded by `value`, padding given as (before, after) pairs from
 * the last dim backwards; dx = the interior slice of g. Reference: torch.nn.functional.pad.
 * @example pad(x, [1, 1, 1, 1]) // NCHW: pad W then H by one
 */
import { pad as padRaw, type PadOptions } from '../../tensor/ops/structure.js';
import type { Tensor } from '../../tensor/tensor.js';
import { narrow } from '../../tensor/views.js';
import { defineOp } from '../define-op.js';

const padOp = defineOp<{ padding: readonly number[]; options: PadOptions }>({
  name: 'pad',
  forward: ([x], a) => ({ output: padRaw(x!, a.padding, a.options) }),
  backward: (g, { inputs, attrs }) => {
    const x = inputs[0]!;
    let gx = g;
    for (let i = 0; i < attrs.padding.length / 2; i++) {
      const d = x.ndim - 1 - i;
      gx = narrow(gx, d, attrs.padding[2 * i]!, x.shape[d]!);
    }
    return [gx];
  },
});

export function pad(x: Tensor, padding: readonly number[], options: PadOptions = {}): Tensor {
  return padOp([x], { padding, options });
}
