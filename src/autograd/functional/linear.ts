/**
 * `linear` — composite: y = x·Wᵀ + b with W [out, in] (torch.nn.functional.linear). The transpose
 * is a strided view that gemm reads directly.
 */
import type { Tensor } from '../../tensor/tensor.js';
import { add } from '../ops/add.js';
import { matmul } from '../ops/matmul.js';
import { transpose } from '../ops/permute.js';

export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  const y = matmul(x, transpose(weight, 0, 1));
  return bias ? add(y, bias) : y;
}
