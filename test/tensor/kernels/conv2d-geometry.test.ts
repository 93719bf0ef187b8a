/**
 * conv2d-geometry.ts: every message in full (op, shapes, the options and the sizes derived from them,
 * written out here by hand from the numbers of each case), the int-or-pair option rule, the shape rule
 * (positive safe integers only), and conv2dGeometry's output size against the PyTorch formula of
 * test/reference/naive-conv2d.ts: it throws exactly when either output dimension would be below 1.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkShape, conv2dGeometry, pairOption } from '../../../src/tensor/kernels/conv2d-geometry.js';
import { naiveConvOutShape } from '../../reference/naive-conv2d.js';
import { expectThrowWith } from './helpers.js';

const expectThrow = (f: () => unknown, message: string): void => expectThrowWith(f, RangeError, message);

describe('pairOption', () => {
  it('takes undefined (the fallback), one integer or a pair, each at least min', () => {
    expect(pairOption('conv2d', 'stride', undefined, 1, 1)).toEqual([1, 1]);
    expect(pairOption('conv2d', 'stride', 3, 1, 1)).toEqual([3, 3]);
    expect(pairOption('conv2d', 'padding', [0, 2], 0, 0)).toEqual([0, 2]);
  });

  it('refuses a list of another length, naming op, option, bound and value', () => {
    expectThrow(() => pairOption('conv2d', 'stride', [1, 2, 3], 1, 1), 'conv2d: stride must be an integer >= 1 or a pair of them, got [1,2,3]');
    expectThrow(() => pairOption('conv2d', 'dilation', [2], 1, 1), 'conv2d: dilation must be an integer >= 1 or a pair of them, got [2]');
    expectThrow(() => pairOption('conv2d', 'padding', [], 0, 0), 'conv2d: padding must be an integer >= 0 or a pair of them, got []');
    expectThrow(() => pairOption('conv2d', 'padding', [1, 0.5], 0, 0), 'conv2d: padding must be an integer >= 0 or a pair of them, got [1,0.5]');
  });
});

describe('checkShape and the shape checks of conv2dGeometry', () => {
  it('refuses a zero, negative, fractional or unsafe size anywhere in the shape', () => {
    for (const bad of [0, -1, 1.5, NaN, 2 ** 53]) {
      for (let d = 0; d < 4; d++) {
        const shape = [2, 3, 4, 5];
        shape[d] = bad;
        expect(() => checkShape('conv2d', 'input', shape, 4, 'NCHW'), `${bad} at ${d}`).toThrow(RangeError);
      }
    }
    expect(() => checkShape('conv2d', 'input', [2, 3, 4, 5], 4, 'NCHW')).not.toThrow();
  });

  it('names the op, the tensor, the rank, the layout and the shape', () => {
    expectThrow(() => conv2dGeometry([2, 0, 4, 4], [4, 2, 3, 3]), 'conv2d: input must be a 4-D NCHW shape of positive sizes, got [2,0,4,4]');
    expectThrow(() => conv2dGeometry([2, 2, 4, 4], [4, 2, 0, 3]), 'conv2d: weight must be a 4-D OIHW shape of positive sizes, got [4,2,0,3]');
    expectThrow(() => conv2dGeometry([2, 2, 4, 4], [4, 2, 3]), 'conv2d: weight must be a 4-D OIHW shape of positive sizes, got [4,2,3]');
  });
});

describe('conv2dGeometry messages', () => {
  it('channels that do not match the groups', () => {
    // 6 out channels are divisible by groups = 2, but 3 per group · 2 = 6 input channels are expected, 4 given.
    expectThrow(() => conv2dGeometry([2, 4, 5, 5], [6, 3, 3, 3], { groups: 2 }),
      'conv2d: weight shape [6,3,3,3] expects 3*groups=6 input channels, input [2,4,5,5] has 4');
    expectThrow(() => conv2dGeometry([2, 3, 5, 5], [5, 1, 3, 3], { groups: 3 }),
      'conv2d: out channels 5 of weight [5,1,3,3], input [2,3,5,5] are not divisible by groups=3');
  });

  it('an output too small in height only, in width only, or in both', () => {
    // Height: padded 3 + 2·2 = 7, dilated kernel 2·(7 − 1) + 1 = 13, ⌊(7 − 13)/2⌋ + 1 = −2;
    // width: padded 20 + 2·3 = 26, dilated 3·(3 − 1) + 1 = 7, ⌊(26 − 7)/3⌋ + 1 = 7.
    expectThrow(() => conv2dGeometry([1, 2, 3, 20], [4, 2, 7, 3], { padding: [2, 3], dilation: [2, 3], stride: [2, 3] }),
      'conv2d: output size -2x7 is too small for weight [4,2,7,3], input [1,2,3,20] with padding [2,3], ' +
      'dilation [2,3], stride [2,3] (padded input 7x26 < dilated kernel 13x7)');
    // The same with the axes swapped: 7 rows, −2 columns.
    expectThrow(() => conv2dGeometry([1, 2, 20, 3], [4, 2, 3, 7], { padding: [3, 2], dilation: [3, 2], stride: [3, 2] }),
      'conv2d: output size 7x-2 is too small for weight [4,2,3,7], input [1,2,20,3] with padding [3,2], ' +
      'dilation [3,2], stride [3,2] (padded input 26x7 < dilated kernel 7x13)');
    // Both: padded 2x2 < 3x3, ⌊(2 − 3)/1⌋ + 1 = 0.
    expectThrow(() => conv2dGeometry([8, 3, 2, 2], [6, 3, 3, 3]),
      'conv2d: output size 0x0 is too small for weight [6,3,3,3], input [8,3,2,2] with padding [0,0], ' +
      'dilation [1,1], stride [1,1] (padded input 2x2 < dilated kernel 3x3)');
  });

  it('throws exactly when the PyTorch output size is below 1 on either axis, and returns it otherwise (fast-check)', () => {
    const dim = fc.integer({ min: 1, max: 6 });
    fc.assert(fc.property(
      fc.record({ h: dim, w: dim, kh: dim, kw: dim, sh: dim, sw: dim, ph: fc.nat(3), pw: fc.nat(3), dh: fc.integer({ min: 1, max: 3 }), dw: fc.integer({ min: 1, max: 3 }) }),
      ({ h, w, kh, kw, sh, sw, ph, pw, dh, dw }) => {
        const shapes = { x: [2, 3, h, w] as [number, number, number, number], w: [4, 3, kh, kw] as [number, number, number, number] };
        const [, , oh, ow] = naiveConvOutShape(shapes, { stride: [sh, sw], padding: [ph, pw], dilation: [dh, dw], groups: 1 });
        const make = () => conv2dGeometry(shapes.x, shapes.w, { stride: [sh, sw], padding: [ph, pw], dilation: [dh, dw] });
        if (oh < 1 || ow < 1) {
          expect(make).toThrow(/too small/);
        } else {
          const g = make();
          expect([g.outHeight, g.outWidth, g.strideH, g.strideW, g.padH, g.padW, g.dilationH, g.dilationW]).toEqual([oh, ow, sh, sw, ph, pw, dh, dw]);
        }
      }), { numRuns: 300, seed: 1705 });
  });
});
