// Unitarity of every circuit and mesh type (lossy embeddings included) at random angles, checked with a
// residual written here that covers every entry of U·U† − I and of U†·U − I, independently of
// `unitarityError`; and `unitarityError` itself checked against that residual on matrices that are
// wrong only off the diagonal (the bug class a diagonal-only check would miss).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Circuit } from '../../src/photonics/circuit.js';
import { clementsDecompose } from '../../src/photonics/clements.js';
import { cmatrix, unitarityError, type CMatrix } from '../../src/photonics/complex-matrix.js';
import { BS_CONVENTIONS, beamSplitter, mzi, permutation, phaseShifter, unitaryComponent } from '../../src/photonics/components.js';
import { lossyTbi } from '../../src/photonics/lossy-tbi.js';
import { clementsMesh, meshUnitary, reckMesh } from '../../src/photonics/mesh.js';
import { haarOrthogonal, haarUnitary } from '../../src/photonics/random-unitary.js';
import { tbi } from '../../src/photonics/tbi.js';
import { Generator } from '../../src/tensor/random.js';

/**
 * max over every (r, c) of |(U·U†)[r,c] − δ_rc| and |(U†·U)[r,c] − δ_rc|, by the definition, with a
 * plain triple loop (test-only; deliberately shares nothing with src).
 */
function fullResidual(u: CMatrix): number {
  const n = u.rows;
  const at = (r: number, c: number): [number, number] => [u.re[r * n + c]!, u.im[r * n + c]!];
  let worst = 0;
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      let rowRe = 0, rowIm = 0, colRe = 0, colIm = 0;
      for (let k = 0; k < n; k++) {
        // (U U†)[r,c] = Σ_k U[r,k]·conj(U[c,k]);  (U† U)[r,c] = Σ_k conj(U[k,r])·U[k,c].
        const [a, b] = at(r, k), [x, y] = at(c, k);
        rowRe += a * x + b * y; rowIm += b * x - a * y;
        const [p, q] = at(k, r), [s, t] = at(k, c);
        colRe += p * s + q * t; colIm += p * t - q * s;
      }
      const target = r === c ? 1 : 0;
      worst = Math.max(worst, Math.hypot(rowRe - target, rowIm), Math.hypot(colRe - target, colIm));
    }
  }
  return worst;
}

/** The same residual, U·U† only (what `unitarityError` claims to compute). */
function rowResidual(u: CMatrix): number {
  const n = u.rows;
  let worst = 0;
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) {
    let sr = 0, si = 0;
    for (let k = 0; k < n; k++) {
      sr += u.re[r * n + k]! * u.re[c * n + k]! + u.im[r * n + k]! * u.im[c * n + k]!;
      si += u.im[r * n + k]! * u.re[c * n + k]! - u.re[r * n + k]! * u.im[c * n + k]!;
    }
    worst = Math.max(worst, Math.hypot(sr - (r === c ? 1 : 0), si));
  }
  return worst;
}

const TOL = 1e-12;
const angle = fc.double({ min: -2 * Math.PI, max: 2 * Math.PI, noNaN: true });
const seed = fc.nat();
const runs = { numRuns: 60, seed: 20261202 };

function expectUnitary(u: CMatrix, what: string): void {
  const r = fullResidual(u);
  expect(r, `${what}: max |UU† − I|, |U†U − I| = ${r}`).toBeLessThan(TOL);
  expect(unitarityError(u), `${what}: unitarityError`).toBeLessThan(TOL);
}

describe('unitarityError sees every entry', () => {
  it('reports the off-diagonal error of matrices whose rows all have unit norm but are not orthogonal', () => {
    fc.assert(fc.property(fc.double({ min: 1e-6, max: 0.9, noNaN: true }), fc.double({ min: -Math.PI, max: Math.PI, noNaN: true }), (eps, phase) => {
      // Rows (1, 0) and (ε·e^{iφ}, √(1 − ε²)): (U U†) has 1 on the diagonal (to rounding) and ε·e^{−iφ} off it.
      const u = cmatrix(2, 2);
      u.re[0] = 1;
      u.re[2] = eps * Math.cos(phase); u.im[2] = eps * Math.sin(phase);
      u.re[3] = Math.sqrt(1 - eps * eps);
      expect(Math.abs(unitarityError(u) - eps)).toBeLessThan(1e-15);
    }), runs);
  });

  it('equals the plain U·U† residual on random (non-unitary) matrices and on Haar unitaries with one off-diagonal entry of U·U† perturbed', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 7 }), seed, fc.double({ min: 1e-9, max: 1e-3, noNaN: true }), (n, s, eps) => {
      const gen = new Generator(s);
      const m = cmatrix(n, n);
      gen.normalArray(n * n, 0, 1, m.re);
      gen.normalArray(n * n, 0, 1, m.im);
      expect(Math.abs(unitarityError(m) - rowResidual(m))).toBeLessThan(1e-12 * Math.max(1, rowResidual(m)));
      if (n < 2) return;
      // Mix two rows of a unitary by a non-unitary shear: rows stay close to unit norm, but their overlap is ≈ ε.
      const u = haarUnitary(n, gen);
      for (let k = 0; k < n; k++) {
        u.re[n + k] = u.re[n + k]! + eps * u.re[k]!;
        u.im[n + k] = u.im[n + k]! + eps * u.im[k]!;
      }
      const expected = rowResidual(u);
      expect(expected).toBeGreaterThan(0.9 * eps);
      expect(Math.abs(unitarityError(u) - expected)).toBeLessThan(1e-14);
    }), runs);
  });
});

describe('every circuit and mesh type is unitary at random angles (residual over every entry)', () => {
  it('beam splitters in every convention (with sf and Perceval phases), MZIs, phase shifters, permutations', () => {
    fc.assert(fc.property(angle, angle, angle, angle, angle, fc.constantFrom(...BS_CONVENTIONS), (t, p, a, b, c, convention) => {
      const opts = convention === 'sf' ? { convention, phi: p } : convention.startsWith('perceval') ? { convention, phases: { tl: a, bl: b, tr: c, br: p } } : { convention };
      expectUnitary(beamSplitter(t, opts).matrix, `BS ${convention}`);
      expectUnitary(mzi(t, p).matrix, 'MZI');
      expectUnitary(phaseShifter(a).matrix, 'PS');
    }), runs);
    expectUnitary(permutation([2, 0, 3, 1]).matrix, 'permutation');
  });

  it('composed circuits of random components on random modes', () => {
    fc.assert(fc.property(fc.integer({ min: 2, max: 7 }), seed, (m, s) => {
      const gen = new Generator(s);
      const circuit = new Circuit(m);
      for (let q = 0; q < 12; q++) {
        const x = -4 + 8 * gen.uniform(), y = -4 + 8 * gen.uniform();
        const a = Math.floor(gen.uniform() * m), b = (a + 1 + Math.floor(gen.uniform() * (m - 1))) % m;
        const kind = q % 4;
        if (kind === 0) circuit.add([a, b], beamSplitter(x, { convention: 'sf', phi: y }));
        else if (kind === 1) circuit.add([b, a], mzi(x, y));
        else if (kind === 2) circuit.add(a, phaseShifter(x));
        else circuit.add(0, unitaryComponent(haarUnitary(m, gen)));
      }
      expectUnitary(circuit.unitary(), `circuit on ${m} modes`);
    }), runs);
  });

  it('time-bin interferometers in every convention, with and without phase shifters', () => {
    fc.assert(fc.property(fc.integer({ min: 2, max: 9 }), seed, fc.constantFrom(...BS_CONVENTIONS), fc.boolean(), (m, s, convention, phaseShifters) => {
      const gen = new Generator(s);
      const loops = [1, Math.max(1, m - 1), Math.max(1, Math.floor(m / 2))];
      const t = tbi({ modes: m, loopLengths: loops, convention, phaseShifters });
      const u = t.unitary(gen.uniformArray(t.nParams, -Math.PI, Math.PI), undefined, phaseShifters ? gen.uniformArray(t.nPhases, -Math.PI, Math.PI) : undefined);
      expectUnitary(u, `tbi ${m} modes ${convention}`);
    }), runs);
  });

  it('Clements and Reck meshes with output phases, and the Clements decomposition of a Haar unitary', () => {
    fc.assert(fc.property(fc.integer({ min: 2, max: 8 }), seed, (m, s) => {
      const gen = new Generator(s);
      const cells = (m * (m - 1)) / 2;
      const args = [gen.uniformArray(cells, -Math.PI, Math.PI), gen.uniformArray(cells, -Math.PI, Math.PI), gen.uniformArray(m, -Math.PI, Math.PI)] as const;
      expectUnitary(meshUnitary(clementsMesh(m, ...args)), `Clements ${m}`);
      expectUnitary(meshUnitary(reckMesh(m, ...args)), `Reck ${m}`);
      expectUnitary(meshUnitary(clementsDecompose(haarUnitary(m, gen))), `decomposed ${m}`);
      expectUnitary(haarUnitary(m, gen), `Haar ${m}`);
      expectUnitary(haarOrthogonal(m, gen), `Haar orthogonal ${m}`);
    }), runs);
  });

  it('lossy time-bin embeddings with random per-splitter losses, every convention', () => {
    fc.assert(fc.property(fc.integer({ min: 2, max: 6 }), seed, fc.constantFrom(...BS_CONVENTIONS), (m, s, convention) => {
      const gen = new Generator(s);
      const loops = m > 2 ? [1, 2] : [1];
      const n = tbi({ modes: m, loopLengths: loops }).nParams;
      const losses = gen.uniformArray(n, 0, 1);
      losses[0] = 1; // total loss of one splitter is allowed and must stay unitary
      const lossy = lossyTbi({ modes: m, loopLengths: loops, splitterLoss: losses, convention });
      expectUnitary(lossy.unitary(gen.uniformArray(n, -Math.PI, Math.PI)), `lossy tbi ${m} modes ${convention}`);
    }), runs);
  });
});
