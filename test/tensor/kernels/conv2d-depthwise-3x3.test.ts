// The 3×3 / stride-1 depthwise kernels (gather form) give the same bits as the general
// shift-and-accumulate kernels, for every padding, size and channel multiplier, borders included.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { conv2dGeometry } from '../../../src/tensor/kernels/conv2d-geometry.js';
import {
  conv2dBackwardInputDepthwise, conv2dBackwardWeightDepthwise, conv2dForwardDepthwise,
} from '../../../src/tensor/kernels/conv2d-depthwise.js';
import {
  backwardInputDepthwise3x3, backwardWeightDepthwise3x3, forwardDepthwise3x3, isDepthwise3x3,
} from '../../../src/tensor/kernels/conv2d-depthwise-3x3.js';
import { conv2dForwardDirect } from '../../../src/tensor/kernels/conv2d.js';
import { DTYPES, Generator, expectExactlyEqual, makeArray, randomArray } from './helpers.js';

describe('depthwise 3×3 stride-1 kernels', () => {
  it('equal the general depthwise kernels (and the direct forward) bit for bit', () => {
    fc.assert(fc.property(
      fc.record({
        dtype: fc.constantFrom(...DTYPES), batch: fc.integer({ min: 1, max: 2 }), channels: fc.integer({ min: 1, max: 3 }),
        multiplier: fc.integer({ min: 1, max: 4 }), h: fc.integer({ min: 1, max: 8 }), w: fc.integer({ min: 1, max: 8 }),
        padding: fc.integer({ min: 0, max: 2 }), bias: fc.boolean(), seed: fc.nat(),
      }).filter(({ h, w, padding }) => h + 2 * padding >= 3 && w + 2 * padding >= 3),
      ({ dtype, batch, channels, multiplier, h, w, padding, bias, seed }) => {
        const g = conv2dGeometry([batch, channels, h, w], [channels * multiplier, 1, 3, 3], { padding, groups: channels });
        if (!isDepthwise3x3(g)) throw new Error('expected the 3x3 fast path to apply');
        const gen = new Generator(seed);
        const x = randomArray(gen, dtype, batch * channels * h * w);
        const wt = randomArray(gen, dtype, channels * multiplier * 9);
        const b = bias ? randomArray(gen, dtype, channels * multiplier) : null;
        const outLength = batch * channels * multiplier * g.outHeight * g.outWidth;
        const dy = randomArray(gen, dtype, outLength);
        const run = (fn: (o: ReturnType<typeof makeArray>) => void, n: number): ReturnType<typeof makeArray> => {
          const o = makeArray(dtype, n).fill(NaN);
          fn(o);
          return o;
        };
        const fast = run((o) => forwardDepthwise3x3(g, x, wt, b, o, 0, batch), outLength);
        expectExactlyEqual(fast, run((o) => conv2dForwardDepthwise(g, x, wt, b, o, 0, batch), outLength), 'forward vs general');
        expectExactlyEqual(fast, run((o) => conv2dForwardDirect(g, x, wt, b, o), outLength), 'forward vs direct');
        expectExactlyEqual(
          run((o) => backwardInputDepthwise3x3(g, dy, wt, o, 0, batch), x.length),
          run((o) => conv2dBackwardInputDepthwise(g, dy, wt, o, 0, batch), x.length), 'input gradient');
        expectExactlyEqual(
          run((o) => backwardWeightDepthwise3x3(g, x, dy, o, 0, g.outChannels), wt.length),
          run((o) => conv2dBackwardWeightDepthwise(g, x, dy, o, 0, g.outChannels), wt.length), 'weight gradient');
      }), { numRuns: 300, seed: 717 });
  });
});
