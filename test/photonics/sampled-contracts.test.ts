import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { clementsDecompose } from '../../src/photonics/clements.js';
import { Circuit } from '../../src/photonics/circuit.js';
import { assertUnitary, cidentity, cmatrix, cmatrixFrom } from '../../src/photonics/complex-matrix.js';
import { beamSplitter } from '../../src/photonics/components.js';
import { Detector } from '../../src/photonics/detectors.js';
import { DistinguishableSampler } from '../../src/photonics/distinguishable.js';
import { estimate } from '../../src/photonics/estimate.js';
import { groupHistogramFromWeights } from '../../src/photonics/features.js';
import { lossyTbi, sampleLossyTbiClicks } from '../../src/photonics/lossy-tbi.js';
import { meanCounts } from '../../src/photonics/observables.js';
import { smallPermanentKernel } from '../../src/photonics/permanent.js';
import { permanentRepeated } from '../../src/photonics/permanent-repeated.js';
import { binomialVariate } from '../../src/photonics/sampling-variates.js';
import { gaussianHistogram } from '../../src/photonics/shots.js';
import { slosPlan } from '../../src/photonics/slos-plan.js';
import { slosAmplitudes, slosState } from '../../src/photonics/slos.js';
import { Generator } from '../../src/tensor/random.js';
import { permutationSum } from './permanent-oracles.js';

// Documented behaviour of src/photonics that the sampled mutation run (issue 20) found untested. Expected
// values come from closed forms, plain loops written here or the permutation-sum oracle, never from the code.

describe('sampled photonics contracts', () => {
  it('assertUnitary: an error equal to the tolerance passes (max |U·U† − I| ≤ tol)', () => {
    expect(() => assertUnitary(cidentity(3), 'op', 'U', 0)).not.toThrow(); // error exactly 0
    const two = cmatrixFrom(1, 1, [2], [0]); // U·U† − I = 3 exactly
    expect(() => assertUnitary(two, 'op', 'U', 3)).not.toThrow();
    expect(() => assertUnitary(two, 'op', 'U', 2.5)).toThrow(
      new RangeError('op: U must be unitary (max |U·U† − I| ≤ 2.5), got error 3.000e+0'),
    );
  });

  it('smallPermanentKernel returns true with Per for n ≤ 3 and false for n = 4', () => {
    const re = Float64Array.of(1, 2, 3, 4, 5, 6, 7, 8, 10);
    const im = Float64Array.of(0, 1, 0, -1, 0, 2, 0, 0, 1);
    const out = new Float64Array(2);
    expect(smallPermanentKernel(3, re, im, out)).toBe(true);
    const [pr, pi] = permutationSum(3, (r, c) => [re[r * 3 + c]!, im[r * 3 + c]!]);
    expect(out[0]).toBeCloseTo(pr, 10);
    expect(out[1]).toBeCloseTo(pi, 10);
    expect(smallPermanentKernel(4, new Float64Array(16), new Float64Array(16), out)).toBe(false);
  });

  it('permanentRepeated of a small non-negative integer matrix is the exact integer (Glynn, no cancellation)', () => {
    // Glynn's terms are integers here and its 2^−(N−1) scale is exact, so the documented choice of Glynn
    // when cancellation is mild gives the permutation sum of the expanded matrix bit for bit.
    const cases: [number[], number, number[], number[]][] = [
      [[1, 2, 3, 4], 2, [2, 1], [1, 2]],
      [[1, 1, 1, 1], 2, [3, 2], [2, 3]],
      [[1, 1, 1, 2], 2, [4, 3], [3, 4]],
      [[1, 2, 0, 1, 1, 3, 2, 1, 1], 3, [2, 1, 2], [1, 3, 1]],
    ];
    for (const [v, m, rowMult, colMult] of cases) {
      const rows: number[] = [];
      const cols: number[] = [];
      rowMult.forEach((k, i) => { for (let c = 0; c < k; c++) rows.push(i); });
      colMult.forEach((k, j) => { for (let c = 0; c < k; c++) cols.push(j); });
      const [want] = permutationSum(rows.length, (r, c) => [v[rows[r]! * m + cols[c]!]!, 0]);
      const got = permanentRepeated(cmatrixFrom(m, m, v, v.map(() => 0)), rowMult, colMult);
      expect(got.re).toBe(want);
      expect(got.im).toBe(0);
    }
  });

  it('gaussianHistogram of unnormalised weights sums to 1 and matches N(p, (diag p − p·pᵀ)/S) drawn by hand', () => {
    const weights = Float64Array.of(2, 6, 0, 8, 1);
    const total = 17;
    const shots = 10;
    const got = gaussianHistogram(weights, shots, new Generator(5));
    const gen = new Generator(5);
    const z = Array.from(weights, () => gen.normal());
    const p = Array.from(weights, (w) => w / total);
    let proj = 0;
    for (let k = 0; k < p.length; k++) proj += Math.sqrt(p[k]!) * z[k]!;
    for (let k = 0; k < p.length; k++) {
      expect(got[k]).toBeCloseTo(p[k]! + (Math.sqrt(p[k]!) * z[k]! - p[k]! * proj) / Math.sqrt(shots), 12);
    }
    expect(Math.abs(got.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
  });

  it('meanCounts reads only the columns of occupied input modes (⟨n_i⟩ = Σ_k s_k·|U_ik|²)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 3, maxLength: 3 }),
        fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 18, maxLength: 18 }),
        (input, entries) => {
          const m = 3;
          const re = entries.slice(0, 9);
          const im = entries.slice(9);
          // columns of empty input modes are garbage (NaN, ±∞): they carry no photon
          for (let k = 0; k < m; k++) {
            if (input[k] !== 0) continue;
            for (let i = 0; i < m; i++) {
              re[i * m + k] = i === 0 ? Number.NaN : Number.POSITIVE_INFINITY;
              im[i * m + k] = Number.NEGATIVE_INFINITY;
            }
          }
          const got = meanCounts(cmatrixFrom(m, m, re, im), input);
          for (let i = 0; i < m; i++) {
            let want = 0;
            for (let k = 0; k < m; k++) if (input[k] !== 0) want += input[k]! * (re[i * m + k]! ** 2 + im[i * m + k]! ** 2);
            expect(got[i]).toBeCloseTo(want, 12);
          }
        },
      ),
      { seed: 20, numRuns: 100 },
    );
  });

  it('DistinguishableSampler never puts a photon in a zero-probability mode, even at uniform() = 0', () => {
    // swap: the photon in mode 0 leaves in mode 1 with certainty; u = 0·cdf must pick the first cdf > 0
    const sampler = new DistinguishableSampler(cmatrixFrom(2, 2, [0, 1, 1, 0]), [1, 0]);
    const zero = { uniform: () => 0 } as unknown as Generator;
    const out = new Int32Array(2);
    sampler.sampleShot(zero, out, 0);
    expect(Array.from(out)).toEqual([0, 1]);
  });

  it('estimate reports the plan time exactly when there is one', () => {
    const slos = estimate({ modes: 8, photons: 4, backend: 'slos' });
    expect(slos.setupMs).toBeGreaterThan(0);
    expect(slos.message).toContain(`ms per evaluation (+ ≈ ${slos.setupMs.toPrecision(3)} ms plan)`);
    const perm = estimate({ modes: 8, photons: 4, backend: 'permanent' });
    expect(perm.setupMs).toBe(0);
    expect(perm.message).toMatch(/ms per evaluation$/);
  });

  it('sampleLossyTbiClicks: lossless identity splitters send every photon straight through', () => {
    const lossy = lossyTbi({ modes: 4, loopLengths: [1], splitterLoss: 0 });
    const shots = 20;
    const out = new Uint32Array(shots + 1).fill(77); // one slot past the shots keeps its value
    sampleLossyTbiClicks(lossy, new Float64Array(lossy.circuit.nParams), [1, 0, 1, 0], shots, new Generator(3), out);
    expect(Array.from(out.subarray(0, shots))).toEqual(new Array<number>(shots).fill(0b0101));
    expect(out[shots]).toBe(77);
  });

  it('pseudo-PNR detection without bunching equals PNR detection draw for draw', () => {
    // at most one photon per mode: no wire assignment to draw, so both detectors use the generator alike
    const pnr = new Detector({ resolution: 'pnr', efficiency: 0.7 }, 4);
    const pseudo = new Detector({ resolution: 'pseudo-pnr', wires: 4, efficiency: 0.7 }, 4);
    const a = new Int32Array(4 * 200);
    const g = new Generator(11);
    for (let i = 0; i < a.length; i++) a[i] = g.uniform() < 0.5 ? 1 : 0;
    const b = a.slice();
    const ga = new Generator(12);
    const gb = new Generator(12);
    for (let s = 0; s < 200; s++) {
      pnr.applyShot(a, 4 * s, ga);
      pseudo.applyShot(b, 4 * s, gb);
    }
    expect(Array.from(b)).toEqual(Array.from(a));
  });

  /** |⟨t|Û|s⟩|² from slosAmplitudes (the function that chooses between the direct and the log-space path). */
  const ampProbs = (plan: ReturnType<typeof slosPlan>, u: Parameters<typeof slosAmplitudes>[1]): number[] => {
    const a = slosAmplitudes(plan, u);
    return Array.from({ length: plan.states }, (_, t) => a[2 * t]! ** 2 + a[2 * t + 1]! ** 2);
  };

  it('slosAmplitudes of a U scaled by f: every amplitude scales by f^n, P = f^(2n)·binomial (rescaled layers)', () => {
    // n photons in mode 0 of a splitter scaled by f = 2^−10: the amplitude is multilinear in U, so
    // P(k, n − k) = f^(2n)·C(n, k)·cos^(2k)θ·sin^(2(n−k))θ; f^n = 2^−400 takes the layers below 2^−256
    const n = 40;
    const theta = 0.6;
    const f = 2 ** -10;
    const bs = beamSplitter(theta).matrix;
    const u = cmatrixFrom(2, 2, Array.from(bs.re, (x) => x * f), Array.from(bs.im, (x) => x * f));
    const plan = slosPlan(2, [n, 0]);
    const probs = ampProbs(plan, u);
    const c2 = Math.cos(theta) ** 2;
    for (let i = 0; i < probs.length; i++) {
      const k = slosState(plan, i)[0]!; // photons left in mode 0
      let lnC = 0; // ln C(n, k), by a product of ratios
      for (let j = 1; j <= k; j++) lnC += Math.log((n - k + j) / j);
      const want = Math.exp(lnC + k * Math.log(c2) + (n - k) * Math.log(1 - c2) + 2 * n * Math.log(f));
      expect(Math.abs(probs[i]! / want - 1)).toBeLessThan(1e-11);
    }
  });

  it('slosAmplitudes of 171 photons spread over two modes through the identity keeps them there', () => {
    // Π s! = 86!·85! is finite but the output factorials are not: the photon count alone needs the log path
    const plan = slosPlan(2, [86, 85]);
    const probs = ampProbs(plan, cidentity(2));
    for (let i = 0; i < probs.length; i++) {
      const t = slosState(plan, i);
      expect(probs[i]).toBeCloseTo(t[0] === 86 ? 1 : 0, 10);
    }
  });

  it('groupHistogramFromWeights normalises weights whose total is below 2^−1024 (1/total overflows)', () => {
    const tiny = 2 ** -1070; // subnormal; 1·tiny and 3·tiny are exact, total 4·tiny = 2^−1068
    const hist = groupHistogramFromWeights(Float64Array.of(tiny, 3 * tiny), [[0]]);
    expect(Array.from(hist)).toEqual([0.25, 0.75]);
    const zeros = groupHistogramFromWeights(Float64Array.of(tiny, 0, 0, 3 * tiny), [[0], [1]]);
    expect(Array.from(zeros)).toEqual([0.25, 0.75, 0.25, 0.75]); // masks 0 and 3; the zero weights add nothing
  });

  it('DistinguishableSampler.sampleShot overwrites its slice of out and nothing else', () => {
    const sampler = new DistinguishableSampler(cidentity(3), [1, 0, 1]); // identity: photons stay put
    const out = new Int32Array(9).fill(7);
    sampler.sampleShot(new Generator(2), out, 3);
    expect(Array.from(out)).toEqual([7, 7, 7, 1, 0, 1, 7, 7, 7]);
  });

  it('binomialVariate with n = 0 or p = 0 is 0 and draws nothing (reproducible streams)', () => {
    for (const [n, p] of [[0, 0.3], [0, 0.9], [5, 0], [100, 0]] as const) {
      const gen = new Generator(9);
      expect(binomialVariate(n, p, gen)).toBe(0);
      expect(gen.uniform()).toBe(new Generator(9).uniform());
    }
  });

  it('Detector: no dark counts and full efficiency draw nothing; a dark count d fires exactly when uniform() < d', () => {
    const gen = new Generator(4);
    const occ = Int32Array.of(2, 0, 1);
    new Detector({ resolution: 'pnr' }, 3).applyShot(occ, 0, gen);
    expect(Array.from(occ)).toEqual([2, 0, 1]);
    expect(gen.uniform()).toBe(new Generator(4).uniform());
    // P(u < d) = d exactly on the generator's grid of [0, 1): u = d must not fire
    const at = (u: number) => ({ uniform: () => u }) as unknown as Generator;
    const one = (d: number, u: number): number => {
      const x = Int32Array.of(0);
      new Detector({ resolution: 'pnr', darkCount: d }, 1).applyShot(x, 0, at(u));
      return x[0]!;
    };
    expect(one(0.25, 0.25)).toBe(0);
    expect(one(0.25, 0.25 - 2 ** -54)).toBe(1);
  });

  it('clementsDecompose: an element already 0 gives θ = φ = 0 (documented edge case), whatever the phase of its divisor', () => {
    // diagonal 2×2 unitary with both entries e^{−3iπ/4}: the one cell nulls an element that is already 0
    const c = Math.SQRT1_2;
    const mesh = clementsDecompose(cmatrixFrom(2, 2, [-c, 0, 0, -c], [-c, 0, 0, -c]));
    expect(Array.from(mesh.theta)).toEqual([0]);
    expect(Math.abs(mesh.phi[0]!)).toBe(0);
  });

  it('estimate: a Glynn permanent needs at least the kernel scratch, 8·(3n + 2) bytes (work 3n, out 2)', () => {
    for (let n = 1; n <= 30; n++) expect(estimate({ modes: n, photons: n, backend: 'permanent' }).bytes).toBeGreaterThanOrEqual(8 * (3 * n + 2));
  });

  it('binomialVariate: inversion with one uniform when n·p < 16, the order-statistic path otherwise (documented)', () => {
    const after = (n: number, p: number): number => {
      const gen = new Generator(21);
      binomialVariate(n, p, gen);
      return gen.uniform();
    };
    const second = (): number => {
      const gen = new Generator(21);
      gen.uniform();
      return gen.uniform();
    };
    expect(after(10, 0.3)).toBe(second()); // n·p = 3
    expect(after(31, 0.5)).toBe(second()); // n·p = 15.5
    expect(after(32, 0.5)).not.toBe(second()); // n·p = 16: Beta order statistic first
  });

  it('estimate advice: the largest mode count below the request that fits (zero-set, one 20-mode group)', () => {
    // 20 modes in one group: 8·2^20 bytes > 1 MiB; 19 modes in the default groups (10, 9): 8·(2^10 + 2^9) + 64·16
    const e = estimate({ modes: 20, photons: 4, backend: 'zero-set', groupSizes: [20], maxBytes: 2 ** 20 });
    expect(e.fits).toBe(false);
    expect(e.message).toContain('and 4 photons fit up to 19 modes');
  });

  it('permanentRepeated of the zero matrix past N = 1000 (Glynn skipped) is 0', () => {
    expect(permanentRepeated(cmatrix(1, 1), [1001], [1001])).toEqual({ re: 0, im: 0 });
  });

  it('Circuit: a 3-mode component with purely imaginary entries is placed as given (U = i·P)', () => {
    // cyclic shift times i: entries 0 + 1i, so no entry may be skipped for a zero real part
    const m = cmatrixFrom(3, 3, new Array<number>(9).fill(0), [0, 0, 1, 1, 0, 0, 0, 1, 0]);
    const u = new Circuit(3).add([0, 1, 2], { name: 'iP', size: 3, matrix: m }).unitary();
    expect(Array.from(u.re)).toEqual(new Array<number>(9).fill(0));
    expect(Array.from(u.im)).toEqual([0, 0, 1, 1, 0, 0, 0, 1, 0]);
  });
});
