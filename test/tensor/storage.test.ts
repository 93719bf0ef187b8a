// Storage.replaceArray: a storage moves onto another array of its kind and length (data-parallel
// replicas share their parameters this way); anything else is refused and changes nothing.
import { describe, expect, it } from 'vitest';
import { Storage } from '../../src/tensor/storage.js';

describe('Storage.replaceArray', () => {
  it('uses the new array from then on and counts as an in-place write', () => {
    const s = new Storage(new Float32Array([1, 2, 3]));
    const shared = new Float32Array(new SharedArrayBuffer(12));
    shared.set([4, 5, 6]);
    s.replaceArray(shared);
    expect(s.data).toBe(shared);
    expect(s.version).toBe(1);
    s.replaceArray(shared); // the same array: nothing to do
    expect(s.version).toBe(1);
  });

  it('refuses another kind or length, naming both, and keeps its array', () => {
    const own = new Float32Array(3);
    const s = new Storage(own);
    expect(() => s.replaceArray(new Float64Array(3))).toThrow('Storage.replaceArray: expected a Float32Array of 3 elements, got Float64Array of 3');
    expect(() => s.replaceArray(new Float32Array(4))).toThrow('Storage.replaceArray: expected a Float32Array of 3 elements, got Float32Array of 4');
    expect(s.data).toBe(own);
    expect(s.version).toBe(0);
  });
});
