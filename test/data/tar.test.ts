import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it, afterAll } from 'vitest';
import { DatasetError } from '../../src/data/errors.js';
import { directorySource, tarSource } from '../../src/data/source.js';
import { parseTar } from '../../src/data/tar.js';
import { tarBytes, tempDir, removeTempDirs } from './fixtures.js';

afterAll(removeTempDirs);

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const long = `${'deep/'.repeat(30)}file-with-a-long-name.txt`;

describe('parseTar', () => {
  for (const mode of ['pax', 'gnu', 'prefix'] as const) {
    it(`reads names, types and contents (long names via ${mode})`, () => {
      const bytes = tarBytes(
        [{ name: 'dir/', type: '5' }, { name: 'dir/a.txt', data: enc('hello') }, { name: long, data: enc('x'.repeat(700)) }, { name: 'empty', data: new Uint8Array(0) }],
        mode,
        true,
      );
      const entries = parseTar(bytes, 't.tar');
      expect(entries.map((e) => [e.name, e.type, e.data.length])).toEqual([
        ['dir/', 'dir', 0], ['dir/a.txt', 'file', 5], [long, 'file', 700], ['empty', 'file', 0],
      ]);
      expect(new TextDecoder().decode(entries[1]!.data)).toBe('hello');
    });
  }

  it('rejects corrupt headers and cut-off archives naming the archive and offset', () => {
    const bytes = tarBytes([{ name: 'a', data: enc('abc') }, { name: 'b', data: new Uint8Array(600) }]);
    const corrupt = bytes.slice();
    corrupt[3] = corrupt[3]! ^ 1;
    expect(() => parseTar(corrupt, 't.tar')).toThrow(/t\.tar: tar header at byte 0 has checksum \d+, computed \d+/);
    expect(() => parseTar(bytes.subarray(0, 1700), 't.tar')).toThrow(/t\.tar: tar entry at byte 1024 declares 600 bytes of data, only 164 remain/);
    expect(() => parseTar(bytes.subarray(0, 1100), 't.tar')).toThrow(/ends inside a header at byte 1024 \(76 of 512 bytes\)/);
    expect(parseTar(bytes.subarray(0, 1024), 't.tar').map((e) => e.name)).toEqual(['a']); // ends at a block boundary
  });

  it('fuzz: random bytes and corrupted archives throw only DatasetErrors, never hang', () => {
    const base = tarBytes([{ name: 'x/y.bin', data: new Uint8Array(1000).fill(7) }, { name: long, data: enc('z') }], 'pax', true);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 1, max: 255 })), { maxLength: 8 }), (random, flips) => {
        const mutated = base.slice();
        for (const [at, x] of flips) mutated[at] = mutated[at]! ^ x;
        for (const bytes of [random, mutated]) {
          try {
            for (const e of parseTar(bytes, 'f.tar')) expect(e.data.byteOffset + e.data.length).toBeLessThanOrEqual(bytes.byteOffset + bytes.length);
          } catch (e) {
            expect(e).toBeInstanceOf(DatasetError);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('FileSource', () => {
  it('lists a folder and a tar.gz of it identically', () => {
    const dir = tempDir('src');
    mkdirSync(join(dir, 'train', 'b'), { recursive: true });
    mkdirSync(join(dir, 'train', 'a'), { recursive: true });
    writeFileSync(join(dir, 'train', 'b', '1.bin'), enc('b1'));
    writeFileSync(join(dir, 'train', 'a', '2.bin'), enc('a2'));
    const archive = join(dir, 'x.tar.gz');
    writeFileSync(archive, gzipSync(tarBytes([{ name: './train/b/1.bin', data: enc('b1') }, { name: './train/a/2.bin', data: enc('a2') }])));
    const folder = directorySource(join(dir, 'train'));
    const tar = tarSource(archive);
    expect(tar.paths).toEqual(['train/a/2.bin', 'train/b/1.bin']);
    expect(folder.paths).toEqual(['a/2.bin', 'b/1.bin']);
    expect(new TextDecoder().decode(tar.read('train/b/1.bin'))).toBe('b1');
    expect(tar.display('train/b/1.bin')).toBe(`${archive}:train/b/1.bin`);
    expect(() => tar.read('nope')).toThrow(/has no member nope/);
  });
});
