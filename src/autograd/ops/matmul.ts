/**
 * `matmul` — Math: Y = A·B with torch.matmul's 1-D and batch-broadcast rules;
 * dA = G·Bᵀ, dB = Aᵀ·G (batch dims summed back by the engine; transposes are strided views that
 * gemm consumes without copying). Reference: torch.matmul. @example matmul(x, w)
 */
import { matmul as matmulRaw } from '../../tensor/ops/matmul.js';
import type { Tensor } from '../../tensor/tensor.js';
import { reshape, transpose, unsqueeze } from '../../tensor/views.js';
import { sumToShape } from '../engine.js';
import { defineOp } from '../define-op.js';

const matmulOp = defineOp<null>({
  name: 'matmul',
  forward: ([a, b]) => ({ output: matmulRaw(a!, b!), save: [a!, b!] }),
  backward: (g, { saved, needsGrad }) => {
    const a = saved[0]!;
    const b = saved[1]!;
    const A = a.ndim === 1 ? unsqueeze(a, 0) : a;
    const B = b.ndim === 1 ? unsqueeze(b, 1) : b;
    // G with the dims that 1-D operands dropped put back: [..., m, n].
    let G = g;
    if (a.ndim === 1) G = unsqueeze(G, G.ndim - (b.ndim === 1 ? 0 : 1));
    if (b.ndim === 1) G = unsqueeze(G, G.ndim);
    const gA = needsGrad[0] ? reshape(sumToShape(matmulRaw(G, transpose(B, -1, -2)), A.shape), a.shape) : null;
    const gB = needsGrad[1] ? reshape(sumToShape(matmulRaw(transpose(A, -1, -2), G), B.shape), b.shape) : null;
    return [gA, gB];
  },
});

export function matmul(a: Tensor, b: Tensor): Tensor {
  return matmulOp([a, b], null);
}
