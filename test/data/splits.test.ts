import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classCounts } from '../../src/data/dataset.js';
import { subsetBalanced, subsetFirst, trainValSplit } from '../../src/data/splits.js';
import { toyDataset } from './fixtures.js';

const sortedCopy = (a: ArrayLike<number>): number[] => Array.from(a).sort((p, q) => p - q);

describe('trainValSplit', () => {
  it('is a deterministic, disjoint, class-stratified partition (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 200 }), fc.nat(), fc.nat(1000), (labels, valPick, seed) => {
        const d = toyDataset(labels, [1, 1, 1], 5, (n) => n);
        const valSize = valPick % (labels.length + 1);
        const a = trainValSplit(d, { valSize, seed });
        expect(trainValSplit(d, { valSize, seed })).toEqual(a);
        expect(a.val.length).toBe(valSize);
        expect(sortedCopy([...a.train, ...a.val])).toEqual(labels.map((_, i) => i));
        expect([...a.val]).toEqual(sortedCopy(a.val));
        // stratified: each class gets floor or ceil of its proportional share
        const counts = classCounts(d);
        classCounts(d, a.val).forEach((v, k) => {
          const share = (valSize * counts[k]!) / labels.length;
          expect(v).toBeGreaterThanOrEqual(Math.floor(share));
          expect(v).toBeLessThanOrEqual(Math.ceil(share));
        });
      }),
      { numRuns: 300 },
    );
  });

  it('different seeds choose different validation samples; bad arguments are named', () => {
    const d = toyDataset(Array.from({ length: 100 }, (_, i) => i % 4), [1, 1, 1], 4, (n) => n);
    expect([...trainValSplit(d, { valSize: 20, seed: 1 }).val]).not.toEqual([...trainValSplit(d, { valSize: 20, seed: 2 }).val]);
    expect(classCounts(d, trainValSplit(d, { valSize: 20, seed: 1 }).val)).toEqual([5, 5, 5, 5]);
    expect(() => trainValSplit(d, { valSize: 101, seed: 0 })).toThrow(/trainValSplit: valSize must be an integer in \[0, 100\], got 101/);
    expect(() => trainValSplit(d, { valSize: 5, seed: -1 })).toThrow(/seed must be a non-negative safe integer/);
  });
});

describe('subsets', () => {
  const d = toyDataset(Array.from({ length: 50 }, (_, i) => (i * 7) % 5), [1, 1, 1], 5, (n) => n);

  it('subsetFirst takes the first n (of the dataset or of given indices)', () => {
    expect([...subsetFirst(d, 3)]).toEqual([0, 1, 2]);
    expect([...subsetFirst(d, 2, [9, 4, 1])]).toEqual([9, 4]);
    expect(() => subsetFirst(d, 51)).toThrow(/n must be an integer in \[0, 50\]/);
  });

  it('subsetBalanced takes perClass of every class, seeded, optionally within a split', () => {
    const s = subsetBalanced(d, { perClass: 4, seed: 3 });
    expect(classCounts(d, s)).toEqual([4, 4, 4, 4, 4]);
    expect([...subsetBalanced(d, { perClass: 4, seed: 3 })]).toEqual([...s]);
    expect([...subsetBalanced(d, { perClass: 4, seed: 4 })]).not.toEqual([...s]);
    const within = Array.from({ length: 25 }, (_, i) => i * 2);
    const t = subsetBalanced(d, { perClass: 2, seed: 0, from: within });
    expect([...t].every((i) => i % 2 === 0)).toBe(true);
    expect(() => subsetBalanced(d, { perClass: 11, seed: 0 })).toThrow(/class 0 \(c0\) has 10 samples, fewer than perClass = 11/);
  });
});
