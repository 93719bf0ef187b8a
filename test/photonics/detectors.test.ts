import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Generator } from '../../src/tensor/random.js';
import { Detector, applyDetection, detectorMatrix, type DetectionConfig } from '../../src/photonics/detectors.js';
import { tvd, tvdBound } from '../reference/photonics-naive.js';

/** Brute force pseudo-PNR law: every assignment of n photons to w wires, count wires hit. */
function pseudoPnrBruteForce(n: number, w: number): number[] {
  const out = new Array<number>(n + 1).fill(0);
  const total = w ** n;
  for (let code = 0; code < total; code++) {
    let hit = 0;
    let c = code;
    for (let i = 0; i < n; i++) {
      hit |= 1 << c % w;
      c = Math.floor(c / w);
    }
    let k = 0;
    for (let b = 0; b < w; b++) k += (hit >> b) & 1;
    out[k]! += 1 / total;
  }
  return out;
}

describe('detectorMatrix', () => {
  it('is column-stochastic for random configs', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<DetectionConfig['resolution']>('pnr', 'threshold', 'pseudo-pnr'),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 6 }),
        (resolution, efficiency, darkCount, wires) => {
          const config: DetectionConfig =
            resolution === 'pseudo-pnr' ? { resolution, efficiency, darkCount, wires } : { resolution, efficiency, darkCount };
          const N = 5;
          const C = detectorMatrix(config, N);
          for (let n = 0; n <= N; n++) {
            let sum = 0;
            for (let k = 0; k <= N + 1; k++) {
              expect(C[k * (N + 1) + n]!).toBeGreaterThanOrEqual(0);
              sum += C[k * (N + 1) + n]!;
            }
            expect(Math.abs(sum - 1)).toBeLessThan(1e-12);
          }
        },
      ),
      { numRuns: 200, seed: 20240501 },
    );
  });

  it('threshold with efficiency and dark counts: P(no click | n) = (1 − d)(1 − η)^n', () => {
    const eta = 0.7;
    const d = 0.05;
    const C = detectorMatrix({ resolution: 'threshold', efficiency: eta, darkCount: d }, 6);
    for (let n = 0; n <= 6; n++) expect(Math.abs(C[n]! - (1 - d) * (1 - eta) ** n)).toBeLessThan(1e-15);
  });

  it('ideal PNR is the identity; pseudo-PNR equals brute-force wire assignment', () => {
    const I = detectorMatrix({ resolution: 'pnr' }, 4);
    for (let k = 0; k <= 5; k++) for (let n = 0; n <= 4; n++) expect(I[k * 5 + n]).toBe(k === n ? 1 : 0);
    for (const w of [1, 2, 3, 4]) {
      const C = detectorMatrix({ resolution: 'pseudo-pnr', wires: w }, 5);
      for (let n = 0; n <= 5; n++) {
        const brute = pseudoPnrBruteForce(n, w);
        for (let k = 0; k <= n; k++) expect(Math.abs(C[k * 6 + n]! - brute[k]!)).toBeLessThan(1e-14);
      }
    }
  });
});

describe('sampled detection follows the matrix', () => {
  const S = 100_000;
  const configs: DetectionConfig[] = [
    { resolution: 'pnr', efficiency: 0.6, darkCount: 0.1 },
    { resolution: 'threshold', efficiency: 0.8, darkCount: 0.02 },
    { resolution: 'pseudo-pnr', wires: 3, efficiency: 0.9, darkCount: 0.05 },
  ];
  for (const config of configs) {
    it(`${config.resolution}: counts of a 4-photon mode`, () => {
      const n = 4;
      const occ = new Int32Array(S).fill(n);
      const out = applyDetection(occ, 1, config, new Generator(81));
      const emp = new Map<string, number>();
      for (let s = 0; s < S; s++) emp.set(String(out[s]), (emp.get(String(out[s])) ?? 0) + 1 / S);
      const C = detectorMatrix(config, n);
      const exact = new Map<string, number>();
      for (let k = 0; k <= n + 1; k++) if (C[k * (n + 1) + n]! > 0) exact.set(String(k), C[k * (n + 1) + n]!);
      expect(tvd(emp, exact)).toBeLessThan(tvdBound(exact, S));
    });
  }

  it('per-mode efficiencies act on their own modes; input is untouched unless out === input', () => {
    const occ = Int32Array.from([3, 3, 3, 3]);
    const out = applyDetection(occ, 2, { resolution: 'pnr', efficiency: [1, 0] }, new Generator(1));
    expect(Array.from(out)).toEqual([3, 0, 3, 0]);
    expect(Array.from(occ)).toEqual([3, 3, 3, 3]);
    applyDetection(occ, 2, { resolution: 'threshold' }, new Generator(1), occ);
    expect(Array.from(occ)).toEqual([1, 1, 1, 1]);
  });

  it('is deterministic for a seed', () => {
    const occ = new Int32Array(64).fill(2);
    const cfg: DetectionConfig = { resolution: 'pseudo-pnr', wires: 4, efficiency: 0.5, darkCount: 0.1 };
    const a = applyDetection(occ, 8, cfg, new Generator(5));
    const b = applyDetection(occ, 8, cfg, new Generator(5));
    expect(Array.from(a)).toEqual(Array.from(b));
  });
});

describe('bad configs', () => {
  it('names the argument, the expectation and the value', () => {
    expect(() => new Detector({ resolution: 'threshold', efficiency: 1.5 }, 2)).toThrow(/efficiency must be in \[0, 1\], got 1.5/);
    expect(() => new Detector({ resolution: 'pnr', darkCount: [0, 0, 0] }, 2)).toThrow(/one entry per mode \(2\), got 3/);
    expect(() => new Detector({ resolution: 'pseudo-pnr' }, 2)).toThrow(/needs an integer wires in \[1, 32\], got undefined/);
    expect(() => new Detector({ resolution: 'pnr', wires: 2 }, 2)).toThrow(/wires applies only to resolution 'pseudo-pnr'/);
    expect(() => new Detector({ resolution: 'bogus' as 'pnr' }, 2)).toThrow(/resolution must be 'pnr', 'threshold' or 'pseudo-pnr', got bogus/);
    expect(() => applyDetection(new Int32Array(5), 2, { resolution: 'pnr' }, new Generator(1))).toThrow(/length 5 is not a multiple of modes 2/);
  });
});
