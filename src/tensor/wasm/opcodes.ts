/**
 * Opcode tables for the subset of WebAssembly 2.0 (MVP + fixed-width SIMD) that pqkd's kernels use.
 * Keys are the instruction names of the text format (WAT), so kernel code reads like WAT:
 * `fn.op('f32x4.add')`. Values are the encoded opcode bytes.
 *
 * Sources: WebAssembly Core Specification 2.0, §5.4 "Instructions" (binary format), and the SIMD
 * proposal's opcode table (BinarySIMD.md); every SIMD opcode is the prefix byte 0xFD followed by the
 * u32 LEB128 of the SIMD opcode number (opcodes ≥ 0x80 take two bytes).
 */
import { encodeU32 } from './leb128.js';

/** Value types (spec §5.3.1). */
export const VALTYPE = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b } as const;
export type ValType = keyof typeof VALTYPE;

/** Structured control and variable instructions (those with immediates are encoded by the builder). */
export const CONTROL = {
  unreachable: 0x00,
  nop: 0x01,
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  br_if: 0x0d,
  return: 0x0f,
  call: 0x10,
  'local.get': 0x20,
  'local.set': 0x21,
  'local.tee': 0x22,
  'i32.const': 0x41,
  'i64.const': 0x42,
  'f32.const': 0x43,
  'f64.const': 0x44,
  /** The empty block type: a block that takes and leaves nothing on the stack. */
  emptyBlockType: 0x40,
} as const;

const simd = (opcode: number): number[] => [0xfd, ...encodeU32(opcode)];

/** Instructions without immediates: they pop operands and push the result. */
export const SIMPLE_OPS = {
  drop: [0x1a],
  select: [0x1b],
  // i32 comparisons (push 1 or 0)
  'i32.eqz': [0x45],
  'i32.eq': [0x46],
  'i32.ne': [0x47],
  'i32.lt_s': [0x48],
  'i32.lt_u': [0x49],
  'i32.gt_s': [0x4a],
  'i32.gt_u': [0x4b],
  'i32.le_s': [0x4c],
  'i32.le_u': [0x4d],
  'i32.ge_s': [0x4e],
  'i32.ge_u': [0x4f],
  // i32 arithmetic (wrapping, two's complement)
  'i32.add': [0x6a],
  'i32.sub': [0x6b],
  'i32.mul': [0x6c],
  'i32.div_s': [0x6d],
  'i32.div_u': [0x6e],
  'i32.rem_s': [0x6f],
  'i32.rem_u': [0x70],
  'i32.and': [0x71],
  'i32.or': [0x72],
  'i32.xor': [0x73],
  'i32.shl': [0x74],
  'i32.shr_s': [0x75],
  'i32.shr_u': [0x76],
  // f32 scalar (IEEE single, round to nearest even)
  'f32.eq': [0x5b],
  'f32.lt': [0x5d],
  'f32.gt': [0x5e],
  'f32.abs': [0x8b],
  'f32.neg': [0x8c],
  'f32.sqrt': [0x91],
  'f32.add': [0x92],
  'f32.sub': [0x93],
  'f32.mul': [0x94],
  'f32.div': [0x95],
  'f32.min': [0x96],
  'f32.max': [0x97],
  // f64 scalar
  'f64.eq': [0x61],
  'f64.lt': [0x63],
  'f64.gt': [0x64],
  'f64.abs': [0x99],
  'f64.neg': [0x9a],
  'f64.sqrt': [0x9f],
  'f64.add': [0xa0],
  'f64.sub': [0xa1],
  'f64.mul': [0xa2],
  'f64.div': [0xa3],
  'f64.min': [0xa4],
  'f64.max': [0xa5],
  // conversions
  'f32.convert_i32_s': [0xb2],
  'f32.demote_f64': [0xb6],
  'f64.convert_i32_s': [0xb7],
  'f64.promote_f32': [0xbb],
  'i32.trunc_f64_s': [0xaa],
  // SIMD: build and combine whole vectors
  'i32x4.splat': simd(0x11),
  'f32x4.splat': simd(0x13),
  'f64x2.splat': simd(0x14),
  'v128.not': simd(0x4d),
  'v128.and': simd(0x4e),
  /** andnot(a, b) = a AND NOT b. */
  'v128.andnot': simd(0x4f),
  'v128.or': simd(0x50),
  'v128.xor': simd(0x51),
  /** bitselect(a, b, mask) = (a AND mask) OR (b AND NOT mask), bit by bit. */
  'v128.bitselect': simd(0x52),
  /** 1 when any bit of the vector is set, else 0 (an i32). */
  'v128.any_true': simd(0x53),
  // SIMD f32x4 lane-wise comparisons (all-ones lane when true, all-zeros when false; NaN compares false)
  'f32x4.gt': simd(0x44),
  'f32x4.le': simd(0x45),
  'f32x4.ne': simd(0x42),
  // SIMD f32x4 lane-wise arithmetic (each lane an IEEE single op)
  'f32x4.abs': simd(0xe0),
  'f32x4.neg': simd(0xe1),
  'f32x4.sqrt': simd(0xe3),
  'f32x4.add': simd(0xe4),
  'f32x4.sub': simd(0xe5),
  'f32x4.mul': simd(0xe6),
  'f32x4.div': simd(0xe7),
  'f32x4.min': simd(0xe8),
  'f32x4.max': simd(0xe9),
  // SIMD f64x2 lane-wise arithmetic
  'f64x2.abs': simd(0xec),
  /** Lanes 0 and 1 of an f32x4, widened exactly to an f64x2. */
  'f64x2.promote_low_f32x4': simd(0x5f),
  /** Both f64x2 lanes rounded to float32 into lanes 0 and 1; lanes 2 and 3 are +0. */
  'f32x4.demote_f64x2_zero': simd(0x5e),
  'f64x2.neg': simd(0xed),
  'f64x2.sqrt': simd(0xef),
  'f64x2.add': simd(0xf0),
  'f64x2.sub': simd(0xf1),
  'f64x2.mul': simd(0xf2),
  'f64x2.div': simd(0xf3),
  'f64x2.min': simd(0xf4),
  'f64x2.max': simd(0xf5),
  // SIMD i32x4 (used for index arithmetic in tests)
  'i32x4.add': simd(0xae),
  'i32x4.eq': simd(0x37),
  'i32x4.lt_s': simd(0x39),
  'i32x4.mul': simd(0xb5),
  /** Relaxed SIMD (proposal, phase 4): a·b + c per lane, fused or not as the engine chooses (relaxed-simd.ts). */
  'f32x4.relaxed_madd': simd(0x105),
} as const satisfies Record<string, readonly number[]>;
export type SimpleOp = keyof typeof SIMPLE_OPS;

/**
 * Loads and stores: opcode bytes plus log2 of the natural alignment (the `align` field of the memarg
 * is a hint; the builder always writes the natural alignment). The address operand is an i32 byte
 * address; the memarg `offset` immediate is added to it for free.
 */
export const MEMORY_OPS = {
  'i32.load': { bytes: [0x28], alignLog2: 2 },
  'f32.load': { bytes: [0x2a], alignLog2: 2 },
  'f64.load': { bytes: [0x2b], alignLog2: 3 },
  'i32.store': { bytes: [0x36], alignLog2: 2 },
  'f32.store': { bytes: [0x38], alignLog2: 2 },
  'f64.store': { bytes: [0x39], alignLog2: 3 },
  'v128.load': { bytes: simd(0x00), alignLog2: 4 },
  /** Loads one 32-bit value and copies it into all four lanes. */
  'v128.load32_splat': { bytes: simd(0x09), alignLog2: 2 },
  /** Loads one 64-bit value and copies it into both lanes. */
  'v128.load64_splat': { bytes: simd(0x0a), alignLog2: 3 },
  'v128.store': { bytes: simd(0x0b), alignLog2: 4 },
  /** Stores lane `lane` (an immediate byte after the memarg) of the f64x2 view: 8 bytes, e.g. two f32 lanes. */
  'v128.store64_lane': { bytes: simd(0x5b), alignLog2: 3, lanes: 2 },
} as const satisfies Record<string, { bytes: readonly number[]; alignLog2: number; lanes?: number }>;
export type MemoryOp = keyof typeof MEMORY_OPS;

/** Lane instructions: opcode bytes and the number of lanes (the lane index immediate is one byte). */
export const LANE_OPS = {
  'i32x4.extract_lane': { bytes: simd(0x1b), lanes: 4 },
  'f32x4.extract_lane': { bytes: simd(0x1f), lanes: 4 },
  'f32x4.replace_lane': { bytes: simd(0x20), lanes: 4 },
  'f64x2.extract_lane': { bytes: simd(0x21), lanes: 2 },
  'f64x2.replace_lane': { bytes: simd(0x22), lanes: 2 },
} as const satisfies Record<string, { bytes: readonly number[]; lanes: number }>;
export type LaneOp = keyof typeof LANE_OPS;

/** `v128.const` (16 immediate bytes follow) and `memory.size`/`memory.grow` (a 0x00 memory index). */
export const V128_CONST = simd(0x0c);
/** `i8x16.shuffle` (16 lane-index immediate bytes follow, each < 32: bytes of the two operands). */
export const I8X16_SHUFFLE = simd(0x0d);
export const MEMORY_SIZE = [0x3f, 0x00];
export const MEMORY_GROW = [0x40, 0x00];

/** Section ids (spec §5.5.2), in the order they must appear. */
export const SECTION = { type: 1, import: 2, function: 3, memory: 5, export: 7, code: 10 } as const;

/** Import/export descriptor kinds. */
export const EXTERNAL_KIND = { function: 0x00, memory: 0x02 } as const;

/** Limits flags of a memory type: 0x00 min only, 0x01 min and max, 0x03 shared (threads proposal). */
export const LIMITS = { min: 0x00, minMax: 0x01, sharedMinMax: 0x03 } as const;
