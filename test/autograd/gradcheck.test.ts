/**
 * The public `gradcheck` itself: it must catch a deliberately wrong backward (full and fast modes),
 * pass correct ones, choose fast mode for large problems, refuse overlapping (expand) inputs, accept
 * strided and float32 inputs (checked in float64), leave the caller's tensors alone, and only check
 * inputs that require grad.
 */
import { describe, expect, it } from 'vitest';
import { defineOp, expand, Generator, gradcheck, matmul, mul, sum, tensor, transpose, type Tensor } from '../../src/index.js';
import { binary } from '../../src/tensor/ops/elementwise.js';

/** y = x² with a backward missing the factor 2 (a bug gradcheck must catch). */
const brokenSquareOp = defineOp<null>({
  name: 'test.brokenSquare',
  forward: ([x]) => ({ output: binary('mul', x!, x!), save: [x!] }),
  backward: (g, { saved }) => [binary('mul', g, saved[0]!)],
});
const brokenSquare = (x: Tensor): Tensor => brokenSquareOp([x], null);

/** y = a·b with a wrong gradient for b only. */
const brokenProductOp = defineOp<null>({
  name: 'test.brokenProduct',
  forward: ([a, b]) => ({ output: binary('mul', a!, b!), save: [a!, b!] }),
  backward: (g, { saved }) => [binary('mul', g, saved[1]!), binary('mul', g, binary('add', saved[0]!, 1))],
});

function leaf(values: number[] | number[][], dtype: 'float32' | 'float64' = 'float64'): Tensor {
  const t = tensor(values, { dtype });
  t.requiresGrad = true;
  return t;
}

describe('gradcheck', () => {
  it('detects a wrong backward in full mode, with a message naming the entry', () => {
    expect(() => gradcheck(brokenSquare, [leaf([0.5, -1.5, 2])])).toThrow(/^gradcheck \(full\): analytic .* vs numeric .* at input 0, entry \d+ \(\|err\| .* > atol 0\.00001 \+ rtol 0\.001·\|numeric\|\)/);
    const report = gradcheck(brokenSquare, [leaf([0.5, -1.5, 2])], { raiseException: false });
    expect(report.ok).toBe(false);
    expect(report.mode).toBe('full');
    expect(report.worst!.input).toBe(0);
    // The worst entry is the diagonal of x = 2: analytic 2, numeric 4.
    expect(report.worst!.analytic).toBeCloseTo(2, 12);
    expect(report.worst!.numeric).toBeCloseTo(4, 6);
  });

  it('detects a wrong backward in fast (random projection) mode', () => {
    const report = gradcheck(brokenSquare, [leaf([0.5, -1.5, 2])], { mode: 'fast', raiseException: false });
    expect([report.ok, report.mode]).toEqual([false, 'fast']);
    expect(() => gradcheck(brokenSquare, [leaf([0.5, -1.5, 2])], { mode: 'fast' })).toThrow(/^gradcheck \(fast\)/);
  });

  it('checks only inputs that require grad', () => {
    const a = leaf([1, 2]);
    const b = tensor([3, 4], { dtype: 'float64' });
    expect(gradcheck((x, y) => brokenProductOp([x, y], null), [a, b]).ok).toBe(true);
    b.requiresGrad = true;
    const report = gradcheck((x, y) => brokenProductOp([x, y], null), [a, b], { raiseException: false });
    expect(report.ok).toBe(false);
    expect(report.worst!.input).toBe(1);
  });

  it('passes correct ops in both modes and picks fast mode for large problems', () => {
    const gen = new Generator(0);
    const a = leaf(Array.from({ length: 3 }, () => Array.from(gen.uniformArray(4, -1, 1))));
    const b = leaf(Array.from({ length: 4 }, () => Array.from(gen.uniformArray(2, -1, 1))));
    expect(gradcheck(matmul, [a, b], { mode: 'full' }).ok).toBe(true);
    expect(gradcheck(matmul, [a, b], { mode: 'fast', directions: 5 }).ok).toBe(true);
    const big = leaf(Array.from(gen.uniformArray(200, -1, 1)));
    const report = gradcheck((x) => mul(x, x), [big]);
    expect([report.ok, report.mode]).toEqual([true, 'fast']); // 200 inputs x 200 outputs > 20,000 entries
    expect(gradcheck((x) => mul(x, x), [big], { maxFullEntries: 40_000 }).mode).toBe('full');
  });

  it('refuses inputs with overlapping memory (stride-0 expand views)', () => {
    const e = expand(tensor([1, 2], { dtype: 'float64' }), [3, 2]);
    e.requiresGrad = true;
    expect(() => gradcheck((x) => sum(x), [e])).toThrow(/^gradcheck: input 0 \(shape \[3,2\]\) has overlapping memory \(stride 0 on dim 0\); pass a contiguous copy/);
    // A size-1 broadcast dim does not overlap.
    const one = expand(tensor([[1, 2]], { dtype: 'float64' }), [1, 2]);
    one.requiresGrad = true;
    expect(gradcheck((x) => mul(x, x), [one]).ok).toBe(true);
  });

  it('accepts strided and float32 inputs (checked in float64) and leaves them unchanged', () => {
    const base = tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'float32' });
    const t = transpose(base, 0, 1);
    t.requiresGrad = true;
    const before = Array.from(base.toTypedArray());
    expect(gradcheck((x) => mul(x, x), [t]).ok).toBe(true);
    expect(Array.from(base.toTypedArray())).toEqual(before);
    expect(t.grad).toBeNull();
  });

  it('requires fn to return float64 for float64 inputs', () => {
    expect(() => gradcheck((x) => tensor(x, { dtype: 'float32' }), [leaf([1])])).toThrow(/^gradcheck: fn must return float64 for float64 inputs, got float32/);
  });
});
