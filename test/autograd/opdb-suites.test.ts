/**
 * Generic suites over the op table (test/opdb.ts; gradcheck itself is in test/gradcheck.prop.test.ts):
 *  - dtype: float32 inputs give a float32 output equal to the float64 computation rounded once
 *    (the kernels' contract), and float32 gradients of the inputs' shapes;
 *  - non-contiguous: inputs in gapped and column-major layouts give bit-identical values and
 *    gradients to contiguous inputs (every kernel reads through strides or copies first, in the
 *    same order);
 *  - noGrad: nothing is recorded and the values are unchanged; enableGrad inside noGrad records;
 *  - broadcasting (element-wise ops): the op on broadcast inputs equals the op on the inputs
 *    materialised at the broadcast shape, and each gradient is the naive sum of the materialised
 *    gradient over the broadcast dims (test/reference/reduce.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { enableGrad, expand, Generator, noGrad, tensor, type Tensor } from '../../src/index.js';
import { naiveReduce } from '../reference/reduce.js';
import { FLOAT32_RTOL, FLOAT64_RTOL, SUM_ABS_RTOL } from '../tolerances.js';
import { expectSameArray, OP_DB, scrambledLayout, type OpCase, type OpInfo, type Suite } from '../opdb.js';

const RUNS = Number(process.env.OPDB_RUNS ?? 20);

function forEachEntry(suite: Suite, body: (entry: OpInfo) => (c: OpCase) => void, filter: (e: OpInfo) => boolean = () => true): void {
  for (const entry of OP_DB.filter(filter)) {
    const skip = entry.skips?.[suite];
    (skip ? it.skip : it)(`${entry.name}${skip ? ` (skipped: ${skip})` : ''}`, () => {
      const check = body(entry);
      fc.assert(
        fc.property(entry.cases, (c) => {
          try {
            check(c);
          } catch (e) {
            throw new Error(`${c.label}: ${(e as Error).message}`, { cause: e });
          }
        }),
        { numRuns: RUNS },
      );
    });
  }
}

function requireGrad(xs: Tensor[]): Tensor[] {
  for (const x of xs) x.requiresGrad = true;
  return xs;
}

/** A seeded random output gradient of `y`'s shape and dtype. */
function seedGradient(y: Tensor, seed = 1): Tensor {
  return tensor(new Generator(seed).normalArray(y.numel()), { dtype: y.dtype as 'float32' | 'float64', shape: y.shape });
}

describe('dtype preservation: float32 in, float32 out and gradients', () => {
  forEachEntry('dtype', () => (c) => {
    const xs = requireGrad(c.inputs('float32'));
    const y = c.fn(...xs);
    expect(y.dtype).toBe('float32');
    // The same (float32-representable) values in float64: the float32 result is that, rounded once.
    const y64 = noGrad(() => c.fn(...xs.map((x) => tensor(x, { dtype: 'float64' }))));
    expect(y.shape).toEqual(y64.shape);
    const got = y.toTypedArray();
    const exact = y64.toTypedArray();
    for (let i = 0; i < exact.length; i++) {
      const e = Math.fround(exact[i]!);
      if (!(Math.abs(got[i]! - e) <= FLOAT32_RTOL * Math.abs(e))) throw new Error(`value[${i}] = ${got[i]}, float64 rounded = ${e}`);
    }
    y.backward(seedGradient(y));
    xs.forEach((x, i) => {
      expect(x.grad, `grad of input ${i}`).not.toBeNull();
      expect(x.grad!.dtype).toBe('float32');
      expect(x.grad!.shape).toEqual(x.shape);
    });
  });
});

describe('non-contiguous inputs give the same values and gradients', () => {
  forEachEntry('noncontiguous', () => (c) => {
    const plain = requireGrad(c.inputs('float64'));
    const y = c.fn(...plain);
    const g = seedGradient(y);
    y.backward(g);
    for (const layout of ['gapped', 'columnMajor'] as const) {
      const xs = requireGrad(c.inputs('float64').map((x) => scrambledLayout(x, layout)));
      const z = c.fn(...xs);
      expect(z.shape).toEqual(y.shape);
      expectSameArray(z.toTypedArray(), y.toTypedArray(), `${layout} value`);
      z.backward(g);
      xs.forEach((x, i) => expectSameArray(x.grad!.toTypedArray(), plain[i]!.grad!.toTypedArray(), `${layout} grad ${i}`));
    }
  });
});

describe('noGrad records nothing; enableGrad inside noGrad records', () => {
  forEachEntry('nograd', () => (c) => {
    const xs = requireGrad(c.inputs('float64'));
    const recorded = c.fn(...xs);
    const y = noGrad(() => c.fn(...xs));
    expect(y.requiresGrad).toBe(false);
    expect(y.gradFn).toBeNull();
    expectSameArray(y.toTypedArray(), recorded.toTypedArray(), 'value');
    const z = noGrad(() => enableGrad(() => c.fn(...xs)));
    expect(z.requiresGrad).toBe(true);
    expect(z.gradFn).not.toBeNull();
    // Inputs that do not require grad record nothing either.
    const w = c.fn(...c.inputs('float64'));
    expect([w.requiresGrad, w.gradFn]).toEqual([false, null]);
  });
});

describe('broadcasting: gradients are the materialised gradients summed over broadcast dims', () => {
  forEachEntry('broadcasting', () => (c) => {
    const xs = requireGrad(c.inputs('float64'));
    const y = c.fn(...xs);
    const shape = y.shape;
    const materialised = requireGrad(xs.map((x) => tensor(expand(x, shape))));
    const z = c.fn(...materialised);
    expect(z.shape).toEqual(shape);
    expectSameArray(z.toTypedArray(), y.toTypedArray(), 'value');
    const g = seedGradient(y);
    y.backward(g);
    z.backward(g);
    xs.forEach((x, i) => {
      expect(x.grad!.shape).toEqual(x.shape);
      const lead = shape.length - x.ndim;
      const dims = shape.map((_, d) => d).filter((d) => d < lead || (x.shape[d - lead] === 1 && shape[d] !== 1));
      const ref = naiveReduce('sum', { data: materialised[i]!.grad!.toTypedArray(), shape }, dims, false);
      const got = x.grad!.toTypedArray();
      for (let k = 0; k < ref.data.length; k++) {
        const tol = FLOAT64_RTOL * Math.abs(ref.data[k]!) + SUM_ABS_RTOL * ref.magnitude[k]!;
        if (!(Math.abs(got[k]! - ref.data[k]!) <= tol)) throw new Error(`grad ${i}[${k}] = ${got[k]}, expected ${ref.data[k]}`);
      }
    });
  }, (e) => e.broadcasts === true);
});
