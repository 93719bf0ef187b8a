import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { elementRanges } from '../../../src/tensor/parallel/element-ranges.js';
import { getNumThreads, setNumThreads } from '../../../src/tensor/parallel/threads.js';

describe('elementRanges', () => {
  const initial = getNumThreads();
  afterEach(() => setNumThreads(initial));

  it('covers [0, n) in order without gaps, every boundary a multiple of 16, at most one range per thread', () => {
    fc.assert(fc.property(fc.nat({ max: 100_000 }), fc.integer({ min: 1, max: 8 }), (n, threads) => {
      setNumThreads(threads);
      const ranges = elementRanges(n);
      expect(ranges.length).toBeGreaterThanOrEqual(1);
      expect(ranges.length).toBeLessThanOrEqual(threads);
      expect(ranges[0]![0]).toBe(0);
      expect(ranges.at(-1)![1]).toBe(n);
      for (let i = 1; i < ranges.length; i++) {
        expect(ranges[i]![0]).toBe(ranges[i - 1]![1]);
        expect(ranges[i]![0] % 16).toBe(0);
        expect(ranges[i]![0]).toBeGreaterThan(ranges[i - 1]![0]); // no empty range before the last
      }
      // near-equal: no range exceeds the even share by more than one block of 16
      for (const [a, b] of ranges) expect(b - a).toBeLessThanOrEqual(Math.ceil(n / ranges.length) + 16);
    }));
  });

  it('splits only when each thread gets at least 16 elements', () => {
    setNumThreads(2);
    expect(elementRanges(31)).toEqual([[0, 31]]);
    expect(elementRanges(32)).toEqual([[0, 16], [16, 32]]);
    expect(elementRanges(100)).toEqual([[0, 48], [48, 100]]);
  });
});
