/**
 * `maxPool2d` / `avgPool2d` — Math (NCHW, per channel):
 *   max: y = max over the window (padding = −∞); dx: g routed to the FIRST argmax of each window
 *        (indices kept from forward), accumulated when windows overlap. returnIndices also returns
 *        those argmax indices (flat ih·W + iw per plane, int32), as torch return_indices=True.
 *   avg: y = mean over the window (÷ full window with padding when countIncludePad, the default);
 *        dx: g spread evenly over each window.
 * Reference: torch.nn.functional.max_pool2d / avg_pool2d (ceil_mode, padding, dilation for max).
 * @example maxPool2d(x, { kernelSize: 2 })
 */
import type { FloatArray } from '../../tensor/dtype.js';
import { pool2dGeometry, type Pool2dGeometry, type Pool2dOptions } from '../../tensor/kernels/pool2d-geometry.js';
import { avgPool2dBackward, avgPool2dForward, maxPool2dBackward, maxPool2dForward } from '../../tensor/kernel-dispatch.js';
import { describe } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { allocate } from '../../tensor/storage.js';
import { defineOp } from '../define-op.js';
import { checkInput, floatData, outShape } from './pool2d-parts.js';

type PoolAttrs = { geometry: Pool2dGeometry };

/** With `indices`, forward also stores the argmax as an int32 tensor there (returnIndices). */
type MaxPoolAttrs = PoolAttrs & { indices?: { tensor: Tensor | null } };

const maxPoolOp = defineOp<MaxPoolAttrs>({
  name: 'maxPool2d',
  forward: ([x], { geometry: g, indices }) => {
    const out = Tensor.uninitialized(outShape(g), x!.dtype); // the kernel writes every output
    if (indices !== undefined) {
      // returnIndices: the kernel's argmax is itself the returned tensor, saved (version-checked) for backward.
      const index = Tensor.uninitialized(outShape(g), 'int32');
      maxPool2dForward(g, floatData(x!), out.data as FloatArray, index.data as Int32Array);
      indices.tensor = index;
      return { output: out, save: [index] };
    }
    const argmax = allocate('int32', out.numel(), { zeroed: false }); // and every index
    maxPool2dForward(g, floatData(x!), out.data as FloatArray, argmax);
    return { output: out, extra: argmax, scratch: [argmax] };
  },
  backward: (gy, { inputs, extra, saved, attrs: { geometry: g } }) => {
    const gx = Tensor.uninitialized(inputs[0]!.shape, inputs[0]!.dtype); // overwritten plane by plane
    const argmax = saved.length > 0 ? (saved[0]!.contiguousData() as Int32Array) : (extra as Int32Array);
    maxPool2dBackward(g, floatData(gy), argmax, gx.data as FloatArray);
    return [gx];
  },
});

const avgPoolOp = defineOp<PoolAttrs>({
  name: 'avgPool2d',
  forward: ([x], { geometry: g }) => {
    const out = Tensor.zeroed(outShape(g), x!.dtype);
    avgPool2dForward(g, floatData(x!), out.data as FloatArray);
    return { output: out };
  },
  backward: (gy, { inputs, attrs: { geometry: g } }) => {
    const gx = Tensor.zeroed(inputs[0]!.shape, inputs[0]!.dtype);
    avgPool2dBackward(g, floatData(gy), gx.data as FloatArray);
    return [gx];
  },
});

export interface MaxPool2dFunctionalOptions extends Pool2dOptions {
  /** Also return the argmax of each window, flat within its input plane (ih·W + iw), int32 [N, C, OH, OW]. */
  returnIndices?: boolean;
}

/**
 * Max pooling; with `returnIndices: true` returns [values, indices] (torch return_indices=True; the
 * indices feed `maxUnpool2d`). @example const [y, idx] = maxPool2d(x, { kernelSize: 2, returnIndices: true })
 */
export function maxPool2d(x: Tensor, options: MaxPool2dFunctionalOptions & { returnIndices: true }): [Tensor, Tensor];
export function maxPool2d(x: Tensor, options: MaxPool2dFunctionalOptions & { returnIndices?: false }): Tensor;
export function maxPool2d(x: Tensor, options: MaxPool2dFunctionalOptions): Tensor | [Tensor, Tensor];
export function maxPool2d(x: Tensor, options: MaxPool2dFunctionalOptions): Tensor | [Tensor, Tensor] {
  checkInput(x, 'maxPool2d');
  const { returnIndices, ...poolOptions } = options ?? ({} as MaxPool2dFunctionalOptions);
  if (returnIndices !== undefined && typeof returnIndices !== 'boolean') {
    throw new TypeError(`maxPool2d: returnIndices must be a boolean, got ${describe(returnIndices)}`);
  }
  const geometry = pool2dGeometry(x.shape, poolOptions, 'maxPool2d');
  if (returnIndices !== true) return maxPoolOp([x], { geometry });
  const indices: { tensor: Tensor | null } = { tensor: null };
  const y = maxPoolOp([x], { geometry, indices });
  return [y, indices.tensor!];
}

export function avgPool2d(x: Tensor, options: Pool2dOptions): Tensor {
  checkInput(x, 'avgPool2d');
  return avgPoolOp([x], { geometry: pool2dGeometry(x.shape, options, 'avgPool2d') });
}
