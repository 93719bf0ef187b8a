import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { augmentBatch, CIFAR_AUGMENT } from '../../src/data/augment.js';
import { DataLoader } from '../../src/data/loader.js';
import { normalizationTable, normalizeBatch } from '../../src/data/normalize.js';
import { Generator } from '../../src/tensor/random.js';
import { toyDataset } from './fixtures.js';

const labels = Array.from({ length: 23 }, (_, i) => i % 3);
const toy = toyDataset(labels, [2, 3, 4], 3, (n, i) => n * 24 + i);

function collect(loader: DataLoader, epoch: number): number[] {
  return [...loader.batches(epoch)].flatMap((b) => [...b.indices]);
}

describe('DataLoader', () => {
  it('without shuffling visits every sample once in order; last batch short unless dropLast', () => {
    const loader = new DataLoader(toy, { batchSize: 5 });
    const batches = [...loader];
    expect(batches.map((b) => b.indices.length)).toEqual([5, 5, 5, 5, 3]);
    expect(batches.flatMap((b) => [...b.indices])).toEqual(labels.map((_, i) => i));
    expect(loader.length).toBe(5);
    const dropping = new DataLoader(toy, { batchSize: 5, dropLast: true });
    expect([...dropping].map((b) => b.indices.length)).toEqual([5, 5, 5, 5]);
  });

  it('batches are float32 [B,C,H,W] normalised per channel and int32 labels', () => {
    const b = new DataLoader(toy, { batchSize: 4, indices: [7, 2] }).batch(0, 0);
    expect(b.images.shape).toEqual([2, 2, 3, 4]);
    expect(b.images.dtype).toBe('float32');
    expect(b.labels.dtype).toBe('int32');
    expect([...(b.labels.data as Int32Array)]).toEqual([1, 2]);
    const x = b.images.data as Float32Array;
    for (let k = 0; k < 2; k++) {
      for (let i = 0; i < 24; i++) {
        const v = toy.images[[7, 2][k]! * 24 + i]!;
        const c = Math.floor(i / 12);
        expect(x[k * 24 + i]).toBe(Math.fround((v / 255 - toy.mean[c]!) / toy.std[c]!));
      }
    }
    const raw = new DataLoader(toy, { batchSize: 1, normalize: false }).batch(0, 0).images.data as Float32Array;
    expect(raw[5]).toBe(Math.fround(5 / 255));
  });

  it('shuffling: same seed → same order, each epoch a permutation, epochs differ, resumable', () => {
    const make = (seed: number) => new DataLoader(toy, { batchSize: 4, shuffle: true, generator: new Generator(seed) });
    const a = make(42);
    const b = make(42);
    const e0 = collect(a, 0);
    expect(collect(b, 0)).toEqual(e0);
    expect([...e0].sort((p, q) => p - q)).toEqual(labels.map((_, i) => i));
    expect(collect(a, 1)).not.toEqual(e0);
    expect(collect(make(43), 0)).not.toEqual(e0);
    // for…of advances the epoch; an explicit epoch reproduces it; a resume from batch 3 matches
    const first = [...a].flatMap((x) => [...x.indices]);
    const second = [...a].flatMap((x) => [...x.indices]);
    expect([first, second]).toEqual([collect(b, 0), collect(b, 1)]);
    const resumed = [...b.batches(1, 3)].flatMap((x) => [...x.indices]);
    expect(resumed).toEqual(second.slice(12));
    // the generator passed in is only forked, never advanced
    const g = new Generator(5);
    const before = g.getState();
    collect(new DataLoader(toy, { batchSize: 4, shuffle: true, generator: g }), 0);
    expect(g.getState()).toEqual(before);
  });

  it('shuffles the given indices (a split or subset) and nothing else', () => {
    const loader = new DataLoader(toy, { batchSize: 3, shuffle: true, generator: new Generator(1), indices: [20, 3, 9, 11] });
    expect(collect(loader, 4).sort((p, q) => p - q)).toEqual([3, 9, 11, 20]);
    expect(loader.size).toBe(4);
  });

  it('augmentation is deterministic per (seed, epoch, batch) and matches the naive crop+flip', () => {
    const opts = { batchSize: 6, shuffle: true, augment: true, generator: new Generator(9) } as const;
    const a = new DataLoader(toy, opts).batch(2, 1);
    const b = new DataLoader(toy, { ...opts, generator: new Generator(9) }).batch(2, 1);
    expect([...(a.images.data as Float32Array)]).toEqual([...(b.images.data as Float32Array)]);
    const c = new DataLoader(toy, opts).batch(3, 1);
    expect([...(a.images.data as Float32Array)]).not.toEqual([...(c.images.data as Float32Array)]);
  });

  it('rejects bad options by name', () => {
    expect(() => new DataLoader(toy, { batchSize: 0 })).toThrow(/DataLoader: batchSize must be a positive integer, got 0/);
    expect(() => new DataLoader(toy, { batchSize: 2, shuffle: true })).toThrow(/pass options\.generator/);
    expect(() => new DataLoader(toy, { batchSize: 2, indices: [0, 23] })).toThrow(/entry 1 is 23, expected an integer in \[0, 23\)/);
    expect(() => new DataLoader(toy, { batchSize: 2 }).batch(0, 12)).toThrow(/batch must be an integer in \[0, 12\), got 12/);
    expect(() => new DataLoader(toy, { batchSize: 2, augment: { padding: -1 }, generator: new Generator(0) })).toThrow(/padding must be a non-negative integer/);
  });
});

describe('augmentBatch against a naive reference', () => {
  /** Pad with zeros by p, crop at (dy, dx), then flip: the torchvision recipe written literally. */
  function naive(image: Uint8Array, C: number, H: number, W: number, p: number, dy: number, dx: number, flip: boolean): number[] {
    const out: number[] = [];
    for (let c = 0; c < C; c++) {
      const padded = (y: number, x: number): number => (y < p || y >= H + p || x < p || x >= W + p ? 0 : image[c * H * W + (y - p) * W + (x - p)]!);
      const crop = (h: number, w: number): number => padded(h + dy, w + dx);
      for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) out.push(crop(h, flip ? W - 1 - w : w));
    }
    return out;
  }

  it('equals pad → crop → flip → normalise with the draws documented in augment.ts', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 3 }), fc.boolean(), fc.nat(1000), (C, H, W, p, flip, seed) => {
        const d = toyDataset([0, 1], [C, H, W], 2, (n, i) => 1 + n * 50 + i * 7);
        const lut = normalizationTable(d.mean, d.std);
        const got = augmentBatch(d, [1, 0], lut, new Generator(seed), { padding: p, flip });
        const g = new Generator(seed);
        const size = C * H * W;
        [1, 0].forEach((idx, k) => {
          const dy = p > 0 ? g.integers(0, 2 * p + 1) : 0;
          const dx = p > 0 ? g.integers(0, 2 * p + 1) : 0;
          const f = flip && g.uniform() < 0.5;
          const want = naive(d.images.subarray(idx * size, (idx + 1) * size), C, H, W, p, dy, dx, f);
          const plane = H * W;
          expect([...got.subarray(k * size, (k + 1) * size)]).toEqual(want.map((v, i) => lut[Math.floor(i / plane) * 256 + v]));
        });
      }),
      { numRuns: 300 },
    );
  });

  it('with padding 0 and no flip it is plain normalisation; CIFAR recipe is pad 4 + flip', () => {
    const lut = normalizationTable(toy.mean, toy.std);
    expect([...augmentBatch(toy, [4, 1], lut, new Generator(0), { padding: 0, flip: false })]).toEqual([...normalizeBatch(toy, [4, 1], lut)]);
    expect(CIFAR_AUGMENT).toEqual({ padding: 4, flip: true });
  });
});
