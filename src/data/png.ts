/**
 * A PNG decoder (W3C PNG Specification, 2nd ed.) to 8-bit RGBA, for the image-folder reader.
 *
 * Written here instead of using `pngjs` because pngjs `require`s Node built-ins by bare name
 * (`zlib`, `stream`, `util`), which breaks the single-file ESM CLI bundle; the test suite checks
 * this decoder against pngjs on random images of every colour type, bit depth and interlace mode.
 *
 * Supports colour types 0 (grey), 2 (RGB), 3 (palette), 4 (grey+alpha), 6 (RGBA), bit depths
 * 1/2/4/8/16 where the spec allows them, Adam7 interlacing, the five scanline filters (§9.2) and
 * chunk CRC-32 checks. Samples of depth d ≠ 8 (grey and alpha) are rescaled as
 * round(v·255 / (2^d − 1)) (the same rule as pngjs); 16-bit colour likewise. tRNS is ignored
 * (alpha comes only from colour types 4 and 6). Cost: O(W·H) plus the zlib inflate.
 */
import { inflateSync } from 'node:zlib';
import { DatasetError, describeThrown } from './errors.js';

export const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const MAX_PIXELS = 1 << 26;
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const DEPTHS: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };
// Adam7 passes: [x0, y0, dx, dy] (spec §8.2).
const ADAM7 = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]] as const;

const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

/** CRC-32 (ISO 3309, as in PNG Annex D) of bytes[start, end). */
function crc32(bytes: Uint8Array, start: number, end: number): number {
  let c = -1;
  for (let i = start; i < end; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

/** Decoded image: width, height and 8-bit RGBA pixels, row-major. */
export interface RgbaImage {
  width: number;
  height: number;
  rgba: Uint8Array;
}

/** Reverses the scanline filters of one (sub-)image in place; returns the raw rows (no filter bytes). */
function unfilter(data: Uint8Array, start: number, rows: number, rowBytes: number, bpp: number, file: string): Uint8Array {
  const out = new Uint8Array(rows * rowBytes);
  for (let y = 0; y < rows; y++) {
    const src = start + y * (rowBytes + 1);
    const filter = data[src]!;
    const row = y * rowBytes;
    const prev = row - rowBytes; // only read when y > 0
    for (let x = 0; x < rowBytes; x++) {
      const raw = data[src + 1 + x]!;
      const a = x >= bpp ? out[row + x - bpp]! : 0;
      const b = y > 0 ? out[prev + x]! : 0;
      const c = x >= bpp && y > 0 ? out[prev + x - bpp]! : 0;
      let pred: number;
      if (filter === 0) pred = 0;
      else if (filter === 1) pred = a;
      else if (filter === 2) pred = b;
      else if (filter === 3) pred = (a + b) >>> 1;
      else if (filter === 4) {
        const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
        pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      } else throw new DatasetError('bad-image', `${file}: PNG scanline ${y} has filter type ${filter}, expected 0..4`, file);
      out[row + x] = (raw + pred) & 0xff;
    }
  }
  return out;
}

/**
 * Decodes a PNG file to RGBA8. Malformed input is a DatasetError naming `file`: `bad-magic` (no PNG
 * signature), `truncated` (a chunk runs past the end, no IEND, too little image data), `bad-image`
 * (CRC mismatch, bad IHDR, corrupt zlib data), `image-size` (over 2^26 pixels).
 * @example decodePng(readFileSync('a.png'), 'a.png').width
 */
export function decodePng(bytes: Uint8Array, file: string): RgbaImage {
  for (let i = 0; i < 8; i++) {
    if (bytes[i] !== PNG_SIGNATURE[i]) throw new DatasetError('bad-magic', `${file}: not a PNG file (bad signature)`, file);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let width = 0, height = 0, depth = 0, colorType = -1, interlace = 0, sawEnd = false;
  let palette: Uint8Array | undefined;
  const idat: Uint8Array[] = [];
  for (let pos = 8; !sawEnd;) {
    if (pos + 12 > bytes.length) throw new DatasetError('truncated', `${file}: PNG ends at byte ${bytes.length} before its IEND chunk`, file);
    const length = view.getUint32(pos, false);
    const type = String.fromCharCode(bytes[pos + 4]!, bytes[pos + 5]!, bytes[pos + 6]!, bytes[pos + 7]!);
    const end = pos + 8 + length;
    if (end + 4 > bytes.length) throw new DatasetError('truncated', `${file}: PNG chunk ${type} at byte ${pos} needs ${length + 12} bytes, ${bytes.length - pos} remain`, file);
    if (crc32(bytes, pos + 4, end) !== view.getUint32(end, false)) throw new DatasetError('bad-image', `${file}: PNG chunk ${type} at byte ${pos} fails its CRC check`, file);
    const data = bytes.subarray(pos + 8, end);
    if (type === 'IHDR') {
      if (length !== 13) throw new DatasetError('bad-image', `${file}: PNG IHDR is ${length} bytes, expected 13`, file);
      width = view.getUint32(pos + 8, false);
      height = view.getUint32(pos + 12, false);
      [depth, colorType, interlace] = [data[8]!, data[9]!, data[12]!];
      if (!(DEPTHS[colorType] ?? []).includes(depth) || data[10] !== 0 || data[11] !== 0 || interlace > 1 || width === 0 || height === 0) {
        throw new DatasetError('bad-image', `${file}: PNG IHDR is invalid (${width}x${height}, colour type ${colorType}, bit depth ${depth}, interlace ${interlace})`, file);
      }
      if (width * height > MAX_PIXELS) throw new DatasetError('image-size', `${file}: PNG is ${width}x${height}, more than ${MAX_PIXELS} pixels`, file);
    } else if (type === 'PLTE') palette = data;
    else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') sawEnd = true;
    if (pos === 8 && type !== 'IHDR') throw new DatasetError('bad-image', `${file}: PNG starts with chunk ${type}, expected IHDR`, file);
    pos = end + 4;
  }
  if (colorType === 3 && palette === undefined) throw new DatasetError('bad-image', `${file}: palette PNG has no PLTE chunk`, file);
  let inflated: Uint8Array;
  try {
    inflated = inflateSync(Buffer.concat(idat));
  } catch (e) {
    throw new DatasetError('bad-image', `${file}: PNG image data does not inflate (${describeThrown(e)})`, file);
  }
  const channels = CHANNELS[colorType]!;
  const bitsPerPixel = channels * depth;
  const bpp = Math.max(1, bitsPerPixel >> 3);
  const rgba = new Uint8Array(width * height * 4);
  const passes = interlace ? ADAM7 : ([[0, 0, 1, 1]] as const);
  let offset = 0;
  for (const [x0, y0, dx, dy] of passes) {
    const pw = Math.ceil((width - x0) / dx), ph = Math.ceil((height - y0) / dy);
    if (pw <= 0 || ph <= 0) continue;
    const rowBytes = Math.ceil((pw * bitsPerPixel) / 8);
    if (offset + ph * (rowBytes + 1) > inflated.length) {
      throw new DatasetError('truncated', `${file}: PNG image data is ${inflated.length} bytes, too short for ${width}x${height} at ${bitsPerPixel} bits per pixel`, file);
    }
    const rows = unfilter(inflated, offset, ph, rowBytes, bpp, file);
    offset += ph * (rowBytes + 1);
    writePixels(rows, pw, ph, rowBytes, x0, y0, dx, dy, { width, depth, colorType, channels, palette, rgba, file });
  }
  return { width, height, rgba };
}

interface PixelTarget {
  width: number; depth: number; colorType: number; channels: number;
  palette: Uint8Array | undefined; rgba: Uint8Array; file: string;
}

/** Unpacks raw rows of one pass into the RGBA image at (x0 + x·dx, y0 + y·dy). */
function writePixels(rows: Uint8Array, pw: number, ph: number, rowBytes: number, x0: number, y0: number, dx: number, dy: number, t: PixelTarget): void {
  const { depth, colorType, channels, palette, rgba } = t;
  const maxSample = (1 << depth) - 1;
  const sample = (row: number, index: number): number => {
    if (depth === 8) return rows[row + index]!;
    if (depth === 16) return (rows[row + 2 * index]! << 8) | rows[row + 2 * index + 1]!;
    const bit = index * depth;
    return (rows[row + (bit >> 3)]! >> (8 - depth - (bit & 7))) & maxSample;
  };
  const scale = (v: number): number => (depth === 8 ? v : Math.floor((v * 255) / maxSample + 0.5));
  for (let y = 0; y < ph; y++) {
    const row = y * rowBytes;
    for (let x = 0; x < pw; x++) {
      const o = ((y0 + y * dy) * t.width + x0 + x * dx) * 4;
      const s = x * channels;
      if (colorType === 3) {
        const i = sample(row, s);
        if (3 * i + 2 >= palette!.length) throw new DatasetError('bad-image', `${t.file}: PNG palette index ${i} is past the ${palette!.length / 3}-entry palette`, t.file);
        rgba[o] = palette![3 * i]!; rgba[o + 1] = palette![3 * i + 1]!; rgba[o + 2] = palette![3 * i + 2]!; rgba[o + 3] = 255;
      } else if (colorType === 0 || colorType === 4) {
        const g = scale(sample(row, s));
        rgba[o] = g; rgba[o + 1] = g; rgba[o + 2] = g;
        rgba[o + 3] = colorType === 4 ? scale(sample(row, s + 1)) : 255;
      } else {
        rgba[o] = scale(sample(row, s)); rgba[o + 1] = scale(sample(row, s + 1)); rgba[o + 2] = scale(sample(row, s + 2));
        rgba[o + 3] = colorType === 6 ? scale(sample(row, s + 3)) : 255;
      }
    }
  }
}
