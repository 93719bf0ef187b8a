/**
 * `linear` — y = x·Wᵀ + b with W [out, in] (torch.nn.functional.linear). A differentiable op of its
 * own (src/autograd/ops/linear.ts); re-exported here beside the other functional pieces.
 */
export { linear } from '../ops/linear.js';
