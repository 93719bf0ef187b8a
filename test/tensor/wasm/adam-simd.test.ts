import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { Adam, AdamW } from '../../../src/nn/optim/adam.js';
import { Parameter } from '../../../src/nn/parameter.js';
import { adamUpdateRange, type AdamStepOptions } from '../../../src/tensor/kernels/optim-update.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { ADAM_BLOCK, adamStepSimd } from '../../../src/tensor/wasm/adam-simd.js';
import { setKernelsMode, wasmSimdSupported } from '../../../src/tensor/wasm/support.js';
import { expectExactlyEqual } from '../kernels/helpers.js';

// torch.optim.Adam's single-tensor update written out independently: each operation in float64,
// each store rounded to float32 (Math.fround), stored values read back rounded.
function naiveStep(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, vMax: Float32Array | null, o: AdamStepOptions): void {
  const t = o.step;
  for (let i = 0; i < p.length; i++) {
    let gi = g[i]!;
    if (o.weightDecay !== 0 && o.decoupled) p[i] = Math.fround(p[i]! * (1 - o.lr * o.weightDecay));
    if (o.weightDecay !== 0 && !o.decoupled) gi = gi + o.weightDecay * p[i]!;
    const w = 1 - o.beta1;
    m[i] = Math.fround(w < 0.5 ? m[i]! + w * (gi - m[i]!) : gi - (gi - m[i]!) * (1 - w));
    v[i] = Math.fround(o.beta2 * v[i]! + (1 - o.beta2) * gi * gi);
    let s = v[i]!;
    if (vMax !== null) {
      vMax[i] = s > vMax[i]! ? s : vMax[i]!;
      s = vMax[i]!;
    }
    const denom = Math.sqrt(s) / Math.sqrt(1 - o.beta2 ** t) + o.eps;
    p[i] = Math.fround(p[i]! - (o.lr / (1 - o.beta1 ** t)) * (m[i]! / denom));
  }
}

const SPECIALS = [0, -0, NaN, Infinity, -Infinity, 1e-45, 3.4028234663852886e38];
const valueArb = fc.oneof({ weight: 6, arbitrary: fc.float({ min: -4, max: 4 }) }, { weight: 1, arbitrary: fc.constantFrom(...SPECIALS) });
const lengthArb = fc.oneof(fc.integer({ min: 1, max: 41 }), fc.constantFrom(ADAM_BLOCK - 1, ADAM_BLOCK, 2 * ADAM_BLOCK + 3));
const optionsArb = fc.record({
  lr: fc.constantFrom(0.1, 1e-3, 0.37), beta1: fc.constantFrom(0.9, 0.3, 0, 0.5, 0.55), beta2: fc.constantFrom(0.999, 0.9, 0),
  eps: fc.constantFrom(1e-8, 0.1, 0), weightDecay: fc.constantFrom(0, 0, 1e-2, 0.3), decoupled: fc.boolean(), amsgrad: fc.boolean(),
});

const fill = (n: number, values: readonly number[], stride: number): Float32Array => Float32Array.from({ length: n }, (_, i) => values[(i * stride) % values.length]!);

describe.runIf(wasmSimdSupported())('Adam update on WebAssembly SIMD', () => {
  afterAll(() => setKernelsMode(null));

  it('equals the JS loop and the float64 reference bit for bit over four steps (L2, AdamW, AMSGrad, β1 ≥ 0.5 and < 0.5, NaN, ±0, ±∞, tails)', () => {
    fc.assert(fc.property(lengthArb, fc.array(valueArb, { minLength: 1, maxLength: 31 }), fc.array(valueArb, { minLength: 1, maxLength: 29 }),
      fc.array(valueArb, { minLength: 1, maxLength: 23 }), optionsArb, (n, ps, gs, g2s, o) => {
        const p0 = fill(n, ps, 7);
        const [pRef, pJs, pSimd] = [p0.slice(), p0.slice(), p0.slice()];
        const zeros = (): [Float32Array, Float32Array, Float32Array] => [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
        const [mRef, mJs, mSimd] = zeros(), [vRef, vJs, vSimd] = zeros();
        const [xRef, xJs, xSimd] = o.amsgrad ? zeros() : [null, null, null];
        for (let step = 1; step <= 4; step++) {
          const g = fill(n, step % 2 === 1 ? gs : g2s, 3 + step);
          const options = { ...o, step };
          naiveStep(pRef, g, mRef, vRef, xRef, options);
          adamUpdateRange(pJs, g, mJs, vJs, xJs, options, 0, n);
          adamStepSimd(pSimd, g, mSimd, vSimd, xSimd, options);
          for (const [simd, js, ref, what] of [[pSimd, pJs, pRef, 'p'], [mSimd, mJs, mRef, 'm'], [vSimd, vJs, vRef, 'v'], [xSimd, xJs, xRef, 'vMax']] as const) {
            if (ref === null || js === null || simd === null) continue;
            expectExactlyEqual(js, ref, `${what} (JS loop vs reference) after step ${step}`);
            expectExactlyEqual(simd, ref, `${what} (SIMD vs reference) after step ${step}`);
          }
        }
      }), { numRuns: 200, seed: 2126 });
  });

  it('AMSGrad keeps v̂max where v is NaN or smaller, and takes v where it is larger (±0 kept as stored)', () => {
    const n = 6;
    const p = new Float32Array(n), g = new Float32Array([NaN, 1, 0, 0, 3, -2]);
    const m = new Float32Array(n), v = new Float32Array(n);
    const vMax = new Float32Array([5, 0.5, -0, 0, 1, 7]);
    const o = { lr: 0.1, beta1: 0.9, beta2: 0.5, eps: 1e-8, weightDecay: 0, decoupled: false, amsgrad: true, step: 1 };
    adamStepSimd(p, g, m, v, vMax, o);
    // v = 0.5·g²: [NaN, 0.5, 0, 0, 4.5, 2]
    expectExactlyEqual(vMax, [5, 0.5, -0, 0, 4.5, 7], 'vMax');
  });

  it('Adam and AdamW optimizers give the same parameters and state with js and simd kernels', () => {
    for (const [Opt, options] of [[Adam, { lr: 0.05, weightDecay: 0.01, amsgrad: true }], [AdamW, { lr: 0.05, betas: [0.2, 0.9] as [number, number] }]] as const) {
      const run = (mode: 'js' | 'simd'): Float32Array[] => {
        setKernelsMode(mode);
        const p = new Parameter(Tensor.fromData(fill(37, [0.5, -1, 2, -0, 3.25], 3), [37], 'float32'));
        const opt = new Opt([p], options);
        for (let step = 0; step < 3; step++) {
          p.grad = Tensor.fromData(fill(37, [0.1 * (step + 1), -0.7, 1e-3, 5], 5), [37], 'float32');
          opt.step();
        }
        const buffers = opt.stateDict().state[0]!.buffers;
        return [Float32Array.from(p.data as Float32Array), ...Object.values(buffers).map((b) => Float32Array.from(b.data as Float32Array))];
      };
      const [simd, js] = [run('simd'), run('js')];
      expect(simd.length).toBe(js.length);
      simd.forEach((a, k) => expectExactlyEqual(a, js[k]!, `${Opt.name} array ${k} simd vs js`));
    }
  });

  it('checks lengths', () => {
    const o = { lr: 1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, amsgrad: false, step: 1 };
    const a = (k: number): Float32Array => new Float32Array(k);
    expect(() => adamStepSimd(a(3), a(2), a(3), a(3), null, o)).toThrow(/Adam: param has 3 elements, grad 2/);
    expect(() => adamStepSimd(a(3), a(3), a(3), a(3), a(4), o)).toThrow(/maxExpAvgSq 4/);
  });
});
