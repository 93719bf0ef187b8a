import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxPool2dBackward } from '../../../src/tensor/kernel-dispatch.js';
import { maxPool2dBackwardSerial, maxPool2dForwardSerial, pool2dGeometry } from '../../../src/tensor/kernels/pool2d.js';
import { shutdownThreads, threadPoolStats, warmUpThreads } from '../../../src/tensor/parallel/pool.js';
import { createSharedArray } from '../../../src/tensor/parallel/share.js';
import { DEFAULT_PARALLEL_MIN_MACS, defaultNumThreads, setNumThreads, setParallelMinMacs } from '../../../src/tensor/parallel/threads.js';
import { maxPool2x2BackwardEligible, maxPool2x2BackwardSimd } from '../../../src/tensor/wasm/maxpool-backward-simd.js';
import { MAXPOOL_BLOCK } from '../../../src/tensor/wasm/maxpool-simd.js';
import { setKernelsMode, wasmSimdSupported } from '../../../src/tensor/wasm/support.js';
import { expectExactlyEqual } from '../kernels/helpers.js';

type Shape = [number, number, number, number];
const SPECIALS = [NaN, Infinity, -Infinity, -0, 0, 1, -1, 0.5, 1e-45];
const valueArb = fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...SPECIALS) }, { weight: 1, arbitrary: fc.float() });

function fill(n: number, values: readonly number[], stride = 7919): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => values[(i * stride) % values.length]!);
}

/** A forward's argmax for x of this shape (ties and NaN make every window position win somewhere). */
function forwardArgmax(shape: Shape, x: Float32Array): Int32Array {
  const g = pool2dGeometry(shape, { kernelSize: 2 }, 'maxPool2d');
  const argmax = new Int32Array(x.length / 4);
  maxPool2dForwardSerial(g, x, new Float32Array(x.length / 4), argmax);
  return argmax;
}

/** Naive scatter in float64: dx[p, argmax] += dy, then one rounding to float32. */
function naiveBackward(shape: Shape, dy: Float32Array, argmax: Int32Array): Float32Array {
  const [n, c, h, w] = shape;
  const acc = new Float64Array(n * c * h * w);
  const outPlane = (h / 2) * (w / 2);
  for (let q = 0; q < dy.length; q++) {
    const i = Math.floor(q / outPlane) * h * w + argmax[q]!;
    acc[i] = acc[i]! + dy[q]!;
  }
  return Float32Array.from(acc);
}

function check(shape: Shape, x: Float32Array, dy: Float32Array): void {
  const g = pool2dGeometry(shape, { kernelSize: 2 }, 'maxPool2d');
  const argmax = forwardArgmax(shape, x);
  const dx = new Float32Array(x.length).fill(NaN); // every element must be overwritten
  expect(maxPool2x2BackwardSimd(g, dy, argmax, dx)).toBe(true);
  expectExactlyEqual(dx, naiveBackward(shape, dy, argmax), `SIMD dx ${shape.join('x')}`);
  const js = new Float32Array(x.length);
  maxPool2dBackwardSerial(g, dy, argmax, js);
  expectExactlyEqual(dx, js, `SIMD vs JS dx ${shape.join('x')}`);
}

describe.runIf(wasmSimdSupported())('max pooling 2×2 backward on WebAssembly SIMD', () => {
  it('equals the naive scatter and the JS kernel exactly (−0 → +0, NaN and ±∞ pass, every window position)', () => {
    fc.assert(fc.property(
      fc.record({
        n: fc.integer({ min: 1, max: 3 }), c: fc.integer({ min: 1, max: 3 }), oh: fc.integer({ min: 1, max: 7 }), ow: fc.integer({ min: 1, max: 11 }),
        xs: fc.array(fc.constantFrom(NaN, 0, -0, 1, 1, 2), { minLength: 1, maxLength: 41 }), dys: fc.array(valueArb, { minLength: 1, maxLength: 37 }),
      }),
      ({ n, c, oh, ow, xs, dys }) => {
        const shape: Shape = [n, c, 2 * oh, 2 * ow];
        check(shape, fill(n * c * 4 * oh * ow, xs), fill(n * c * oh * ow, dys, 13));
      }), { numRuns: 300, seed: 1416 });
  });

  it('is exact across block edges (many planes per block, planes larger than a block, one row pair per call)', () => {
    const xs = [3, NaN, -0, 0, 5, 5, 2, 7, 1, 7, 4];
    const dys = [0.25, -0, NaN, -3, Infinity, 1e-45];
    const shapes: Shape[] = [[3, 17, 30, 32], [1, 2, 258, 130], [1, 1, 2, MAXPOOL_BLOCK + 6]];
    for (const shape of shapes) {
      const n = shape.reduce((a, b) => a * b);
      check(shape, fill(n, xs), fill(n / 4, dys, 5));
    }
  });

  it('reports false for an argmax outside its window, and the dispatcher then gives the JS kernel\'s result', () => {
    const shape: Shape = [1, 2, 4, 6];
    const g = pool2dGeometry(shape, { kernelSize: 2 }, 'maxPool2d');
    const dy = Float32Array.from({ length: 12 }, (_, i) => i + 1);
    for (const [q, index] of [[0, 2], [5, -1], [11, 0], [7, 23]] as const) {
      const argmax = forwardArgmax(shape, Float32Array.from({ length: 48 }, (_, i) => (i * 5) % 7));
      argmax[q] = index;
      expect(maxPool2x2BackwardSimd(g, dy, argmax, new Float32Array(48)), `argmax[${q}] = ${index}`).toBe(false);
      const js = new Float32Array(48), viaDispatch = new Float32Array(48).fill(NaN);
      maxPool2dBackwardSerial(g, dy, argmax, js);
      maxPool2dBackward(g, dy, argmax, viaDispatch);
      expectExactlyEqual(viaDispatch, js, `fallback dx with argmax[${q}] = ${index}`);
    }
  });

  it('takes only 2×2 / stride-2 windows tiling the plane, and checks lengths', () => {
    expect(maxPool2x2BackwardEligible(pool2dGeometry([1, 1, 4, 6], { kernelSize: 2 }, 'maxPool2d'))).toBe(true);
    expect(maxPool2x2BackwardEligible(pool2dGeometry([1, 1, 5, 6], { kernelSize: 2 }, 'maxPool2d'))).toBe(false);
    expect(maxPool2x2BackwardEligible(pool2dGeometry([1, 1, 4, 7], { kernelSize: 2 }, 'maxPool2d'))).toBe(false);
    expect(maxPool2x2BackwardEligible(pool2dGeometry([1, 1, 4, 4], { kernelSize: 2, stride: 1 }, 'maxPool2d'))).toBe(false);
    const g = pool2dGeometry([1, 1, 4, 4], { kernelSize: 2 }, 'maxPool2d');
    expect(() => maxPool2x2BackwardSimd(g, new Float32Array(4), new Int32Array(4), new Float32Array(15))).toThrow(/maxPool2dBackward: gradInput has 15 elements/);
    expect(() => maxPool2x2BackwardSimd(pool2dGeometry([1, 1, 5, 4], { kernelSize: 2 }, 'maxPool2d'), new Float32Array(4), new Int32Array(4), new Float32Array(20)))
      .toThrow(/tiling the plane/);
  });
});

describe.runIf(wasmSimdSupported())('max pooling backward dispatch: js / simd on 1 and 2 threads', () => {
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

  it('gives bit-identical dx for js / simd kernels on 1 and 2 threads (shared arrays)', () => {
    fc.assert(fc.property(
      fc.record({ n: fc.integer({ min: 2, max: 5 }), c: fc.integer({ min: 1, max: 3 }), oh: fc.integer({ min: 1, max: 6 }), ow: fc.integer({ min: 1, max: 6 }),
        dys: fc.array(valueArb, { minLength: 1, maxLength: 29 }) }),
      ({ n, c, oh, ow, dys }) => {
        const shape: Shape = [n, c, 2 * oh, 2 * ow];
        const g = pool2dGeometry(shape, { kernelSize: 2 }, 'maxPool2d');
        const size = n * c * 4 * oh * ow;
        const argmax0 = forwardArgmax(shape, fill(size, [1, 3, 3, 2, NaN, 0], 11));
        let ref: Float32Array | null = null;
        for (const mode of ['js', 'simd'] as const) {
          for (const threads of [1, 2]) {
            setKernelsMode(mode);
            setNumThreads(threads);
            const dy = createSharedArray('float32', size / 4);
            dy.set(fill(size / 4, dys, 3));
            const argmax = new Int32Array(new SharedArrayBuffer(size));
            argmax.set(argmax0);
            const dx = createSharedArray('float32', size).fill(NaN);
            const before = threadPoolStats().dispatched;
            maxPool2dBackward(g, dy, argmax, dx);
            if (threads > 1) expect(threadPoolStats().dispatched - before, `${mode} backward on 2 threads`).toBeGreaterThanOrEqual(1);
            ref ??= Float32Array.from(dx);
            expectExactlyEqual(dx, ref, `${mode} dx on ${threads} threads`);
          }
        }
      }), { numRuns: 40, seed: 1417 });
  });
});
