import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { Generator } from '../../../src/tensor/random.js';
import { SGEMM_BLOCKING, wasmSgemm, type GemmArgs } from '../../../src/tensor/wasm/sgemm.js';
import { relaxedMaddFused, relaxedSimdInUse, relaxedSimdSupported, setRelaxedSimd } from '../../../src/tensor/wasm/relaxed-simd.js';
import { fusedMultiplyAddF32, gemmFloat64, gemmSequentialFloat32 } from './gemm-reference.js';

const U = 2 ** -24; // unit roundoff of float32

interface Shape {
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
  alpha: number;
  beta: number;
  /** Extra elements before each operand and extra columns per stored row (lda > cols). */
  offsets: [number, number, number];
  pads: [number, number, number];
  seed: number;
}

/** Operands filled with seeded normals; C also holds values outside its m × n window (checked later). */
function makeArgs(s: Shape): GemmArgs {
  const gen = new Generator(s.seed);
  const [aRows, aCols] = s.transA ? [s.k, s.m] : [s.m, s.k];
  const [bRows, bCols] = s.transB ? [s.n, s.k] : [s.k, s.n];
  const lda = Math.max(1, aCols + s.pads[0]);
  const ldb = Math.max(1, bCols + s.pads[1]);
  const ldc = Math.max(1, s.n + s.pads[2]);
  const fill = (length: number): Float32Array => gen.normalArray(length, 0, 1, new Float32Array(length));
  return {
    transA: s.transA,
    transB: s.transB,
    m: s.m,
    n: s.n,
    k: s.k,
    alpha: s.alpha,
    beta: s.beta,
    a: fill(s.offsets[0] + aRows * lda),
    aOffset: s.offsets[0],
    lda,
    b: fill(s.offsets[1] + bRows * ldb),
    bOffset: s.offsets[1],
    ldb,
    c: fill(s.offsets[2] + s.m * ldc + 3),
    cOffset: s.offsets[2],
    ldc,
  };
}

/** Runs wasmSgemm and checks: exact float32 order, the float64 error bound, untouched padding. */
function checkShape(s: Shape): void {
  const args = makeArgs(s);
  const before = args.c.slice();
  const exact = gemmSequentialFloat32(args, relaxedSimdInUse() && relaxedMaddFused());
  const { value, magnitude } = gemmFloat64(args);
  wasmSgemm(args);
  const { m, n, k, c, cOffset, ldc } = args;
  const inWindow = new Uint8Array(c.length);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const at = cOffset + i * ldc + j;
      inWindow[at] = 1;
      const got = c[at]!;
      // 1. bit-identical to the sequential float32 emulation
      if (!Object.is(got, exact[i * n + j]!)) {
        throw new Error(`C[${i},${j}] = ${got}, sequential float32 gives ${exact[i * n + j]} (${JSON.stringify(s)})`);
      }
      // 2. within (k + 2)·u·(|alpha|·Σ|a·b| + |beta·C|) of the float64 reference (see sgemm.ts)
      const bound = (k + 2) * U * magnitude[i * n + j]!;
      if (!(Math.abs(got - value[i * n + j]!) <= bound)) {
        throw new Error(`C[${i},${j}] = ${got} vs float64 ${value[i * n + j]}: error above ${bound} (${JSON.stringify(s)})`);
      }
    }
  }
  // 3. nothing outside the m × n window of C changed
  for (let at = 0; at < c.length; at++) {
    if (inWindow[at] === 0 && !Object.is(c[at], before[at])) throw new Error(`c[${at}] outside the window changed (${JSON.stringify(s)})`);
  }
}

const shapeArbitrary = (maxDim: number): fc.Arbitrary<Shape> =>
  fc.record({
    m: fc.integer({ min: 0, max: maxDim }),
    n: fc.integer({ min: 0, max: maxDim }),
    k: fc.integer({ min: 0, max: maxDim }),
    transA: fc.boolean(),
    transB: fc.boolean(),
    alpha: fc.constantFrom(1, -1, 0.5, 2.75, 0),
    beta: fc.constantFrom(0, 1, -0.5, 3),
    offsets: fc.tuple(fc.nat({ max: 5 }), fc.nat({ max: 5 }), fc.nat({ max: 5 })),
    pads: fc.tuple(fc.nat({ max: 3 }), fc.nat({ max: 3 }), fc.nat({ max: 3 })),
    seed: fc.nat({ max: 1_000_000 }),
  });

const base: Omit<Shape, 'm' | 'n' | 'k'> = { transA: false, transB: false, alpha: 1, beta: 0, offsets: [0, 0, 0], pads: [0, 0, 0], seed: 7 };

// Both micro-kernels: f32x4.mul + f32x4.add, and f32x4.relaxed_madd where the runtime has it.
const kernels = relaxedSimdSupported() ? [false, true] : [false];
afterAll(() => setRelaxedSimd(null));

describe('fused multiply-add emulation (the oracle of the relaxed-SIMD kernel)', () => {
  it('rounds once: (1 + 2⁻¹²)² − 1 keeps the 2⁻²⁴ term a second rounding loses; midpoints follow the remainder', () => {
    const a = 1 + 2 ** -12;
    expect(fusedMultiplyAddF32(a, a, -1)).toBe(2 ** -11 + 2 ** -24);
    expect(Math.fround(Math.fround(a * a) - 1)).toBe(2 ** -11);
    // a·b + 1 = 1 + 3·2⁻²⁴ − 3·2⁻⁶⁸: binary64 rounds it onto the binary32 midpoint 1 + 3·2⁻²⁴, whose
    // tie-to-even (1 + 2⁻²²) is wrong; the exact value lies below it, so fl32 gives 1 + 2⁻²³
    const [x, y] = [3 * 2 ** -24 * (1 + 2 ** -22), 1 - 2 ** -22];
    expect([Math.fround(x), Math.fround(y)]).toEqual([x, y]);
    expect(Math.fround(x * y + 1)).toBe(1 + 2 ** -22);
    expect(fusedMultiplyAddF32(x, y, 1)).toBe(1 + 2 ** -23);
  });

  it('agrees with Math.fround of the exact value whenever the binary64 sum is exact', () => {
    fc.assert(
      fc.property(fc.integer({ min: -4096, max: 4096 }), fc.integer({ min: -4096, max: 4096 }), fc.integer({ min: -(2 ** 20), max: 2 ** 20 }), (x, y, z) => {
        expect(fusedMultiplyAddF32(x, y, z)).toBe(Math.fround(x * y + z));
      }),
    );
  });
});

describe.each(kernels)('wasmSgemm (relaxed-SIMD FMA: %s)', (fma) => {
  setRelaxedSimd(fma);
  it('matches the references on hundreds of small random shapes (edge tiles, transposes, alpha/beta, offsets, lda > cols)', () => {
    fc.assert(fc.property(shapeArbitrary(19), (s) => checkShape(s)), { numRuns: 400 });
  });

  it('matches the references on medium shapes that cross the register tile several times', () => {
    fc.assert(fc.property(shapeArbitrary(70), (s) => checkShape(s)), { numRuns: 40 });
  });

  it('matches across every cache block boundary (MC, KC, NC, ROWS) in all four transpose cases', () => {
    const { MC, KC, NC, ROWS } = SGEMM_BLOCKING;
    const shapes = [
      { m: MC + 3, n: NC + 9, k: 2 * KC + 5 },
      { m: ROWS + 5, n: 11, k: 13 },
    ];
    for (const shape of shapes) {
      for (const [transA, transB] of [[false, false], [true, false], [false, true], [true, true]] as const) {
        checkShape({ ...base, ...shape, transA, transB, alpha: -1.5, beta: 0.5, offsets: [1, 2, 3], pads: [1, 0, 2] });
      }
    }
  });

  it('gives bit-identical C whether computed whole or split by rows/columns (worker-split determinism)', () => {
    const args = makeArgs({ ...base, m: 37, n: 45, k: 300, transA: true, transB: false, seed: 11 });
    const whole = new Float32Array(args.m * args.n);
    wasmSgemm({ ...args, c: whole, cOffset: 0, ldc: args.n });
    const split = new Float32Array(args.m * args.n);
    const rowCut = 13;
    const colCut = 20;
    // top rows, then bottom-left and bottom-right blocks, as three independent calls
    wasmSgemm({ ...args, m: rowCut, c: split, cOffset: 0, ldc: args.n });
    const bottom = { ...args, m: args.m - rowCut, aOffset: args.aOffset + rowCut, c: split, ldc: args.n };
    wasmSgemm({ ...bottom, n: colCut, cOffset: rowCut * args.n });
    wasmSgemm({ ...bottom, n: args.n - colCut, bOffset: args.bOffset + colCut, cOffset: rowCut * args.n + colCut });
    expect(split).toEqual(whole);
    expect(Array.from(split).every((x, i) => Object.is(x, whole[i]))).toBe(true);
  });

  it('overwrites C when beta = 0 even if C holds NaN; k = 0 gives beta·C; alpha = 0 ignores A and B', () => {
    const args = makeArgs({ ...base, m: 5, n: 6, k: 7 });
    args.c.fill(NaN);
    wasmSgemm(args);
    expect(args.c.subarray(0, 30).every((x) => Number.isFinite(x))).toBe(true);
    const c = new Float32Array([1, 2, 3, 4]);
    wasmSgemm({ ...args, m: 2, n: 2, k: 0, beta: 2, c, cOffset: 0, ldc: 2 });
    expect(Array.from(c)).toEqual([2, 4, 6, 8]);
    args.a.fill(NaN);
    wasmSgemm({ ...args, m: 2, n: 2, alpha: 0, beta: -1, c, cOffset: 0, ldc: 2 });
    expect(Array.from(c)).toEqual([-2, -4, -6, -8]);
  });

  it('rejects bad arguments naming the argument, the expectation and the value', () => {
    const good = makeArgs({ ...base, m: 3, n: 4, k: 5 });
    expect(() => wasmSgemm({ ...good, m: -1 })).toThrow(/wasmSgemm: m must be a non-negative integer, got -1/);
    expect(() => wasmSgemm({ ...good, k: 2.5 })).toThrow(/wasmSgemm: k must be a non-negative integer, got 2.5/);
    expect(() => wasmSgemm({ ...good, lda: 4 })).toThrow(/wasmSgemm: lda must be an integer ≥ max\(1, 5\) \(a stored 3×5\), got 4/);
    expect(() => wasmSgemm({ ...good, transB: true })).toThrow(/wasmSgemm: ldb must be an integer ≥ max\(1, 5\) \(b stored 4×5\), got 4/);
    expect(() => wasmSgemm({ ...good, a: new Float32Array(10) })).toThrow(/wasmSgemm: a \(stored 3×5, offset 0, lda 5\) needs 15 elements, got 10/);
    expect(() => wasmSgemm({ ...good, c: new Float64Array(12) as unknown as Float32Array })).toThrow(/wasmSgemm: c must be a Float32Array, got Float64Array/);
  });
});
