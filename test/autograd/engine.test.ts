/**
 * The reverse-mode engine: accumulation across backward calls and within one graph (leaves and
 * intermediate nodes used several times), un-broadcasting,
 * retainGraph, requiresGrad propagation, detach, noGrad/enableGrad nesting (restored after a throw),
 * the storage version counter, retainsGrad on non-leaves, deep graphs, seeds and error messages.
 */
import { describe, expect, it } from 'vitest';
import {
  add, assign, cast, detach, enableGrad, exp, isGradEnabled, matmul, mul, noGrad, ones, reshape, sum, tensor, transpose,
  zeros, type Tensor,
} from '../../src/index.js';

function leaf(values: number[] | number[][], dtype: 'float32' | 'float64' = 'float64'): Tensor {
  const t = tensor(values, { dtype });
  t.requiresGrad = true;
  return t;
}

const arr = (t: Tensor | null): number[] => Array.from(t!.toTypedArray());

describe('backward and gradient accumulation', () => {
  it('accumulates into .grad across two backward calls', () => {
    const x = leaf([1, 2, 3]);
    sum(mul(x, x)).backward();
    expect(arr(x.grad)).toEqual([2, 4, 6]);
    sum(mul(x, 3)).backward();
    expect(arr(x.grad)).toEqual([5, 7, 9]);
  });

  it('sums the contributions of a tensor used several times in one graph', () => {
    const x = leaf([0.5, -1]);
    const y = add(mul(x, x), exp(x)); // dy/dx = 2x + e^x
    sum(y).backward();
    expect(arr(x.grad)).toEqual([2 * 0.5 + Math.exp(0.5), -2 + Math.exp(-1)]);
  });

  it('sums the contributions of an intermediate (non-leaf) node used several times, and of a node reused across branches', () => {
    // h = x·x (non-leaf); y = h·h + exp(h) + h: dy/dh = 2h + e^h + 1, dy/dx = (2h + e^h + 1)·2x.
    const x = leaf([0.5, -1, 2]);
    const h = mul(x, x);
    const y = add(add(mul(h, h), exp(h)), h);
    h.retainsGrad = true;
    sum(y).backward();
    const xs = [0.5, -1, 2];
    const dh = xs.map((v) => 2 * v * v + Math.exp(v * v) + 1);
    arr(h.grad).forEach((g, i) => expect(Math.abs(g - dh[i]!)).toBeLessThan(1e-12 * Math.abs(dh[i]!)));
    arr(x.grad).forEach((g, i) => expect(Math.abs(g - dh[i]! * 2 * xs[i]!)).toBeLessThan(1e-12 * Math.abs(dh[i]! * 2 * xs[i]!)));
    // A diamond two levels deep: a = 3x; b = a·a; c = a + b; z = b·c — a, b both feed two consumers.
    // z = 9x²·(3x + 9x²) = 27x³ + 81x⁴, dz/dx = 81x² + 324x³.
    const w = leaf([0.7, -0.3]);
    const a = mul(w, 3);
    const b = mul(a, a);
    const z = mul(b, add(a, b));
    sum(z).backward();
    arr(w.grad).forEach((g, i) => {
      const v = [0.7, -0.3][i]!;
      expect(Math.abs(g - (81 * v * v + 324 * v ** 3))).toBeLessThan(1e-12 * Math.max(1, Math.abs(81 * v * v + 324 * v ** 3)));
    });
  });

  it('un-broadcasts gradients to each input shape (leading and size-1 dims, 0-d)', () => {
    const a = leaf([[1], [2], [3]]); // [3, 1]
    const b = leaf([10, 20, 30, 40]); // [4]
    const c = tensor(2, { dtype: 'float64' });
    c.requiresGrad = true;
    const y = mul(add(a, b), c); // [3, 4]
    sum(y).backward();
    expect(a.grad!.shape).toEqual([3, 1]);
    expect(arr(a.grad)).toEqual([8, 8, 8]);
    expect(arr(b.grad)).toEqual([6, 6, 6, 6]);
    expect(c.grad!.shape).toEqual([]);
    expect(c.grad!.item()).toBe(4 * (1 + 2 + 3) + 3 * (10 + 20 + 30 + 40)); // Σ_ij (a_i + b_j)
  });

  it('gives a leaf a .grad with its own storage, its shape and dtype', () => {
    const x = leaf([1, 2], 'float32');
    const g = tensor([5, 6]);
    const y = mul(x, 1);
    y.backward(g);
    expect(x.grad!.storage).not.toBe(g.storage);
    expect([x.grad!.dtype, x.grad!.shape]).toEqual(['float32', [2]]);
    expect(arr(x.grad)).toEqual([5, 6]);
  });

  it('casts gradients back to the input dtype (float32 -> float64 cast) and drops them for int casts', () => {
    const x = leaf([1.5, 2.5], 'float32');
    const y = cast(x, 'float64');
    expect(y.dtype).toBe('float64');
    sum(mul(y, y)).backward();
    expect(x.grad!.dtype).toBe('float32');
    expect(arr(x.grad)).toEqual([3, 5]);
    expect(cast(x, 'int32').requiresGrad).toBe(false);
  });

  it('is deterministic: the same graph twice gives bit-identical gradients', () => {
    const run = (): number[] => {
      const a = leaf([[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]]);
      const b = leaf([[0.7, -0.1], [0.3, 0.9], [-0.5, 0.2]]);
      sum(exp(matmul(a, b))).backward();
      return [...arr(a.grad), ...arr(b.grad)];
    };
    expect(run()).toEqual(run());
  });
});

describe('retainGraph', () => {
  it('a second backward through the same graph works with retainGraph and doubles the gradient', () => {
    const x = leaf([1, 2]);
    const y = sum(mul(x, x));
    y.backward(undefined, { retainGraph: true });
    y.backward();
    expect(arr(x.grad)).toEqual([4, 8]);
  });

  it('without retainGraph, a second backward fails naming the op and the fix', () => {
    const x = leaf([1, 2]);
    const y = sum(mul(x, x));
    y.backward();
    expect(() => y.backward()).toThrow(/backward: trying to backward through '(sum|mul)' a second time; its saved tensors were freed \(pass \{ retainGraph: true \} to the first backward\)/);
  });
});

describe('requiresGrad, detach, leaves', () => {
  it('outputs require grad iff an input does; leaves have no gradFn', () => {
    const x = leaf([1]);
    const c = tensor([2], { dtype: 'float64' });
    expect(mul(c, c).requiresGrad).toBe(false);
    expect(mul(c, c).gradFn).toBeNull();
    const y = mul(x, c);
    expect([y.requiresGrad, y.isLeaf, y.gradFn?.name, x.isLeaf]).toEqual([true, false, 'mul', true]);
    sum(y).backward();
    expect(c.grad).toBeNull();
  });

  it('detach shares storage and cuts the graph', () => {
    const x = leaf([1, 2]);
    const h = mul(x, 3);
    const d = detach(h);
    expect(d.storage).toBe(h.storage);
    expect([d.requiresGrad, d.gradFn]).toEqual([false, null]);
    sum(add(mul(d, x), h)).backward(); // d(d·x + 3x)/dx with d constant = d + 3
    expect(arr(x.grad)).toEqual([6, 9]);
  });

  it('backward on a leaf or on a tensor without grad explains the problem', () => {
    const x = leaf([1]);
    expect(() => x.backward()).toThrow(/backward: called on a leaf tensor/);
    expect(() => tensor([1]).backward()).toThrow(/backward: this tensor does not require grad and has no grad_fn/);
    const y = mul(x, tensor([[1, 2]], { dtype: 'float64' }));
    expect(() => y.backward()).toThrow(/backward: grad can be implicitly created only for one-element outputs, got shape \[1,2\]; pass a gradient/);
    expect(() => y.backward(ones([2]))).toThrow(/backward: gradient shape \[2\] does not match output shape \[1,2\]/);
  });
});

describe('public op entry points', () => {
  it('dispatch Tensor | number operands and name the op in errors', () => {
    const x = leaf([1, 2]);
    expect(Array.from(add(1, x).toTypedArray())).toEqual([2, 3]);
    expect(add(x, 0.5).dtype).toBe('float64');
    expect(() => add(zeros([3, 4]), zeros([5]))).toThrow(/^add: cannot broadcast \[3,4\] with \[5\]$/);
    expect(() => mul('a' as never, x)).toThrow(/mul/);
    expect(() => exp([1] as never)).toThrow(/^exp: input must be a Tensor/);
    expect(reshape(x, 2, 1).shape).toEqual([2, 1]);
    expect(reshape(x, [1, -1]).shape).toEqual([1, 2]);
    expect(() => reshape(x, [3])).toThrow(/^reshape: shape \[3\] is invalid for input of size 2/);
  });
});

describe('grad mode', () => {
  it('noGrad/enableGrad nest and restore the previous mode, also after a throw', () => {
    const x = leaf([1]);
    expect(isGradEnabled()).toBe(true);
    noGrad(() => {
      expect(isGradEnabled()).toBe(false);
      expect(mul(x, 2).requiresGrad).toBe(false);
      enableGrad(() => {
        expect(isGradEnabled()).toBe(true);
        expect(mul(x, 2).requiresGrad).toBe(true);
        noGrad(() => expect(isGradEnabled()).toBe(false));
        expect(isGradEnabled()).toBe(true);
      });
      expect(isGradEnabled()).toBe(false);
    });
    expect(isGradEnabled()).toBe(true);
    expect(() => noGrad(() => { throw new Error('boom'); })).toThrow('boom');
    expect(isGradEnabled()).toBe(true);
    noGrad(() => {
      expect(() => enableGrad(() => { throw new Error('bang'); })).toThrow('bang');
      expect(isGradEnabled()).toBe(false);
    });
    expect(isGradEnabled()).toBe(true);
    expect(noGrad(() => 42)).toBe(42);
  });
});

describe('the storage version counter', () => {
  it('mutating a saved input with assign makes backward fail, naming the op', () => {
    const x = leaf([1, 2, 3]);
    const w = tensor([4, 5, 6], { dtype: 'float64' });
    const y = sum(mul(x, w));
    assign(w, 0);
    expect(() => y.backward()).toThrow(/^backward: a tensor of shape \[3\] saved by 'mul' for backward was modified in place \(version 1, saved at version 0\)/);
  });

  it('mutating a saved output (exp saves its result), or a view of it, is detected too', () => {
    const x = leaf([0, 1]);
    const e = exp(x);
    const y = sum(e);
    assign(reshape(detach(e), [2, 1]), tensor([[7], [8]], { dtype: 'float64' }));
    expect(() => y.backward()).toThrow(/saved by 'exp' for backward was modified in place/);
  });

  it('writes to tensors that nothing saved do not block backward', () => {
    const x = leaf([1, 2]);
    const other = tensor([0, 0], { dtype: 'float64' });
    const y = sum(mul(x, x));
    assign(other, 5);
    y.backward();
    expect(arr(x.grad)).toEqual([2, 4]);
    expect(arr(other)).toEqual([5, 5]);
  });
});

describe('retainsGrad, deep graphs, transposed views', () => {
  it('a non-leaf with retainsGrad gets its gradient; others do not', () => {
    const x = leaf([1, 2]);
    const h = mul(x, 2);
    const k = mul(h, 3);
    h.retainsGrad = true;
    sum(k).backward();
    expect(arr(h.grad)).toEqual([3, 3]);
    expect(k.grad).toBeNull();
    expect(arr(x.grad)).toEqual([6, 6]);
  });

  it('a chain of 10,000 ops does not overflow the stack', () => {
    const x = leaf([1, 2]);
    let y: Tensor = x;
    for (let i = 0; i < 10000; i++) y = i % 2 === 0 ? add(y, 1) : mul(y, 1);
    sum(y).backward();
    expect(arr(x.grad)).toEqual([1, 1]);
    expect(arr(y)).toEqual([5001, 5002]);
  });

  it('differentiates through transposed (strided) views', () => {
    const a = leaf([[1, 2], [3, 4]]);
    const b = leaf([[1, 0], [2, 1]]);
    sum(matmul(transpose(a, 0, 1), b)).backward();
    // d/dA Σ (Aᵀ B) = (B·1)ᵀ summed: grad A[i][k] = Σ_j B[i][j]
    expect(arr(a.grad)).toEqual([1, 1, 3, 3]);
    expect(arr(b.grad)).toEqual([3, 3, 7, 7]);
  });
});
