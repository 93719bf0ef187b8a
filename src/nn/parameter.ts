/**
 * `Parameter`: a leaf tensor that a `Module` trains (torch.nn.Parameter). It shares the storage of the
 * tensor it wraps (no copy) when that tensor is contiguous and covers its storage exactly; otherwise
 * it takes a contiguous copy, so optimisers can update `param.data` element by element.
 */
import { isFloatDType } from '../tensor/dtype.js';
import { describe } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';

/** Options of `new Parameter`. */
export interface ParameterOptions {
  /** Default true. Only float tensors may require a gradient. */
  requiresGrad?: boolean;
}

function ownedContiguous(t: Tensor): Tensor {
  if (t.isContiguous() && t.offset === 0 && t.data.length === t.numel()) return t;
  return Tensor.fromData(t.toTypedArray(), t.shape, t.dtype);
}

/**
 * A trainable tensor: a leaf with `requiresGrad` true by default.
 * @example
 * const w = new Parameter(zeros([3, 2])); // w.requiresGrad === true, w.isLeaf === true
 */
export class Parameter extends Tensor {
  constructor(data: Tensor, options: ParameterOptions = {}) {
    if (!(data instanceof Tensor)) throw new TypeError(`Parameter: data must be a Tensor, got ${describe(data)}`);
    const requiresGrad = options.requiresGrad ?? true;
    if (requiresGrad && !isFloatDType(data.dtype)) {
      throw new TypeError(`Parameter: only float32/float64 tensors can require gradients, got dtype ${data.dtype}`);
    }
    const own = ownedContiguous(data);
    super(own.storage, own.shape, own.strides, 0, own.dtype);
    this.requiresGrad = requiresGrad;
  }
}
