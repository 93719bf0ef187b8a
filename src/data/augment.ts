/**
 * Training-time augmentation for CIFAR-style images, fused with normalisation: random crop with
 * zero padding (torchvision `RandomCrop(size, padding=p)`: pad with pixel value 0, take an H×W window
 * at a uniform offset) then a horizontal flip with probability 1/2 (`RandomHorizontalFlip`).
 *
 * Math, per sample with offsets dy, dx ∈ {0..2p} and flip f ∈ {0, 1}:
 *   out[c,h,w] = lut[c, v] with v = image[c, h+dy−p, w′+dx−p] (0 outside the image),
 *   w′ = W−1−w if f else w.
 * Random draws per sample, in this order: dy = integers(0, 2p+1), dx = integers(0, 2p+1),
 * f = uniform() < 1/2, all from the generator passed in. Layout: NCHW. Cost: O(B·C·H·W).
 */
import type { Generator } from '../tensor/random.js';
import type { Dataset } from './dataset.js';
import { DatasetError } from './errors.js';
import { allocate } from '../tensor/storage.js';

export interface AugmentOptions {
  /** Zero padding of the random crop, in pixels (0 = no crop); CIFAR default 4. */
  padding?: number;
  /** Random horizontal flip (default true). */
  flip?: boolean;
}

/** The CIFAR-10 recipe: 4-pixel padded random crop and horizontal flip. */
export const CIFAR_AUGMENT: Required<AugmentOptions> = { padding: 4, flip: true };

/**
 * Validates augmentation options (padding a non-negative integer) and fills defaults.
 * @example checkAugmentOptions({ padding: 2 }) // { padding: 2, flip: true }
 */
export function checkAugmentOptions(o: AugmentOptions): Required<AugmentOptions> {
  const padding = o.padding ?? CIFAR_AUGMENT.padding;
  if (!Number.isSafeInteger(padding) || padding < 0) {
    throw new DatasetError('bad-argument', `augment: padding must be a non-negative integer, got ${String(padding)}`);
  }
  return { padding, flip: o.flip ?? true };
}

/**
 * Gathers samples `indices`, augments each with draws from `generator` and normalises through `lut`
 * into a new float32 NCHW array.
 * @example augmentBatch(cifar, Int32Array.of(0), table, new Generator(0), CIFAR_AUGMENT).length // 3072
 */
export function augmentBatch(
  d: Dataset, indices: ArrayLike<number>, lut: Float32Array, generator: Generator, options: Required<AugmentOptions>,
): Float32Array {
  const { channels: C, height: H, width: W, images } = d;
  const p = options.padding;
  const plane = H * W;
  const out = allocate('float32', indices.length * C * plane); // pooled: dispose(batch.images) returns it
  for (let b = 0; b < indices.length; b++) {
    const dy = p > 0 ? generator.integers(0, 2 * p + 1) : p;
    const dx = p > 0 ? generator.integers(0, 2 * p + 1) : p;
    const flip = options.flip && generator.uniform() < 0.5;
    const src = indices[b]! * C * plane;
    const dst = b * C * plane;
    for (let c = 0; c < C; c++) {
      const base = c * 256;
      const zero = lut[base]!; // padding is pixel value 0, normalised
      for (let h = 0; h < H; h++) {
        const sh = h + dy - p;
        const rowOut = dst + c * plane + h * W;
        if (sh < 0 || sh >= H) {
          out.fill(zero, rowOut, rowOut + W);
          continue;
        }
        const rowIn = src + c * plane + sh * W;
        for (let w = 0; w < W; w++) {
          const sw = (flip ? W - 1 - w : w) + dx - p;
          out[rowOut + w] = sw < 0 || sw >= W ? zero : lut[base + images[rowIn + sw]!]!;
        }
      }
    }
  }
  return out;
}
