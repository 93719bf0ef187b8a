/**
 * Element-wise kernels over strided typed arrays with NumPy broadcasting.
 *
 * Math: out[i] = f(x[i]) (unary) or out[i] = f(a[i], b[i]) (binary, operands read through broadcast
 * strides), out contiguous row-major. Values are read into float64 locals and rounded once on store
 * (float32 out rounds to nearest; int32 out wraps like C; bool out stores 0/1).
 * Layout: any strides (see strided.ts); the hot operations (add, sub, mul, div, relu) have their own
 * row loops, the rest go through a per-element function from a table.
 * Cost: one pass, O(numel).
 */
import type { TypedArray } from '../dtype.js';
import { coalesce, forEachRow } from './strided.js';

export type UnaryOp =
  | 'neg' | 'abs' | 'exp' | 'log' | 'log1p' | 'expm1' | 'sqrt' | 'rsqrt' | 'sin' | 'cos' | 'tanh'
  | 'sigmoid' | 'relu' | 'square' | 'sign' | 'reciprocal' | 'floor' | 'ceil' | 'round' | 'identity'
  | 'logicalNot' | 'isnan';

export type BinaryOp =
  | 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum' | 'atan2' | 'reluGrad'
  | 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';

/** Sigmoid without overflow: for x < 0 use e^x / (1 + e^x). */
export function sigmoidScalar(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** max with NaN propagation (torch.maximum). */
function maxNaN(a: number, b: number): number {
  return a !== a || b !== b ? NaN : a > b ? a : b;
}
function minNaN(a: number, b: number): number {
  return a !== a || b !== b ? NaN : a < b ? a : b;
}

export const UNARY_FUNCTIONS: Record<UnaryOp, (x: number) => number> = {
  neg: (x) => -x,
  abs: Math.abs,
  exp: Math.exp,
  log: Math.log,
  log1p: Math.log1p,
  expm1: Math.expm1,
  sqrt: Math.sqrt,
  rsqrt: (x) => 1 / Math.sqrt(x),
  sin: Math.sin,
  cos: Math.cos,
  tanh: Math.tanh,
  sigmoid: sigmoidScalar,
  relu: (x) => (x > 0 ? x : x !== x ? x : 0),
  square: (x) => x * x,
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : x),
  reciprocal: (x) => 1 / x,
  floor: Math.floor,
  ceil: Math.ceil,
  round: roundHalfEven,
  identity: (x) => x,
  logicalNot: (x) => (x === 0 ? 1 : 0),
  isnan: (x) => (x !== x ? 1 : 0),
};

/** Round half to even, as torch.round. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export const BINARY_FUNCTIONS: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: Math.pow,
  maximum: maxNaN,
  minimum: minNaN,
  atan2: Math.atan2,
  /** The ReLU VJP in one pass: a = upstream gradient, b = the ReLU's input; g passes unless x ≤ 0 (NaN passes, as torch's threshold_backward). */
  reluGrad: (g, x) => (x <= 0 ? 0 : g),
  eq: (a, b) => (a === b ? 1 : 0),
  ne: (a, b) => (a !== b ? 1 : 0),
  lt: (a, b) => (a < b ? 1 : 0),
  le: (a, b) => (a <= b ? 1 : 0),
  gt: (a, b) => (a > b ? 1 : 0),
  ge: (a, b) => (a >= b ? 1 : 0),
};

/** out[i] = op(x[i]) for x viewed with (offset, strides, shape); out contiguous, same numel. */
export function unaryKernel(
  op: UnaryOp,
  x: TypedArray, xOffset: number, xStrides: readonly number[], shape: readonly number[],
  out: TypedArray,
): void {
  const plan = coalesce(shape, [xStrides]);
  const f = UNARY_FUNCTIONS[op];
  forEachRow(plan, [xOffset], (o, starts, n, inner) => {
    let p = starts[0]!;
    const s = inner[0]!;
    if (op === 'relu') {
      // Branch-free on random signs (a mispredicted branch per element costs ~5 ns here):
      // (v + |v|)/2 is exactly v for v > 0 and +0 for v ≤ 0; the rare non-finite cases (NaN, ±∞,
      // float64 overflow of 2v) take the exact scalar rule.
      for (let i = 0; i < n; i++, p += s) {
        const v = x[p]!;
        const r = (v + Math.abs(v)) * 0.5;
        out[o + i] = r - r === 0 ? r : v > 0 || v !== v ? v : 0;
      }
      return;
    }
    for (let i = 0; i < n; i++, p += s) out[o + i] = f(x[p]!);
  });
}

/** out[i] = op(a[i], b[i]) with a, b read through broadcast strides to `shape`; out contiguous. */
export function binaryKernel(
  op: BinaryOp,
  a: TypedArray, aOffset: number, aStrides: readonly number[],
  b: TypedArray, bOffset: number, bStrides: readonly number[],
  shape: readonly number[],
  out: TypedArray,
): void {
  const plan = coalesce(shape, [aStrides, bStrides]);
  const f = BINARY_FUNCTIONS[op];
  forEachRow(plan, [aOffset, bOffset], (o, starts, n, inner) => {
    let pa = starts[0]!;
    let pb = starts[1]!;
    const sa = inner[0]!;
    const sb = inner[1]!;
    switch (op) {
      case 'add':
        for (let i = 0; i < n; i++, pa += sa, pb += sb) out[o + i] = a[pa]! + b[pb]!;
        return;
      case 'sub':
        for (let i = 0; i < n; i++, pa += sa, pb += sb) out[o + i] = a[pa]! - b[pb]!;
        return;
      case 'mul':
        for (let i = 0; i < n; i++, pa += sa, pb += sb) out[o + i] = a[pa]! * b[pb]!;
        return;
      case 'div':
        for (let i = 0; i < n; i++, pa += sa, pb += sb) out[o + i] = a[pa]! / b[pb]!;
        return;
      case 'reluGrad': {
        // Branch-free select: choice[0] = +0, choice[1] = g, indexed by [not x ≤ 0] (same bits as the
        // conditional, including −0 and NaN gradients, without a mispredicted branch per element).
        const choice = new Float64Array(2);
        for (let i = 0; i < n; i++, pa += sa, pb += sb) {
          choice[1] = a[pa]!;
          out[o + i] = choice[+!(b[pb]! <= 0)]!;
        }
        return;
      }
      default:
        for (let i = 0; i < n; i++, pa += sa, pb += sb) out[o + i] = f(a[pa]!, b[pb]!);
    }
  });
}

/** out[i] = cond[i] ? a[i] : b[i], all three read through broadcast strides. */
export function whereKernel(
  cond: TypedArray, cOffset: number, cStrides: readonly number[],
  a: TypedArray, aOffset: number, aStrides: readonly number[],
  b: TypedArray, bOffset: number, bStrides: readonly number[],
  shape: readonly number[],
  out: TypedArray,
): void {
  const plan = coalesce(shape, [cStrides, aStrides, bStrides]);
  forEachRow(plan, [cOffset, aOffset, bOffset], (o, starts, n, inner) => {
    let pc = starts[0]!;
    let pa = starts[1]!;
    let pb = starts[2]!;
    for (let i = 0; i < n; i++, pc += inner[0]!, pa += inner[1]!, pb += inner[2]!) {
      out[o + i] = cond[pc] ? a[pa]! : b[pb]!;
    }
  });
}
