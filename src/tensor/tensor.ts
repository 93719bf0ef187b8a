/**
 * Tensor = storage + shape + strides + offset + dtype.
 *
 * Element (i0, …, ik) lives at `storage.data[offset + Σ i_d · strides[d]]`. Views (reshape, permute,
 * expand, slice, …) share the storage and change only shape/strides/offset. Strides may be 0
 * (broadcast views); they are never negative.
 *
 * The autograd fields (`requiresGrad`, `grad`, `gradFn`) are plain data here; the autograd layer fills
 * them. `gradFn` is opaque to this layer: a node that knows how to run the backward pass from itself.
 * Ops are free functions (src/tensor/ops, and their differentiable versions in src/autograd); the
 * methods on Tensor are accessors and conversions.
 */
import { bytesPerElement, type DType, type TypedArray } from './dtype.js';
import { contiguousStrides, numelOf, normalizeDim, shapeToString } from './shape.js';
import { allocate, Storage } from './storage.js';

/** Options of `Tensor.backward`. */
export interface BackwardOptions {
  /** Keep the graph (saved tensors) so backward can run again through it. Default false. */
  retainGraph?: boolean;
}

/** A node of the autograd graph as seen from the tensor layer. */
export interface GradNode {
  readonly name: string;
  /** Runs reverse-mode differentiation from `root` (whose gradFn is this node). */
  runBackward(root: Tensor, grad: Tensor | undefined, options: BackwardOptions): void;
}

export type NestedArray = number | boolean | NestedArray[];

export class Tensor {
  requiresGrad = false;
  grad: Tensor | null = null;
  gradFn: GradNode | null = null;
  /** When true on a non-leaf, backward stores its gradient in `.grad` too (like `retain_grad()`). */
  retainsGrad = false;

  constructor(
    readonly storage: Storage,
    readonly shape: readonly number[],
    readonly strides: readonly number[],
    readonly offset: number,
    readonly dtype: DType,
  ) {}

  /** A new contiguous tensor over `data` (no copy): `data.length` must equal the shape's numel. */
  static fromData(data: TypedArray, shape: readonly number[], dtype: DType): Tensor {
    const n = numelOf(shape);
    if (data.length !== n) {
      throw new RangeError(`Tensor: data has ${data.length} elements but shape ${shapeToString(shape)} needs ${n}`);
    }
    return new Tensor(new Storage(data), [...shape], contiguousStrides(shape), 0, dtype);
  }

  /**
   * A zero-filled contiguous tensor (named for what it does: `torch.empty` leaves memory
   * uninitialised, which is `Tensor.uninitialized` here).
   */
  static zeroed(shape: readonly number[], dtype: DType): Tensor {
    return Tensor.fromData(allocate(dtype, numelOf(shape)), shape, dtype);
  }

  /**
   * A contiguous tensor whose contents are unspecified (like `torch.empty`: a recycled buffer keeps
   * old values). For kernels that write every element of their output; saves the zero-fill pass.
   */
  static uninitialized(shape: readonly number[], dtype: DType): Tensor {
    return Tensor.fromData(allocate(dtype, numelOf(shape), { zeroed: false }), shape, dtype);
  }

  get ndim(): number {
    return this.shape.length;
  }

  get data(): TypedArray {
    return this.storage.data;
  }

  /** Number of elements. */
  numel(): number {
    return numelOf(this.shape);
  }

  /** The shape, or one size (negative dims count from the end), like `torch.Tensor.size`. */
  size(): number[];
  size(dim: number): number;
  size(dim?: number): number[] | number {
    if (dim === undefined) return [...this.shape];
    return this.shape[normalizeDim(dim, this.ndim, 'size')]!;
  }

  get isLeaf(): boolean {
    return this.gradFn === null;
  }

  get elementSize(): number {
    return bytesPerElement(this.dtype);
  }

  /** True when the elements are laid out row-major without gaps (offset may be non-zero). */
  isContiguous(): boolean {
    let expected = 1;
    for (let d = this.ndim - 1; d >= 0; d--) {
      const s = this.shape[d]!;
      if (s !== 1 && this.strides[d] !== expected) return false;
      expected *= s;
    }
    return true;
  }

  /** True when the tensor is contiguous from offset 0 and covers its whole storage (it may be updated in place as a unit). */
  ownsStorage(): boolean {
    return this.offset === 0 && this.isContiguous() && this.data.length === this.numel();
  }

  /**
   * The elements in row-major order as a typed array. Shares memory with the storage when the tensor
   * is contiguous and covers it exactly; otherwise a fresh copy. Treat the result as read-only.
   */
  contiguousData(): TypedArray {
    const n = this.numel();
    if (this.isContiguous()) {
      if (this.offset === 0 && this.data.length === n) return this.data;
      return this.data.subarray(this.offset, this.offset + n);
    }
    return this.toTypedArray();
  }

  /** A fresh row-major copy of the elements. */
  toTypedArray(): TypedArray {
    const n = this.numel();
    const out = allocate(this.dtype, n);
    const src = this.data;
    const nd = this.ndim;
    if (n === 0) return out;
    if (this.isContiguous()) {
      out.set(src.subarray(this.offset, this.offset + n));
      return out;
    }
    const idx = new Array<number>(nd).fill(0);
    let pos = this.offset;
    for (let i = 0; i < n; i++) {
      out[i] = src[pos]!;
      for (let d = nd - 1; d >= 0; d--) {
        idx[d]!++;
        pos += this.strides[d]!;
        if (idx[d]! < this.shape[d]!) break;
        pos -= this.strides[d]! * this.shape[d]!;
        idx[d] = 0;
      }
    }
    return out;
  }

  /** The value of a one-element tensor. */
  item(): number {
    if (this.numel() !== 1) throw new RangeError(`item: expected a tensor with one element, got shape ${shapeToString(this.shape)}`);
    return this.data[this.offset]!;
  }

  /** Nested JS arrays (booleans for dtype bool), like `torch.Tensor.tolist`. */
  toArray(): NestedArray {
    const flat = this.toTypedArray();
    const asBool = this.dtype === 'bool';
    const build = (dim: number, start: number): NestedArray => {
      if (dim === this.ndim) return asBool ? flat[start] !== 0 : flat[start]!;
      const size = this.shape[dim]!;
      let inner = 1;
      for (let d = dim + 1; d < this.ndim; d++) inner *= this.shape[d]!;
      const out: NestedArray[] = [];
      for (let i = 0; i < size; i++) out.push(build(dim + 1, start + i * inner));
      return out;
    };
    return build(0, 0);
  }

  /**
   * Reverse-mode differentiation from this tensor. `grad` defaults to 1 for a one-element tensor.
   * Gradients accumulate into the `.grad` of leaves that require grad (see src/autograd).
   */
  backward(grad?: Tensor, options: BackwardOptions = {}): void {
    if (this.gradFn) {
      this.gradFn.runBackward(this, grad, options);
      return;
    }
    if (!this.requiresGrad) {
      throw new Error('backward: this tensor does not require grad and has no grad_fn (did you compute it under noGrad or from detached inputs?)');
    }
    // A leaf: its gradient is the seed itself.
    throw new Error('backward: called on a leaf tensor; compute a result from it first (e.g. sum(x)) and call backward on that');
  }

  toString(): string {
    const body = this.numel() <= 64 ? JSON.stringify(this.toArray()) : `${this.numel()} elements`;
    return `Tensor(${body}, shape=${shapeToString(this.shape)}, dtype=${this.dtype}${this.requiresGrad ? ', requiresGrad' : ''})`;
  }
}
