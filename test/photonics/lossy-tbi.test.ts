// Per-splitter (non-uniform) loss through the ancilla embedding.
import { describe, expect, it } from 'vitest';
import { unitarityError } from '../../src/photonics/complex-matrix.js';
import { lossyTbi, sampleLossyTbiClicks } from '../../src/photonics/lossy-tbi.js';
import { meanCounts } from '../../src/photonics/observables.js';
import { tbi } from '../../src/photonics/tbi.js';
import { CliffordSampler } from '../../src/photonics/clifford.js';
import { sampleOccupations } from '../../src/photonics/sampling.js';
import { Generator } from '../../src/tensor/random.js';

const input = [1, 0, 1, 0, 1, 0];

describe('lossy time-bin interferometer', () => {
  const theta = new Generator(3).uniformArray(9, -Math.PI, Math.PI);
  const losses = Float64Array.from({ length: 9 }, (_, c) => 0.02 * (c + 1));
  const lossy = lossyTbi({ modes: 6, loopLengths: [1, 2], splitterLoss: losses });

  it('is unitary on the embedding and equals the lossless circuit at zero loss', () => {
    expect(unitarityError(lossy.unitary(theta))).toBeLessThan(1e-12);
    const lossless = lossyTbi({ modes: 6, loopLengths: [1, 2], splitterLoss: 0 }).unitary(theta);
    const u = tbi({ modes: 6, loopLengths: [1, 2] }).unitary(theta);
    for (let i = 0; i < 6; i++) for (let j = 0; j < 6; j++) {
      expect(Math.abs(lossless.re[i * lossless.cols + j]! - u.re[i * 6 + j]!)).toBeLessThan(1e-15);
    }
  });

  it('sampled photon numbers in the detected modes match the exact means of the embedding', () => {
    const U = lossy.unitary(theta);
    const padded = [...input, ...new Array(lossy.totalModes - 6).fill(0)];
    const exact = meanCounts(U, padded);
    const shots = 20_000;
    const occ = sampleOccupations(new CliffordSampler(U, padded), shots, new Generator(9));
    for (let j = 0; j < 6; j++) {
      let s = 0;
      let s2 = 0;
      for (let k = 0; k < shots; k++) {
        const v = occ[k * lossy.totalModes + j]!;
        s += v;
        s2 += v * v;
      }
      const mean = s / shots;
      const sd = Math.sqrt(Math.max(s2 / shots - mean * mean, 1e-12) / shots);
      expect(Math.abs(mean - exact[j]!)).toBeLessThan(5 * sd + 1e-12);
    }
    // Loss removes photons: fewer than 3 are detected on average, and exactly what the embedding says.
    const detected = Array.from(exact.subarray(0, 6)).reduce((a, b) => a + b, 0);
    expect(detected).toBeLessThan(3);
    expect(detected).toBeGreaterThan(3 * (1 - 0.18) ** 4);
  });

  it('gives click masks of the detected modes only, and rejects bad loss values', () => {
    const masks = sampleLossyTbiClicks(lossy, theta, input, 500, new Generator(1));
    expect(Array.from(masks).every((m) => m < 64)).toBe(true);
    expect(() => lossyTbi({ modes: 6, loopLengths: [1, 2], splitterLoss: 1.5 })).toThrow(/splitterLoss\[0\] must be in \[0, 1\], got 1.5/);
    expect(() => lossyTbi({ modes: 6, loopLengths: [1, 2], splitterLoss: [0.1, 0.2] })).toThrow(/one number or 9 numbers/);
  });
});
