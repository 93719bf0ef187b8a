/**
 * Image decoding for the image-folder reader: JPEG through `jpeg-js` (pinned 0.4.4, pure JS) and
 * PNG through ./png.ts, both to 8-bit RGBA, then to channel-planar uint8 (CHW). Decoder failures
 * become `bad-image` DatasetErrors naming the file, never a trace from inside the decoder.
 */
import jpeg from 'jpeg-js';
import { DatasetError, describeThrown } from './errors.js';
import { decodePng, PNG_SIGNATURE, type RgbaImage } from './png.js';

/** The decoder identity recorded in decoded-cache headers: a change of decoder rebuilds caches. */
export const IMAGE_DECODER_ID = 'jpeg-js@0.4.4+pqkd-png@1';

/**
 * Decodes a JPEG or PNG (chosen by signature, not by extension) to RGBA8.
 * @example decodeImage(readFileSync('0000.jpg'), '0000.jpg').width // 32
 */
export function decodeImage(bytes: Uint8Array, file: string): RgbaImage {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) {
    try {
      const img = jpeg.decode(bytes, {
        useTArray: true,
        formatAsRGBA: true,
        tolerantDecoding: false,
        maxResolutionInMP: 64,
        maxMemoryUsageInMB: 512,
      });
      if (img.width * img.height * 4 !== img.data.length) throw new Error(`decoded ${img.data.length} bytes for ${img.width}x${img.height}`);
      return { width: img.width, height: img.height, rgba: img.data };
    } catch (e) {
      throw new DatasetError('bad-image', `${file}: undecodable JPEG (${describeThrown(e)})`, file);
    }
  }
  if (PNG_SIGNATURE.every((b, i) => bytes[i] === b)) {
    try {
      return decodePng(bytes, file);
    } catch (e) {
      if (e instanceof DatasetError) throw e;
      throw new DatasetError('bad-image', `${file}: undecodable PNG (${describeThrown(e)})`, file);
    }
  }
  throw new DatasetError('bad-image', `${file}: not a JPEG or PNG file (unknown signature)`, file);
}

/**
 * Writes an RGBA image into `out` at `offset` as `channels`×H×W planar uint8: 3 → R, G, B planes;
 * 1 → luma round((299·R + 587·G + 114·B) / 1000) (ITU-R BT.601 weights; exact for grey images).
 * Alpha is dropped. Cost: O(H·W·channels).
 * @example rgbaToPlanar({ width: 1, height: 1, rgba: new Uint8Array([1, 2, 3, 255]) }, 3, out, 0) // out = [1, 2, 3]
 */
export function rgbaToPlanar(img: RgbaImage, channels: 1 | 3, out: Uint8Array, offset: number): void {
  const plane = img.width * img.height;
  const { rgba } = img;
  if (channels === 3) {
    for (let p = 0; p < plane; p++) {
      out[offset + p] = rgba[4 * p]!;
      out[offset + plane + p] = rgba[4 * p + 1]!;
      out[offset + 2 * plane + p] = rgba[4 * p + 2]!;
    }
  } else {
    for (let p = 0; p < plane; p++) {
      out[offset + p] = Math.round((299 * rgba[4 * p]! + 587 * rgba[4 * p + 1]! + 114 * rgba[4 * p + 2]!) / 1000);
    }
  }
}
