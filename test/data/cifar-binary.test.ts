import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it, afterAll } from 'vitest';
import { parseCifarBatch, readCifarBinary } from '../../src/data/cifar-binary.js';
import { DatasetError } from '../../src/data/errors.js';
import { loadDataset } from '../../src/data/registry.js';
import { directorySource } from '../../src/data/source.js';
import { CIFAR10_CLASSES } from '../../src/data/known.js';
import { cifarBatchBytes, tarBytes, tempDir, removeTempDirs } from './fixtures.js';

afterAll(removeTempDirs);

const pixel = (n: number, i: number): number => (n * 31 + i * 7) % 256;

describe('parseCifarBatch', () => {
  it('decodes label + channel-planar records into NCHW', () => {
    const bytes = cifarBatchBytes([3, 9, 0], pixel);
    const { count, images, labels } = parseCifarBatch(bytes, 'b.bin');
    expect(count).toBe(3);
    expect([...labels]).toEqual([3, 9, 0]);
    // image 1, channel 2 (blue), row 5, column 7 sits at record byte 1 + 2·1024 + 5·32 + 7
    const i = 2 * 1024 + 5 * 32 + 7;
    expect(images[1 * 3072 + i]).toBe(pixel(1, i));
    expect(images.length).toBe(3 * 3072);
  });

  it('rejects bad sizes and labels naming the file and what was expected', () => {
    const good = cifarBatchBytes([1, 2], pixel);
    expect(() => parseCifarBatch(good.subarray(0, 100), 'b.bin')).toThrow(/b\.bin: CIFAR-10 batch is 100 bytes, expected a multiple of 3073/);
    expect(() => parseCifarBatch(good.subarray(0, 5000), 'b.bin')).toThrow(/not a multiple of 3073 .*1927 bytes left over/);
    const bad = good.slice();
    bad[3073] = 10;
    expect(() => parseCifarBatch(bad, 'b.bin')).toThrow(/b\.bin: record 1 has label 10, expected 0\.\.9/);
  });

  it('fuzz: any buffer parses to consistent arrays or throws a DatasetError', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3 }), fc.integer({ min: -3, max: 3 }), fc.uint8Array({ minLength: 16, maxLength: 16 }), (records, delta, seed) => {
        const length = Math.max(0, records * 3073 + delta);
        const bytes = new Uint8Array(length);
        for (let i = 0; i < length; i++) bytes[i] = seed[i % 16]! ^ (i * 13);
        try {
          const out = parseCifarBatch(bytes, 'f.bin');
          expect(delta === 0 && records > 0).toBe(true);
          expect(out.count).toBe(records);
          for (let n = 0; n < records; n++) {
            expect(out.labels[n]).toBe(bytes[n * 3073]);
            expect(out.images[n * 3072 + 1000]).toBe(bytes[n * 3073 + 1001]);
          }
        } catch (e) {
          expect(e).toBeInstanceOf(DatasetError);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('official binary release layout', () => {
  const dir = tempDir('cifarbin');
  const batches = join(dir, 'cifar-10-batches-bin');
  mkdirSync(batches);
  const members: Array<{ name: string; data: Uint8Array }> = [];
  for (const [file, labels] of [
    ...[1, 2, 3, 4, 5].map((k) => [`data_batch_${k}.bin`, [k, (k + 1) % 10]] as const),
    ['test_batch.bin', [7, 8, 9]] as const,
  ]) {
    const data = cifarBatchBytes([...labels], pixel);
    writeFileSync(join(batches, file), data);
    members.push({ name: `cifar-10-batches-bin/${file}`, data });
  }
  const meta = new TextEncoder().encode(`${CIFAR10_CLASSES.join('\n')}\n\n`);
  writeFileSync(join(batches, 'batches.meta.txt'), meta);
  members.push({ name: 'cifar-10-batches-bin/batches.meta.txt', data: meta });
  const archive = join(dir, 'cifar-10-binary.tar.gz');
  writeFileSync(archive, gzipSync(tarBytes(members)));

  it('reads the five train batches in order and the test batch', () => {
    const train = readCifarBinary(directorySource(batches), 'train');
    expect(train.count).toBe(10);
    expect([...train.labels]).toEqual([1, 2, 2, 3, 3, 4, 4, 5, 5, 6]);
    expect(train.classes).toEqual(CIFAR10_CLASSES);
    expect(Object.keys(train.sha256)).toHaveLength(5);
  });

  it('loads through the registry from the archive, the folder and its parent (verify off for a toy copy)', () => {
    for (const root of [archive, batches, dir]) {
      const d = loadDataset('cifar10', { split: 'test', root, verify: false });
      expect([d.count, d.channels, d.height, d.width, d.label]).toEqual([3, 3, 32, 32, 'CIFAR-10']);
      expect([...d.labels]).toEqual([7, 8, 9]);
      expect(d.images[2 * 3072 + 5]).toBe(pixel(2, 5));
      expect(d.mean).toEqual([0.4914, 0.4822, 0.4465]);
    }
  });

  it('with verify on, a copy without 5,000 / 1,000 images per class is rejected', () => {
    expect(() => loadDataset('cifar10', { split: 'test', root: archive })).toThrow(/test images per class are \[0, 0, 0, 0, 0, 0, 0, 1, 1, 1\], expected 1000 each/);
  });

  it('a missing batch is a missing-file error naming the expected files', () => {
    const partial = tempDir('cifarbin2');
    writeFileSync(join(partial, 'data_batch_1.bin'), cifarBatchBytes([0], pixel));
    expect(() => loadDataset('cifar10', { split: 'train', root: partial, verify: false })).toThrow(/no data_batch_2\.bin; expected the official CIFAR-10 binary batches/);
  });
});
