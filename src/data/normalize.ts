/**
 * uint8 → float32 with per-channel normalisation, and the channel statistics behind it.
 *
 * Math: x̂[b,c,h,w] = (images[i_b,c,h,w] / 255 − mean[c]) / std[c], computed in float64 and rounded
 * once to float32. Implemented with a 256-entry lookup table per channel (the same values as the
 * formula, one rounding). Layout: NCHW in and out. Cost: O(B·C·H·W) table reads.
 */
import type { Dataset } from './dataset.js';
import { DatasetError } from './errors.js';
import { allocate } from '../tensor/storage.js';

/**
 * The lookup table lut[c·256 + v] = (v/255 − mean[c]) / std[c] as float32.
 * @example normalisationTable([0.5], [0.5])[255] // 1
 */
export function normalizationTable(mean: readonly number[], std: readonly number[]): Float32Array {
  if (mean.length !== std.length || mean.length === 0) {
    throw new DatasetError('bad-argument', `normalisationTable: mean and std need the same non-zero length, got ${mean.length} and ${std.length}`);
  }
  const lut = new Float32Array(mean.length * 256);
  for (let c = 0; c < mean.length; c++) {
    for (let v = 0; v < 256; v++) lut[c * 256 + v] = (v / 255 - mean[c]!) / std[c]!;
  }
  return lut;
}

/**
 * Gathers samples `indices` of a dataset into a new float32 NCHW array, normalised through `lut`
 * (from {@link normalisationTable}; pass the identity-scaling table of mean 0 / std 1 for [0, 1]).
 * @example normaliseBatch(mnist, Int32Array.of(0, 1), normalisationTable(mnist.mean, mnist.std)).length // 2·784
 */
export function normalizeBatch(d: Dataset, indices: ArrayLike<number>, lut: Float32Array): Float32Array {
  const plane = d.height * d.width;
  const sample = d.channels * plane;
  const out = allocate('float32', indices.length * sample); // pooled: dispose(batch.images) returns it
  const { images } = d;
  for (let b = 0; b < indices.length; b++) {
    const src = indices[b]! * sample;
    const dst = b * sample;
    for (let c = 0; c < d.channels; c++) {
      const base = c * 256;
      const off = c * plane;
      for (let p = 0; p < plane; p++) out[dst + off + p] = lut[base + images[src + off + p]!]!;
    }
  }
  return out;
}

/**
 * Per-channel mean and (population) standard deviation of the pixels scaled to [0, 1], over the
 * samples `indices` (default all), as in the datasets README. Accumulates exact integer sums of v
 * and v² per channel (below 2^53 for any dataset that fits in memory), so the result does not depend
 * on summation order. Cost: O(N·C·H·W).
 * @example channelStats(mnistTrain).mean[0] // ≈ 0.1307
 */
export function channelStats(d: Dataset, indices?: ArrayLike<number>): { mean: number[]; std: number[] } {
  const plane = d.height * d.width;
  const sample = d.channels * plane;
  const n = indices === undefined ? d.count : indices.length;
  const sums = new Float64Array(d.channels);
  const squares = new Float64Array(d.channels);
  for (let k = 0; k < n; k++) {
    const src = (indices === undefined ? k : indices[k]!) * sample;
    for (let c = 0; c < d.channels; c++) {
      let s = 0, q = 0; // per-sample partial sums: ≤ 255²·plane, exact
      const off = src + c * plane;
      for (let p = 0; p < plane; p++) {
        const v = d.images[off + p]!;
        s += v;
        q += v * v;
      }
      sums[c]! += s;
      squares[c]! += q;
    }
  }
  const count = n * plane;
  const mean: number[] = [];
  const std: number[] = [];
  for (let c = 0; c < d.channels; c++) {
    const m = sums[c]! / count;
    mean.push(m / 255);
    std.push(Math.sqrt(Math.max(0, squares[c]! / count - m * m)) / 255);
  }
  return { mean, std };
}
