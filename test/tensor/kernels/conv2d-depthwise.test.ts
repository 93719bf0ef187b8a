/**
 * The general depthwise kernels (kernels/conv2d-depthwise.ts) called directly: each matches the 7-loop
 * oracle (test/reference/naive-conv2d.ts), and the forward and input-gradient kernels give their
 * float64 plane back to the scratch pool (every acquisition is released; a repeated call allocates
 * nothing), on strided, dilated and padded geometries.
 */
import { describe, expect, it } from 'vitest';
import { conv2dGeometry } from '../../../src/tensor/kernels/conv2d-geometry.js';
import {
  conv2dBackwardInputDepthwise, conv2dBackwardWeightDepthwise, conv2dForwardDepthwise,
} from '../../../src/tensor/kernels/conv2d-depthwise.js';
import { resetScratchStats, scratchStats } from '../../../src/tensor/kernels/scratch.js';
import {
  naiveConv2d, naiveConv2dBackwardInput, naiveConv2dBackwardWeight, type NaiveConvParams, type NaiveConvShapes,
} from '../../reference/naive-conv2d.js';
import { Generator, absOf, expectAllClose, randomArray } from './helpers.js';

const cases: [NaiveConvShapes, NaiveConvParams][] = [
  [{ x: [2, 3, 7, 6], w: [6, 1, 3, 2] }, { stride: [2, 1], padding: [1, 0], dilation: [1, 2], groups: 3 }],
  [{ x: [1, 2, 9, 9], w: [8, 1, 2, 3] }, { stride: [1, 3], padding: [0, 2], dilation: [3, 1], groups: 2 }],
  [{ x: [2, 1, 5, 4], w: [1, 1, 5, 4] }, { stride: [1, 1], padding: [2, 2], dilation: [1, 1], groups: 1 }],
];

describe('general depthwise kernels', () => {
  it('match the 7-loop oracle and release every scratch plane they take', () => {
    const gen = new Generator(1708);
    for (const [shapes, params] of cases) {
      const g = conv2dGeometry(shapes.x, shapes.w, params);
      const [N, C, H, W] = shapes.x, [O, , KH, KW] = shapes.w;
      const x = randomArray(gen, 'float64', N * C * H * W), w = randomArray(gen, 'float64', O * KH * KW);
      const bias = randomArray(gen, 'float64', O), dy = randomArray(gen, 'float64', N * O * g.outHeight * g.outWidth);
      const y = new Float64Array(dy.length), dx = new Float64Array(x.length), dw = new Float64Array(w.length);
      const what = JSON.stringify(shapes);
      for (let round = 0; round < 2; round++) {
        resetScratchStats();
        conv2dForwardDepthwise(g, x, w, bias, y, 0, N);
        conv2dBackwardInputDepthwise(g, dy, w, dx, 0, N);
        conv2dBackwardWeightDepthwise(g, x, dy, dw, 0, O);
        const s = scratchStats();
        expect(s.releases, `${what} round ${round}: releases = acquisitions`).toBe(s.hits + s.allocations);
        expect(s.releases, what).toBe(2);
        if (round === 1) expect(s.allocations, `${what}: the second round reuses the pool`).toBe(0);
      }
      expectAllClose(y, naiveConv2d(x, w, bias, shapes, params), 'float64', { magnitude: naiveConv2d(absOf(x), absOf(w), absOf(bias), shapes, params), what: `y ${what}` });
      expectAllClose(dx, naiveConv2dBackwardInput(dy, w, shapes, params), 'float64',
        { magnitude: naiveConv2dBackwardInput(absOf(dy), absOf(w), shapes, params), what: `dx ${what}` });
      expectAllClose(dw, naiveConv2dBackwardWeight(x, dy, shapes, params), 'float64',
        { magnitude: naiveConv2dBackwardWeight(absOf(x), absOf(dy), shapes, params), what: `dW ${what}` });
    }
  });
});
