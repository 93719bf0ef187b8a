import { describe, expect, it } from 'vitest';
import { Circuit } from '../../src/photonics/circuit.js';
import { createLeaveOneOutWorkspace } from '../../src/photonics/clifford-permanents.js';
import { cidentity, cmatrix, maxAbsDiff } from '../../src/photonics/complex-matrix.js';
import { beamSplitter, permutation } from '../../src/photonics/components.js';
import { Detector, detectorMatrix } from '../../src/photonics/detectors.js';
import { DistinguishableSampler, PartialDistinguishabilitySampler } from '../../src/photonics/distinguishable.js';
import { slosLayerSizes } from '../../src/photonics/estimate.js';
import { exactGroupHistogramFromDistribution } from '../../src/photonics/exact-features.js';
import { clickMasks, clickRates, groupLayout } from '../../src/photonics/features.js';
import { noisyClickDistribution, partialDistinguishabilityDistribution } from '../../src/photonics/noisy-slos.js';
import { meanCounts, secondMoments } from '../../src/photonics/observables.js';
import { permanentGlynn, permanentNaive } from '../../src/photonics/permanent.js';
import { permanentRepeated } from '../../src/photonics/permanent-repeated.js';
import { outputAmplitude } from '../../src/photonics/probability.js';
import { dirichletOnes } from '../../src/photonics/sampling-variates.js';
import { checkSquare } from '../../src/photonics/sampling.js';
import { gaussianHistogram, InverseCdfSampler } from '../../src/photonics/shots.js';
import { lossyTbi } from '../../src/photonics/lossy-tbi.js';
import { slosPlan } from '../../src/photonics/slos-plan.js';
import { clickDistribution } from '../../src/photonics/slos.js';
import { Generator } from '../../src/tensor/random.js';

// More documented argument checks of src/photonics (issue 20, photonics sample batches 4–6; the first
// batches are in argument-checks.test.ts). Every expected string is the one at the throw site.

describe('argument checks of src/photonics (2)', () => {
  it('maxAbsDiff refuses matrices that differ in rows or in columns only', () => {
    const msg = (a: string, b: string): RangeError => new RangeError(`maxAbsDiff: shapes differ, ${a} vs ${b}`);
    expect(() => maxAbsDiff(cmatrix(2, 3), cmatrix(3, 3))).toThrow(msg('2×3', '3×3'));
    expect(() => maxAbsDiff(cmatrix(2, 3), cmatrix(2, 2))).toThrow(msg('2×3', '2×2'));
  });

  it('clickRates refuses zero shots', () => {
    expect(() => clickRates(new Uint32Array(0), 2)).toThrow(new RangeError('clickRates: clickMasks must hold at least one shot, got 0'));
  });

  it('groupLayout refuses a negative or fractional mode', () => {
    const msg = (got: number): RangeError => new RangeError(`groupLayout: groups[1][0] must be an integer mode in [0, 32), got ${got}`);
    expect(() => groupLayout([[0], [-1]])).toThrow(msg(-1));
    expect(() => groupLayout([[0], [1.5]])).toThrow(msg(1.5));
  });

  it('DistinguishableSampler, permanentGlynn and gaussianHistogram name themselves', () => {
    expect(() => new DistinguishableSampler(cmatrix(2, 3), [1, 0])).toThrow(
      new RangeError('DistinguishableSampler: U must be a square m×m matrix (m ≥ 1), got 2×3'),
    );
    expect(() => permanentGlynn(cmatrix(2, 3))).toThrow(new RangeError('permanentGlynn: A must be square, got 2×3'));
    expect(() => gaussianHistogram([1], 0, new Generator(1))).toThrow(
      new RangeError('gaussianHistogram: shots must be a positive integer, got 0'),
    );
  });

  it('noisy SLOS counts one run per (good, bad, lost) split of each mode', () => {
    // a mode with s photons has (s+1)(s+2)/2 splits with bad and lost photons possible, s + 1 with only
    // one of them, 1 with neither; input [2, 1, 0] gives 6·3·1, 3·2·1 and 1
    const plan = slosPlan(3, [2, 1, 0]);
    const u = cidentity(3);
    const runs = (noise: Parameters<typeof noisyClickDistribution>[2]): number => {
      try {
        noisyClickDistribution(plan, u, noise, { maxRuns: 1 });
      } catch (e) {
        const m = /needs (-?\d+) SLOS runs/.exec(String(e));
        if (m !== null) return Number(m[1]);
        throw e;
      }
      return 1; // accepted under maxRuns = 1
    };
    expect(runs({ loss: 0.1, indistinguishableProbability: 0.5 })).toBe(18);
    expect(runs({ indistinguishableProbability: 0.5 })).toBe(6);
    expect(runs({ loss: 0.1 })).toBe(6);
    expect(runs({})).toBe(1);
  });

  it('Detector names a per-mode value outside [0, 1] with its index', () => {
    expect(() => new Detector({ resolution: 'pnr', efficiency: [0.5, 1.5] }, 2)).toThrow(
      new RangeError('detection: efficiency[1] must be in [0, 1], got 1.5'),
    );
    expect(() => new Detector({ resolution: 'pnr', efficiency: [-0.1, 1] }, 2)).toThrow(
      new RangeError('detection: efficiency[0] must be in [0, 1], got -0.1'),
    );
  });

  it('dirichletOnes refuses an out of the wrong length', () => {
    expect(() => dirichletOnes(3, new Generator(1), new Float64Array(2))).toThrow(
      new RangeError('dirichletOnes: out must have length 3, got 2'),
    );
  });

  it('Circuit.unitary names a non-square out', () => {
    expect(() => new Circuit(3).unitary(cmatrix(3, 2))).toThrow(new RangeError('Circuit.unitary: out must be square, got 3×2'));
  });

  it('DistinguishableSampler names options.loss', () => {
    expect(() => new DistinguishableSampler(cidentity(2), [1, 0], { loss: 2 })).toThrow(
      new RangeError('DistinguishableSampler: options.loss must be in [0, 1], got 2'),
    );
  });

  it('slosLayerSizes names itself for a bad mask', () => {
    expect(() => slosLayerSizes(4, 2, -1)).toThrow(new RangeError('slosLayerSizes: mask.maxPerMode must be a non-negative integer, got -1'));
  });

  it('exactGroupHistogramFromDistribution names itself for a wrong-length out', () => {
    const plan = slosPlan(2, [1, 0]);
    expect(() => exactGroupHistogramFromDistribution(plan, Float64Array.of(1, 0), [[0], [1]], new Float64Array(3))).toThrow(
      new RangeError('exactGroupHistogramFromDistribution: out must have Σ 2^|G| = 4 entries, got 3'),
    );
  });

  it('permanentNaive and outputAmplitude name themselves', () => {
    expect(() => permanentNaive(cmatrix(2, 3))).toThrow(new RangeError('permanentNaive: A must be square, got 2×3'));
    expect(() => outputAmplitude(cidentity(2), [1, 0, 0], [1, 0])).toThrow(/^outputAmplitude: /);
  });

  it('checkSquare refuses storage of the wrong length in re or in im', () => {
    const u = (re: number, im: number) => ({ rows: 2, cols: 2, re: new Float64Array(re), im: new Float64Array(im) });
    expect(() => checkSquare(u(3, 4), 'op')).toThrow(new RangeError('op: U.re and U.im must have 4 entries, got 3 and 4'));
    expect(() => checkSquare(u(4, 3), 'op')).toThrow(new RangeError('op: U.re and U.im must have 4 entries, got 4 and 3'));
  });

  it('InverseCdfSampler names setWeights for empty weights', () => {
    expect(() => new InverseCdfSampler([])).toThrow(new RangeError('InverseCdfSampler.setWeights: weights must be non-empty'));
  });

  it('more argument messages: workspace size, empty permutation, maxPhotons, short out, loss, groups, noise', () => {
    expect(() => createLeaveOneOutWorkspace(31)).toThrow(
      new RangeError('createLeaveOneOutWorkspace: maxRows must be an integer in [0, 30], got 31'),
    );
    expect(() => permutation([])).toThrow(new RangeError('permutation: perm must be non-empty'));
    expect(() => detectorMatrix({ resolution: 'pnr' }, -1)).toThrow(
      new RangeError('detectorMatrix: maxPhotons must be a non-negative integer, got -1'),
    );
    const plan = slosPlan(2, [1, 1]); // 3 final states
    expect(() => partialDistinguishabilityDistribution(plan, beamSplitter(Math.PI / 4).matrix, 0.5, { out: new Float64Array(2) })).toThrow(
      new RangeError('partialDistinguishabilityDistribution: out must hold 3 values, got 2'),
    );
    expect(() => new PartialDistinguishabilitySampler(cidentity(2), [1, 0], { goodPhotonProbability: 0.5, loss: 2 })).toThrow(
      new RangeError('PartialDistinguishabilitySampler: options.loss must be in [0, 1], got 2'),
    );
    expect(() => exactGroupHistogramFromDistribution(plan, new Float64Array(3), [[]])).toThrow(
      new RangeError('exactGroupHistogramFromDistribution: groups[0] must have 1 … 20 modes (2^g bins), got 0'),
    );
    expect(() => secondMoments(cidentity(2), [1, 0], { loss: 2 })).toThrow(
      new RangeError('secondMoments: noise.loss must be a probability in [0, 1], got 2'),
    );
  });

  it('clickMasks, meanCounts and permanentRepeated name themselves and the argument', () => {
    expect(() => clickMasks(Int32Array.of(1, 0, 0, 1), 2, new Uint32Array(3))).toThrow(
      new RangeError('clickMasks: out must have length 2, got 3'),
    );
    expect(() => meanCounts(cmatrix(2, 3), [1, 0])).toThrow(new RangeError('meanCounts: U must be square, got 2×3'));
    expect(() => permanentRepeated(cidentity(2), [1], [1, 0])).toThrow(new RangeError('permanentRepeated: rowMult must have 2 entries, got 1'));
  });

  it('permutation refuses an entry past the end, negative or fractional; clickDistribution and lossyTbi name theirs', () => {
    const msg = (got: string): RangeError => new RangeError(`permutation: perm must be a permutation of 0..2, got [${got}]`);
    expect(() => permutation([0, 3, 1])).toThrow(msg('0, 3, 1'));
    expect(() => permutation([0, -1, 1])).toThrow(msg('0, -1, 1'));
    expect(() => permutation([0, 1.5, 1])).toThrow(msg('0, 1.5, 1'));
    expect(() => clickDistribution(slosPlan(2, [1, 1]), new Float64Array(2))).toThrow(
      new RangeError('clickDistribution: probs must hold 3 values, got 2'),
    );
    const splitters = lossyTbi({ modes: 3, loopLengths: [1], splitterLoss: 0 }).circuit.nParams;
    const losses = new Array<number>(splitters).fill(0.1);
    losses[0] = -0.1;
    expect(() => lossyTbi({ modes: 3, loopLengths: [1], splitterLoss: losses })).toThrow(
      new RangeError('lossyTbi: splitterLoss[0] must be in [0, 1], got -0.1'),
    );
  });
});
