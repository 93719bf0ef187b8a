import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { Adam, AdamW } from '../../../src/nn/optim/adam.js';
import type { ParamState } from '../../../src/nn/optim/optimizer.js';
import { Parameter } from '../../../src/nn/parameter.js';
import { adamUpdateRange, type AdamStepOptions } from '../../../src/tensor/kernels/optim-update.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { adamResident, adamResidentArrays, adamStepResident } from '../../../src/tensor/wasm/adam-resident.js';
import { ADAM_BLOCK } from '../../../src/tensor/wasm/adam-simd.js';
import { KernelMemory, PAGE_BYTES } from '../../../src/tensor/wasm/runtime.js';
import { setKernelsMode, wasmSimdSupported } from '../../../src/tensor/wasm/support.js';
import { expectExactlyEqual } from '../kernels/helpers.js';

// The JS loop (kernels/optim-update.ts) is the reference here; test/tensor/wasm/adam-simd.test.ts checks it
// against an independent float64 formula, and the resident kernel must give its bits.
const SPECIALS = [0, -0, NaN, Infinity, -Infinity, 1e-45];
const valueArb = fc.oneof({ weight: 8, arbitrary: fc.float({ min: -4, max: 4, noNaN: true }) }, { weight: 1, arbitrary: fc.constantFrom(...SPECIALS) });
const lengthArb = fc.oneof(fc.integer({ min: 1, max: 23 }), fc.constantFrom(ADAM_BLOCK - 1, ADAM_BLOCK + 2, 2 * ADAM_BLOCK + 7));
const optionsArb = fc.record({
  lr: fc.constantFrom(0.1, 1e-3), beta1: fc.constantFrom(0.9, 0.3, 0.55), beta2: fc.constantFrom(0.999, 0.9),
  eps: fc.constantFrom(1e-8, 0.1), weightDecay: fc.constantFrom(0, 1e-2), decoupled: fc.boolean(), amsgrad: fc.boolean(),
});
const fill = (n: number, values: readonly number[], stride: number): Float32Array => Float32Array.from({ length: n }, (_, i) => values[(i * stride) % values.length]!);

describe.runIf(wasmSimdSupported())('Adam with its state resident in kernel memory', () => {
  afterAll(() => setKernelsMode(null));

  it('equals the JS loop bit for bit for several parameters in one arena, updated in any order, and never writes a neighbour', () => {
    fc.assert(fc.property(fc.array(lengthArb, { minLength: 1, maxLength: 4 }), fc.array(valueArb, { minLength: 1, maxLength: 19 }), optionsArb,
      fc.array(fc.nat(), { minLength: 6, maxLength: 6 }), fc.boolean(), (lengths, values, o, order, shared) => {
        const buffers = o.amsgrad ? 3 : 2;
        const arrays = adamResidentArrays(lengths.flatMap((n) => Array<number>(buffers).fill(n)), shared)!;
        const state = lengths.map((_, k) => arrays.slice(k * buffers, (k + 1) * buffers));
        const reference = lengths.map((n) => Array.from({ length: buffers }, () => new Float32Array(n)));
        const p = lengths.map((n, k) => fill(n, values, 3 + k)), pRef = p.map((a) => a.slice());
        for (let step = 1; step <= 3; step++) {
          const options: AdamStepOptions = { ...o, step };
          // one parameter per call, in a drawn order: the others' state must stay as the reference has it
          for (let r = 0; r < lengths.length; r++) {
            const k = order[(step * lengths.length + r) % order.length]! % lengths.length;
            const g = fill(lengths[k]!, values, 5 + step + k);
            const [m, v, vMax] = state[k]!, [mRef, vRef, vMaxRef] = reference[k]!;
            expect(adamResident(m!, v!, vMax ?? null)).toBe(true);
            adamStepResident(p[k]!, g, m!, v!, vMax ?? null, options);
            adamUpdateRange(pRef[k]!, g, mRef!, vRef!, vMaxRef ?? null, options, 0, lengths[k]!);
            lengths.forEach((_, j) => {
              expectExactlyEqual(p[j]!, pRef[j]!, `p[${j}] after step ${step}`);
              state[j]!.forEach((a, b) => expectExactlyEqual(a, reference[j]![b]!, `state[${j}][${b}] after step ${step}`));
            });
          }
        }
      }), { numRuns: 60, seed: 1717 });
  });

  it('a range that ends inside a vector of four writes nothing past its end (the tail runs through the copying kernel)', () => {
    const n = 23;
    const [m, v] = adamResidentArrays([n, n], false)!;
    m!.fill(0.25); v!.fill(0.5);
    const p = fill(n, [1, -2, 3], 1), g = fill(n, [0.5, -0.125], 1);
    const o: AdamStepOptions = { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, amsgrad: false, step: 2 };
    const [mRef, vRef, pRef] = [m!.slice(), v!.slice(), p.slice()];
    const [start, end] = [2, 13]; // 11 elements: two vectors from an unaligned start, then 3
    adamStepResident(p.subarray(start, end), g.subarray(start, end), m!.subarray(start, end), v!.subarray(start, end), null, o);
    adamUpdateRange(pRef, g, mRef, vRef, null, o, start, end);
    expectExactlyEqual(m!, mRef, 'm');
    expectExactlyEqual(v!, vRef, 'v');
    expectExactlyEqual(p, pRef, 'p');
    expect(m![end]).toBe(0.25);
  });

  it('a kernel memory never grows past its maximum (an arena\'s is its size, so its views are never detached)', () => {
    const memory = new KernelMemory(2, false, 2);
    expect(() => memory.ensureBytes(2 * PAGE_BYTES)).not.toThrow();
    expect(() => memory.ensureBytes(2 * PAGE_BYTES + 1)).toThrow(`KernelMemory.ensureBytes: ${2 * PAGE_BYTES + 1} bytes requested, the limit is ${2 * PAGE_BYTES}`);
    const grown = new KernelMemory(1, false, 3);
    grown.ensureBytes(3 * PAGE_BYTES);
    expect(grown.byteLength).toBe(3 * PAGE_BYTES);
    for (const shared of [false, true]) {
      const [m] = adamResidentArrays([5], shared)!;
      m![4] = 1.5; // the arrays stay usable: the arena never needs to grow
      expect(m!.buffer.byteLength % PAGE_BYTES).toBe(0);
      expect(m!.buffer.byteLength).toBeLessThanOrEqual(2 * PAGE_BYTES); // the two 32 KiB blocks and one small array
    }
  });

  it('arrays of different arenas, or ordinary arrays, are not resident; adamStepResident refuses them', () => {
    const [m1] = adamResidentArrays([4], false)!, [v2] = adamResidentArrays([4], false)!;
    const o: AdamStepOptions = { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, amsgrad: false, step: 1 };
    expect(adamResident(m1!, v2!, null)).toBe(false);
    expect(adamResident(m1!, new Float32Array(4), null)).toBe(false);
    expect(() => adamStepResident(new Float32Array(4), new Float32Array(4), m1!, v2!, null, o)).toThrow(/one arena/);
  });

  it('Adam and AdamW keep float32 state resident on the SIMD path, ordinary on the JS path, with the same bits; a loaded state dict resumes exactly', () => {
    for (const [Opt, options] of [[Adam, { lr: 0.05, weightDecay: 0.01, amsgrad: true }], [AdamW, { lr: 0.05, betas: [0.2, 0.9] as [number, number] }]] as const) {
      const run = (mode: 'js' | 'simd', reloadAt: number | null): { arrays: Float32Array[]; resident: boolean } => {
        setKernelsMode(mode);
        const params = [37, 5, 64].map((n, k) => new Parameter(Tensor.fromData(fill(n, [0.5, -1, 2, -0, 3.25], 3 + k), [n], 'float32')));
        let opt = new Opt(params, options);
        for (let step = 0; step < 5; step++) {
          if (step === reloadAt) {
            const saved = opt.stateDict();
            opt = new Opt(params, options);
            opt.loadStateDict(saved);
          }
          params.forEach((p, k) => {
            if (step === 1 && k === 1) p.grad = null; // a parameter that skips a step keeps its own step count
            else p.grad = Tensor.fromData(fill(p.numel(), [0.1 * (step + 1), -0.7, 1e-3, 5], 5 + k), p.shape, 'float32');
          });
          opt.step();
        }
        const state = (opt as unknown as { state: ParamState[] }).state;
        const resident = state.every((s) => adamResident(s.buffers.expAvg!.data as Float32Array, s.buffers.expAvgSq!.data as Float32Array, (s.buffers.maxExpAvgSq?.data ?? null) as Float32Array | null));
        const arrays = params.flatMap((p, k) => [Float32Array.from(p.data as Float32Array), ...Object.values(opt.stateDict().state[k]!.buffers).map((b) => Float32Array.from(b.data as Float32Array))]);
        return { arrays, resident };
      };
      const js = run('js', null);
      expect(js.resident).toBe(false);
      for (const reloadAt of [null, 3]) {
        const simd = run('simd', reloadAt);
        expect(simd.resident).toBe(true);
        simd.arrays.forEach((a, k) => expectExactlyEqual(a, js.arrays[k]!, `${Opt.name} array ${k} simd (reload at ${reloadAt}) vs js`));
      }
    }
  });
});
