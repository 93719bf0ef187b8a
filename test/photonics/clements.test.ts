import { describe, expect, it } from 'vitest';
import { Generator } from '../../src/tensor/random.js';
import { cidentity, cmatrixFrom, maxAbsDiff } from '../../src/photonics/complex-matrix.js';
import { permutation } from '../../src/photonics/components.js';
import { clementsDecompose } from '../../src/photonics/clements.js';
import { clementsLayout, clementsMesh, meshUnitary } from '../../src/photonics/mesh.js';
import { haarOrthogonal, haarUnitary } from '../../src/photonics/random-unitary.js';

describe('clementsDecompose', () => {
  it('reconstructs Haar unitaries for m = 1 … 16 to < 1e-10 (measured ≈ 1e-15), in the rectangular layout', () => {
    let worst = 0;
    for (let m = 1; m <= 16; m++) {
      for (let rep = 0; rep < 3; rep++) {
        const u = haarUnitary(m, new Generator(100 * m + rep));
        const mesh = clementsDecompose(u);
        expect(Array.from(mesh.blockModes)).toEqual(Array.from(clementsLayout(m)));
        const err = maxAbsDiff(meshUnitary(mesh), u);
        worst = Math.max(worst, err);
        // the angles feed clementsMesh directly
        expect(maxAbsDiff(meshUnitary(clementsMesh(m, mesh.theta, mesh.phi, mesh.outputPhases)), u)).toBe(err);
      }
    }
    expect(worst).toBeLessThan(1e-10);
    expect(worst).toBeLessThan(1e-13); // float64 headroom actually achieved
  });

  it('handles the edge cases: identity, permutations (zeros to null, zero divisors), real orthogonal', () => {
    const cases = [cidentity(5), permutation([3, 0, 4, 1, 2]).matrix, permutation([4, 3, 2, 1, 0]).matrix, haarOrthogonal(7, new Generator(9))];
    for (const u of cases) expect(maxAbsDiff(meshUnitary(clementsDecompose(u)), u)).toBeLessThan(1e-13);
  });

  it('rejects non-unitary input beyond the tolerance', () => {
    const bad = cmatrixFrom(2, 2, [1, 0, 0, 1.001]);
    expect(() => clementsDecompose(bad)).toThrow(/clementsDecompose: U must be unitary \(max \|U·U† − I\| ≤ 1e-10\), got error 2\.00/);
    expect(() => clementsDecompose(cmatrixFrom(1, 2, [1, 0]))).toThrow(/U must be square, got 1×2/);
  });
});
