/**
 * im2colRows / col2imAccumulate against the index map of the im2col.ts header written out as plain
 * loops: any row range [r0, r1) of the patch matrix, for any channel block, lands at col[0] with
 * every padded entry zeroed (col starts full of NaN) and nothing written past its (r1 − r0)·P
 * entries; col2im adds into img (not clearing it) and writes nothing past its channel block.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { conv2dGeometry, type Conv2dGeometry } from '../../../src/tensor/kernels/conv2d.js';
import { col2imAccumulate, im2col, im2colRows } from '../../../src/tensor/kernels/im2col.js';
import { Generator, expectExactlyEqual } from './helpers.js';

const SENTINEL = -4321.25;

interface Case { g: Conv2dGeometry; x: Float64Array; n: number; c0: number; cg: number }

const caseArb: fc.Arbitrary<Case> = fc.record({
  batch: fc.integer({ min: 1, max: 2 }), groups: fc.integer({ min: 1, max: 2 }), cg: fc.integer({ min: 1, max: 3 }),
  kh: fc.integer({ min: 1, max: 3 }), kw: fc.integer({ min: 1, max: 3 }),
  sh: fc.integer({ min: 1, max: 3 }), sw: fc.integer({ min: 1, max: 3 }),
  ph: fc.integer({ min: 0, max: 3 }), pw: fc.integer({ min: 0, max: 3 }),
  dh: fc.integer({ min: 1, max: 2 }), dw: fc.integer({ min: 1, max: 2 }),
  h: fc.integer({ min: 1, max: 7 }), w: fc.integer({ min: 1, max: 7 }), seed: fc.nat(), pick: fc.nat(),
}).filter((c) => c.h + 2 * c.ph >= c.dh * (c.kh - 1) + 1 && c.w + 2 * c.pw >= c.dw * (c.kw - 1) + 1)
  .map((c) => {
    const C = c.cg * c.groups;
    const g = conv2dGeometry([c.batch, C, c.h, c.w], [c.groups, c.cg, c.kh, c.kw],
      { stride: [c.sh, c.sw], padding: [c.ph, c.pw], dilation: [c.dh, c.dw], groups: c.groups });
    const x = new Generator(c.seed).uniformArray(c.batch * C * c.h * c.w, -1, 1);
    return { g, x, n: c.pick % c.batch, c0: (c.pick % c.groups) * c.cg, cg: c.cg };
  });

/** The patch matrix entry (row r = (ci·KH + kh)·KW + kw, column oh·OW + ow), 0 in the padding. */
function patch(cs: Case, r: number, p: number): number {
  const { g } = cs;
  const ci = Math.floor(r / (g.kernelHeight * g.kernelWidth));
  const kh = Math.floor(r / g.kernelWidth) % g.kernelHeight, kw = r % g.kernelWidth;
  const oh = Math.floor(p / g.outWidth), ow = p % g.outWidth;
  const ih = oh * g.strideH - g.padH + kh * g.dilationH, iw = ow * g.strideW - g.padW + kw * g.dilationW;
  if (ih < 0 || ih >= g.inHeight || iw < 0 || iw >= g.inWidth) return 0;
  return cs.x[((cs.n * g.inChannels + cs.c0 + ci) * g.inHeight + ih) * g.inWidth + iw]!;
}

describe('im2colRows', () => {
  it('rows [r0, r1) land at col[0], padding zeroed, nothing written past them', () => {
    fc.assert(fc.property(caseArb, fc.nat(), fc.nat(), (cs, u, v) => {
      const K = cs.cg * cs.g.kernelHeight * cs.g.kernelWidth, P = cs.g.outHeight * cs.g.outWidth;
      const r0 = u % K, r1 = r0 + 1 + (v % (K - r0));
      const rows = r1 - r0;
      const col = new Float64Array(rows * P + 5).fill(NaN);
      col.fill(SENTINEL, rows * P);
      im2colRows(cs.g, cs.x, cs.n, cs.c0, r0, r1, col);
      const expected = Float64Array.from(col, (_, i) => (i < rows * P ? patch(cs, r0 + Math.floor(i / P), i % P) : SENTINEL));
      expectExactlyEqual(col, expected, `im2colRows [${r0}, ${r1}) of ${JSON.stringify({ ...cs, x: undefined })}`);
    }), { numRuns: 300, seed: 1604 });
  });

  it('the header example: a 2×2 image, 2×2 kernel, padding 1', () => {
    const g = conv2dGeometry([1, 1, 2, 2], [1, 1, 2, 2], { padding: 1 });
    const col = new Float64Array(4 * 9).fill(NaN);
    im2col(g, new Float64Array([1, 2, 3, 4]), 0, 0, 1, col);
    expect([...col.subarray(0, 9)]).toEqual([0, 0, 0, 0, 1, 2, 0, 3, 4]);
    expect([...col.subarray(27, 36)]).toEqual([1, 2, 0, 3, 4, 0, 0, 0, 0]);
  });
});

describe('col2imAccumulate', () => {
  it('adds the adjoint of the index map into img and writes nothing past the channel block', () => {
    fc.assert(fc.property(caseArb, (cs) => {
      const { g } = cs;
      const K = cs.cg * g.kernelHeight * g.kernelWidth, P = g.outHeight * g.outWidth, HW = g.inHeight * g.inWidth;
      const col = new Generator(7).uniformArray(K * P, -1, 1);
      const img = new Float64Array(cs.cg * HW + 4).fill(0.5);
      img.fill(SENTINEL, cs.cg * HW);
      // Expected: 0.5 plus, in ascending (r, p) order, every col entry whose tap is inside the input.
      const expected = Float64Array.from(img);
      for (let r = 0; r < K; r++) {
        const ci = Math.floor(r / (g.kernelHeight * g.kernelWidth));
        const kh = Math.floor(r / g.kernelWidth) % g.kernelHeight, kw = r % g.kernelWidth;
        for (let p = 0; p < P; p++) {
          const oh = Math.floor(p / g.outWidth), ow = p % g.outWidth;
          const ih = oh * g.strideH - g.padH + kh * g.dilationH, iw = ow * g.strideW - g.padW + kw * g.dilationW;
          if (ih < 0 || ih >= g.inHeight || iw < 0 || iw >= g.inWidth) continue;
          expected[ci * HW + ih * g.inWidth + iw] = expected[ci * HW + ih * g.inWidth + iw]! + col[r * P + p]!;
        }
      }
      col2imAccumulate(g, col, cs.cg, img);
      expectExactlyEqual(img, expected, 'col2imAccumulate');
    }), { numRuns: 200, seed: 1605 });
  });
});
