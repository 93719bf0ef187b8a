import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dictConv2d, dictKernel } from '../../src/autograd/functional/dict-conv2d.js';
import { gradcheck } from '../../src/autograd/gradcheck.js';
import { conv2d } from '../../src/autograd/ops/conv2d.js';
import { DictConv2d } from '../../src/pqkd/dict-conv.js';
import { centerFeature, centerFeatureTensor, FixedProjection, projectionRow, standardizeMixing, standardizeMixingTensor } from '../../src/pqkd/projection.js';
import { matmul } from '../../src/autograd/ops/matmul.js';
import { mul } from '../../src/autograd/ops/mul.js';
import { sum } from '../../src/autograd/ops/sum.js';
import { randn } from '../../src/tensor/create.js';
import { Generator } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';

function maxAbsDiff(a: Tensor, b: Tensor): number {
  const x = a.contiguousData();
  const y = b.contiguousData();
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]! - y[i]!));
  return m;
}

describe('dictConv2d', () => {
  it('two-stage and materialised forms equal the dense conv with W = M ×_r D (float64, random geometry)', () => {
    fc.assert(
      fc.property(
        fc.record({
          n: fc.integer({ min: 1, max: 2 }), cin: fc.integer({ min: 1, max: 4 }), cout: fc.integer({ min: 1, max: 5 }),
          rank: fc.integer({ min: 1, max: 4 }), k: fc.constantFrom(1, 3), size: fc.integer({ min: 3, max: 7 }),
          stride: fc.integer({ min: 1, max: 2 }), padding: fc.integer({ min: 0, max: 1 }), seed: fc.nat(),
        }),
        ({ n, cin, cout, rank, k, size, stride, padding, seed }) => {
          const g = new Generator(seed);
          const x = randn([n, cin, size, size], { generator: g, dtype: 'float64' });
          const D = randn([rank, k, k], { generator: g, dtype: 'float64' });
          const M = randn([cout, cin, rank], { generator: g, dtype: 'float64' });
          const b = randn([cout], { generator: g, dtype: 'float64' });
          const dense = conv2d(x, dictKernel(D, M), b, { stride, padding });
          for (const impl of ['two-stage', 'materialize'] as const) {
            expect(maxAbsDiff(dictConv2d(x, D, M, b, { stride, padding, impl }), dense)).toBeLessThan(1e-12);
          }
        },
      ),
      { numRuns: 60, seed: 7 },
    );
  });

  it('passes gradcheck with respect to the input, the basis and the bias in both forms', () => {
    const g = new Generator(3);
    const x = randn([2, 3, 6, 6], { generator: g, dtype: 'float64' });
    const D = randn([4, 3, 3], { generator: g, dtype: 'float64' });
    const M = randn([5, 3, 4], { generator: g, dtype: 'float64' });
    const b = randn([5], { generator: g, dtype: 'float64' });
    for (const t of [x, D, b]) t.requiresGrad = true;
    for (const impl of ['two-stage', 'materialize'] as const) {
      const report = gradcheck((xx, dd, bb) => dictConv2d(xx, dd, M, bb, { padding: 1, stride: 2, impl }), [x, D, b], { mode: 'full', maxFullEntries: 1e9 });
      expect(report.ok).toBe(true);
    }
  });
});

describe('fixed projection', () => {
  it('is a pure function of (seed, layer, row): materialised and streamed give the same M bit for bit', () => {
    const v = centerFeature(new Generator(1).uniformArray(512), [256, 256]);
    const a = new FixedProjection(2603, 'features.4', 96, 512).apply(v);
    const b = new FixedProjection(2603, 'features.4', 96, 512, { stream: true }).apply(v);
    expect(Array.from(b)).toEqual(Array.from(a));
    const row = new Float32Array(512);
    projectionRow(2603, 'features.4', 95, row);
    let acc = 0;
    for (let c = 0; c < 512; c++) acc += row[c]! * v[c]!;
    expect(a[95]).toBe(acc);
    // Different layer or seed: a different matrix.
    expect(new FixedProjection(2603, 'features.0', 96, 512).apply(v)[0]).not.toBe(a[0]);
    expect(new FixedProjection(1, 'features.4', 96, 512).apply(v)[0]).not.toBe(a[0]);
  });

  it('apply = each row·v summed over c ascending, for row counts around its blocks of 8 rows (1, 7, 8, 13, 101)', () => {
    const v = centerFeature(new Generator(3).uniformArray(40), [20, 20]);
    for (const rows of [1, 7, 8, 13, 101]) {
      const m = new FixedProjection(11, 'l', rows, 40).apply(v);
      const row = new Float32Array(40);
      for (let r = 0; r < rows; r++) {
        projectionRow(11, 'l', r, row);
        let acc = 0;
        for (let c = 0; c < 40; c++) acc += row[c]! * v[c]!;
        expect(Object.is(m[r], acc), `rows ${rows}, row ${r}`).toBe(true);
      }
    }
  });

  it('has entries with variance 1/D', () => {
    const row = new Float64Array(512 * 64);
    for (let r = 0; r < 64; r++) projectionRow(9, 'l', r, row.subarray(r * 512, (r + 1) * 512));
    const mean = row.reduce((s, x) => s + x, 0) / row.length;
    const variance = row.reduce((s, x) => s + (x - mean) ** 2, 0) / row.length;
    // 32768 draws: the sample variance has relative standard error √(2/n) ≈ 0.8%; allow 5 of them.
    expect(Math.abs(variance * 512 - 1)).toBeLessThan(5 * Math.sqrt(2 / row.length));
  });

  it('standardises M to mean 0 and std γ = √(2/(C_in·R)), and centres each histogram half', () => {
    const m = new Generator(4).normalArray(1000, 3, 7);
    const M = standardizeMixing(m, 10, 4);
    const mean = M.reduce((s, x) => s + x, 0) / M.length;
    const std = Math.sqrt(M.reduce((s, x) => s + (x - mean) ** 2, 0) / M.length);
    expect(Math.abs(mean)).toBeLessThan(1e-12);
    expect(std).toBeCloseTo(Math.sqrt(2 / 40), 6);
    const uniform = new Float64Array(512).fill(1 / 256);
    expect(Array.from(centerFeature(uniform, [256, 256])).every((x) => Math.abs(x) < 1e-15)).toBe(true);
    expect(() => centerFeature(uniform, [256, 255])).toThrow(/group bins sum to 511, feature has 512/);
  });
});

describe('DictConv2d module', () => {
  it('only the basis is a parameter; compiling to Conv2d computes the same function', () => {
    const layer = new DictConv2d(3, 8, { rank: 4, kernelSize: 3, padding: 1, layerName: 'l', projectionSeed: 5, featureDim: 512, generator: new Generator(2) });
    expect(layer.namedParameters().map(([n]) => n)).toEqual(['basis']);
    expect(() => layer.forward(randn([1, 3, 5, 5], { generator: new Generator(1) }))).toThrow(/call setFeature/);
    layer.setFeature(centerFeature(new Generator(8).uniformArray(512), [256, 256]));
    const x = randn([2, 3, 9, 9], { generator: new Generator(6) });
    const conv = layer.toConv2d(new Generator(0));
    expect(maxAbsDiff(layer.forward(x), conv.forward(x))).toBeLessThan(1e-5);
  });

  it('the differentiable feature path ((e″) control) gives the numeric mixing, and its gradient checks', () => {
    const layer = new DictConv2d(3, 8, { rank: 4, kernelSize: 3, padding: 1, layerName: 'l', projectionSeed: 5, featureDim: 512, generator: new Generator(2) });
    const phi = new Generator(8).uniformArray(512, 0, 2 / 256);
    layer.setFeature(centerFeature(phi, [256, 256]));
    const numeric = Float64Array.from(layer.mixing!.data);
    const phiTensor = Tensor.fromData(Float32Array.from(phi), [512], 'float32');
    phiTensor.requiresGrad = true;
    layer.setFeatureTensor(centerFeatureTensor(phiTensor, [256, 256]));
    expect(layer.mixing!.shape).toEqual([8, 3, 4]);
    const viaTensor = layer.mixing!.data;
    for (let i = 0; i < numeric.length; i++) expect(Math.abs(viaTensor[i]! - numeric[i]!)).toBeLessThan(1e-4 * (1 + Math.abs(numeric[i]!)));
    // ∂/∂φ of a loss through centring, P (as a float64 copy) and the standardisation, by float64 differences.
    const P = Tensor.fromData(Float64Array.from(layer.projection.matrixTensor().data), [96, 512], 'float64');
    const up = randn([96], { generator: new Generator(3), dtype: 'float64' });
    const loss = (f: Tensor): Tensor => sum(mul(standardizeMixingTensor(matmul(P, centerFeatureTensor(f, [256, 256])), 3, 4), up));
    expect(gradcheck(loss, [Tensor.fromData(Float64Array.from(phi), [512], 'float64')], { mode: 'full' }).ok).toBe(true);
  });
});
