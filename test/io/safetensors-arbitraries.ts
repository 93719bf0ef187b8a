/**
 * fast-check arbitraries and helpers shared by the safetensors tests: random tensor records of every
 * engine dtype (float data drawn as raw bit patterns, so NaN payloads, -0, ±Inf and denormals occur),
 * a bit-exact comparison, and a builder for hand-made files.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import type { TensorRecord } from '../../src/io/index.js';
import { SafetensorsError } from '../../src/io/index.js';

/** Float32 bit patterns worth hitting often: ±0, smallest/largest denormal, ±Inf, quiet/signalling NaNs. */
const SPECIAL_F32_BITS = [0x00000000, 0x80000000, 0x00000001, 0x807fffff, 0x7f800000, 0xff800000, 0x7fc00000, 0x7f800001, 0xffffffff, 0x7fa5a5a5];
/** Float64 special bit patterns as [low word, high word]. */
const SPECIAL_F64_WORDS: [number, number][] = [
  [0, 0], [0, 0x80000000], [1, 0], [0xffffffff, 0x800fffff], [0, 0x7ff00000], [0, 0xfff00000],
  [0, 0x7ff80000], [1, 0x7ff00000], [0xffffffff, 0xffffffff], [0xdeadbeef, 0x7ff4cafe],
];

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const f32Bits = fc.oneof({ weight: 3, arbitrary: u32 }, { weight: 1, arbitrary: fc.constantFrom(...SPECIAL_F32_BITS) });
const f64Words = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(u32, u32) },
  { weight: 1, arbitrary: fc.constantFrom(...SPECIAL_F64_WORDS) },
);

/** Shapes of rank 0..4 with dims 0..4 (so [] and empty tensors are common). */
export const shapeArb = fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 });

export function elementCount(shape: number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

function dataArb(dtype: TensorRecord['dtype'], n: number): fc.Arbitrary<TensorRecord['data']> {
  const sized = { minLength: n, maxLength: n };
  switch (dtype) {
    case 'float32':
      return fc.array(f32Bits, sized).map((bits) => new Float32Array(Uint32Array.from(bits).buffer));
    case 'float64':
      return fc.array(f64Words, sized).map((words) => new Float64Array(Uint32Array.from(words.flat()).buffer));
    case 'int32':
      return fc.array(fc.integer({ min: -2147483648, max: 2147483647 }), sized).map((v) => Int32Array.from(v));
    case 'bool':
      return fc.array(fc.integer({ min: 0, max: 1 }), sized).map((v) => Uint8Array.from(v));
  }
}

export const dtypeArb = fc.constantFrom<TensorRecord['dtype']>('float32', 'float64', 'int32', 'bool');

export function recordArbOf(dtype: TensorRecord['dtype']): fc.Arbitrary<TensorRecord> {
  return shapeArb.chain((shape) => dataArb(dtype, elementCount(shape)).map((data) => ({ dtype, shape, data })));
}

export const recordArb: fc.Arbitrary<TensorRecord> = dtypeArb.chain(recordArbOf);

/** Tensor names: any well-formed Unicode, plus names that are traps for plain JS objects. */
export const nameArb = fc
  .oneof(
    { weight: 4, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
    { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'toString', '0', '10', '', 'a.b.weight', 'ü"\\\n') },
  )
  .filter((s) => s !== '__metadata__');

export const tensorsArb = fc.dictionary(nameArb, recordArb, { maxKeys: 6 });

export const metadataArb = fc.dictionary(
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.string({ unit: 'binary', maxLength: 16 }),
  { maxKeys: 4 },
);

/** The bytes behind a typed array (a view, no copy). */
export function bytesOf(data: TensorRecord['data']): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** Same names, dtypes, shapes, array types and bit-identical data. */
export function expectBitIdentical(actual: Record<string, TensorRecord>, expected: Record<string, TensorRecord>): void {
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  for (const name of Object.keys(expected)) {
    const a = actual[name]!;
    const e = expected[name]!;
    expect(a.dtype, name).toBe(e.dtype);
    expect(a.shape, name).toEqual(e.shape);
    expect(a.data.constructor, name).toBe(e.data.constructor);
    expect(bytesOf(a.data), name).toEqual(bytesOf(e.data));
  }
}

/** A file from a header text (unpadded unless `pad`), and raw data bytes. */
export function buildFile(header: string, data: ArrayLike<number> = [], pad = false): Uint8Array {
  let json = new TextEncoder().encode(header);
  if (pad && json.length % 8 !== 0) json = new TextEncoder().encode(header + ' '.repeat(8 - (json.length % 8)));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

/** Runs `fn`, expecting a SafetensorsError; returns it (fails the test on success or another error). */
export function catchSafetensorsError(fn: () => unknown): SafetensorsError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SafetensorsError) return e;
    throw new Error(`expected a SafetensorsError, got ${String(e)}`, { cause: e });
  }
  throw new Error('expected a SafetensorsError, but the call succeeded');
}
