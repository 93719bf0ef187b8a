import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  conv2dBackwardInputDirect, conv2dBackwardWeightDirect, conv2dForwardDirect, conv2dGeometry,
} from '../../../src/tensor/kernels/conv2d.js';
import { conv2dBackwardBias, conv2dBackwardInput, conv2dBackwardWeight, conv2dForward } from '../../../src/tensor/kernel-dispatch.js';
import { naiveConv2d, naiveConv2dBackwardInput, naiveConv2dBackwardWeight } from '../../reference/naive-conv2d.js';
import { build, convCaseArb, type ConvCase } from './conv-cases.js';
import { SUM_ABS_RTOL } from '../../tolerances.js';
import { absOf, dot, expectAllClose, expectExactlyEqual, makeArray, simdAtol } from './helpers.js';

const sizeOf = (s: readonly number[]): number => s.reduce((p, d) => p * d, 1);

describe('conv2d kernels against the 7-loop oracle', () => {
  it('forward: fast path ≈ naive (one rounding) and = direct loops bit for bit', () => {
    fc.assert(fc.property(convCaseArb, (cs) => {
      const b = build(cs);
      const expected = naiveConv2d(b.x, b.w, b.bias, b.shapes, b.params);
      const magnitude = naiveConv2d(absOf(b.x), absOf(b.w), b.bias && absOf(b.bias), b.shapes, b.params);
      const out = makeArray(cs.dtype, expected.length).fill(NaN);
      conv2dForward(b.g, b.x, b.w, b.bias, out);
      // On the float32 SIMD path the GEMM sums K = C_in/groups·KH·KW products in float32.
      const atol = simdAtol(cs.dtype, magnitude, (b.g.inChannels / b.g.groups) * b.g.kernelHeight * b.g.kernelWidth);
      expectAllClose(out, expected, cs.dtype, { magnitude, atol, what: 'conv2dForward' });
      const direct = makeArray(cs.dtype, expected.length);
      conv2dForwardDirect(b.g, b.x, b.w, b.bias, direct);
      if (atol === undefined) expectExactlyEqual(out, direct, 'conv2dForward vs conv2dForwardDirect');
      else expectAllClose(direct, expected, cs.dtype, { magnitude, what: 'conv2dForwardDirect' });
    }), { numRuns: 250, seed: 101 });
  });

  it('backward input: fast and direct ≈ naive scatter adjoint; <conv(x), g> = <x, convᵀ(g)>', () => {
    fc.assert(fc.property(convCaseArb, (cs) => {
      const b = build(cs);
      const expected = naiveConv2dBackwardInput(b.dy, b.w, b.shapes, b.params);
      const magnitude = naiveConv2dBackwardInput(absOf(b.dy), absOf(b.w), b.shapes, b.params);
      const dx = makeArray(cs.dtype, expected.length).fill(NaN);
      conv2dBackwardInput(b.g, b.dy, b.w, dx);
      // SIMD path: each element sums C_out/groups products in float32 (im2col path: per patch entry;
      // implicit path, stride 1: all C_out/groups·KH·KW terms of dx in one float32 sum).
      const atol = simdAtol(cs.dtype, magnitude, (b.g.outChannels / b.g.groups) * b.g.kernelHeight * b.g.kernelWidth);
      expectAllClose(dx, expected, cs.dtype, { magnitude, atol, what: 'conv2dBackwardInput' });
      const dxDirect = makeArray(cs.dtype, expected.length).fill(NaN);
      conv2dBackwardInputDirect(b.g, b.dy, b.w, dxDirect);
      expectAllClose(dxDirect, expected, cs.dtype, { magnitude, what: 'conv2dBackwardInputDirect' });
      // Adjoint identity in float64 arithmetic on the kernel outputs.
      const y = naiveConv2d(b.x, b.w, null, b.shapes, b.params);
      const lhs = dot(y, b.dy), rhs = dot(b.x, expected);
      expect(Math.abs(lhs - rhs)).toBeLessThanOrEqual(SUM_ABS_RTOL * dot(absOf(b.x), magnitude) + 1e-300);
      const rhsKernel = dot(b.x, dx);
      const simdSlack = atol ? dot(absOf(b.x), atol) : 0;
      expect(Math.abs(lhs - rhsKernel)).toBeLessThanOrEqual((cs.dtype === 'float32' ? 2 ** -23 : SUM_ABS_RTOL) * dot(absOf(b.x), magnitude) + simdSlack + 1e-300);
    }), { numRuns: 250, seed: 202 });
  });

  it('backward weight: fast and direct ≈ naive scatter adjoint; <conv(x), g> = <w, dW(x, g)>', () => {
    fc.assert(fc.property(convCaseArb, (cs) => {
      const b = build(cs);
      const expected = naiveConv2dBackwardWeight(b.x, b.dy, b.shapes, b.params);
      const magnitude = naiveConv2dBackwardWeight(absOf(b.x), absOf(b.dy), b.shapes, b.params);
      const dw = makeArray(cs.dtype, expected.length).fill(NaN);
      conv2dBackwardWeight(b.g, b.x, b.dy, dw);
      // SIMD path: each image's contribution sums OH·OW products in float32 (images add in float64).
      const atol = simdAtol(cs.dtype, magnitude, b.g.outHeight * b.g.outWidth);
      expectAllClose(dw, expected, cs.dtype, { magnitude, atol, what: 'conv2dBackwardWeight' });
      const dwDirect = makeArray(cs.dtype, expected.length).fill(NaN);
      conv2dBackwardWeightDirect(b.g, b.x, b.dy, dwDirect);
      expectAllClose(dwDirect, expected, cs.dtype, { magnitude, what: 'conv2dBackwardWeightDirect' });
      const y = naiveConv2d(b.x, b.w, null, b.shapes, b.params);
      const lhs = dot(y, b.dy), rhs = dot(b.w, dw);
      const simdSlack = atol ? dot(absOf(b.w), atol) : 0;
      expect(Math.abs(lhs - rhs)).toBeLessThanOrEqual((cs.dtype === 'float32' ? 2 ** -23 : SUM_ABS_RTOL) * dot(absOf(b.w), magnitude) + simdSlack + 1e-300);
    }), { numRuns: 250, seed: 303 });
  });

  it('backward bias = Σ_{n,oh,ow} dy', () => {
    fc.assert(fc.property(convCaseArb, (cs) => {
      const b = build(cs);
      const P = b.g.outHeight * b.g.outWidth;
      const expected = new Float64Array(b.g.outChannels);
      const magnitude = new Float64Array(b.g.outChannels);
      for (let i = 0; i < b.dy.length; i++) {
        const oc = Math.floor(i / P) % b.g.outChannels;
        expected[oc] = expected[oc]! + b.dy[i]!;
        magnitude[oc] = magnitude[oc]! + Math.abs(b.dy[i]!);
      }
      const db = makeArray(cs.dtype, b.g.outChannels);
      conv2dBackwardBias(b.g, b.dy, db);
      expectAllClose(db, expected, cs.dtype, { magnitude, what: 'conv2dBackwardBias' });
    }), { numRuns: 100, seed: 404 });
  });

  it('covers the special paths: pointwise 1x1, depthwise, multiplier-2 depthwise, larger channel counts', () => {
    const special: ConvCase[] = [
      { dtype: 'float32', batch: 2, groups: 1, cg: 5, og: 7, kh: 1, kw: 1, stride: [1, 1], padding: [0, 0], dilation: [1, 1], extraH: 4, extraW: 5, withBias: true, seed: 1 },
      { dtype: 'float64', batch: 2, groups: 2, cg: 3, og: 2, kh: 1, kw: 1, stride: [1, 1], padding: [0, 0], dilation: [2, 2], extraH: 3, extraW: 2, withBias: false, seed: 2 },
      { dtype: 'float32', batch: 2, groups: 6, cg: 1, og: 1, kh: 3, kw: 3, stride: [1, 1], padding: [1, 1], dilation: [1, 1], extraH: 5, extraW: 5, withBias: true, seed: 3 },
      { dtype: 'float32', batch: 1, groups: 4, cg: 1, og: 2, kh: 5, kw: 3, stride: [2, 1], padding: [2, 1], dilation: [1, 2], extraH: 6, extraW: 4, withBias: true, seed: 4 },
      { dtype: 'float64', batch: 2, groups: 1, cg: 16, og: 20, kh: 3, kw: 3, stride: [1, 1], padding: [1, 1], dilation: [1, 1], extraH: 8, extraW: 8, withBias: true, seed: 5 },
    ];
    for (const cs of special) {
      const b = build(cs);
      const out = makeArray(cs.dtype, sizeOf([b.g.batch, b.g.outChannels, b.g.outHeight, b.g.outWidth]));
      conv2dForward(b.g, b.x, b.w, b.bias, out);
      const fMag = naiveConv2d(absOf(b.x), absOf(b.w), b.bias && absOf(b.bias), b.shapes, b.params);
      expectAllClose(out, naiveConv2d(b.x, b.w, b.bias, b.shapes, b.params), cs.dtype,
        { magnitude: fMag, atol: simdAtol(cs.dtype, fMag, cs.cg * cs.kh * cs.kw) });
      const dx = makeArray(cs.dtype, b.x.length);
      conv2dBackwardInput(b.g, b.dy, b.w, dx);
      const iMag = naiveConv2dBackwardInput(absOf(b.dy), absOf(b.w), b.shapes, b.params);
      expectAllClose(dx, naiveConv2dBackwardInput(b.dy, b.w, b.shapes, b.params), cs.dtype,
        { magnitude: iMag, atol: simdAtol(cs.dtype, iMag, cs.og) });
      const dw = makeArray(cs.dtype, b.w.length);
      conv2dBackwardWeight(b.g, b.x, b.dy, dw);
      const wMag = naiveConv2dBackwardWeight(absOf(b.x), absOf(b.dy), b.shapes, b.params);
      expectAllClose(dw, naiveConv2dBackwardWeight(b.x, b.dy, b.shapes, b.params), cs.dtype,
        { magnitude: wMag, atol: simdAtol(cs.dtype, wMag, b.g.outHeight * b.g.outWidth) });
    }
  });

  it('computes a known cross-correlation (not a convolution): kernel is not flipped', () => {
    const g = conv2dGeometry([1, 1, 2, 2], [1, 1, 2, 2]);
    const out = new Float64Array(1);
    conv2dForward(g, new Float64Array([1, 2, 3, 4]), new Float64Array([1, 0, 0, 0]), null, out);
    expect(out[0]).toBe(1);
  });
});

describe('conv2dGeometry', () => {
  it('computes PyTorch output sizes', () => {
    const g = conv2dGeometry([8, 4, 28, 28], [16, 2, 3, 5], { stride: [2, 1], padding: [1, 2], dilation: [2, 1], groups: 2 });
    expect([g.outHeight, g.outWidth]).toEqual([Math.floor((28 + 2 - 4 - 1) / 2) + 1, 28]);
    expect(g.groups).toBe(2);
  });

  it('rejects bad shapes and options with messages naming shapes', () => {
    expect(() => conv2dGeometry([8, 4, 28, 28], [64, 3, 3, 3])).toThrow(
      'conv2d: weight shape [64,3,3,3] expects 3*groups=3 input channels, input [8,4,28,28] has 4');
    expect(() => conv2dGeometry([8, 4, 28, 28], [6, 1, 3, 3], { groups: 4 })).toThrow(/out channels 6 .* not divisible by groups=4/);
    expect(() => conv2dGeometry([8, 3, 28, 28], [6, 3, 3, 3], { stride: 0 })).toThrow(/conv2d: stride must be an integer >= 1/);
    expect(() => conv2dGeometry([8, 3, 28, 28], [6, 3, 3, 3], { dilation: [1, -1] })).toThrow(/conv2d: dilation must be an integer >= 1/);
    expect(() => conv2dGeometry([8, 3, 28, 28], [6, 3, 3, 3], { padding: -1 })).toThrow(/conv2d: padding must be an integer >= 0/);
    expect(() => conv2dGeometry([8, 3, 2, 2], [6, 3, 3, 3])).toThrow(/conv2d: output size 0x0 is too small/);
    expect(() => conv2dGeometry([8, 3, 28], [6, 3, 3, 3])).toThrow(/conv2d: input must be a 4-D NCHW shape of positive sizes, got \[8,3,28\]/);
    expect(() => conv2dGeometry([8, 3, 28, 28], [6, 3, 3, 3], { groups: 0 })).toThrow(/conv2d: groups must be a positive integer/);
  });

  it('kernels reject buffers shorter than the geometry', () => {
    const g = conv2dGeometry([1, 1, 4, 4], [1, 1, 3, 3]);
    expect(() => conv2dForward(g, new Float32Array(15), new Float32Array(9), null, new Float32Array(4)))
      .toThrow('conv2dForward: x has 15 elements, the geometry needs 16');
  });
});
