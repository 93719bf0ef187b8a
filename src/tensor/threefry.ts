/**
 * Threefry2x32-20: the counter-based block cipher of Salmon, Moraes, Dror & Shaw,
 * "Parallel random numbers: as easy as 1, 2, 3" (SC'11), as used by Random123 and JAX.
 *
 * Math: a 20-round ARX permutation of a 64-bit counter (c0, c1) keyed by (k0, k1):
 *   x0 += x1; x1 = rotl(x1, R[r mod 8]); x1 ^= x0            (every round r)
 *   key injection after rounds 4, 8, 12, 16, 20 with the schedule ks = (k0, k1, k0 ^ k1 ^ 0x1BD11BDA).
 * Only 32-bit additions, rotations and xors: exact in JavaScript (`| 0`, `>>> 0`).
 * Known-answer vectors (Random123 `kat_vectors`, also in JAX's random tests):
 *   key (0,0), counter (0,0)                          -> (0x6b200159, 0x99ba4efe)
 *   key (0xffffffff,0xffffffff), counter (same)        -> (0x1cb996fc, 0xbb002be7)
 *   key (0x13198a2e,0x03707344), ctr (0x243f6a88,0x85a308d3) -> (0xc4923a9c, 0x483df7a0)
 * Cost: 20 rounds of ~4 integer ops per 64 output bits.
 */

const ROTATIONS = [13, 15, 26, 6, 17, 29, 16, 24] as const;
const SKEIN_PARITY = 0x1bd11bda;

/** Encrypts counter (c0, c1) under key (k0, k1); writes the two output words to `out[0..1]`. */
export function threefry2x32(k0: number, k1: number, c0: number, c1: number, out: Uint32Array): void {
  const k2 = (k0 ^ k1 ^ SKEIN_PARITY) >>> 0;
  const ks0 = k0 >>> 0;
  const ks1 = k1 >>> 0;
  let x0 = (c0 + ks0) | 0;
  let x1 = (c1 + ks1) | 0;
  for (let block = 0; block < 5; block++) {
    // Four rounds, then a key injection numbered s = block + 1.
    for (let r = 0; r < 4; r++) {
      const rot = ROTATIONS[(block * 4 + r) & 7]!;
      x0 = (x0 + x1) | 0;
      x1 = (x1 << rot) | (x1 >>> (32 - rot));
      x1 ^= x0;
    }
    const s = block + 1;
    const a = s % 3;
    const b = (s + 1) % 3;
    x0 = (x0 + (a === 0 ? ks0 : a === 1 ? ks1 : k2)) | 0;
    x1 = (x1 + (b === 0 ? ks0 : b === 1 ? ks1 : k2) + s) | 0;
  }
  out[0] = x0 >>> 0;
  out[1] = x1 >>> 0;
}

/** FNV-1a over the UTF-16 code units of a label, with a seed; used to turn fork labels into words. */
export function hashLabel(label: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}
