/**
 * conv2d geometry: validated sizes of a 2-D convolution, computed once and shared by the forward and
 * both backward kernels.
 *
 * Layouts: input x [N, C_in, H, W] (NCHW), weight w [C_out, C_in/groups, KH, KW] (OIHW),
 * output y [N, C_out, OH, OW], all contiguous row-major.
 * Output size (PyTorch): OH = ⌊(H + 2·padH − dilationH·(KH − 1) − 1) / strideH⌋ + 1, same for OW.
 * Reference: torch.nn.functional.conv2d argument checks (messages here name shapes explicitly).
 */

/** Options of conv2d, PyTorch names and defaults (stride 1, padding 0, dilation 1, groups 1). */
export interface Conv2dOptions {
  stride?: number | [number, number];
  padding?: number | [number, number];
  dilation?: number | [number, number];
  groups?: number;
}

/** Every size a conv2d kernel needs, all plain integers. */
export interface Conv2dGeometry {
  batch: number;
  inChannels: number;
  inHeight: number;
  inWidth: number;
  outChannels: number;
  kernelHeight: number;
  kernelWidth: number;
  strideH: number;
  strideW: number;
  padH: number;
  padW: number;
  dilationH: number;
  dilationW: number;
  groups: number;
  outHeight: number;
  outWidth: number;
}

/**
 * Reads an int-or-pair option (`stride: 2` or `stride: [2, 1]`) and checks it is ≥ `min`.
 *
 * @example
 * pairOption('conv2d', 'stride', [2, 1], 1, 1); // [2, 1]
 */
export function pairOption(
  op: string, name: string, value: number | readonly number[] | undefined, fallback: number, min: number,
): [number, number] {
  const pair = value === undefined ? [fallback, fallback] : typeof value === 'number' ? [value, value] : [...value];
  if (pair.length !== 2 || !pair.every((v) => Number.isSafeInteger(v) && v >= min)) {
    throw new RangeError(
      `${op}: ${name} must be an integer >= ${min} or a pair of them, got ${JSON.stringify(value)}`,
    );
  }
  return [pair[0]!, pair[1]!];
}

/**
 * Checks that a shape is a list of `rank` positive integers.
 *
 * @example
 * checkShape('conv2d', 'input', [8, 3, 28, 28], 4, 'NCHW');
 */
export function checkShape(op: string, name: string, shape: readonly number[], rank: number, layout: string): void {
  if (shape.length !== rank || !shape.every((d) => Number.isSafeInteger(d) && d >= 1)) {
    throw new RangeError(`${op}: ${name} must be a ${rank}-D ${layout} shape of positive sizes, got [${shape.join(',')}]`);
  }
}

/**
 * Validates input/weight shapes and options with PyTorch semantics and returns the geometry.
 *
 * @example
 * const g = conv2dGeometry([8, 3, 28, 28], [16, 3, 3, 3], { padding: 1 }); // g.outHeight === 28
 */
export function conv2dGeometry(
  inputShape: readonly number[], weightShape: readonly number[], options: Conv2dOptions = {},
): Conv2dGeometry {
  const op = 'conv2d';
  checkShape(op, 'input', inputShape, 4, 'NCHW');
  checkShape(op, 'weight', weightShape, 4, 'OIHW');
  const [strideH, strideW] = pairOption(op, 'stride', options.stride, 1, 1);
  const [padH, padW] = pairOption(op, 'padding', options.padding, 0, 0);
  const [dilationH, dilationW] = pairOption(op, 'dilation', options.dilation, 1, 1);
  const groups = options.groups ?? 1;
  if (!Number.isSafeInteger(groups) || groups < 1) {
    throw new RangeError(`${op}: groups must be a positive integer, got ${JSON.stringify(options.groups)}`);
  }
  const [batch, inChannels, inHeight, inWidth] = inputShape as [number, number, number, number];
  const [outChannels, channelsPerGroup, kernelHeight, kernelWidth] = weightShape as [number, number, number, number];
  const shapes = `weight [${weightShape.join(',')}], input [${inputShape.join(',')}]`;
  if (outChannels % groups !== 0) {
    throw new RangeError(`${op}: out channels ${outChannels} of ${shapes} are not divisible by groups=${groups}`);
  }
  if (channelsPerGroup * groups !== inChannels) {
    throw new RangeError(
      `${op}: weight shape [${weightShape.join(',')}] expects ${channelsPerGroup}*groups=${channelsPerGroup * groups} ` +
        `input channels, input [${inputShape.join(',')}] has ${inChannels}`,
    );
  }
  const outHeight = Math.floor((inHeight + 2 * padH - dilationH * (kernelHeight - 1) - 1) / strideH) + 1;
  const outWidth = Math.floor((inWidth + 2 * padW - dilationW * (kernelWidth - 1) - 1) / strideW) + 1;
  if (outHeight < 1 || outWidth < 1) {
    throw new RangeError(
      `${op}: output size ${outHeight}x${outWidth} is too small for ${shapes} with padding [${padH},${padW}], ` +
        `dilation [${dilationH},${dilationW}], stride [${strideH},${strideW}] (padded input ` +
        `${inHeight + 2 * padH}x${inWidth + 2 * padW} < dilated kernel ` +
        `${dilationH * (kernelHeight - 1) + 1}x${dilationW * (kernelWidth - 1) + 1})`,
    );
  }
  return {
    batch, inChannels, inHeight, inWidth, outChannels, kernelHeight, kernelWidth,
    strideH, strideW, padH, padW, dilationH, dilationW, groups, outHeight, outWidth,
  };
}

/**
 * Element counts of x, w, y for a geometry (used by length checks).
 *
 * @example
 * conv2dSizes(conv2dGeometry([2, 3, 8, 8], [4, 3, 3, 3])); // { input: 384, weight: 108, output: 288 }
 */
export function conv2dSizes(g: Conv2dGeometry): { input: number; weight: number; output: number } {
  return {
    input: g.batch * g.inChannels * g.inHeight * g.inWidth,
    weight: g.outChannels * (g.inChannels / g.groups) * g.kernelHeight * g.kernelWidth,
    output: g.batch * g.outChannels * g.outHeight * g.outWidth,
  };
}

/**
 * Throws when a buffer is shorter than the geometry needs.
 *
 * @example
 * checkLength('conv2dForward', 'out', out, 8 * 16 * 28 * 28);
 */
export function checkLength(op: string, name: string, arr: { length: number }, needed: number): void {
  if (arr.length < needed) {
    throw new RangeError(`${op}: ${name} has ${arr.length} elements, the geometry needs ${needed}`);
  }
}
