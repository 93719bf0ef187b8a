import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxPool2dForward } from '../../../src/tensor/kernel-dispatch.js';
import { maxPool2dForwardSerial, pool2dGeometry } from '../../../src/tensor/kernels/pool2d.js';
import { shutdownThreads, threadPoolStats, warmUpThreads } from '../../../src/tensor/parallel/pool.js';
import { createSharedArray } from '../../../src/tensor/parallel/share.js';
import { DEFAULT_PARALLEL_MIN_MACS, defaultNumThreads, setNumThreads, setParallelMinMacs } from '../../../src/tensor/parallel/threads.js';
import { MAXPOOL_BLOCK, maxPool2x2Eligible, maxPool2x2Simd, maxPoolModuleBuilder } from '../../../src/tensor/wasm/maxpool-simd.js';
import { ModuleBuilder } from '../../../src/tensor/wasm/module-builder.js';
import { setKernelsMode, wasmSimdSupported } from '../../../src/tensor/wasm/support.js';
import { naiveMaxPool2d } from '../../reference/naive-pool2d.js';
import { expectExactlyEqual } from '../kernels/helpers.js';

type Shape = [number, number, number, number];
const PARAMS = { kernel: [2, 2], stride: [2, 2], padding: [0, 0], dilation: [1, 1], ceilMode: false, countIncludePad: true } as const;
// Ties (repeated small integers), ±0, ±∞ and NaN in every position of a window, plus arbitrary float32 values.
const SPECIALS = [NaN, Infinity, -Infinity, -0, 0, 1, 1, -1, 2, 1e-45];
const valueArb = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...SPECIALS) }, { weight: 1, arbitrary: fc.float() });

function fill(n: number, values: readonly number[]): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => values[(i * 7919) % values.length]!);
}

/** Runs the SIMD kernel into sentinel-filled buffers and checks it against the naive scan and the JS kernel. */
function checkAgainstReferences(shape: Shape, x: Float32Array): void {
  const g = pool2dGeometry(shape, { kernelSize: 2 }, 'maxPool2d');
  const ref = naiveMaxPool2d(x, shape, { ...PARAMS, kernel: [2, 2], stride: [2, 2], padding: [0, 0], dilation: [1, 1] });
  const out = new Float32Array(ref.y.length).fill(7), argmax = new Int32Array(ref.y.length).fill(-7);
  maxPool2x2Simd(g, x, out, argmax);
  expectExactlyEqual(out, Float32Array.from(ref.y), `SIMD out ${shape.join('x')}`);
  expectExactlyEqual(argmax, ref.argmax, `SIMD argmax ${shape.join('x')}`);
  const jsOut = new Float32Array(ref.y.length), jsArgmax = new Int32Array(ref.y.length);
  maxPool2dForwardSerial(g, x, jsOut, jsArgmax);
  expectExactlyEqual(out, jsOut, `SIMD vs JS out ${shape.join('x')}`);
  expectExactlyEqual(argmax, jsArgmax, `SIMD vs JS argmax ${shape.join('x')}`);
}

describe.runIf(wasmSimdSupported())('max pooling 2×2 on WebAssembly SIMD', () => {
  it('equals the naive scan and the JS kernel exactly (first strict maximum, NaN wins, ±0, odd H/W, several planes)', () => {
    fc.assert(fc.property(
      fc.record({
        n: fc.integer({ min: 1, max: 3 }), c: fc.integer({ min: 1, max: 3 }),
        h: fc.integer({ min: 2, max: 13 }), w: fc.integer({ min: 2, max: 19 }),
        values: fc.array(valueArb, { minLength: 1, maxLength: 97 }),
      }),
      ({ n, c, h, w, values }) => {
        const shape: Shape = [n, c, h, w];
        checkAgainstReferences(shape, fill(n * c * h * w, values));
      }), { numRuns: 300, seed: 1414 });
  });

  it('is exact across block edges: many planes per block, planes larger than a block, rows wider than half a block', () => {
    const values = [3, NaN, -0, 0, 5, 5, -Infinity, 2, 0.5, 7, 1, -2, 7];
    const planesPerBlock = Math.floor(MAXPOOL_BLOCK / (30 * 31));
    const shapes: Shape[] = [
      [2, planesPerBlock, 30, 31], // whole planes, the last block partly filled
      [1, 2, 257, 129], // a plane larger than a block, odd H: row pairs in two calls per plane
      [1, 1, 3, MAXPOOL_BLOCK + 3], // one row pair per call, odd W
    ];
    for (const shape of shapes) checkAgainstReferences(shape, fill(shape.reduce((a, b) => a * b), values));
  });

  it('rejects wrong lengths and geometries it does not compute; the builder checks shuffle lanes', () => {
    const g = pool2dGeometry([1, 1, 4, 4], { kernelSize: 2 }, 'maxPool2d');
    expect(() => maxPool2x2Simd(g, new Float32Array(15), new Float32Array(4), new Int32Array(4))).toThrow(/maxPool2dForward: x has 15 elements/);
    expect(() => maxPool2x2Simd(g, new Float32Array(16), new Float32Array(4), new Int32Array(3))).toThrow(/argmax 3/);
    const padded = pool2dGeometry([1, 1, 4, 4], { kernelSize: 2, padding: 1 }, 'maxPool2d');
    expect(maxPool2x2Eligible(padded)).toBe(false);
    expect(maxPool2x2Eligible(pool2dGeometry([1, 1, 4, 4], { kernelSize: 2, stride: 1 }, 'maxPool2d'))).toBe(false);
    expect(maxPool2x2Eligible(pool2dGeometry([1, 1, 5, 5], { kernelSize: 2, ceilMode: true }, 'maxPool2d'))).toBe(false);
    expect(maxPool2x2Eligible(g)).toBe(true);
    expect(() => maxPool2x2Simd(padded, new Float32Array(16), new Float32Array(9), new Int32Array(9))).toThrow(/2x2 stride-2/);
    const mod = new ModuleBuilder();
    expect(() => mod.addFunction('g', [], [], (f) => void f.shuffle([0, 1]))).toThrow(/g: i8x16.shuffle needs 16 lane indices in \[0, 32\), got \[0, 1\]/);
    expect(() => mod.addFunction('h', [], [], (f) => void f.shuffle(new Array<number>(16).fill(32)))).toThrow(/i8x16.shuffle needs 16 lane indices/);
    expect(maxPoolModuleBuilder(false).toText()).toContain('i8x16.shuffle 0 1 2 3 8 9 10 11');
  });
});

describe.runIf(wasmSimdSupported())('max pooling dispatch: SIMD path, JS path and threads', () => {
  beforeAll(async () => {
    setParallelMinMacs(0);
    setNumThreads(2);
    await warmUpThreads();
  });
  afterAll(async () => {
    setKernelsMode(null);
    setParallelMinMacs(DEFAULT_PARALLEL_MIN_MACS);
    setNumThreads(defaultNumThreads());
    await shutdownThreads();
  });

  it('gives bit-identical outputs and argmax for js / simd kernels on 1 and 2 threads (shared arrays)', () => {
    fc.assert(fc.property(
      fc.record({ n: fc.integer({ min: 2, max: 5 }), c: fc.integer({ min: 1, max: 3 }), h: fc.integer({ min: 2, max: 11 }),
        w: fc.integer({ min: 2, max: 11 }), values: fc.array(valueArb, { minLength: 1, maxLength: 53 }) }),
      ({ n, c, h, w, values }) => {
        const shape: Shape = [n, c, h, w];
        const g = pool2dGeometry(shape, { kernelSize: 2 }, 'maxPool2d');
        const x0 = fill(n * c * h * w, values);
        const m = n * c * g.outHeight * g.outWidth;
        let ref: { out: Float32Array; argmax: Int32Array } | null = null;
        for (const mode of ['js', 'simd'] as const) {
          for (const threads of [1, 2]) {
            setKernelsMode(mode);
            setNumThreads(threads);
            const x = createSharedArray('float32', x0.length);
            x.set(x0);
            const out = createSharedArray('float32', m).fill(7), argmax = new Int32Array(new SharedArrayBuffer(4 * m)).fill(-7);
            const before = threadPoolStats().dispatched;
            maxPool2dForward(g, x, out, argmax);
            if (threads > 1) expect(threadPoolStats().dispatched - before, `${mode} pooling on 2 threads`).toBeGreaterThanOrEqual(1);
            if (ref === null) ref = { out: Float32Array.from(out), argmax: Int32Array.from(argmax) };
            expectExactlyEqual(out, ref.out, `${mode} out on ${threads} threads`);
            expectExactlyEqual(argmax, ref.argmax, `${mode} argmax on ${threads} threads`);
          }
        }
      }), { numRuns: 40, seed: 1415 });
  });
});
