// Per-splitter (non-uniform) loss through the ancilla embedding.
import fc from 'fast-check';
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
    for (const convention of ['ptseries', 'perceval-rx', 'sf'] as const) {
      const lossless = lossyTbi({ modes: 6, loopLengths: [1, 2], splitterLoss: 0, convention }).unitary(theta);
      const u = tbi({ modes: 6, loopLengths: [1, 2], convention }).unitary(theta);
      for (let i = 0; i < lossless.rows; i++) for (let j = 0; j < lossless.cols; j++) {
        // Detected block = the lossless circuit (real and imaginary parts); ancillas untouched (identity).
        const [re, im] = i < 6 && j < 6 ? [u.re[i * 6 + j]!, u.im[i * 6 + j]!] : [i === j ? 1 : 0, 0];
        expect(Math.abs(lossless.re[i * lossless.cols + j]! - re)).toBeLessThan(1e-15);
        expect(Math.abs(lossless.im[i * lossless.cols + j]! - im)).toBeLessThan(1e-15);
      }
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

describe('lossy time-bin interferometer: the transmission physics, in full complex amplitudes', () => {
  /**
   * The detected M×M block written the obvious way (test-only): A ← I; for every splitter c on (a, b),
   * rows a and b of A are mixed by the Perceval Rx block [[cos θ/2, i sin θ/2], [i sin θ/2, cos θ/2]]
   * (its formula typed in here, not taken from src) and then both multiplied by the amplitude
   * transmission √(1 − l_c), so a photon passing a splitter survives with probability 1 − l_c.
   */
  function detectedBlock(m: number, pairs: Int32Array, theta: ArrayLike<number>, losses: ArrayLike<number>): { re: Float64Array; im: Float64Array } {
    const re = new Float64Array(m * m), im = new Float64Array(m * m);
    for (let i = 0; i < m; i++) re[i * m + i] = 1;
    for (let c = 0; c < theta.length; c++) {
      const a = pairs[2 * c]!, b = pairs[2 * c + 1]!;
      const cs = Math.cos(theta[c]! / 2), sn = Math.sin(theta[c]! / 2), t = Math.sqrt(1 - losses[c]!);
      for (let j = 0; j < m; j++) {
        const [ar, ai, br, bi] = [re[a * m + j]!, im[a * m + j]!, re[b * m + j]!, im[b * m + j]!];
        // new_a = cs·a + i·sn·b ; new_b = i·sn·a + cs·b ; then both · t
        re[a * m + j] = t * (cs * ar - sn * bi); im[a * m + j] = t * (cs * ai + sn * br);
        re[b * m + j] = t * (cs * br - sn * ai); im[b * m + j] = t * (cs * bi + sn * ar);
      }
    }
    return { re, im };
  }

  it('the detected block of the embedding equals the product of splitters and √(1 − l) transmissions, real and imaginary parts', () => {
    fc.assert(fc.property(fc.integer({ min: 2, max: 7 }), fc.nat(), (m, seed) => {
      const gen = new Generator(seed);
      const loops = m > 3 ? [1, 3] : [1];
      const n = tbi({ modes: m, loopLengths: loops }).nParams;
      const losses = gen.uniformArray(n, 0, 1);
      const lossy = lossyTbi({ modes: m, loopLengths: loops, splitterLoss: losses, convention: 'perceval-rx' });
      const theta = gen.uniformArray(n, -Math.PI, Math.PI);
      const u = lossy.unitary(theta);
      const expected = detectedBlock(m, lossy.circuit.pairs, theta, losses);
      for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) {
        expect(Math.abs(u.re[i * u.cols + j]! - expected.re[i * m + j]!), `Re U[${i},${j}]`).toBeLessThan(1e-13);
        expect(Math.abs(u.im[i * u.cols + j]! - expected.im[i * m + j]!), `Im U[${i},${j}]`).toBeLessThan(1e-13);
      }
      expect(lossy.totalModes).toBe(m + 2 * n);
    }), { numRuns: 40, seed: 77 });
  });

  it('one lossy splitter: a single photon survives with probability 1 − l, two photons give mean 2(1 − l) detected', () => {
    for (const l of [0, 0.1, 0.37, 0.5, 0.9, 1]) {
      for (const theta of [0.3, Math.PI / 4, 1.1]) {
        const lossy = lossyTbi({ modes: 2, loopLengths: [1], splitterLoss: l });
        const u = lossy.unitary([theta]);
        let survive = 0;
        for (let i = 0; i < 2; i++) survive += u.re[i * u.cols]! ** 2 + u.im[i * u.cols]! ** 2;
        expect(Math.abs(survive - (1 - l)), `survival at l = ${l}`).toBeLessThan(1e-14);
        const means = meanCounts(u, [1, 1, 0, 0]);
        expect(Math.abs(means[0]! + means[1]! - 2 * (1 - l)), `mean detected at l = ${l}`).toBeLessThan(1e-13);
      }
    }
  });

  it('uniform loss on a single loop: a photon in the last mode survives with 1 − l; from mode 0 the closed form over its paths', () => {
    // Loop [1] on M modes: splitters (0,1), (1,2), …, (M−2, M−1) in order. A photon entering mode M−1 meets
    // only the last splitter: survival exactly 1 − l. A photon entering mode 0 meets splitter 0; after
    // splitter c it is in mode c (probability ½, and no later splitter touches mode c) or in mode c+1
    // (½, on to splitter c+1); every splitter passed keeps it with probability 1 − l. With θ = π/4:
    // P(survive) = Σ_{c<M−1} ((1−l)/2)^{c+1} + ((1−l)/2)^{M−1}.
    const m = 6, l = 0.23;
    const lossy = lossyTbi({ modes: m, loopLengths: [1], splitterLoss: l });
    const u = lossy.unitary(new Float64Array(m - 1).fill(Math.PI / 4));
    const survival = (j: number): number => {
      let s = 0;
      for (let i = 0; i < m; i++) s += u.re[i * u.cols + j]! ** 2 + u.im[i * u.cols + j]! ** 2;
      return s;
    };
    expect(Math.abs(survival(m - 1) - (1 - l))).toBeLessThan(1e-14);
    let closed = ((1 - l) / 2) ** (m - 1);
    for (let c = 0; c < m - 1; c++) closed += ((1 - l) / 2) ** (c + 1);
    expect(Math.abs(survival(0) - closed)).toBeLessThan(1e-14);
  });
});
