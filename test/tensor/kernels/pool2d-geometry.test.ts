/**
 * pool2dGeometry's checks (the file header's rules, PyTorch's messages made explicit): each
 * rejected argument by its exact message, the padding bound on each axis separately, the output-size
 * check on each axis separately, and the stride default (kernel size) for an omitted or null stride.
 */
import { describe, expect, it } from 'vitest';
import { pool2dGeometry, type Pool2dOptions } from '../../../src/tensor/kernels/pool2d-geometry.js';

type Op = 'maxPool2d' | 'avgPool2d';

const expectThrow = (run: () => unknown, cls: typeof Error, message: string): void => {
  let caught: unknown = null;
  try { run(); } catch (e) { caught = e; }
  expect(caught).toBeInstanceOf(cls);
  expect((caught as Error).message).toBe(message);
};

describe('pool2dGeometry checks', () => {
  it('rejects an unknown op and missing options', () => {
    expectThrow(() => pool2dGeometry([1, 1, 4, 4], { kernelSize: 2 }, 'sumPool2d' as Op), TypeError,
      'pool2dGeometry: op must be \'maxPool2d\', \'avgPool2d\' or \'reluMaxPool2d\', got "sumPool2d"');
    expectThrow(() => pool2dGeometry([1, 1, 4, 4], undefined as unknown as Pool2dOptions, 'avgPool2d'), TypeError,
      'avgPool2d: options.kernelSize is required');
    expectThrow(() => pool2dGeometry([1, 1, 4, 4], {} as Pool2dOptions, 'maxPool2d'), TypeError,
      'maxPool2d: options.kernelSize is required');
  });

  it('names padding and dilation in their messages', () => {
    expectThrow(() => pool2dGeometry([1, 1, 4, 4], { kernelSize: 2, padding: -1 }, 'maxPool2d'), RangeError,
      'maxPool2d: padding must be an integer >= 0 or a pair of them, got -1');
    expectThrow(() => pool2dGeometry([1, 1, 4, 4], { kernelSize: 2, dilation: [1, 0] }, 'maxPool2d'), RangeError,
      'maxPool2d: dilation must be an integer >= 1 or a pair of them, got [1,0]');
  });

  it('bounds the padding by half the kernel on each axis separately', () => {
    const msg = (ph: number, pw: number, kh: number, kw: number): string =>
      `maxPool2d: padding [${ph},${pw}] must be at most half the kernel size [${kh},${kw}]`;
    expectThrow(() => pool2dGeometry([1, 1, 9, 9], { kernelSize: [2, 4], padding: [2, 0] }, 'maxPool2d'), RangeError, msg(2, 0, 2, 4));
    expectThrow(() => pool2dGeometry([1, 1, 9, 9], { kernelSize: [4, 2], padding: [0, 2] }, 'maxPool2d'), RangeError, msg(0, 2, 4, 2));
    expectThrow(() => pool2dGeometry([1, 1, 9, 9], { kernelSize: [3, 3], padding: [2, 1] }, 'maxPool2d'), RangeError, msg(2, 1, 3, 3));
    // Exactly half is allowed (⌊3/2⌋ = 1, ⌊4/2⌋ = 2).
    expect(pool2dGeometry([1, 1, 9, 9], { kernelSize: [3, 4], padding: [1, 2] }, 'maxPool2d')).toMatchObject({ padH: 1, padW: 2 });
  });

  it('rejects an empty output on each axis separately, naming every size', () => {
    expectThrow(() => pool2dGeometry([1, 2, 2, 9], { kernelSize: [3, 2], stride: [1, 2], dilation: [1, 1] }, 'maxPool2d'), RangeError,
      'maxPool2d: output size 0x4 is too small for input [1,2,2,9] with kernel [3,2], stride [1,2], padding [0,0], dilation [1,1]');
    expectThrow(() => pool2dGeometry([1, 2, 9, 2], { kernelSize: [2, 3], padding: [1, 0] }, 'avgPool2d'), RangeError,
      'avgPool2d: output size 5x0 is too small for input [1,2,9,2] with kernel [2,3], stride [2,3], padding [1,0], dilation [1,1]');
  });

  it('defaults the stride to the kernel size when omitted or null', () => {
    for (const stride of [undefined, null]) {
      const g = pool2dGeometry([1, 1, 8, 9], { kernelSize: [2, 3], stride: stride as unknown as undefined }, 'avgPool2d');
      expect(g).toMatchObject({ strideH: 2, strideW: 3, outHeight: 4, outWidth: 3 });
    }
  });
});
