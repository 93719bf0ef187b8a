import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { SGD } from '../../../src/nn/optim/sgd.js';
import { Parameter } from '../../../src/nn/parameter.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { SGD_BLOCK, sgdStepSimd, type SgdStepOptions } from '../../../src/tensor/wasm/sgd-simd.js';
import { setKernelsMode, wasmSimdSupported } from '../../../src/tensor/wasm/support.js';
import { expectExactlyEqual } from '../kernels/helpers.js';

// torch.optim.SGD's single-tensor update, each operation in float64, each store rounded to float32.
function naiveStep(p: Float32Array, g: Float32Array, buf: Float32Array | undefined, o: SgdStepOptions): void {
  for (let i = 0; i < p.length; i++) {
    let d = o.weightDecay !== 0 ? g[i]! + o.weightDecay * p[i]! : g[i]!;
    if (buf !== undefined) {
      buf[i] = Math.fround(o.first ? d : o.momentum * buf[i]! + (1 - o.dampening) * d);
      d = o.nesterov ? d + o.momentum * buf[i]! : buf[i]!;
    }
    p[i] = Math.fround(p[i]! - o.lr * d);
  }
}

const SPECIALS = [0, -0, NaN, Infinity, -Infinity, 1e-45, 3.4028234663852886e38];
const valueArb = fc.oneof({ weight: 5, arbitrary: fc.float({ min: -4, max: 4 }) }, { weight: 1, arbitrary: fc.constantFrom(...SPECIALS) });
const lengthArb = fc.oneof(fc.integer({ min: 1, max: 41 }), fc.constantFrom(SGD_BLOCK - 1, SGD_BLOCK, SGD_BLOCK + 3));
const optionsArb = fc.record({
  lr: fc.constantFrom(0.1, 1e-3, 0.37), weightDecay: fc.constantFrom(0, 0, 1e-4, 0.3), momentum: fc.constantFrom(0, 0.9, 0.5),
  dampening: fc.constantFrom(0, 0.1), nesterov: fc.boolean(),
});

const fill = (n: number, values: readonly number[], stride: number): Float32Array => Float32Array.from({ length: n }, (_, i) => values[(i * stride) % values.length]!);

describe.runIf(wasmSimdSupported())('SGD update on WebAssembly SIMD', () => {
  afterAll(() => setKernelsMode(null));

  it('equals the float64 reference bit for bit over three steps (weight decay, momentum, dampening, Nesterov, NaN, ±0, ±∞, tails)', () => {
    fc.assert(fc.property(lengthArb, fc.array(valueArb, { minLength: 1, maxLength: 31 }), fc.array(valueArb, { minLength: 1, maxLength: 29 }), optionsArb,
      (n, ps, gs, o) => {
        const p0 = fill(n, ps, 7), g = fill(n, gs, 3);
        const momentum = o.momentum !== 0;
        const [pRef, pSimd] = [p0.slice(), p0.slice()];
        const [bRef, bSimd] = momentum ? [new Float32Array(n), new Float32Array(n).fill(NaN)] : [undefined, undefined];
        for (let step = 1; step <= 3; step++) {
          const options = { ...o, nesterov: o.nesterov && momentum, first: step === 1 };
          naiveStep(pRef, g, bRef, options);
          sgdStepSimd(pSimd, g, bSimd, options);
          expectExactlyEqual(pSimd, pRef, `p after step ${step}`);
          if (bRef !== undefined) expectExactlyEqual(bSimd, bRef, `momentum buffer after step ${step}`);
        }
      }), { numRuns: 150, seed: 1418 });
  });

  it('the SGD optimizer gives the same parameters with js and simd kernels', () => {
    const run = (mode: 'js' | 'simd'): Float32Array => {
      setKernelsMode(mode);
      const p = new Parameter(Tensor.fromData(fill(37, [0.5, -1, 2, -0, 3.25], 3), [37], 'float32'));
      const opt = new SGD([p], { lr: 0.05, momentum: 0.9, weightDecay: 0.01, nesterov: true });
      for (let step = 0; step < 3; step++) {
        p.grad = Tensor.fromData(fill(37, [0.1 * (step + 1), -0.7, 1e-3, 5], 5), [37], 'float32');
        opt.step();
      }
      return Float32Array.from(p.data as Float32Array);
    };
    expectExactlyEqual(run('simd'), run('js'), 'SGD parameters simd vs js');
  });

  it('checks lengths', () => {
    const o = { lr: 1, weightDecay: 0, momentum: 0, dampening: 0, nesterov: false, first: true };
    expect(() => sgdStepSimd(new Float32Array(3), new Float32Array(2), undefined, o)).toThrow(/SGD: param has 3 elements, grad 2/);
    expect(() => sgdStepSimd(new Float32Array(3), new Float32Array(3), new Float32Array(4), o)).toThrow(/momentum buffer 4/);
  });
});
