/**
 * checkGemmArgs: every rejected argument is named with the exact message, per transpose case, and
 * the empty cases (a zero dimension) address nothing, so an empty operand array is accepted.
 */
import { describe, expect, it } from 'vitest';
import { checkGemmArgs, type GemmArgs } from '../../../src/tensor/kernels/gemm-args.js';

const f64 = (n: number): Float64Array => new Float64Array(n);

/** m = 2, n = 3, k = 4, all operands exactly long enough, no transposes. */
const base = (): GemmArgs => ({
  transA: false, transB: false, m: 2, n: 3, k: 4, alpha: 1, a: f64(8), aOffset: 0, lda: 4,
  b: f64(12), bOffset: 0, ldb: 3, beta: 0, c: f64(6), cOffset: 0, ldc: 3,
});

const expectThrow = (args: GemmArgs, cls: typeof Error, message: string): void => {
  expect(() => { checkGemmArgs(args); }).toThrow(cls);
  expect(() => { checkGemmArgs(args); }).toThrow(message);
  try { checkGemmArgs(args); } catch (e) { expect((e as Error).message).toBe(message); }
};

describe('checkGemmArgs', () => {
  it('accepts operands that are exactly long enough', () => {
    expect(() => { checkGemmArgs(base()); }).not.toThrow();
    expect(() => { checkGemmArgs({ ...base(), transA: true, lda: 2, transB: true, ldb: 4 }); }).not.toThrow();
  });

  it('rejects a negative or non-integer offset, naming it', () => {
    expectThrow({ ...base(), aOffset: -1 }, RangeError, 'gemm: aOffset must be a non-negative integer, got -1');
    // 0.5 would still fit (a has room), so only the integer check can reject it.
    expectThrow({ ...base(), a: f64(20), aOffset: 0.5 }, RangeError, 'gemm: aOffset must be a non-negative integer, got 0.5');
    expectThrow({ ...base(), bOffset: -3 }, RangeError, 'gemm: bOffset must be a non-negative integer, got -3');
    expectThrow({ ...base(), cOffset: NaN }, RangeError, 'gemm: cOffset must be a non-negative integer, got NaN');
  });

  it('names a and lda for a transposed A, b and ldb for a plain B, and ldc', () => {
    expectThrow({ ...base(), transA: true, lda: 1 }, RangeError, 'gemm: lda must be an integer >= 2 for a stored 4x2 a, got 1');
    expectThrow({ ...base(), transA: true, lda: 2, a: f64(7) }, RangeError,
      'gemm: a (length 7) is too short for a stored 4x2 matrix at offset 0 with lda=2 (needs index 7)');
    expectThrow({ ...base(), ldb: 2 }, RangeError, 'gemm: ldb must be an integer >= 3 for a stored 4x3 b, got 2');
    expectThrow({ ...base(), b: f64(11) }, RangeError,
      'gemm: b (length 11) is too short for a stored 4x3 matrix at offset 0 with ldb=3 (needs index 11)');
    expectThrow({ ...base(), ldc: 2 }, RangeError, 'gemm: ldc must be an integer >= 3 for a stored 2x3 c, got 2');
  });

  it('rejects a non-number alpha or beta (each on its own)', () => {
    expectThrow({ ...base(), alpha: '1' as unknown as number }, TypeError, 'gemm: alpha and beta must be numbers, got string and number');
    expectThrow({ ...base(), beta: null as unknown as number }, TypeError, 'gemm: alpha and beta must be numbers, got number and object');
  });

  it('a zero dimension addresses nothing: empty operands pass whatever their ld', () => {
    // k = 0: A is stored 2×0 and B 0×3; the row stride lda = 1 would put row 1 at index 1 of an empty a.
    expect(() => { checkGemmArgs({ ...base(), k: 0, a: f64(0), lda: 1, b: f64(0) }); }).not.toThrow();
    // m = 0: C is stored 0×3, with an offset past the end of an empty c.
    expect(() => { checkGemmArgs({ ...base(), m: 0, a: f64(0), c: f64(0), cOffset: 4 }); }).not.toThrow();
  });
});
