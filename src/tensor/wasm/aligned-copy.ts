/**
 * Copies between tensor arrays and a kernel module's memory that stay fast on SharedArrayBuffers.
 *
 * Math: dst[dstStart + i] = src[srcStart + i] for i < len (the bits, like `TypedArray.prototype.set`).
 * Layout: 4-byte elements (Float32Array, Int32Array), any offsets.
 * Cost: one pass over the bytes (two when staged, below); O(1) extra memory up to STAGE_ELEMENTS.
 *
 * Why: when either array lives on a SharedArrayBuffer, V8 copies with relaxed atomic word moves,
 * and falls back to one byte at a time when the two byte addresses differ modulo 8. Measured on
 * Node 20 (Intel Xeon, 6.4 MB in 100 KB pieces): 0.25 ms aligned, 1.4 ms misaligned, on ordinary
 * buffers 0.23 ms either way. Threads put tensors on SharedArrayBuffers, and thread ranges, image
 * planes and module slots land on odd element offsets, so a misaligned copy is common. Here such a
 * copy goes through a private staging array placed at the shared side's alignment: the shared side
 * then moves whole words, and the other side is an ordinary copy, which V8 does with memcpy.
 */
import { isSharedArray } from '../dtype.js';

/** Elements staged at a time (256 KiB). */
const STAGE_ELEMENTS = 1 << 16;

/** 4-byte element arrays only: Float32Array or Int32Array. */
type Word32Array = Float32Array | Int32Array;

let stageBuffer: ArrayBuffer | null = null;

/** A private view of `len` elements whose first element's byte address is ≡ `phase` (0 or 4) mod 8. */
function stage<T extends Word32Array>(like: T, phase: number, len: number): T {
  if (stageBuffer === null) stageBuffer = new ArrayBuffer(4 * STAGE_ELEMENTS + 8);
  const Ctor = like.constructor as new (b: ArrayBuffer, o: number, n: number) => T;
  return new Ctor(stageBuffer, phase, len);
}

/**
 * `dst.set(src.subarray(srcStart, srcStart + len), dstStart)`, staged when a SharedArrayBuffer side
 * would be copied byte by byte (see the file comment). Same bits either way.
 *
 * @example
 * copyWords(wasmF32, 16, tensorData, 1, 1000); // odd offset on a shared tensor: staged, still fast
 */
export function copyWords<T extends Word32Array>(dst: T, dstStart: number, src: T, srcStart: number, len: number): void {
  const srcByte = src.byteOffset + 4 * srcStart;
  const dstByte = dst.byteOffset + 4 * dstStart;
  // In phase (the usual case) the plain copy is fast whatever the buffers. Only then are the buffers
  // looked at: reading `.buffer` is a builtin call, and batch norm copies thousands of rows per pass.
  if (((srcByte ^ dstByte) & 7) === 0) {
    dst.set(src.subarray(srcStart, srcStart + len), dstStart);
    return;
  }
  const sharedSrc = isSharedArray(src);
  const sharedDst = isSharedArray(dst);
  if (!sharedSrc && !sharedDst) {
    dst.set(src.subarray(srcStart, srcStart + len), dstStart);
    return;
  }
  for (let done = 0; done < len; done += STAGE_ELEMENTS) {
    const n = Math.min(STAGE_ELEMENTS, len - done);
    if (sharedSrc && sharedDst) {
      // both shared and out of phase (no kernel copies shared to shared): a word loop, on int32 views
      // so that float NaN payloads pass unchanged
      const to = new Int32Array(dst.buffer, dstByte + 4 * done, n);
      const words = new Int32Array(src.buffer, srcByte + 4 * done, n);
      for (let i = 0; i < n; i++) to[i] = words[i]!;
      continue;
    }
    const s = stage(src, sharedSrc ? srcByte & 7 : dstByte & 7, n);
    s.set(src.subarray(srcStart + done, srcStart + done + n));
    dst.set(s, dstStart + done);
  }
}

/**
 * A byte address for a module-memory slot at or after `minByte`: 16-byte aligned, plus 4 when
 * `tensor[start]` sits at 4 mod 8, so that copies between the slot and tensor[start…] are in phase.
 *
 * @example
 * alignedSlot(100, out, n0 * planeOut); // 112, or 116 when out's element n0·planeOut is at 4 mod 8
 */
export function alignedSlot(minByte: number, tensor: Word32Array, start: number): number {
  return Math.ceil(minByte / 16) * 16 + ((tensor.byteOffset + 4 * start) & 4);
}
