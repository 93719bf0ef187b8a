/**
 * Byte encodings used by the WebAssembly binary format (spec §5.2 "Values"):
 *
 *  - unsigned LEB128 (`u32`): 7 bits per byte, least significant group first, the high bit of each
 *    byte set when more bytes follow. 624485 → e5 8e 26.
 *  - signed LEB128 (`s32`, `s64`): the same groups of a two's-complement value, ending when the rest
 *    is all sign bits and the sign bit (0x40) of the last byte agrees. −123456 → c0 bb 78.
 *  - `f32`/`f64` constants: IEEE 754 little-endian bytes.
 *  - names: a u32 byte length then the UTF-8 bytes.
 *
 * Every encoder returns a fresh `number[]` of bytes (0..255); the builder concatenates them.
 */

/**
 * Unsigned LEB128 encoding of an integer in [0, 2^32).
 * @example
 * encodeU32(624485); // [0xe5, 0x8e, 0x26]
 */
export function encodeU32(value: number): number[] {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new RangeError(`encodeU32: value must be an integer in [0, 2^32), got ${String(value)}`);
  }
  const bytes: number[] = [];
  let rest = value;
  do {
    const group = rest % 128; // low 7 bits (rest may exceed 2^31, so no bitwise ops here)
    rest = Math.floor(rest / 128);
    bytes.push(rest === 0 ? group : group | 0x80);
  } while (rest !== 0);
  return bytes;
}

/**
 * Signed LEB128 encoding of an integer in [−2^31, 2^31) (i32 immediates such as `i32.const`).
 * @example
 * encodeS32(-123456); // [0xc0, 0xbb, 0x78]
 */
export function encodeS32(value: number): number[] {
  if (!Number.isInteger(value) || value < -0x80000000 || value > 0x7fffffff) {
    throw new RangeError(`encodeS32: value must be an integer in [-2^31, 2^31), got ${String(value)}`);
  }
  return encodeS64(BigInt(value));
}

/**
 * Signed LEB128 encoding of a 64-bit integer (i64 immediates).
 * @example
 * encodeS64(-1n); // [0x7f]
 */
export function encodeS64(value: bigint): number[] {
  if (value < -(1n << 63n) || value >= 1n << 63n) {
    throw new RangeError(`encodeS64: value must be in [-2^63, 2^63), got ${String(value)}`);
  }
  const bytes: number[] = [];
  let rest = value;
  for (;;) {
    const group = Number(rest & 0x7fn);
    rest >>= 7n; // arithmetic shift: keeps the sign
    const signBitClear = (group & 0x40) === 0;
    const done = (rest === 0n && signBitClear) || (rest === -1n && !signBitClear);
    bytes.push(done ? group : group | 0x80);
    if (done) return bytes;
  }
}

/**
 * Little-endian IEEE 754 single-precision bytes of `value` (rounded to float32), for `f32.const`.
 * @example
 * encodeF32(1); // [0x00, 0x00, 0x80, 0x3f]
 */
export function encodeF32(value: number): number[] {
  const view = new DataView(new ArrayBuffer(4));
  view.setFloat32(0, value, true);
  return [view.getUint8(0), view.getUint8(1), view.getUint8(2), view.getUint8(3)];
}

/**
 * Little-endian IEEE 754 double-precision bytes of `value`, for `f64.const`.
 * @example
 * encodeF64(1); // [0, 0, 0, 0, 0, 0, 0xf0, 0x3f]
 */
export function encodeF64(value: number): number[] {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value, true);
  const bytes: number[] = [];
  for (let i = 0; i < 8; i++) bytes.push(view.getUint8(i));
  return bytes;
}

/**
 * A WebAssembly `name`: u32 length followed by the UTF-8 bytes.
 * @example
 * encodeName('mem'); // [3, 0x6d, 0x65, 0x6d]
 */
export function encodeName(name: string): number[] {
  const utf8 = Array.from(new TextEncoder().encode(name));
  return [...encodeU32(utf8.length), ...utf8];
}
