import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it, afterAll } from 'vitest';
import { DatasetError } from '../../src/data/errors.js';
import { checkIdxPair, parseIdx, readIdx } from '../../src/data/idx.js';
import { idxBytes, tempDir, removeTempDirs } from './fixtures.js';

afterAll(removeTempDirs);

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DatasetError);
    return (e as DatasetError).code;
  }
  return 'no error';
}

describe('parseIdx', () => {
  it('reads dims and a zero-copy payload', () => {
    const bytes = idxBytes([2, 3, 2], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const idx = parseIdx(bytes, 'a.idx');
    expect(idx.dims).toEqual([2, 3, 2]);
    expect([...idx.data]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(idx.data.buffer).toBe(bytes.buffer);
  });

  it('names the file and the problem for each malformed case', () => {
    const good = idxBytes([4], [1, 2, 3, 4]);
    const cases: Array<[Uint8Array, string, RegExp]> = [
      [good.subarray(0, 2), 'truncated', /x\.idx: IDX file is 2 bytes, shorter than the 4-byte magic/],
      [Uint8Array.from([1, 0, 8, 1, 0, 0, 0, 1, 0]), 'bad-magic', /magic number is 01 00 08 01, expected 00 00 08/],
      [Uint8Array.from([0, 0, 0x0d, 1, 0, 0, 0, 1, 0, 0, 0, 0]), 'bad-magic', /element type is 0x0d \(float32\), expected 0x08/],
      [Uint8Array.from([0, 0, 8, 0]), 'bad-magic', /declares 0 dimensions/],
      [good.subarray(0, 6), 'truncated', /header needs 8 bytes for 1 dimensions, file has 6/],
      [good.subarray(0, 10), 'truncated', /dimensions \[4\] need 12 bytes, file has 10/],
      [Uint8Array.from([...good, 0]), 'bad-size', /need 12 bytes, file has 13 \(1 extra\)/],
    ];
    for (const [bytes, code, message] of cases) {
      expect(() => parseIdx(bytes, 'x.idx')).toThrow(message);
      expect(codeOf(() => parseIdx(bytes, 'x.idx'))).toBe(code);
    }
  });

  it('fuzz: arbitrary bytes either parse consistently or throw a DatasetError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          const { dims, data } = parseIdx(bytes, 'f');
          expect(4 + 4 * dims.length + data.length).toBe(bytes.length);
          expect(dims.reduce((a, b) => a * b, 1)).toBe(data.length);
        } catch (e) {
          expect(e).toBeInstanceOf(DatasetError);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('fuzz: valid files round-trip; every truncation and extension is caught, header flips never escape as non-DatasetErrors', () => {
    const valid = fc
      .array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 4 })
      .chain((dims) => fc.tuple(fc.constant(dims), fc.uint8Array({ minLength: dims.reduce((a, b) => a * b, 1), maxLength: dims.reduce((a, b) => a * b, 1) })));
    fc.assert(
      fc.property(valid, fc.nat(), fc.integer({ min: 1, max: 255 }), ([dims, payload], cut, flip) => {
        const bytes = idxBytes(dims, payload);
        const idx = parseIdx(bytes, 'v');
        expect(idx.dims).toEqual(dims);
        expect([...idx.data]).toEqual([...payload]);
        const short = bytes.subarray(0, cut % bytes.length);
        expect(codeOf(() => parseIdx(short, 'v'))).toMatch(/truncated|bad-magic/);
        expect(codeOf(() => parseIdx(Uint8Array.from([...bytes, 7]), 'v'))).toBe('bad-size');
        const header = 4 + 4 * dims.length;
        const flipped = bytes.slice();
        const at = cut % header;
        flipped[at] = flipped[at]! ^ flip;
        // Magic bytes always fail; a flipped rank or dimension fails unless it happens to keep the
        // byte count consistent (e.g. a zero dimension stays zero), which codeOf's instanceOf check allows.
        if (at < 3) expect(codeOf(() => parseIdx(flipped, 'v'))).toBe('bad-magic');
        else codeOf(() => parseIdx(flipped, 'v'));
      }),
      { numRuns: 500 },
    );
  });
});

describe('readIdx / checkIdxPair', () => {
  const dir = tempDir('idx');
  const images = idxBytes([3, 2, 2], Array.from({ length: 12 }, (_, i) => i));
  const labels = idxBytes([3], [0, 1, 2]);
  writeFileSync(join(dir, 'img'), images);
  writeFileSync(join(dir, 'img.gz'), gzipSync(images));
  writeFileSync(join(dir, 'lab'), labels);
  writeFileSync(join(dir, 'lab4'), idxBytes([4], [0, 1, 2, 3]));
  writeFileSync(join(dir, 'cut.gz'), gzipSync(images).subarray(0, 20));

  it('reads raw and gzipped files alike, hashing the unzipped bytes', () => {
    const raw = readIdx(join(dir, 'img'));
    const gz = readIdx(join(dir, 'img.gz'));
    expect(gz.dims).toEqual([3, 2, 2]);
    expect([...gz.data]).toEqual([...raw.data]);
    expect(gz.sha256).toBe(raw.sha256);
  });

  it('pairs images with labels and rejects count or rank mismatches naming the files', () => {
    const pair = checkIdxPair(readIdx(join(dir, 'img')), readIdx(join(dir, 'lab')));
    expect([pair.count, pair.height, pair.width]).toEqual([3, 2, 2]);
    expect(() => checkIdxPair(readIdx(join(dir, 'img')), readIdx(join(dir, 'lab4')))).toThrow(/lab4: has 4 labels but .*img has 3 images/);
    expect(codeOf(() => checkIdxPair(readIdx(join(dir, 'lab')), readIdx(join(dir, 'lab'))))).toBe('bad-size');
  });

  it('reports a missing file and a cut-off gzip stream', () => {
    expect(() => readIdx(join(dir, 'nope'), 'install it')).toThrow(/nope: file not found; install it/);
    expect(codeOf(() => readIdx(join(dir, 'cut.gz')))).toBe('truncated');
    expect(() => readIdx(join(dir, 'cut.gz'))).toThrow(/cut\.gz: gzip stream is cut off/);
  });
});
