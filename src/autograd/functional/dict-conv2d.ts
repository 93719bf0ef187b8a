/**
 * `dictConv2d` — PQKD's dictionary convolution as a composite (docs/method.md §2):
 *   W[o,i,:,:] = Σ_r M[o,i,r]·D[r,:,:]   (D: [R,k,k] trainable basis, M: [C_out,C_in,R] mixing)
 *   y = conv2d(x, W, bias, {stride, padding, dilation})
 * Two exact implementations, equal up to float rounding:
 *   'materialize': build W with one matmul ([C_out·C_in, R]·[R, k²]), then a dense conv;
 *   'two-stage':   basis conv of every input channel with every D[r] (x viewed as [N·C_in,1,H,W]),
 *                  giving [N, C_in·R, H', W'] (channel i·R + r), then a 1×1 conv with M as
 *                  [C_out, C_in·R, 1, 1]. Cost H'W'·C_in·R·(k² + C_out) MACs per image instead of
 *                  H'W'·C_in·C_out·k²; 'auto' picks it when its time, not its MAC count, is lower:
 *                  R·(DEPTHWISE_MAC_COST·k² + C_out) < C_out·k² (see DEPTHWISE_MAC_COST).
 * Gradients reach x, D and the bias through the primitives; M is typically a constant.
 */
import type { Conv2dOptions } from '../../tensor/kernels/conv2d-geometry.js';
import { shapeToString } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { conv2d } from '../ops/conv2d.js';
import { matmul } from '../ops/matmul.js';
import { reshape } from '../ops/reshape.js';

export type DictConvImpl = 'auto' | 'two-stage' | 'materialize';

export interface DictConv2dOptions {
  stride?: number | [number, number];
  padding?: number | [number, number];
  dilation?: number | [number, number];
  impl?: DictConvImpl;
}

/**
 * How many GEMM multiply-adds one multiply-add of the two-stage form's basis convolution costs in
 * time: that convolution has one input channel per group and R ≤ 4 outputs, so it runs on the
 * shift-and-accumulate depthwise kernels (about 1–2 GFLOP/s) rather than on the SIMD GEMM that the
 * dense and the 1×1 convolutions use (about 27 GFLOP/s for conv 32×14×14→64). Measured on the
 * default MNIST student (partial scope, R = 4, b64, Adam; interleaved steps in one process, 2-core
 * EPYC under load): two-stage 1.19× and materialize 0.99× the teacher's training step. 10 is a
 * round, conservative value for that ratio.
 */
export const DEPTHWISE_MAC_COST = 10;

/** Which implementation 'auto' selects for a layer (the cost rule above). */
export function chooseDictConvImpl(rank: number, kernelArea: number, outChannels: number): 'two-stage' | 'materialize' {
  return rank * (DEPTHWISE_MAC_COST * kernelArea + outChannels) < outChannels * kernelArea ? 'two-stage' : 'materialize';
}

/** The effective dense kernel W = M ×_r D, shape [C_out, C_in, k, k]. */
export function dictKernel(basis: Tensor, mixing: Tensor): Tensor {
  const [R, kh, kw] = basis.shape as [number, number, number];
  const [cout, cin] = mixing.shape as [number, number, number];
  return reshape(matmul(reshape(mixing, [cout * cin, R]), reshape(basis, [R, kh * kw])), [cout, cin, kh, kw]);
}

export function dictConv2d(x: Tensor, basis: Tensor, mixing: Tensor, bias: Tensor | null, options: DictConv2dOptions = {}): Tensor {
  if (basis.ndim !== 3) throw new RangeError(`dictConv2d: basis must be [R, k, k], got ${shapeToString(basis.shape)}`);
  if (mixing.ndim !== 3 || mixing.shape[2] !== basis.shape[0]) {
    throw new RangeError(`dictConv2d: mixing must be [C_out, C_in, R=${basis.shape[0]}], got ${shapeToString(mixing.shape)}`);
  }
  if (x.ndim !== 4 || x.shape[1] !== mixing.shape[1]) {
    throw new RangeError(`dictConv2d: input must be [N, C_in=${mixing.shape[1]}, H, W], got ${shapeToString(x.shape)}`);
  }
  const [R, kh, kw] = basis.shape as [number, number, number];
  const [cout, cin] = mixing.shape as [number, number, number];
  const conv: Conv2dOptions = {};
  if (options.stride !== undefined) conv.stride = options.stride;
  if (options.padding !== undefined) conv.padding = options.padding;
  if (options.dilation !== undefined) conv.dilation = options.dilation;
  const impl = !options.impl || options.impl === 'auto' ? chooseDictConvImpl(R, kh * kw, cout) : options.impl;
  if (impl === 'materialize') return conv2d(x, dictKernel(basis, mixing), bias, conv);
  const [n, , h, w] = x.shape as [number, number, number, number];
  const perChannel = conv2d(reshape(x, [n * cin, 1, h, w]), reshape(basis, [R, 1, kh, kw]), null, conv);
  const [, , oh, ow] = perChannel.shape as [number, number, number, number];
  return conv2d(reshape(perChannel, [n, cin * R, oh, ow]), reshape(mixing, [cout, cin * R, 1, 1]), bias);
}
