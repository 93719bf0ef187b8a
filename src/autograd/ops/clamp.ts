/**
 * `clamp` — Math: y = min(max(x, lo), hi); dx = g·[lo ≤ x ≤ hi] (PyTorch: boundary values pass the
 * gradient). Reference: torch.clamp. @example clamp(x, 0, 6)
 */
import { binary, clamp as clampRaw, where } from '../../tensor/ops/elementwise.js';
import type { Tensor } from '../../tensor/tensor.js';
import { defineOp } from '../define-op.js';

interface ClampAttrs {
  min: number | null;
  max: number | null;
}

const clampOp = defineOp<ClampAttrs>({
  name: 'clamp',
  forward: ([x], { min, max }) => ({ output: clampRaw(x!, min, max), save: [x!] }),
  backward: (g, { saved, attrs }) => {
    const x = saved[0]!;
    let mask = binary('eq', x, x);
    if (attrs.min !== null) mask = binary('mul', mask, binary('ge', x, attrs.min));
    if (attrs.max !== null) mask = binary('mul', mask, binary('le', x, attrs.max));
    return [where(mask, g, 0)];
  },
});

/** Clamps into [min, max]; pass null/undefined to leave a side open. */
export function clamp(x: Tensor, min?: number | null, max?: number | null): Tensor {
  return clampOp([x], { min: min ?? null, max: max ?? null });
}
