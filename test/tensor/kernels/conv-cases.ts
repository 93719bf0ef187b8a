/** Random conv2d cases shared by the kernel and thread-pool tests. */
import fc from 'fast-check';
import { conv2dGeometry, type Conv2dGeometry } from '../../../src/tensor/kernels/conv2d.js';
import type { FloatArray } from '../../../src/tensor/dtype.js';
import type { NaiveConvParams, NaiveConvShapes } from '../../reference/naive-conv2d.js';
import { DTYPES, Generator, randomArray, type FloatDTypeName } from './helpers.js';

export interface ConvCase {
  dtype: FloatDTypeName; batch: number; groups: number; cg: number; og: number; kh: number; kw: number;
  stride: [number, number]; padding: [number, number]; dilation: [number, number];
  extraH: number; extraW: number; withBias: boolean; seed: number;
}

export const convCaseArb: fc.Arbitrary<ConvCase> = fc.record({
  dtype: fc.constantFrom(...DTYPES), batch: fc.integer({ min: 1, max: 3 }), groups: fc.integer({ min: 1, max: 3 }),
  cg: fc.integer({ min: 1, max: 3 }), og: fc.integer({ min: 1, max: 5 }),
  kh: fc.integer({ min: 1, max: 4 }), kw: fc.integer({ min: 1, max: 4 }),
  stride: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
  padding: fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })),
  dilation: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
  extraH: fc.integer({ min: 0, max: 6 }), extraW: fc.integer({ min: 0, max: 6 }),
  withBias: fc.boolean(), seed: fc.nat(),
});

export interface Built {
  g: Conv2dGeometry; shapes: NaiveConvShapes; params: NaiveConvParams;
  x: FloatArray; w: FloatArray; bias: FloatArray | null; dy: FloatArray;
}

export function build(cs: ConvCase): Built {
  const gen = new Generator(cs.seed);
  const minH = Math.max(1, cs.dilation[0] * (cs.kh - 1) + 1 - 2 * cs.padding[0]);
  const minW = Math.max(1, cs.dilation[1] * (cs.kw - 1) + 1 - 2 * cs.padding[1]);
  const xShape: [number, number, number, number] = [cs.batch, cs.cg * cs.groups, minH + cs.extraH, minW + cs.extraW];
  const wShape: [number, number, number, number] = [cs.og * cs.groups, cs.cg, cs.kh, cs.kw];
  const g = conv2dGeometry(xShape, wShape, { stride: cs.stride, padding: cs.padding, dilation: cs.dilation, groups: cs.groups });
  const x = randomArray(gen, cs.dtype, xShape.reduce((p, d) => p * d, 1));
  const w = randomArray(gen, cs.dtype, wShape.reduce((p, d) => p * d, 1));
  const bias = cs.withBias ? randomArray(gen, cs.dtype, wShape[0]) : null;
  const dy = randomArray(gen, cs.dtype, g.batch * g.outChannels * g.outHeight * g.outWidth);
  return { g, x, w, bias, dy, shapes: { x: xShape, w: wShape },
    params: { stride: cs.stride, padding: cs.padding, dilation: cs.dilation, groups: cs.groups } };
}
