import fc from 'fast-check';
import jpeg from 'jpeg-js';
import pngjs from 'pngjs';
import { describe, expect, it } from 'vitest';
import { DatasetError } from '../../src/data/errors.js';
import { decodeImage, rgbaToPlanar } from '../../src/data/image.js';
import { decodePng } from '../../src/data/png.js';
import { PNG_CHANNELS, pngBytes, type PngSpec } from './fixtures.js';

const DEPTHS = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] } as const;

const pngSpec: fc.Arbitrary<PngSpec> = fc
  .record({
    colorType: fc.constantFrom<PngSpec['colorType']>(0, 2, 3, 4, 6),
    width: fc.integer({ min: 1, max: 11 }),
    height: fc.integer({ min: 1, max: 11 }),
    interlace: fc.constantFrom<0 | 1>(0, 1),
    filters: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 6 }),
    depthPick: fc.nat(),
    seed: fc.uint8Array({ minLength: 32, maxLength: 32 }),
    // Small sample ranges make equal neighbours (filter predictor ties, e.g. Paeth's pa = pb) common.
    smallRange: fc.boolean(),
  })
  .map(({ colorType, width, height, interlace, filters, depthPick, seed, smallRange }) => {
    const depths = DEPTHS[colorType];
    const depth = depths[depthPick % depths.length]!;
    const ch = PNG_CHANNELS[colorType];
    const max = colorType === 3 ? Math.min(2 ** depth, 5) - 1 : smallRange ? Math.min(3, 2 ** depth - 1) : 2 ** depth - 1;
    const samples = Array.from({ length: width * height * ch }, (_, i) => ((seed[i % 32]! * 257 + i * 40503) >>> 0) % (max + 1));
    const palette = colorType === 3 ? Array.from({ length: (max + 1) * 3 }, (_, i) => seed[(i * 7) % 32]!) : undefined;
    return { width, height, colorType, depth, interlace, filters, samples, ...(palette ? { palette } : {}) };
  });

/** The RGBA the spec says the samples mean (naive reference). */
function expectedRgba(s: PngSpec): number[] {
  const ch = PNG_CHANNELS[s.colorType];
  const scale = (v: number): number => (s.depth === 8 ? v : Math.floor((v * 255) / (2 ** s.depth - 1) + 0.5));
  const out: number[] = [];
  for (let p = 0; p < s.width * s.height; p++) {
    const v = s.samples.slice(p * ch, p * ch + ch);
    if (s.colorType === 3) out.push(s.palette![3 * v[0]!]!, s.palette![3 * v[0]! + 1]!, s.palette![3 * v[0]! + 2]!, 255);
    else if (s.colorType === 0) out.push(scale(v[0]!), scale(v[0]!), scale(v[0]!), 255);
    else if (s.colorType === 4) out.push(scale(v[0]!), scale(v[0]!), scale(v[0]!), scale(v[1]!));
    else if (s.colorType === 2) out.push(scale(v[0]!), scale(v[1]!), scale(v[2]!), 255);
    else out.push(...v.map(scale));
  }
  return out;
}

describe('decodePng', () => {
  it('matches the naive reference and pngjs on every colour type, depth, interlace and filter', () => {
    fc.assert(
      fc.property(pngSpec, (spec) => {
        const bytes = pngBytes(spec);
        const mine = decodePng(bytes, 't.png');
        const oracle = pngjs.PNG.sync.read(Buffer.from(bytes));
        expect([mine.width, mine.height]).toEqual([spec.width, spec.height]);
        expect([...mine.rgba]).toEqual(expectedRgba(spec));
        expect([...mine.rgba]).toEqual([...oracle.data]);
      }),
      { numRuns: 400 },
    );
  });

  it('reports malformed files with the file name, never a raw decoder error', () => {
    const good = pngBytes({ width: 4, height: 3, colorType: 2, depth: 8, interlace: 0, filters: [4], samples: new Array(36).fill(9) });
    expect(() => decodePng(good.subarray(1), 'p.png')).toThrow(/p\.png: not a PNG file \(bad signature\)/);
    expect(() => decodePng(good.subarray(0, good.length - 12), 'p.png')).toThrow(/p\.png: PNG ends at byte \d+ before its IEND chunk/);
    const badCrc = good.slice();
    badCrc[20] = badCrc[20]! ^ 1;
    expect(() => decodePng(badCrc, 'p.png')).toThrow(/p\.png: PNG chunk IHDR at byte 8 fails its CRC check/);
  });

  it('fuzz: mutated PNGs decode or throw a DatasetError', () => {
    fc.assert(
      fc.property(pngSpec, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }), fc.nat(), (spec, flips, cut) => {
        const bytes = pngBytes(spec);
        for (const [at, x] of flips) bytes[at % bytes.length] = bytes[at % bytes.length]! ^ x;
        for (const b of [bytes, bytes.subarray(0, cut % bytes.length)]) {
          try {
            decodeImage(b, 'm.png');
          } catch (e) {
            expect(e).toBeInstanceOf(DatasetError);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('decodeImage', () => {
  const rgba = new Uint8Array(8 * 6 * 4).map((_, i) => (i * 37) % 256);
  const jpg = new Uint8Array(jpeg.encode({ width: 8, height: 6, data: rgba }, 90).data);

  it('decodes a JPEG exactly as jpeg-js does and writes channel planes', () => {
    const img = decodeImage(jpg, 'a.jpg');
    const ref = jpeg.decode(jpg, { useTArray: true, formatAsRGBA: true });
    expect([img.width, img.height]).toEqual([8, 6]);
    expect([...img.rgba]).toEqual([...ref.data]);
    const planes = new Uint8Array(2 + 3 * 48);
    rgbaToPlanar(img, 3, planes, 2);
    expect(planes[2 + 48 + 5]).toBe(img.rgba[4 * 5 + 1]); // green plane, pixel 5
    const grey = new Uint8Array(48);
    rgbaToPlanar(img, 1, grey, 0);
    expect(grey[7]).toBe(Math.round((299 * img.rgba[28]! + 587 * img.rgba[29]! + 114 * img.rgba[30]!) / 1000));
  });

  it('undecodable or unknown files are bad-image DatasetErrors naming the file', () => {
    expect(() => decodeImage(jpg.subarray(0, 40), 'cut.jpg')).toThrow(/cut\.jpg: undecodable JPEG/);
    expect(() => decodeImage(new TextEncoder().encode('hello'), 'x.jpg')).toThrow(/x\.jpg: not a JPEG or PNG file/);
  });

  it('fuzz: mutated JPEGs decode or throw a DatasetError, without hanging', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(jpg.length - 1), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 6 }), fc.nat(jpg.length), (flips, cut) => {
        const bytes = jpg.slice(0, Math.max(3, cut));
        for (const [at, x] of flips) if (at >= 3 && at < bytes.length) bytes[at] = bytes[at]! ^ x;
        try {
          decodeImage(bytes, 'm.jpg');
        } catch (e) {
          expect(e).toBeInstanceOf(DatasetError);
        }
      }),
      { numRuns: 300 },
    );
  });
});
