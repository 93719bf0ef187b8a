import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Generator } from '../../src/tensor/random.js';
import { cidentity, cmatmul, cmatrix, cmatrixFrom, maxAbsDiff, unitarityError, type CMatrix } from '../../src/photonics/complex-matrix.js';
import { BS_CONVENTIONS, beamSplitter, mzi, permutation, phaseShifter, unitaryComponent, type BsConvention } from '../../src/photonics/components.js';
import { Circuit } from '../../src/photonics/circuit.js';
import { haarUnitary } from '../../src/photonics/random-unitary.js';
import { outputProbability } from '../../src/photonics/probability.js';

const angle = fc.double({ min: -10, max: 10, noNaN: true });

/** Embeds a k×k block on `modes` of an m×m identity (the naive reference for Circuit.unitary). */
function embed(m: number, modes: number[], b: CMatrix): CMatrix {
  const e = cidentity(m);
  for (const q of modes) e.re[q * m + q] = 0;
  for (let r = 0; r < modes.length; r++) {
    for (let c = 0; c < modes.length; c++) {
      e.re[modes[r]! * m + modes[c]!] = b.re[r * b.cols + c]!;
      e.im[modes[r]! * m + modes[c]!] = b.im[r * b.cols + c]!;
    }
  }
  return e;
}

describe('beam-splitter conventions (docs/photonics.md §1 table)', () => {
  it('every convention is unitary for random angles and phases', () => {
    fc.assert(
      fc.property(angle, angle, angle, angle, fc.constantFrom(...BS_CONVENTIONS), (t, a, b, c, conv) => {
        const opts = conv === 'sf' ? { convention: conv, phi: a } : conv.startsWith('perceval') ? { convention: conv, phases: { tl: a, bl: b, tr: c, br: a - b } } : { convention: conv };
        expect(unitarityError(beamSplitter(t, opts).matrix)).toBeLessThan(1e-14);
      }),
      { numRuns: 300, seed: 20240501 },
    );
  });

  it('matches the table entries exactly', () => {
    const t = 0.37;
    const c = Math.cos(t), s = Math.sin(t), c2 = Math.cos(t / 2), s2 = Math.sin(t / 2);
    const cases: [BsConvention, number[], number[], object][] = [
      ['ptseries', [c, s, -s, c], [0, 0, 0, 0], {}],
      ['perceval-rx', [c2, 0, 0, c2], [0, s2, s2, 0], {}],
      ['perceval-ry', [c2, -s2, s2, c2], [0, 0, 0, 0], {}],
      ['sf', [c, -Math.cos(0.5) * s, Math.cos(0.5) * s, c], [0, Math.sin(0.5) * s, Math.sin(0.5) * s, 0], { phi: 0.5 }],
    ];
    for (const [conv, re, im, extra] of cases) {
      const m = beamSplitter(t, { convention: conv, ...extra }).matrix;
      expect(maxAbsDiff(m, cmatrixFrom(2, 2, re, im))).toBeLessThan(1e-16);
    }
  });

  it('Perceval phases multiply u00 by e^{i(tl+tr)}, u01 by e^{i(tr+bl)}, u10 by e^{i(tl+br)}, u11 by e^{i(bl+br)}', () => {
    const ph = { tl: 0.1, bl: 0.2, tr: 0.4, br: 0.8 };
    const base = beamSplitter(1.1, { convention: 'perceval-rx' }).matrix;
    const m = beamSplitter(1.1, { convention: 'perceval-rx', phases: ph }).matrix;
    const mult = [ph.tl + ph.tr, ph.tr + ph.bl, ph.tl + ph.br, ph.bl + ph.br];
    for (let k = 0; k < 4; k++) {
      const er = Math.cos(mult[k]!), ei = Math.sin(mult[k]!);
      expect(m.re[k]).toBeCloseTo(base.re[k]! * er - base.im[k]! * ei, 15);
      expect(m.im[k]).toBeCloseTo(base.re[k]! * ei + base.im[k]! * er, 15);
    }
  });

  it('50:50 angles: π/4 for ptseries and sf, π/2 for Perceval (the factor-2 trap)', () => {
    for (const [conv, t] of [['ptseries', Math.PI / 4], ['sf', Math.PI / 4], ['perceval-rx', Math.PI / 2], ['perceval-ry', Math.PI / 2]] as const) {
      const m = beamSplitter(t, { convention: conv }).matrix;
      expect(m.re[0]! ** 2 + m.im[0]! ** 2).toBeCloseTo(0.5, 15);
      const wrong = beamSplitter(t / 2, { convention: conv }).matrix;
      expect(Math.abs(wrong.re[0]! ** 2 + wrong.im[0]! ** 2 - 0.5)).toBeGreaterThan(0.1);
    }
  });

  it('Hong–Ou–Mandel: |1,1⟩ through every 50:50 splitter never gives |1,1⟩ (< 1e-15); |2,0⟩ and |0,2⟩ get ½', () => {
    for (const [conv, t] of [['ptseries', Math.PI / 4], ['sf', Math.PI / 4], ['perceval-rx', Math.PI / 2], ['perceval-ry', Math.PI / 2]] as const) {
      const u = beamSplitter(t, { convention: conv }).matrix;
      expect(outputProbability(u, [1, 1], [1, 1])).toBeLessThan(1e-15);
      expect(outputProbability(u, [1, 1], [2, 0])).toBeCloseTo(0.5, 14);
      expect(outputProbability(u, [1, 1], [0, 2])).toBeCloseTo(0.5, 14);
    }
  });

  it('phase shifter, MZI, permutation are unitary with the documented entries', () => {
    const ps = phaseShifter(Math.PI / 3).matrix;
    expect(ps.re[0]).toBeCloseTo(0.5, 15);
    expect(ps.im[0]).toBeCloseTo(Math.sqrt(3) / 2, 15);
    fc.assert(fc.property(angle, angle, (t, p) => unitarityError(mzi(t, p).matrix) < 1e-14), { numRuns: 200, seed: 20240501 });
    const pm = permutation([2, 0, 1]).matrix;
    // photon entering 0 leaves 2: U[2, 0] = 1
    expect(pm.re[2 * 3 + 0]).toBe(1);
    expect(pm.re[0 * 3 + 1]).toBe(1);
    expect(pm.re[1 * 3 + 2]).toBe(1);
    expect(unitarityError(pm)).toBe(0);
  });

  it('rejects bad component input with named arguments', () => {
    expect(() => beamSplitter(NaN)).toThrow(/beamSplitter: theta must be a finite number, got NaN/);
    expect(() => beamSplitter(1, { convention: 'foo' as BsConvention })).toThrow(/convention must be one of ptseries, perceval-rx, perceval-ry, sf, got foo/);
    expect(() => beamSplitter(1, { phi: 1 })).toThrow(/phi is the 'sf' convention's phase; convention is 'ptseries'/);
    expect(() => beamSplitter(1, { convention: 'sf', phases: { tl: 1 } })).toThrow(/phases are Perceval's/);
    expect(() => permutation([0, 0])).toThrow(/permutation: perm must be a permutation of 0..1, got \[0, 0\]/);
    const bad = cmatrixFrom(2, 2, [1, 0.001, 0, 1]);
    expect(() => unitaryComponent(bad)).toThrow(/unitaryComponent: U must be unitary \(max \|U·U† − I\| ≤ 1e-10\), got error 1\.0/);
    expect(() => unitaryComponent(cmatrix(2, 3))).toThrow(/U must be square, got 2×3/);
  });
});

describe('Circuit', () => {
  it('composes by left multiplication: U = B_last ··· B_first (3-mode golden)', () => {
    const t1 = 0.3;
    const t2 = 1.1;
    const u = new Circuit(3).add(0, beamSplitter(t1)).add(1, beamSplitter(t2)).unitary();
    const c1 = Math.cos(t1), s1 = Math.sin(t1), c2 = Math.cos(t2), s2 = Math.sin(t2);
    // B2·B1 with B1 = BS on (0,1), B2 = BS on (1,2), ptseries [[c, s], [−s, c]]
    const golden = [c1, s1, 0, -c2 * s1, c2 * c1, s2, s2 * s1, -s2 * c1, c2];
    expect(maxAbsDiff(u, cmatrixFrom(3, 3, golden))).toBeLessThan(1e-16);
    // and the other order is different
    const rev = new Circuit(3).add(1, beamSplitter(t2)).add(0, beamSplitter(t1)).unitary();
    expect(maxAbsDiff(u, rev)).toBeGreaterThan(0.1);
  });

  it('matches the product of embedded blocks for random circuits, and is unitary < 1e-12', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 8 }), fc.nat(1e6), (m, seed) => {
        const gen = new Generator(seed);
        const circuit = new Circuit(m);
        let ref = cidentity(m);
        for (let e = 0; e < 12; e++) {
          const kind = gen.integers(0, 4);
          let modes: number[];
          let comp;
          if (kind === 0) {
            const a = gen.integers(0, m);
            let b = gen.integers(0, m - 1);
            if (b >= a) b++;
            modes = [a, b];
            comp = beamSplitter(gen.uniform() * 7, { convention: BS_CONVENTIONS[gen.integers(0, 4)]! });
          } else if (kind === 1) {
            modes = [gen.integers(0, m)];
            comp = phaseShifter(gen.uniform() * 7);
          } else if (kind === 2) {
            const k = gen.integers(1, m + 1);
            modes = Array.from(gen.permutation(m).subarray(0, k));
            comp = unitaryComponent(haarUnitary(k, gen));
          } else {
            const k = gen.integers(1, m + 1);
            modes = Array.from(gen.permutation(m).subarray(0, k));
            comp = permutation(gen.permutation(k));
          }
          circuit.add(modes, comp);
          ref = cmatmul(embed(m, modes, comp.matrix), ref);
        }
        const u = circuit.unitary();
        expect(maxAbsDiff(u, ref)).toBeLessThan(1e-12);
        expect(unitarityError(u)).toBeLessThan(1e-12);
        // out is overwritten, not accumulated
        const out = haarUnitary(m, gen);
        expect(maxAbsDiff(circuit.unitary(out), u)).toBe(0);
      }),
      { numRuns: 200, seed: 20240501 },
    );
  });

  it('nests circuits via toComponent', () => {
    const inner = new Circuit(2).add(0, beamSplitter(0.4)).add(1, phaseShifter(0.2));
    const outer = new Circuit(3).add([2, 0], inner.toComponent());
    const direct = new Circuit(3).add([2, 0], beamSplitter(0.4)).add(0, phaseShifter(0.2));
    expect(maxAbsDiff(outer.unitary(), direct.unitary())).toBeLessThan(1e-16);
  });

  it('rejects out-of-range, repeated and miscounted modes', () => {
    const c = new Circuit(3);
    expect(() => c.add(2, beamSplitter(1))).toThrow(/Circuit.add: modes must be integers in \[0, 3\), got \[2, 3\] for 'BS.ptseries'/);
    expect(() => c.add([1, 1], beamSplitter(1))).toThrow(/modes must be distinct, got \[1, 1\]/);
    expect(() => c.add([0], beamSplitter(1))).toThrow(/acts on 2 modes, got 1/);
    expect(() => c.add(-1, phaseShifter(1))).toThrow(/modes must be integers in \[0, 3\), got \[-1\]/);
    expect(() => new Circuit(0)).toThrow(/Circuit: modes must be a positive integer, got 0/);
    expect(() => c.unitary(cmatrix(2, 2))).toThrow(/Circuit.unitary: out must be 3×3, got 2×2/);
  });
});
