import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import jpeg from 'jpeg-js';
import { describe, expect, it, afterAll } from 'vitest';
import { decodeImage } from '../../src/data/image.js';
import { readImageFolder } from '../../src/data/image-folder.js';
import { directorySource, tarSource } from '../../src/data/source.js';
import { pngBytes, tarBytes, tempDir, removeTempDirs } from './fixtures.js';

afterAll(removeTempDirs);

/** A w×h RGB PNG whose pixel (x, y) is (seed + x, seed + y, seed + x + y). */
function png(seed: number, w = 4, h = 3): Uint8Array {
  const samples: number[] = [];
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) samples.push((seed + x) % 256, (seed + y) % 256, (seed + x + y) % 256);
  return pngBytes({ width: w, height: h, colorType: 2, depth: 8, interlace: 0, filters: [0, 1, 2, 3, 4], samples });
}

function jpg(seed: number): Uint8Array {
  const data = new Uint8Array(4 * 3 * 4).map((_, i) => (seed * 11 + i * 5) % 256);
  return new Uint8Array(jpeg.encode({ width: 4, height: 3, data }, 90).data);
}

function writeTree(root: string, files: Record<string, Uint8Array>): void {
  for (const [path, data] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), data);
  }
}

describe('readImageFolder', () => {
  const files: Record<string, Uint8Array> = {
    'train/zebra/b.png': png(1),
    'train/zebra/a.png': png(2),
    'train/ant/x.jpg': jpg(3),
    'train/ant/notes.txt': new TextEncoder().encode('ignored'),
    'train/ant/.hidden.png': new Uint8Array(3),
    'test/ant/y.png': png(4),
  };
  const dir = tempDir('folder');
  writeTree(join(dir, 'tree'), files);
  const archive = join(dir, 'tree.tar.gz');
  writeFileSync(archive, gzipSync(tarBytes(Object.entries(files).map(([name, data]) => ({ name: `top/${name}`, data })))));

  it('sorts classes and files by name, decodes to NCHW, and reads a folder and a tar.gz alike', () => {
    for (const source of [directorySource(join(dir, 'tree')), tarSource(archive)]) {
      const d = readImageFolder(source, { split: 'train' });
      expect(d.classes).toEqual(['ant', 'zebra']);
      expect([d.count, d.channels, d.height, d.width]).toEqual([3, 3, 3, 4]);
      expect([...d.labels]).toEqual([0, 1, 1]);
      // sample 1 is zebra/a.png (seed 2): blue plane at (x=3, y=2) is 2 + 3 + 2
      expect(d.images[1 * 36 + 2 * 12 + 2 * 4 + 3]).toBe(7);
      const ant = decodeImage(jpg(3), 'x.jpg');
      expect(d.images[0 * 36 + 12 + 5]).toBe(ant.rgba[4 * 5 + 1]); // green plane, pixel 5
    }
    expect(readImageFolder(tarSource(archive), { split: 'test', channels: 1 }).images[0]).toBe(Math.round((299 * 4 + 587 * 4 + 114 * 4) / 1000));
  });

  it('an image of the wrong size names the file and both sizes', () => {
    const bad = tempDir('folder-size');
    writeTree(bad, { 'train/a/1.png': png(0), 'train/a/2.png': png(0, 5, 3) });
    expect(() => readImageFolder(directorySource(bad), { split: 'train' })).toThrow(/a[\\/]2\.png: image is 5x3, expected 4x3 like the rest of the dataset/);
    expect(() => readImageFolder(directorySource(bad), { split: 'train', height: 32, width: 32 })).toThrow(/1\.png: image is 4x3, expected 32x32/);
  });

  it('an undecodable image names the file; a missing split says what layout is expected', () => {
    const bad = tempDir('folder-bad');
    writeTree(bad, { 'train/a/1.png': png(0), 'train/b/2.jpg': jpg(1).subarray(0, 30) });
    expect(() => readImageFolder(directorySource(bad), { split: 'train' })).toThrow(/b[\\/]2\.jpg: undecodable JPEG/);
    expect(() => readImageFolder(directorySource(bad), { split: 'test' })).toThrow(/no images for split 'test' \(expected test\/<class>\/\*\.jpg\|jpeg\|png\)/);
    expect(readFileSync(join(bad, 'train/a/1.png')).length).toBeGreaterThan(0);
  });
});
