/**
 * The default initialisation of Linear and Conv2d (PyTorch's `reset_parameters`):
 *   weight ~ kaimingUniform(a = √5)  ⇒  U(−1/√fan_in, 1/√fan_in)
 *   bias   ~ U(−1/√fan_in, 1/√fan_in)   (0 when fan_in = 0)
 * Weight first, then bias, from the same generator.
 */
import { isFloatDType, type FloatDType } from '../tensor/dtype.js';
import type { Generator } from '../tensor/random.js';
import { describe } from '../tensor/shape.js';
import { calculateFanInAndFanOut, kaimingUniform, uniform } from './init.js';
import type { Parameter } from './parameter.js';

/** Checks the required `generator` option of a layer constructor. */
export function layerGenerator(generator: Generator | undefined, layer: string): Generator {
  if (!generator || typeof generator.uniform !== 'function') {
    throw new TypeError(
      `${layer}: options.generator is required to initialise the weights (pqkd has no global random state); ` +
        `pass { generator: new Generator(seed) }, got ${describe(generator)}`,
    );
  }
  return generator;
}

/** Checks a layer's `dtype` option (float32 by default). */
export function layerDType(dtype: unknown, layer: string): FloatDType {
  if (dtype === undefined) return 'float32';
  if (typeof dtype !== 'string' || !isFloatDType(dtype as FloatDType)) {
    throw new TypeError(`${layer}: options.dtype must be 'float32' or 'float64', got ${describe(dtype)}`);
  }
  return dtype as FloatDType;
}

/** Checks a size argument: a positive integer (or non-negative when `allowZero`). */
export function checkSize(value: unknown, layer: string, name: string, allowZero = false): number {
  if (!Number.isSafeInteger(value) || (value as number) < (allowZero ? 0 : 1)) {
    throw new RangeError(`${layer}: ${name} must be a ${allowZero ? 'non-negative' : 'positive'} integer, got ${describe(value)}`);
  }
  return value as number;
}

/** PyTorch's default Linear/Conv2d initialisation, in place (see the file header). */
export function resetLayerParameters(weight: Parameter, bias: Parameter | null, generator: Generator): void {
  kaimingUniform(weight, { a: Math.sqrt(5), generator });
  if (bias === null) return;
  const { fanIn } = calculateFanInAndFanOut(weight);
  const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
  uniform(bias, { low: -bound, high: bound, generator });
}
