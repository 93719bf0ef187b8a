// The fused batch-norm primitive against the composite it replaced: same values and gradients
// (docs/engine.md rule 2: a promoted composite keeps its composite form as the oracle).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { batchNorm, batchNormComposite } from '../../src/autograd/functional/batch-norm.js';
import { sum } from '../../src/autograd/ops/sum.js';
import { mul } from '../../src/autograd/ops/mul.js';
import { randn, ones, zeros } from '../../src/tensor/create.js';
import { Generator } from '../../src/tensor/random.js';
import type { Tensor } from '../../src/tensor/tensor.js';

function close(a: Tensor, b: Tensor, tol: number): void {
  const x = a.toTypedArray();
  const y = b.toTypedArray();
  expect(x.length).toBe(y.length);
  for (let i = 0; i < x.length; i++) expect(Math.abs(x[i]! - y[i]!)).toBeLessThanOrEqual(tol * (1 + Math.abs(y[i]!)));
}

describe('fused batchNorm = composite batchNorm', () => {
  it('agrees in output, gradients and running statistics (float64, train and eval)', () => {
    fc.assert(fc.property(
      fc.record({ rank: fc.constantFrom(2, 4), n: fc.integer({ min: 2, max: 4 }), c: fc.integer({ min: 1, max: 4 }), hw: fc.integer({ min: 1, max: 4 }), training: fc.boolean(), seed: fc.nat() }),
      ({ rank, n, c, hw, training, seed }) => {
        const shape = rank === 4 ? [n, c, hw, hw] : [n, c];
        const results = [batchNorm, batchNormComposite].map((fn) => {
          const gg = new Generator(seed);
          const x = randn(shape, { generator: gg, dtype: 'float64' });
          const w = randn([c], { generator: gg, dtype: 'float64' });
          const b = randn([c], { generator: gg, dtype: 'float64' });
          const upstream = randn(shape, { generator: gg, dtype: 'float64' });
          for (const t of [x, w, b]) t.requiresGrad = true;
          const rm = zeros([c], { dtype: 'float64' });
          const rv = ones([c], { dtype: 'float64' });
          const y = fn(x, rm, rv, w, b, { training, momentum: 0.1, eps: 1e-5 });
          sum(mul(y, upstream)).backward();
          return { y, gx: x.grad!, gw: w.grad!, gb: b.grad!, rm, rv };
        });
        const [fused, composite] = results as [typeof results[0], typeof results[0]];
        close(fused.y, composite.y, 1e-10);
        close(fused.gx, composite.gx, 1e-9);
        close(fused.gw, composite.gw, 1e-10);
        close(fused.gb, composite.gb, 1e-10);
        close(fused.rm, composite.rm, 1e-12);
        close(fused.rv, composite.rv, 1e-12);
      },
    ), { numRuns: 80, seed: 17 });
  });
});
