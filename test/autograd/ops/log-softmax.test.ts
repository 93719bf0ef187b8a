/**
 * src/autograd/ops/log-softmax.ts (the op's front): the default dim is the last one (a 3-D input, so
 * it differs from dim 1), against the textbook oracle; and the errors for bad inputs and dims.
 */
import { describe, expect, it } from 'vitest';
import { logSoftmax } from '../../../src/autograd/ops/log-softmax.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { naiveLogSoftmax } from '../../reference/naive-log-softmax.js';
import { expectError } from './expect-error.js';

const values = [0.5, -1, 2, 0.25, 1.5, -0.75, 0, 1, -2, 0.3, 0.8, -0.4];

describe('logSoftmax', () => {
  it('defaults to the last dim of a [2, 3, 2] input (and dim 1 is different)', () => {
    const x = Tensor.fromData(Float64Array.from(values), [2, 3, 2], 'float64');
    const want = naiveLogSoftmax(values, 6, 2, 1);
    const got = Array.from(logSoftmax(x).toTypedArray());
    want.forEach((v, i) => expect(Math.abs(got[i]! - v)).toBeLessThan(1e-14));
    const alongMiddle = naiveLogSoftmax(values, 2, 3, 2);
    const got1 = Array.from(logSoftmax(x, 1).toTypedArray());
    alongMiddle.forEach((v, i) => expect(Math.abs(got1[i]! - v)).toBeLessThan(1e-14));
    expect(Math.abs(got[0]! - got1[0]!)).toBeGreaterThan(0.1);
  });
  it('a non-tensor, an integer tensor, or a dim out of range name logSoftmax and what came', () => {
    expectError(() => logSoftmax([1, 2] as unknown as Tensor), TypeError, 'logSoftmax: input must be a Tensor, got [1,2]');
    expectError(() => logSoftmax(Tensor.fromData(Int32Array.from([1, 2]), [2], 'int32')), TypeError, 'logSoftmax: input must be float32 or float64, got int32');
    expectError(() => logSoftmax(Tensor.fromData(Float32Array.from([1, 2]), [2], 'float32'), 1), RangeError, 'logSoftmax: dim 1 is out of range for a 1-D tensor (expected -1..0)');
  });
});
