import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Generator } from '../../src/tensor/random.js';
import { cidentity, cmatrix, maxAbsDiff, unitarityError } from '../../src/photonics/complex-matrix.js';
import { Circuit } from '../../src/photonics/circuit.js';
import { mzi, phaseShifter } from '../../src/photonics/components.js';
import { clementsLayout, clementsMesh, meshUnitary, reckLayout, reckMesh } from '../../src/photonics/mesh.js';

function depth(modes: number, layout: Int32Array): number {
  const last = new Int32Array(modes);
  let d = 0;
  for (const a of layout) {
    const x = Math.max(last[a]!, last[a + 1]!) + 1;
    last[a] = x;
    last[a + 1] = x;
    d = Math.max(d, x);
  }
  return d;
}

describe('Clements and Reck meshes', () => {
  it('have N(N−1)/2 cells, depth N (Clements, N ≥ 3) and 2N−3 (Reck), cells on neighbouring modes', () => {
    for (let n = 2; n <= 16; n++) {
      const c = clementsLayout(n);
      const r = reckLayout(n);
      expect(c.length).toBe((n * (n - 1)) / 2);
      expect(r.length).toBe((n * (n - 1)) / 2);
      expect(depth(n, c)).toBe(n === 2 ? 1 : n); // N = 2 is a single cell
      expect(depth(n, r)).toBe(Math.max(1, 2 * n - 3));
      for (const a of [...c, ...r]) expect(a >= 0 && a + 1 < n).toBe(true);
    }
    expect(Array.from(clementsLayout(4))).toEqual([0, 2, 1, 0, 2, 1]);
    expect(Array.from(reckLayout(4))).toEqual([0, 1, 0, 2, 1, 0]);
  });

  it('are unitary (< 1e-12) for random parameters and equal the Circuit of MZIs and output phases', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.boolean(), fc.nat(1e6), (n, rect, seed) => {
        const gen = new Generator(seed);
        const cells = (n * (n - 1)) / 2;
        const theta = gen.uniformArray(cells, -Math.PI, Math.PI);
        const phi = gen.uniformArray(cells, -Math.PI, Math.PI);
        const out = gen.uniformArray(n, -Math.PI, Math.PI);
        const mesh = rect ? clementsMesh(n, theta, phi, out) : reckMesh(n, theta, phi, out);
        const u = meshUnitary(mesh);
        expect(unitarityError(u)).toBeLessThan(1e-12);
        const circuit = new Circuit(n);
        mesh.blockModes.forEach((a, k) => circuit.add(a, mzi(theta[k]!, phi[k]!)));
        for (let j = 0; j < n; j++) circuit.add(j, phaseShifter(out[j]!));
        expect(maxAbsDiff(u, circuit.unitary())).toBeLessThan(1e-13);
      }),
      { numRuns: 150, seed: 20240501 },
    );
  });

  it('MZI cell T(θ, φ) = [[e^{iφ}cos θ, −sin θ], [e^{iφ}sin θ, cos θ]]', () => {
    const u = meshUnitary(clementsMesh(2, [0.3], [0.7]));
    const ref = cmatrix(2, 2);
    ref.re.set([Math.cos(0.7) * Math.cos(0.3), -Math.sin(0.3), Math.cos(0.7) * Math.sin(0.3), Math.cos(0.3)]);
    ref.im.set([Math.sin(0.7) * Math.cos(0.3), 0, Math.sin(0.7) * Math.sin(0.3), 0]);
    expect(maxAbsDiff(u, ref)).toBeLessThan(1e-16);
    expect(maxAbsDiff(meshUnitary(clementsMesh(3, [0, 0, 0], [0, 0, 0])), cidentity(3))).toBe(0);
  });

  it('rejects wrong parameter counts', () => {
    expect(() => clementsMesh(4, new Float64Array(5), new Float64Array(6))).toThrow(/clementsMesh: theta must have N\(N−1\)\/2 = 6 angles for 4 modes, got 5/);
    expect(() => reckMesh(3, [1, 2, 3], [1, 2])).toThrow(/reckMesh: phi must have N\(N−1\)\/2 = 3 angles for 3 modes, got 2/);
    expect(() => clementsMesh(3, [1, 2, 3], [1, 2, 3], [0])).toThrow(/outputPhases must have 3 entries, got 1/);
    expect(() => clementsLayout(0)).toThrow(/clementsLayout: modes must be a positive integer, got 0/);
  });
});
