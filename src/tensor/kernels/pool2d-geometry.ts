/**
 * Pooling geometry (max and average 2-D pooling), validated with PyTorch's rules.
 *
 * Layout: input [N, C, H, W] (NCHW, contiguous), output [N, C, OH, OW].
 * Output size (PyTorch `pooling_output_shape`), per spatial axis with kernel k, stride s, pad p,
 * dilation d:
 *   floor mode: O = ⌊(I + 2p − d·(k − 1) − 1) / s⌋ + 1
 *   ceil mode:  O = ⌈(I + 2p − d·(k − 1) − 1) / s⌉ + 1, then O −= 1 if (O − 1)·s ≥ I + p
 *               (the last window must start inside the input or the left padding).
 * Checks: k, s, d ≥ 1; 0 ≤ p ≤ ⌊k/2⌋; O ≥ 1; dilation only for max pooling.
 */
import { checkShape, pairOption } from './conv2d-geometry.js';

/** Options of maxPool2d/avgPool2d (PyTorch names; stride defaults to kernelSize). */
export interface Pool2dOptions {
  kernelSize: number | [number, number];
  stride?: number | [number, number];
  padding?: number | [number, number];
  /** Max pooling only. */
  dilation?: number | [number, number];
  ceilMode?: boolean;
  /** Average pooling only: divide by the full window including padding (default true). */
  countIncludePad?: boolean;
}

/** Every size the pooling kernels need. */
export interface Pool2dGeometry {
  batch: number;
  channels: number;
  inHeight: number;
  inWidth: number;
  kernelHeight: number;
  kernelWidth: number;
  strideH: number;
  strideW: number;
  padH: number;
  padW: number;
  dilationH: number;
  dilationW: number;
  ceilMode: boolean;
  countIncludePad: boolean;
  outHeight: number;
  outWidth: number;
}

/**
 * PyTorch's pooling output size along one axis (see the file header).
 *
 * @example
 * poolOutputSize(5, 2, 0, 2, 1, true); // 3 (ceil mode keeps the half window)
 */
export function poolOutputSize(
  inSize: number, kernel: number, pad: number, stride: number, dilation: number, ceilMode: boolean,
): number {
  const span = inSize + 2 * pad - dilation * (kernel - 1) - 1;
  let out = Math.floor((span + (ceilMode ? stride - 1 : 0)) / stride) + 1;
  if (ceilMode && (out - 1) * stride >= inSize + pad) out--;
  return out;
}

/**
 * Validates the input shape and options and returns the pooling geometry.
 *
 * @example
 * const g = pool2dGeometry([8, 16, 28, 28], { kernelSize: 2 }, 'maxPool2d'); // g.outHeight === 14
 */
export function pool2dGeometry(
  inputShape: readonly number[], options: Pool2dOptions, op: 'maxPool2d' | 'avgPool2d' | 'reluMaxPool2d',
): Pool2dGeometry {
  if (op !== 'maxPool2d' && op !== 'avgPool2d' && op !== 'reluMaxPool2d') {
    throw new TypeError(`pool2dGeometry: op must be 'maxPool2d', 'avgPool2d' or 'reluMaxPool2d', got ${JSON.stringify(op)}`);
  }
  checkShape(op, 'input', inputShape, 4, 'NCHW');
  if (options === undefined || options.kernelSize === undefined) {
    throw new TypeError(`${op}: options.kernelSize is required`);
  }
  const [kernelHeight, kernelWidth] = pairOption(op, 'kernelSize', options.kernelSize, 1, 1);
  const [strideH, strideW] = options.stride === undefined || options.stride === null
    ? [kernelHeight, kernelWidth]
    : pairOption(op, 'stride', options.stride, 1, 1);
  const [padH, padW] = pairOption(op, 'padding', options.padding, 0, 0);
  if (op === 'avgPool2d' && options.dilation !== undefined) {
    throw new TypeError(`avgPool2d: dilation is not supported (max pooling only), got ${JSON.stringify(options.dilation)}`);
  }
  const [dilationH, dilationW] = pairOption(op, 'dilation', options.dilation, 1, 1);
  if (padH > Math.floor(kernelHeight / 2) || padW > Math.floor(kernelWidth / 2)) {
    throw new RangeError(
      `${op}: padding [${padH},${padW}] must be at most half the kernel size [${kernelHeight},${kernelWidth}]`,
    );
  }
  const ceilMode = options.ceilMode ?? false;
  const countIncludePad = options.countIncludePad ?? true;
  const [batch, channels, inHeight, inWidth] = inputShape as [number, number, number, number];
  const outHeight = poolOutputSize(inHeight, kernelHeight, padH, strideH, dilationH, ceilMode);
  const outWidth = poolOutputSize(inWidth, kernelWidth, padW, strideW, dilationW, ceilMode);
  if (outHeight < 1 || outWidth < 1) {
    throw new RangeError(
      `${op}: output size ${outHeight}x${outWidth} is too small for input [${inputShape.join(',')}] with kernel ` +
        `[${kernelHeight},${kernelWidth}], stride [${strideH},${strideW}], padding [${padH},${padW}], ` +
        `dilation [${dilationH},${dilationW}]`,
    );
  }
  return {
    batch, channels, inHeight, inWidth, kernelHeight, kernelWidth, strideH, strideW, padH, padW,
    dilationH, dilationW, ceilMode, countIncludePad, outHeight, outWidth,
  };
}
