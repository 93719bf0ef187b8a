/** The pooling cases of the op table (test/opdb.ts): maxPool2d (with returnIndices), reluMaxPool2d, avgPool2d, maxUnpool2d. */
import fc from 'fast-check';
import * as pq from '../src/index.js';
import { Generator, type Tensor } from '../src/index.js';
import { drawValues, numel, tensorOf, type ValueKind } from './tensor/arbitraries.js';
import type { OpCase } from './opdb.js';

type MakeCase = (label: string, seed: number, specs: readonly { shape: readonly number[]; kind: ValueKind }[], fn: (...xs: Tensor[]) => Tensor) => OpCase;

/**
 * maxUnpool2d of values [N, C, h, w] at the indices a max pool of a fixed random input gives (the
 * indices are data, built once per case). stride ≥ kernel: windows do not overlap, so indices are
 * distinct; with a repeated index the later value wins the forward while torch's backward (a gather,
 * which pqkd follows, see test/reference/torch-parity.test.ts maxUnpool2d/k2_s1_overlap) still gives
 * every writer the gradient, which finite differences cannot reproduce.
 */
export function maxUnpoolCases(makeCase: MakeCase): fc.Arbitrary<OpCase> {
  return fc
    .record({
      batch: fc.integer({ min: 1, max: 2 }),
      channels: fc.integer({ min: 1, max: 2 }),
      kernel: fc.integer({ min: 1, max: 3 }),
      strideExtra: fc.nat({ max: 1 }),
      extra: fc.tuple(fc.nat({ max: 3 }), fc.nat({ max: 3 })),
      seed: fc.nat({ max: 2 ** 31 - 1 }),
    })
    .map((raw) => ({ ...raw, stride: raw.kernel + raw.strideExtra }))
    .map((c) => {
      const inShape = [c.batch, c.channels, c.kernel + c.extra[0], c.kernel + c.extra[1]];
      const source = tensorOf(drawValues(new Generator(c.seed).fork('pooled'), numel(inShape), 'distinct'), inShape, 'float64');
      const [, indices] = pq.maxPool2d(source, { kernelSize: c.kernel, stride: c.stride, returnIndices: true });
      const opts = { kernelSize: c.kernel, stride: c.stride, outputSize: inShape.slice(2) };
      return makeCase(`maxUnpool2d values=${JSON.stringify(indices.shape)} ${JSON.stringify(opts)}`, c.seed, [{ shape: indices.shape, kind: 'any' }], (x) =>
        pq.maxUnpool2d(x, indices, opts),
      );
    });
}

export function poolCases(name: 'maxPool2d' | 'avgPool2d' | 'reluMaxPool2d', makeCase: MakeCase): fc.Arbitrary<OpCase> {
  return fc
    .record({
      batch: fc.integer({ min: 1, max: 2 }),
      channels: fc.integer({ min: 1, max: 2 }),
      kernel: fc.integer({ min: 1, max: 3 }),
      stride: fc.integer({ min: 1, max: 2 }),
      padRaw: fc.nat({ max: 1 }),
      dilation: fc.integer({ min: 1, max: name === 'avgPool2d' ? 1 : 2 }),
      extra: fc.tuple(fc.nat({ max: 2 }), fc.nat({ max: 2 })),
      ceilMode: fc.boolean(),
      countIncludePad: fc.boolean(),
      returnIndices: fc.boolean(),
      seed: fc.nat({ max: 2 ** 31 - 1 }),
    })
    .map((c) => {
      const padding = Math.min(c.padRaw, Math.floor(c.kernel / 2));
      const span = c.dilation * (c.kernel - 1) + 1;
      const shape = [c.batch, c.channels, span + c.extra[0], span + c.extra[1]];
      const opts =
        name === 'avgPool2d'
          ? { kernelSize: c.kernel, stride: c.stride, padding, ceilMode: c.ceilMode, countIncludePad: c.countIncludePad }
          : { kernelSize: c.kernel, stride: c.stride, padding, dilation: c.dilation, ceilMode: c.ceilMode };
      const apply =
        name === 'avgPool2d'
          ? pq.avgPool2d
          : name === 'reluMaxPool2d'
            ? pq.reluMaxPool2d // distinct values: no ties; one may lie in [0, 0.05), within eps of the ReLU kink with odds ~1e-5
            : c.returnIndices
              ? (x: Tensor, o: typeof opts) => pq.maxPool2d(x, { ...o, returnIndices: true })[0] // the values are differentiated (indices are data)
              : pq.maxPool2d;
      const label = `${name} ${JSON.stringify(shape)} ${JSON.stringify(opts)}${name === 'maxPool2d' && c.returnIndices ? ' returnIndices' : ''}`;
      return makeCase(label, c.seed, [{ shape, kind: name === 'avgPool2d' ? 'any' : 'distinct' }], (x) => apply(x, opts));
    });
}
