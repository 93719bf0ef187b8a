import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { logSoftmaxBackward, logSoftmaxForward } from '../../../src/tensor/kernels/softmax.js';
import { naiveLogSoftmax, naiveLogSoftmaxBackward } from '../../reference/naive-log-softmax.js';
import { FLOAT32_RTOL, TRANSCENDENTAL_RTOL } from '../../tolerances.js';
import { DTYPES, Generator, expectAllClose, makeArray, randomArray } from './helpers.js';

const SENTINEL = -4321.25;

const caseArb = fc.record({
  dtype: fc.constantFrom(...DTYPES), outer: fc.integer({ min: 1, max: 4 }), size: fc.integer({ min: 1, max: 12 }),
  inner: fc.integer({ min: 1, max: 4 }), scale: fc.constantFrom(1, 5, 20), seed: fc.nat(),
});

describe('logSoftmax', () => {
  it('forward matches log(exp(x)/Σexp) and backward matches the explicit Jacobian', () => {
    fc.assert(fc.property(caseArb, ({ dtype, outer, size, inner, scale, seed }) => {
      const gen = new Generator(seed);
      const n = outer * size * inner;
      const x = randomArray(gen, dtype, n, -scale, scale);
      const out = makeArray(dtype, n).fill(NaN);
      logSoftmaxForward(x, out, outer, size, inner);
      const expected = naiveLogSoftmax(x, outer, size, inner);
      // y = x − logZ cancels: float64 error is a few ulps of |x| + |logZ| ≤ 2|x| + log(size) + 1.
      const rtol = dtype === 'float32' ? FLOAT32_RTOL : TRANSCENDENTAL_RTOL;
      const atol = Float64Array.from(x, (v) => 4 * TRANSCENDENTAL_RTOL * (2 * Math.abs(v) + Math.log(size) + 1));
      expectAllClose(out, expected, dtype, { atol, rtol, what: 'logSoftmaxForward' });
      const dy = randomArray(gen, dtype, n);
      const dx = makeArray(dtype, n).fill(NaN);
      logSoftmaxBackward(dy, out, dx, outer, size, inner);
      const expectedDx = naiveLogSoftmaxBackward(dy, x, outer, size, inner);
      // dx_s = dy_s − exp(y_s)·Σdy (|dy| ≤ 1). In float32, y_s was rounded with absolute error
      // ≤ 2^-24·|y_s|, so exp(y_s) is off by that relative amount: atol ∝ (|y_s| + 1)·size.
      const unit = dtype === 'float32' ? FLOAT32_RTOL : TRANSCENDENTAL_RTOL;
      const dxAtol = Float64Array.from(out, (y) => 4 * unit * (Math.abs(y) + 1) * size);
      expectAllClose(dx, expectedDx, dtype, { atol: dxAtol, rtol, what: 'logSoftmaxBackward' });
    }), { numRuns: 300, seed: 707 });
  });

  it('is shift invariant and stable for huge inputs (max subtraction)', () => {
    const x = new Float64Array([1000, 1001, 1002]);
    const out = new Float64Array(3);
    logSoftmaxForward(x, out, 1, 3, 1);
    const small = new Float64Array(3);
    logSoftmaxForward(new Float64Array([0, 1, 2]), small, 1, 3, 1);
    for (let i = 0; i < 3; i++) expect(out[i]).toBeCloseTo(small[i]!, 12);
    expect(Number.isFinite(out[0]!)).toBe(true);
  });

  it('follows PyTorch on special values', () => {
    const out = new Float64Array(3);
    logSoftmaxForward(new Float64Array([0, -Infinity, 0]), out, 1, 3, 1);
    expect(out[0]).toBeCloseTo(-Math.LN2, 15);
    expect(out[1]).toBe(-Infinity);
    logSoftmaxForward(new Float64Array([0, NaN, 0]), out, 1, 3, 1);
    expect([...out].every(Number.isNaN)).toBe(true);
    logSoftmaxForward(new Float64Array([0, Infinity, 0]), out, 1, 3, 1);
    expect([...out].every(Number.isNaN)).toBe(true);
  });

  it('works in place and rejects short buffers', () => {
    const x = new Float32Array([1, 2, 3, 4]);
    const copy = new Float32Array(4);
    logSoftmaxForward(x, copy, 2, 2, 1);
    logSoftmaxForward(x, x, 2, 2, 1);
    expect([...x]).toEqual([...copy]);
    expect(() => logSoftmaxForward(new Float32Array(3), new Float32Array(4), 2, 2, 1))
      .toThrow('logSoftmaxForward: x has 3 elements, [outer=2, size=2, inner=1] needs 4');
  });

  it('keeps large equal logits exact: log-softmax of [1000, 1000] is exactly −ln 2', () => {
    const out = new Float64Array(2);
    logSoftmaxForward(new Float64Array([1000, 1000]), out, 1, 2, 1);
    expect([...out]).toEqual([-Math.LN2, -Math.LN2]);
  });
});

describe('logSoftmax: sizes, buffers and extents', () => {
  it('rejects a negative or non-integer outer, size or inner by name, and accepts zeros', () => {
    const x = new Float64Array(8), out = new Float64Array(8);
    const dims = { outer: [1, 2, 2], size: [2, 1, 2], inner: [2, 2, 1] } as const;
    for (const [k, name] of (['outer', 'size', 'inner'] as const).entries()) {
      for (const bad of [-1, 1.5, NaN]) {
        const d = [...dims[name]] as [number, number, number];
        d[k] = bad;
        expect(() => logSoftmaxForward(x, out, ...d)).toThrow(new RangeError(`logSoftmaxForward: ${name} must be a non-negative integer, got ${String(bad)}`));
        expect(() => logSoftmaxBackward(x, x, out, ...d)).toThrow(new RangeError(`logSoftmaxBackward: ${name} must be a non-negative integer, got ${String(bad)}`));
      }
    }
    const empty = new Float64Array(0);
    expect(() => logSoftmaxForward(empty, empty, 0, 3, 2)).not.toThrow();
    expect(() => logSoftmaxForward(empty, empty, 2, 0, 3)).not.toThrow();
    expect(() => logSoftmaxBackward(empty, empty, empty, 2, 3, 0)).not.toThrow();
  });

  it('names every short buffer with the full size', () => {
    const ok = new Float32Array(12), short = new Float32Array(11);
    const dims = [2, 3, 2] as const;
    const msg = (op: string, name: string): RangeError => new RangeError(`${op}: ${name} has 11 elements, [outer=2, size=3, inner=2] needs 12`);
    expect(() => logSoftmaxForward(short, ok, ...dims)).toThrow(msg('logSoftmaxForward', 'x'));
    expect(() => logSoftmaxForward(ok, short, ...dims)).toThrow(msg('logSoftmaxForward', 'out'));
    expect(() => logSoftmaxBackward(short, ok, ok, ...dims)).toThrow(msg('logSoftmaxBackward', 'gradOut'));
    expect(() => logSoftmaxBackward(ok, short, ok, ...dims)).toThrow(msg('logSoftmaxBackward', 'out'));
    expect(() => logSoftmaxBackward(ok, ok, short, ...dims)).toThrow(msg('logSoftmaxBackward', 'gradIn'));
  });

  it('reads and writes only the [outer, size, inner] block of longer arrays, also in place (fast-check)', () => {
    fc.assert(fc.property(caseArb, ({ outer, size, inner, seed }) => {
      const gen = new Generator(seed);
      const n = outer * size * inner, extra = inner + 3;
      // Past the block: x is huge (a max scan reading it would flush every exp to 0), dy is 5.
      const x = new Float64Array(n + extra).fill(1e4);
      x.set(gen.uniformArray(n, -3, 3));
      const out = new Float64Array(n + extra).fill(SENTINEL);
      logSoftmaxForward(x, out, outer, size, inner);
      const atol = Float64Array.from(x.subarray(0, n), (v) => 4 * TRANSCENDENTAL_RTOL * (2 * Math.abs(v) + Math.log(size) + 1));
      expectAllClose(out.subarray(0, n), naiveLogSoftmax(x.subarray(0, n), outer, size, inner), 'float64', { atol, rtol: TRANSCENDENTAL_RTOL });
      expect(Array.from(out.subarray(n))).toEqual(new Array<number>(extra).fill(SENTINEL));
      const dy = new Float64Array(n + extra).fill(5);
      dy.set(gen.uniformArray(n, -1, 1));
      const expectedDx = naiveLogSoftmaxBackward(dy.subarray(0, n), x.subarray(0, n), outer, size, inner);
      const dxAtol = Float64Array.from(out.subarray(0, n), (y) => 4 * TRANSCENDENTAL_RTOL * (Math.abs(y) + 1) * size);
      const dx = new Float64Array(n + extra).fill(SENTINEL);
      logSoftmaxBackward(dy, out, dx, outer, size, inner);
      expectAllClose(dx.subarray(0, n), expectedDx, 'float64', { atol: dxAtol, rtol: TRANSCENDENTAL_RTOL });
      expect(Array.from(dx.subarray(n))).toEqual(new Array<number>(extra).fill(SENTINEL));
      // In place: gradIn = gradOut gives the same bits.
      logSoftmaxBackward(dy, out, dy, outer, size, inner);
      expect(Array.from(dy)).toEqual(Array.from(dx.subarray(0, n)).concat(new Array<number>(extra).fill(5)));
    }), { numRuns: 200, seed: 2014 });
  });
});
