/**
 * The direct conv2d loops (kernels/conv2d-direct.ts) called directly, not through kernel-dispatch:
 * each kernel against the 7-loop oracle (test/reference/naive-conv2d.ts) with arrays longer than the
 * geometry (checkLength allows them): outputs keep their tail, inputs past the geometry (10⁶) are
 * never read; the forward on images [n0, n1) writes only those images; the serial bias gradient's
 * buffer checks (exact messages) and its channel range [oc0, oc1), against the header's eight-lane
 * sum written out here.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import {
  conv2dBackwardBias, conv2dBackwardBiasChannels, conv2dBackwardInputDirect, conv2dBackwardWeightDirect, conv2dForwardDirectImages,
} from '../../../src/tensor/kernels/conv2d-direct.js';
import { conv2dGeometry } from '../../../src/tensor/kernels/conv2d-geometry.js';
import { naiveConv2d, naiveConv2dBackwardInput, naiveConv2dBackwardWeight } from '../../reference/naive-conv2d.js';
import { build, convCaseArb } from './conv-cases.js';
import { absOf, expectAllClose, expectExactlyEqual, expectTail, expectThrowWith, makeArray, padded, roundTo } from './helpers.js';

const expectThrow = (f: () => void, message: string): void => expectThrowWith(f, RangeError, message);

const SENTINEL = -4321.25;
const FAR = 1e6;

/** A non-empty range [lo, hi) inside [0, size) from two naturals. */
const range = (size: number, u: number, v: number): [number, number] => {
  const lo = u % size;
  return [lo, lo + 1 + (v % (size - lo))];
};

/** The header's bias-gradient order: position q of each plane to float64 a[q mod 8], planes n ascending, pairwise combine. */
function eightLaneSums(dy: ArrayLike<number>, n: number, c: number, p: number): Float64Array {
  const out = new Float64Array(c);
  for (let oc = 0; oc < c; oc++) {
    const a = new Float64Array(8);
    for (let i = 0; i < n; i++) for (let q = 0; q < p; q++) a[q % 8] = a[q % 8]! + dy[(i * c + oc) * p + q]!;
    out[oc] = ((a[0]! + a[1]!) + (a[2]! + a[3]!)) + ((a[4]! + a[5]!) + (a[6]! + a[7]!));
  }
  return out;
}

const caseArb = fc.tuple(convCaseArb, fc.nat(), fc.nat(), fc.integer({ min: 1, max: 30 }));

describe('direct conv2d loops against the 7-loop oracle, arrays longer than the geometry', () => {
  it('forward on images [n0, n1): those images match, the others and the tail keep their sentinel', () => {
    fc.assert(fc.property(caseArb, ([cs, u, v, extra]) => {
      const b = build(cs);
      const [n0, n1] = range(b.g.batch, u, v);
      const per = b.g.outChannels * b.g.outHeight * b.g.outWidth, ny = b.g.batch * per;
      const out = makeArray(cs.dtype, ny + extra).fill(SENTINEL);
      conv2dForwardDirectImages(b.g, padded(cs.dtype, b.x, extra, FAR), padded(cs.dtype, b.w, extra, FAR),
        b.bias && padded(cs.dtype, b.bias, extra, FAR), out, n0, n1);
      const inside = (i: number): boolean => i >= n0 * per && i < n1 * per;
      const expected = naiveConv2d(b.x, b.w, b.bias, b.shapes, b.params).map((y, i) => (inside(i) ? y : SENTINEL));
      const magnitude = naiveConv2d(absOf(b.x), absOf(b.w), b.bias && absOf(b.bias), b.shapes, b.params);
      expectAllClose(out, expected, cs.dtype, { magnitude, what: `forward [${n0}, ${n1}) ${JSON.stringify(cs)}` });
      expectTail(out, ny, SENTINEL, 'forward out');
    }), { numRuns: 200, seed: 1701 });
  });

  it('input gradient: dx matches, its tail keeps the sentinel', () => {
    fc.assert(fc.property(caseArb, ([cs, , , extra]) => {
      const b = build(cs);
      const dx = makeArray(cs.dtype, b.x.length + extra).fill(SENTINEL);
      conv2dBackwardInputDirect(b.g, padded(cs.dtype, b.dy, extra, FAR), padded(cs.dtype, b.w, extra, FAR), dx);
      expectAllClose(dx, naiveConv2dBackwardInput(b.dy, b.w, b.shapes, b.params), cs.dtype, {
        magnitude: naiveConv2dBackwardInput(absOf(b.dy), absOf(b.w), b.shapes, b.params), what: `dx ${JSON.stringify(cs)}`,
      });
      expectTail(dx, b.x.length, SENTINEL, 'dx');
    }), { numRuns: 200, seed: 1702 });
  });

  it('weight gradient: dW matches, its tail keeps the sentinel', () => {
    fc.assert(fc.property(caseArb, ([cs, , , extra]) => {
      const b = build(cs);
      const dw = makeArray(cs.dtype, b.w.length + extra).fill(SENTINEL);
      conv2dBackwardWeightDirect(b.g, padded(cs.dtype, b.x, extra, FAR), padded(cs.dtype, b.dy, extra, FAR), dw);
      expectAllClose(dw, naiveConv2dBackwardWeight(b.x, b.dy, b.shapes, b.params), cs.dtype, {
        magnitude: naiveConv2dBackwardWeight(absOf(b.x), absOf(b.dy), b.shapes, b.params), what: `dW ${JSON.stringify(cs)}`,
      });
      expectTail(dw, b.w.length, SENTINEL, 'dW');
    }), { numRuns: 200, seed: 1703 });
  });
});

describe('serial conv2d bias gradient', () => {
  it('names the op, the short array and both lengths', () => {
    // Output [2, 3, 4, 5]: 120 elements; every mis-multiplied size (4.8, 7.5, 13.3) is below 119.
    const g = conv2dGeometry([2, 3, 4, 5], [3, 3, 1, 1]);
    expectThrow(() => conv2dBackwardBias(g, new Float32Array(119), new Float32Array(3)),
      'conv2dBackwardBias: gradOut has 119 elements, the geometry needs 120');
    expectThrow(() => conv2dBackwardBias(g, new Float32Array(120), new Float32Array(2)),
      'conv2dBackwardBias: gradBias has 2 elements, the geometry needs 3');
  });

  it('equals the eight-lane sum bit for bit; channels [oc0, oc1) only, tails kept (fast-check)', () => {
    fc.assert(fc.property(caseArb, ([cs, u, v, extra]) => {
      const b = build(cs);
      const { batch, outChannels: O, outHeight, outWidth } = b.g;
      const want = roundTo(cs.dtype, eightLaneSums(b.dy, batch, O, outHeight * outWidth));
      const dy = padded(cs.dtype, b.dy, extra, FAR);
      const db = makeArray(cs.dtype, O + extra).fill(SENTINEL);
      conv2dBackwardBias(b.g, dy, db);
      expectExactlyEqual(db.subarray(0, O), want, 'gradBias');
      expectTail(db, O, SENTINEL, 'gradBias');
      const [oc0, oc1] = range(O, u, v);
      const part = makeArray(cs.dtype, O + extra).fill(SENTINEL);
      conv2dBackwardBiasChannels(b.g, dy, part, oc0, oc1);
      expectExactlyEqual(part.subarray(0, O), want.map((s, oc) => (oc >= oc0 && oc < oc1 ? s : SENTINEL)), `gradBias [${oc0}, ${oc1})`);
      expectTail(part, O, SENTINEL, 'gradBias part');
    }), { numRuns: 200, seed: 1704 });
  });
});
